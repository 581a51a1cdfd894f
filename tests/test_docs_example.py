import requests

from contract_tests.validators import explain_newcall

CALL = {"id": 0, "name": "Петров", "phone": "+7 900 111-00-00", "UUID": "crm-1"}


def test_my_client_books_a_call_and_reads_its_cdr(autodialer_mock):
    form = {**CALL, "timestart": "09:00", "timestop": "19:00"}  # without: dialled at any hour
    assert explain_newcall(form) is None  # else: one line saying which rule it breaks
    job = requests.post(f"{autodialer_mock.base}/newcall", data=form).json()["QUERY_ID"]
    autodialer_mock.advance(minutes=5)  # the call rings and ends: …0000 is answered «да»
    [row] = autodialer_mock.cdr(to="89001110000")
    assert (row["QUERY_ID"], row["CODE"]) == (job, "ANSWER/16")
    autodialer_mock.assert_no_contract_warnings()


def test_the_docs_show_this_file_verbatim():
    from pathlib import Path

    here = Path(__file__)
    code = here.read_text("utf-8").split("\n\n\ndef test_the_docs_show")[0]
    for doc in ("docs/contract-kit.md", "README.md"):
        text = (here.parent.parent / doc).read_text("utf-8")
        assert f"```python\n{code}\n```" in text, doc
