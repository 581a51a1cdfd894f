import aiohttp
from aiohttp import web
from standardwebhooks import Webhook

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
CALL = {"name": "Пётр", "phone": "89001230000", "UUID": "crm-42", "timestop": "19:00"}


async def test_my_receiver_gets_answered_calls(autodialer_mock, aiohttp_server):
    stored = []

    async def hook(request):  # your receiver's handler
        stored.append(Webhook(SECRET).verify(await request.read(), dict(request.headers)))
        return web.Response(status=204)

    app = web.Application()
    app.router.add_post("/hook", hook)
    receiver = await aiohttp_server(app)  # on 127.0.0.1, served by this test's loop
    url = str(receiver.make_url("/hook"))
    autodialer_mock.webhooks.subscribe(url, secret=SECRET, statuses=["ANSWER"])
    async with aiohttp.ClientSession() as session:
        await session.post(f"{autodialer_mock.base}/newcall", data=CALL)
    await autodialer_mock.aadvance(hours=1, minutes=5)  # window opens at 10:00; …0000 says «да»
    assert [(e["UUID"], e["answer"]) for e in stored] == [("crm-42", "да")]
    autodialer_mock.webhooks.assert_all_delivered()


def test_the_docs_show_this_file_verbatim():
    from pathlib import Path

    here = Path(__file__)
    docs = (here.parent.parent / "docs" / "contract-kit.md").read_text("utf-8")
    code = here.read_text("utf-8").split("\n\n\ndef test_the_docs_show")[0]
    assert f"```python\n{code}\n```" in docs
