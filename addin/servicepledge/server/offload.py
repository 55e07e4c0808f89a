"""Run SP_ functions and scripts off the event loop, and remember finished results for a while.

xlwings Server calls a plain `def` custom function directly on its event loop: one long SP_HOURS
would hold up every other user. Here each call runs in a worker thread (SERVICEPLEDGE_THREADS,
default 4 per server process); several processes come from gunicorn (docs/SERVER.md).

Result cache (per process, SERVICEPLEDGE_RESULT_CACHE_MB, default 64; 0 = off): a recalculation sends the
same tables to many cells, and every manager's workbook recalculates on open. A result is kept only
when it cannot depend on the clock: the call named both its period and its as-of moment (functions
without those arguments, and calls that leave them empty — "now" — are always computed afresh). The
key is a digest of the signed-in user's id, the function and the arguments' content and types as Excel
sent them (BLAKE2b on the server, `memo.fingerprint`), so one user's figures are never served to another; least
recently used results go first.
"""
from __future__ import annotations

import asyncio
import contextvars
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

from ..excel.memo import ByteLRU, fingerprint

_POOL: ThreadPoolExecutor | None = None
_LOCK = threading.Lock()


def pool() -> ThreadPoolExecutor:
    global _POOL
    with _LOCK:
        if _POOL is None:
            n = int(os.environ.get("SERVICEPLEDGE_THREADS", "4") or 4)
            _POOL = ThreadPoolExecutor(max_workers=max(1, n), thread_name_prefix="servicepledge")
        return _POOL


async def run(fn, *args, **kwargs):
    """fn(*args, **kwargs) in a worker thread (with the caller's context variables)."""
    ctx = contextvars.copy_context()
    return await asyncio.get_running_loop().run_in_executor(pool(), lambda: ctx.run(fn, *args, **kwargs))


def _cache_bytes() -> int:
    raw = os.environ.get("SERVICEPLEDGE_RESULT_CACHE_MB", "64").strip() or "64"
    try:
        return int(float(raw) * 1024 * 1024)
    except ValueError:
        return 64 * 1024 * 1024


def ResultCache(max_bytes: int) -> ByteLRU:
    """A bounded LRU of finished results, measured by the size of their JSON; one result may take at most
    a quarter of it (one huge result must not flush everybody else's)."""
    return ByteLRU(max_bytes, max_share=0.25)


CACHE = ResultCache(_cache_bytes())


def _blank(v) -> bool:
    if v is None or v == "":
        return True
    if isinstance(v, list):
        return all(_blank(x) for x in v)
    return False


def cacheable(params: list[str], args: tuple) -> bool:
    """True when the call's figures cannot depend on the clock: it has period and as_of arguments
    and names both."""
    if CACHE.max_bytes <= 0 or "as_of" not in params or "period" not in params:
        return False
    given = dict(zip(params, args))
    return not _blank(given.get("period")) and not _blank(given.get("as_of"))


def current_user_id() -> str:
    """The signed-in user's id as xlwings Server recorded it for this request ('' outside a request)."""
    mod = sys.modules.get("xlwings_server.routers.xlwings")
    var = getattr(mod, "user_id_context", None)
    try:
        return str(var.get()) if var is not None else ""
    except LookupError:
        return ""


def key(user: str, name: str, args: tuple) -> bytes | None:
    """The cache key of a call: a digest of the user, the function and the arguments' content and types
    (`memo.fingerprint`, the same faithful serialisation the table cache uses: 5x faster than JSON on the
    sample's 800 KB of tables); None when an argument cannot be serialised (then nothing is cached)."""
    return fingerprint([str(user), name, list(args)])
