"""The Autodialer contract-test kit.

- Server side: :func:`contract_tests.runner.run` (and ``autodialer-contract check``, and
  ``pytest --pyargs contract_tests``) proves that any base URL behaves as SPEC.md says.
- Client side: hypothesis strategies (:mod:`contract_tests.strategies`), one-line
  validators (:mod:`contract_tests.validators`) and the ``autodialer_mock`` pytest fixture
  (:mod:`contract_tests.plugin`).
"""

from __future__ import annotations

from .server import MockServer, manual_config
from .validators import explain, explain_cdr, explain_make, explain_newcall, explain_response

__all__ = [
    "MockServer",
    "explain",
    "explain_cdr",
    "explain_make",
    "explain_newcall",
    "explain_response",
    "manual_config",
]
