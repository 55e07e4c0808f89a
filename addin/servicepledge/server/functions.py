"""The SP_ worksheet functions as xlwings Server serves them (project/custom_functions imports this).

Same functions, same help texts as servicepledge.excel.functions (xlwings Lite and classic xlwings
use that module directly). What changes on the server:

- each call runs in a worker thread (`offload`), so one long call does not hold up other users;
- role: a signed-in user needs the `manager` role (SERVICEPLEDGE_ROLE_MANAGER) to call them; without
  it the cell shows xlwings' "Access Denied ... missing the following roles: manager";
- results that cannot depend on the clock are remembered per user (`offload.CACHE`);
- SP_CHART returns its chart as an in-cell picture (an Excel WebImage value holding the PNG).
"""
from __future__ import annotations

import base64
import copy
import functools
import inspect
import os

from ..excel import cells
from ..excel import functions as _F
from ..excel import memo
from . import offload, settings

memo.shared_by_users()      # several users' tables in one process: digests that resist collisions made on purpose

ROLE = os.environ.get("SERVICEPLEDGE_ROLE_MANAGER", "manager")
NAMES = list(_F.__all__)
__all__ = NAMES


def _picture(fig, kind) -> list[list]:
    """A matplotlib Figure as Excel's in-cell picture value (Office.js WebImage, PNG as a data URL)."""
    from ..outputs import charts
    png = charts.png_bytes(fig)
    fig.clear()                        # the figure's artists go now, not whenever the GC gets to them
    return [[{"type": "WebImage", "address": "data:image/png;base64," + base64.b64encode(png).decode("ascii"),
              "altText": f"servicepledge chart: {kind}"}]]


def _call(fn, args: tuple, kwargs: dict):
    """The SP_ function in a worker thread; a figure becomes a picture; never a traceback."""
    try:
        out = fn(*args, **kwargs)
        if hasattr(out, "savefig"):
            out = _picture(out, args[0] if args else "")
        return out
    except Exception as e:           # guard already turns input problems into #SP! texts
        return cells.unexpected(e)


def _arity(fn, sig, args: tuple, kwargs: dict) -> str | None:
    """'#SP! …' when the call does not fit the function (only a request the add-in did not build), else None."""
    try:
        sig.bind(*args, **kwargs)
        return None
    except TypeError:
        ps = sig.parameters.values()
        need = sum(p.default is inspect.Parameter.empty for p in ps)
        most = len(sig.parameters)
        span = f"{need}" if need == most else f"{need}–{most}"
        return cells.fail(f"{fn.__name__} 需要 {span} 个参数，收到 {len(args) + len(kwargs)} 个 / {fn.__name__} takes "
                          f"{span} arguments, got {len(args) + len(kwargs)}: reload the add-in")


def _served(fn):
    sig = inspect.signature(fn)
    params = list(sig.parameters)

    @functools.wraps(fn)
    async def served(*args, **kwargs):
        wrong = _arity(fn, sig, args, kwargs)
        if wrong:
            return wrong
        if kwargs or not offload.cacheable(params, args):
            return await offload.run(_call, fn, args, kwargs)
        user = offload.current_user_id()
        k = await offload.run(offload.key, user, fn.__name__, args)
        hit = offload.CACHE.get(k) if k is not None else None
        if hit is not None:
            return hit
        out = await offload.run(_call, fn, args, kwargs)
        if k is not None and not (isinstance(out, str) and out.startswith(cells.PREFIX)):  # problems are re-checked
            offload.CACHE.put(k, out, len(repr(out)))
        return out

    served.__xlfunc__ = copy.deepcopy(fn.__xlfunc__)
    served.__xlfunc__["required_roles"] = [ROLE] if settings.roles_enforced() else None
    return served


for _name in NAMES:
    globals()[_name] = _served(getattr(_F, _name))
