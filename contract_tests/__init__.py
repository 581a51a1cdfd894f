"""The Autodialer contract-test kit.

- Server side: :func:`contract_tests.runner.run` (and ``autodialer-contract check``, and
  ``pytest --pyargs contract_tests``) proves that any base URL behaves as docs/contract.md says;
  :func:`contract_tests.receiver.run` (``autodialer-contract receiver``) checks a webhook
  receiver.
- Client side: hypothesis strategies (:mod:`contract_tests.strategies`), one-line
  validators (:mod:`contract_tests.validators`) and the ``autodialer_mock`` pytest fixture
  (:mod:`contract_tests.plugin`), with ``.webhooks`` (:mod:`contract_tests.webhook_log`).
"""

from __future__ import annotations

from .server import MockServer, manual_config
from .validators import (
    explain,
    explain_cdr,
    explain_make,
    explain_newcall,
    explain_response,
    explain_webhook,
    explain_webhook_request,
)

__all__ = [
    "MockServer",
    "explain",
    "explain_cdr",
    "explain_make",
    "explain_newcall",
    "explain_response",
    "explain_webhook",
    "explain_webhook_request",
    "manual_config",
]
