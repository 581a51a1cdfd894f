import pytest
import requests

CALL = {"id": 0, "name": "Петров", "phone": "+7 900 111-00-00", "UUID": "crm-1"}


@pytest.mark.autodialer_cassette("cassettes/day.jsonl")
def test_my_client_reads_a_recorded_day(autodialer_mock):
    form = {**CALL, "timestart": "09:00", "timestop": "19:00"}
    job = requests.post(f"{autodialer_mock.base}/newcall", data=form).json()["QUERY_ID"]
    [row] = requests.get(f"{autodialer_mock.base}/cdr", params={"to": "89001110000"}).json()
    assert (row["QUERY_ID"], row["CODE"]) == (job, "ANSWER/16")


def test_the_docs_show_this_file_verbatim():
    from pathlib import Path

    here = Path(__file__)
    code = here.read_text("utf-8").split("\n\n\ndef test_the_docs_show")[0]
    text = (here.parent.parent / "docs" / "proxy.md").read_text("utf-8")
    assert f"```python\n{code}\n```" in text
