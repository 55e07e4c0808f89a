"""The report document as JSON text with an indent, written in one recursive pass.

The text is exactly what `json.dumps(output._clean(doc), ensure_ascii=False, indent=2, allow_nan=False)`
gives: blank figures (NaN) are null, numpy numbers plain numbers, dates ISO text. Python's own encoder runs
a generator for every value once an indent is asked for; on a breach register of a million tickets that
was most of `servicepledge report --json` (issue 12). Here strings are escaped by json's C function and
the parts joined once.
"""
from __future__ import annotations

import json
import math
from json.encoder import encode_basestring as _str

import numpy as np


def dumps(doc, indent: int = 2) -> str:
    out: list = []
    _write(doc, out, "\n", " " * indent)
    return "".join(out)


def _float(x: float) -> str:
    return "null" if math.isnan(x) or math.isinf(x) else float.__repr__(x)


def _key(k) -> str:
    """A dict key as json writes it (keys that are not text become text)."""
    if isinstance(k, str):
        return _str(k)
    if isinstance(k, float):
        if math.isnan(k) or math.isinf(k):
            raise ValueError(f"Out of range float values are not JSON compliant: {k!r}")
        return _str(float.__repr__(k))
    if k is True or k is False or k is None:
        return _str({True: "true", False: "false", None: "null"}[k])
    if isinstance(k, int):
        return _str(int.__repr__(k))
    raise TypeError(f"keys must be str, int, float, bool or None, not {k.__class__.__name__}")


def _write(x, out: list, nl: str, step: str) -> None:
    t = type(x)
    if t is str:
        out.append(_str(x))
    elif x is None:
        out.append("null")
    elif t is bool:
        out.append("true" if x else "false")
    elif t is int:
        out.append(int.__repr__(x))
    elif t is float:
        out.append(_float(x))
    elif t is dict or isinstance(x, dict):
        if not x:
            out.append("{}")
            return
        inner = nl + step
        sep = "{" + inner
        for k, v in x.items():
            out.append(sep)
            out.append(_str(k) if type(k) is str else _key(k))
            out.append(": ")
            _write(v, out, inner, step)
            sep = "," + inner
        out.append(nl + "}")
    elif t is list or isinstance(x, (list, tuple)):
        if not x:
            out.append("[]")
            return
        inner = nl + step
        sep = "[" + inner
        for v in x:
            out.append(sep)
            _write(v, out, inner, step)
            sep = "," + inner
        out.append(nl + "]")
    else:
        _write_other(x, out, nl, step)


def _write_other(x, out: list, nl: str, step: str) -> None:
    """What output._clean makes of any other value, then as json writes it."""
    if isinstance(x, np.integer):
        out.append(int.__repr__(int(x)))
    elif isinstance(x, (np.floating, float)):
        out.append(_float(float(x)))
    elif isinstance(x, np.bool_):
        out.append("true" if x else "false")
    elif hasattr(x, "isoformat"):
        _write(x.isoformat(), out, nl, step)
    elif isinstance(x, str):
        out.append(_str(x))
    elif isinstance(x, int):
        out.append(int.__repr__(x))
    else:                     # raises TypeError: ... is not JSON serializable, as json.dumps does
        out.append(json.dumps(x, ensure_ascii=False, allow_nan=False))
