"""docs/webhooks.md's JavaScript for reading ``query_id`` exactly, run by ``node`` as written
(skipped where node is not installed)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from .support import ROOT

NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")


def js_blocks() -> list[str]:
    return re.findall(
        r"```js\n(.*?)\n```", (ROOT / "docs" / "webhooks.md").read_text("utf-8"), re.S
    )


def node(script: str) -> str:
    assert NODE is not None
    done = subprocess.run([NODE, "-e", script], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_json_parse_corrupts_query_id_as_the_docs_say() -> None:
    (shown,) = [b for b in js_blocks() if b.startswith("JSON.parse(")]
    expression, comment = shown.split("  // ")
    assert node(f"console.log(String({expression}))") == comment.split(":")[0]


def test_the_docs_parser_keeps_long_integers_exact_and_strings_untouched() -> None:
    (parser,) = [b for b in js_blocks() if "function parseWebhook" in b]
    body = json.dumps(
        {
            "event_id": "evt_0",
            "query_id": 66900062392749367,
            "UUID": "12345678901234567890",  # a string of digits stays the string it was
            "phone": "89001230000",
            "duration": 36,
            "var1": 'кавычки \\" и 1234567890123456789 внутри',
            "time": "2026-11-27 09:00:00 +0300",
        },
        ensure_ascii=False,
    )
    check = (
        f"{parser}\n"
        f"const event = parseWebhook(Buffer.from({json.dumps(body)}, 'utf8'));\n"
        "console.log(JSON.stringify(event));\n"
    )
    parsed = json.loads(node(check))
    expected = json.loads(body)
    assert parsed == {**expected, "query_id": "66900062392749367"}


def test_the_docs_reviver_reads_query_id_from_its_source_text_on_node_21() -> None:
    if int(node("console.log(process.versions.node.split('.')[0])")) < 21:
        pytest.skip("a reviver's context.source needs Node.js 21 or later")
    text = (ROOT / "docs" / "webhooks.md").read_text("utf-8")
    (reviver,) = re.findall(r"`(JSON\.parse\(raw, \(key, value, context\).*?)`", text)
    raw = json.dumps(json.dumps({"query_id": 66900062392749367, "id": "1"}))
    assert node(f"const raw = {raw};\nconsole.log(String({reviver}.query_id))") == (
        "66900062392749367"
    )
