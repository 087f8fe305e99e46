"""The baseline: a bare aiohttp handler on the Messages.create path that reads the form and answers a fixed
201 JSON. What the emulator is measured against: aiohttp's own cost for the same request.
Usage: python benchmarks/bare_server.py [--loop uvloop]   (the emulator's serve --loop, for the same loop)"""
import asyncio
import json
import socket
import sys

from aiohttp import web

BODY = json.dumps({"sid": "SM" + "0" * 32, "status": "queued"}).encode()


async def create(request: web.Request) -> web.Response:
    await request.post()
    return web.Response(body=BODY, status=201, content_type="application/json")


if __name__ == "__main__":
    if sys.argv[1:] not in ([], ["--loop", "asyncio"], ["--loop", "uvloop"]):
        raise SystemExit(__doc__.splitlines()[-1])
    if sys.argv[1:] == ["--loop", "uvloop"]:
        import uvloop
        loop = uvloop.new_event_loop()
    else:
        loop = asyncio.new_event_loop()
    app = web.Application()
    app.router.add_post("/2010-04-01/Accounts/{AccountSid}/Messages.json", create)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    print(f"listening on http://127.0.0.1:{sock.getsockname()[1]}", file=sys.stderr, flush=True)
    web.run_app(app, sock=sock, access_log=None, print=None, loop=loop)
