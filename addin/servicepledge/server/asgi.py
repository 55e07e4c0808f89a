"""The ASGI app to serve: xlwings Server's app (`xlwings_server.main:main_app`) behind three guards.

    uvicorn servicepledge.server.asgi:app --workers 2      (what `servicepledge serve` runs)

- Request size: bodies over SERVICEPLEDGE_MAX_BODY_MB (default 20) get 413 with one line, checked on
  the Content-Length header and again while the body streams in (no header, or a false one).
- Host: requests whose Host header is not in SERVICEPLEDGE_ALLOWED_HOSTS get 400 (defends against
  DNS rebinding; '*' turns the check off). CORS stays xlwings Server's XLWINGS_CORS_ALLOW_ORIGINS
  (empty by default: the add-in's own pages need no CORS).
- Errors: a malformed request gets one line (422/400), never the request body echoed back; anything
  unexpected is xlwings Server's "An error occurred." (500) with the details in the server log.
"""
from __future__ import annotations

import json
import logging
import sys

from . import settings

if sys.platform != "emscripten" and "pyodide" not in sys.modules:
    # xlwings' argument conversion tries `from pyodide.ffi import JsNull` for every argument of every
    # call; off Pyodide each try searches the whole sys.path before failing (about 0.7 ms, nine times
    # per SP_KPIS call, on the event loop). Recording the module as absent makes the failure immediate.
    sys.modules["pyodide"] = None

settings.apply_defaults()
settings.check_startup()
if "entraid" in settings.auth_providers():
    from . import entra
    entra.check_startup()

from fastapi.exceptions import RequestValidationError  # noqa: E402
from fastapi.responses import PlainTextResponse  # noqa: E402
from xlwings_server.main import app as xlwings_app  # noqa: E402
from xlwings_server.main import main_app  # noqa: E402
from xlwings import XlwingsError  # noqa: E402

log = logging.getLogger("servicepledge.server")

TOO_LARGE = "请求太大 / Request too large: the tables sent exceed {mb} MB (SERVICEPLEDGE_MAX_BODY_MB)."
BAD_HOST = "Bad Host header: this server answers to {hosts} (SERVICEPLEDGE_ALLOWED_HOSTS)."
BAD_REQUEST = "请求格式不对 / Malformed request: the body is not what the xlwings add-in sends."
UNKNOWN = ("服务器上没有“{name}” / This server has no function or script '{name}': the add-in and the server "
           "are different versions; reload the add-in.")
CALLS = ("/xlwings/custom-functions-call", "/xlwings/custom-scripts-call/")


@xlwings_app.exception_handler(RequestValidationError)
async def _validation(request, exc):
    """FastAPI would answer 422 with the offending input echoed back; say one line instead."""
    return PlainTextResponse(BAD_REQUEST, status_code=422)


@xlwings_app.exception_handler(json.JSONDecodeError)
async def _bad_json(request, exc):
    return PlainTextResponse(BAD_REQUEST, status_code=400)


@xlwings_app.exception_handler(UnicodeDecodeError)
async def _bad_text(request, exc):
    return PlainTextResponse(BAD_REQUEST, status_code=400)


_xlwings_500 = xlwings_app.exception_handlers[Exception]
_xlwings_400 = xlwings_app.exception_handlers[XlwingsError]


@xlwings_app.exception_handler(KeyError)
@xlwings_app.exception_handler(TypeError)
@xlwings_app.exception_handler(AttributeError)
async def _shape(request, exc):
    """A function or script call whose body lacks what the add-in always sends (func_name, args, book) or
    names a function this server does not have: 400 with one line, not xlwings Server's 500. Elsewhere
    these stay what they are (a fault of the server: 500, details in the log)."""
    path = request.url.path
    if not any(c in path for c in CALLS):
        return await _xlwings_500(request, exc)
    log.warning("malformed call to %s: %s: %s", path, type(exc).__name__, str(exc)[:200],
                exc_info=(type(exc), exc, exc.__traceback__))
    if isinstance(exc, AttributeError) and "has no attribute" in str(exc):
        name = " ".join(str(exc).rsplit("attribute", 1)[-1].strip(" '\"").split())[:60]
        return PlainTextResponse(UNKNOWN.format(name=name), status_code=404)
    return PlainTextResponse(BAD_REQUEST, status_code=400)


@xlwings_app.exception_handler(XlwingsError)
async def _xlwings_error(request, exc):
    """xlwings' own one-line 400s, except that a script call without the workbook says so instead of
    'The interactive mode of xlwings is only supported on Windows and macOS'."""
    if "interactive mode" in str(exc):
        return PlainTextResponse(BAD_REQUEST, status_code=400)
    return await _xlwings_400(request, exc)


async def _plain(send, status: int, text: str) -> None:
    body = text.encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()), (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


class Guard:
    """ASGI middleware: Host check and request-size limit in front of xlwings Server."""

    def __init__(self, inner, max_body: int, hosts: list[str]):
        self.inner, self.max_body, self.hosts = inner, max_body, hosts

    def _host_ok(self, scope) -> bool:
        if "*" in self.hosts:
            return True
        for k, v in scope.get("headers", []):
            if k == b"host":
                h = v.decode("latin-1").strip().lower()
                h = h[1:h.index("]")] if h.startswith("[") and "]" in h else h.rsplit(":", 1)[0] if h.count(":") == 1 else h
                return h in self.hosts
        return False

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.inner(scope, receive, send)
        if not self._host_ok(scope):
            return await _plain(send, 400, BAD_HOST.format(hosts=", ".join(self.hosts)))
        mb = f"{self.max_body / 1024 / 1024:g}"
        for k, v in scope.get("headers", []):
            if k == b"content-length":
                try:
                    n = int(v)
                except ValueError:
                    return await _plain(send, 400, BAD_REQUEST)
                if n > self.max_body:
                    return await _plain(send, 413, TOO_LARGE.format(mb=mb))
        seen, started, refused = 0, False, False

        async def counted():
            nonlocal seen, refused
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > self.max_body:
                    if not started and not refused:
                        refused = True          # answer now; whatever the app says afterwards is dropped
                        await _plain(send, 413, TOO_LARGE.format(mb=mb))
                    return {"type": "http.disconnect"}
            return msg

        async def tracked(msg):
            nonlocal started
            if refused:
                return
            if msg["type"] == "http.response.start":
                started = True
            await send(msg)

        try:
            await self.inner(scope, counted, tracked)
        except Exception:
            if not refused:
                raise


app = Guard(main_app, settings.max_body(), settings.allowed_hosts())
