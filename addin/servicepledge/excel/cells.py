"""How Excel hands values to Python and takes them back, for the SP_ functions and the scripts.

- Arguments arrive as 2-D lists (a range), a scalar (one cell), "" or None (empty/omitted).
- Date cells arrive as Excel serial numbers in xlwings Lite and xlwings Server (Office.js sends no
  date types to custom functions), as datetime objects in classic xlwings (COM converts them).
- Office.js does not tell Python whether the workbook uses the 1900 or the 1904 date system, so a
  1904 workbook has to say so: `set_date_system(1904)` in the Lite workbook's main.py, or the
  environment variable SERVICEPLEDGE_DATE_SYSTEM=1904 (xlwings Server, classic xlwings).
- Every problem becomes one text starting with "#SP!" that names what to fix, never a traceback.
"""
from __future__ import annotations

import contextvars
import datetime as dt
import functools
import itertools
import math
import os
import sys

import numpy as np
import pandas as pd

from ..inputs import coerce
from ..report import terms_from_tables
from ..core.language import say
from ..inputs.tables import InputError, from_grid, match_headers
from ..core.terms import DEFAULT_TERMS, TermsError
from ..inputs.schema import TABLES, header_key

PREFIX = "#SP!"
SHIFT_1904 = dt.timedelta(days=1462)   # between the epochs of the two systems: 1899-12-30 and 1904-01-01
_DATE_SYSTEM: int | None = None         # set_date_system(); None = environment / 1900


# ---------------------------------------------------------------- the date system
def set_date_system(system: int | None) -> None:
    """Declare the workbook's date system (1900 or 1904); None = back to the environment/default."""
    global _DATE_SYSTEM
    if system not in (None, 1900, 1904):
        raise ValueError("the date system is 1900 or 1904")
    _DATE_SYSTEM = system


def date1904() -> bool:
    """True when serial numbers are counted from 1904 (set_date_system, else SERVICEPLEDGE_DATE_SYSTEM)."""
    if _DATE_SYSTEM is not None:
        return _DATE_SYSTEM == 1904
    return os.environ.get("SERVICEPLEDGE_DATE_SYSTEM", "").strip() == "1904"


def remote_runtime() -> bool:
    """xlwings Lite (Pyodide) or xlwings Server: values travel as JSON through Office.js."""
    return sys.platform == "emscripten" or os.environ.get("XLWINGS_ON_SERVER") == "true"


# ---------------------------------------------------------------- errors
def fail(message: str) -> str:
    """The one-cell answer to a problem: '#SP! <what to fix>' (one line, readable length)."""
    text = " ".join(str(message).split())
    if len(text) > 400:
        text = text[:397] + "..."
    return f"{PREFIX} {text}"


# the language of the current SP_ call's '#SP!' texts: the `lang` of its terms argument (DEFINITIONS §12),
# also when another term is wrong; zh (the Terms default) when the call has no terms or they say no lang
_CALL_LANG: contextvars.ContextVar = contextvars.ContextVar("servicepledge_call_lang", default=None)


def guard(fn):
    """Run an SP_ function; turn any problem into one '#SP!' text instead of a traceback, in the language
    of the call's terms (both languages when the terms were not read yet)."""
    @functools.wraps(fn)
    def wrapper(*args):
        token = _CALL_LANG.set(None)
        try:
            return fn(*args)
        except (InputError, TermsError, ValueError) as e:
            return fail(say(e, _CALL_LANG.get() or DEFAULT_TERMS["lang"]))
        except Exception as e:  # last resort: still one readable cell
            return unexpected(e, _CALL_LANG.get())
        finally:
            _CALL_LANG.reset(token)
    wrapper.__doc__ = " ".join((fn.__doc__ or "").split())   # one line in Excel's function help
    return wrapper


def unexpected(e: Exception, lang: str | None = None) -> str:
    """The last-resort '#SP!' text of an error nobody foresaw, in `lang` (else the Terms default)."""
    if (lang or DEFAULT_TERMS["lang"]) == "zh":
        return fail(f"意外错误（{type(e).__name__}: {e}）；请连同工作簿一起报告此问题")
    return fail(f"unexpected error ({type(e).__name__}: {e}); please report it with the workbook")


# ---------------------------------------------------------------- arguments
def is_blank(v) -> bool:
    """An omitted or empty argument: None, "", NaN, or a range of nothing but empty cells."""
    if v is None:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    if isinstance(v, str):
        return not v.strip()
    if isinstance(v, (list, tuple)):
        return all(is_blank(x) for x in v)
    return False


def scalar(v, what: str):
    """One cell's value; a one-cell range is fine, a bigger range is a mistake."""
    v = plain(v)
    while isinstance(v, (list, tuple)):
        flat = [x for x in _flat(v) if not is_blank(x)]
        if len(flat) > 1:
            raise InputError(f"{what}: give one cell or one value, not a range of {len(flat)} values",
                             zh=f"{what}：请给一个单元格或一个值，而不是含 {len(flat)} 个值的区域")
        v = plain(flat[0]) if flat else None
    return None if is_blank(v) else v


def _flat(v):
    for x in v:
        if isinstance(x, (list, tuple)):
            yield from _flat(x)
        else:
            yield x


def plain(x):
    """One cell as Python: Pyodide's JsNull -> None; Office.js entities/errors -> their basic value."""
    if x is None or type(x).__name__ == "JsNull":
        return None
    if isinstance(x, dict):
        return x.get("basicValue")
    return x


def grid(v) -> list[list] | None:
    """A range as a 2-D list (None when empty). A scalar is a 1x1 range, a flat list one row."""
    v = plain(v) if not isinstance(v, (list, tuple)) else v
    if is_blank(v):
        return None
    if not isinstance(v, (list, tuple)):
        return [[v]]
    if v and not isinstance(v[0], (list, tuple)):
        return [[plain(x) for x in v]]
    if all(type(r) is list for r in v) and _PLAIN_TYPES.issuperset(map(type, itertools.chain.from_iterable(v))):
        return v               # nothing to convert (the usual case): no per-cell work, the rows are not copied
    return [[plain(x) for x in r] for r in v]


# cell types that need no plain(): what JSON (xlwings Lite/Server) and COM (classic xlwings) hand over
_PLAIN_TYPES = frozenset({str, float, int, bool, type(None), dt.datetime, dt.date, dt.time})


_UNSET = object()


def table(name: str, value, what: str, issues=None, fp=_UNSET):
    """A whole input table passed with its header row (e.g. Tickets[#All]) -> tables.Loaded.

    Typed once per content (excel.memo): the same cells again give the cached table, and the data
    issues and warnings found while typing it are added to `issues` again. `fp` = the argument's
    memo.fingerprint when the caller has it already. The returned table is shared: do not modify it."""
    from . import memo
    from ..inputs.tables import Issues
    if fp is _UNSET:
        fp = memo.fingerprint(value) if memo.budget() else None
    key = None if fp is None else ("table", name, what, date1904(), fp)
    hit = memo.get(key)
    if hit is None:
        found = Issues()
        try:
            from .blocks import typed
            done = typed(name, value, what, fp, date1904(), f"argument '{what}'", (_PLAIN_TYPES, plain)) if fp else None
            if done is not None:           # a big table: typed block by block, unchanged blocks from the cache
                loaded, found = done
            else:
                loaded = from_grid(name, grid(value), date1904=date1904(), issues=found, source=f"argument '{what}'")
        except InputError as e:
            raise InputError(f"{e.en}. Pass the whole table including its header row, e.g. {name}[#All]",
                             zh=None if e.zh is None else f"{e.zh}。请传入包含表头行的整个表格，例如 {name}[#All]") from None
        hit = (loaded, found.rows, found.warnings, found.zh)
        memo.put(key, hit, memo.loaded_bytes(loaded) + 200 * len(found.rows))
    loaded, rows, warnings, zh = hit
    if issues is not None:       # replayed on every call: a cache hit reports the same issues as a miss
        issues.extend(Issues([dict(r) for r in rows], list(warnings), dict(zh)))
    return loaded


def column(value, what: str) -> tuple[list, tuple]:
    """Cells of a column/row/single value, flattened, with the 2-D shape to give results back in."""
    g = grid(value)
    if g is None:
        return [None], (1, 1)
    width = max(len(r) for r in g)
    if len(g) > 1 and width > 1:
        raise InputError(f"{what}: give one column (or one row) of cells, not a block of {len(g)}x{width}",
                         zh=f"{what}：请给一列（或一行）单元格，而不是 {len(g)}x{width} 的区域")
    return [x for r in g for x in r], (len(g), width)


def datetimes(cells: list) -> tuple[pd.Series, pd.Series]:
    """Cells -> datetime64 (blank -> NaT) and a mask of the cells that are not dates/times."""
    s = pd.Series([None if is_blank(c) else c for c in cells], dtype=object)
    return coerce.to_datetime(s, date1904())


# ---------------------------------------------------------------- the terms argument
_HOLIDAY_HEAD = {header_key(x) for x in ("date", "日期")}


def terms(value, fp=_UNSET):
    """The Terms (parsed once per content, see `table`); the Terms table (key/value, header row optional; extra columns ignored) -> Terms.

    Rows whose key is a date are Holidays overrides (date / working day yes-no), so Microsoft 365
    users may pass VSTACK(Terms[#All], Holidays[#All]). Raises TermsError / InputError."""
    from . import memo
    if fp is _UNSET:
        fp = memo.fingerprint(value) if memo.budget() else None
    key = None if fp is None else ("terms", date1904(), fp)
    hit = memo.get(key)
    if hit is None:
        hit = _terms(value)
        memo.put(key, hit, 16384)
    _CALL_LANG.set(hit["lang"])
    return hit


def _terms(value):
    g = grid(value)
    if g is None:
        return DEFAULT_TERMS
    if max(len(r) for r in g) < 2:
        raise InputError("terms: pass the two-column Terms table (key and value), e.g. Terms[#All]",
                         zh="terms：请传入两列的承诺参数表（参数与取值），如 Terms[#All]")
    key_col, value_col, start = 0, 1, 0
    found = match_headers(TABLES["Terms"], g[0])
    if "key" in found:                             # a header row: columns by name, extras ignored
        key_col, value_col, start = found["key"], found.get("value", found["key"] + 1), 1
    term_rows, holiday_rows = [], []
    for r in g[start:]:
        r = list(r) + [None] * 2
        k, v = r[key_col], r[value_col]
        if is_blank(k):
            continue
        if isinstance(k, str) and header_key(k) in _HOLIDAY_HEAD:
            continue                               # the Holidays header inside a VSTACK
        if _is_date_key(k):
            holiday_rows.append([k, v])
        else:
            term_rows.append([k, v])
            if isinstance(k, str) and header_key(k) == "lang" and str(v).strip().lower() in ("zh", "en", "中文", "english"):
                _CALL_LANG.set("en" if str(v).strip().lower() in ("en", "english") else "zh")   # before any error
    t_loaded = from_grid("Terms", [["key", "value"], *term_rows]) if term_rows else None
    h_loaded = None
    if holiday_rows:
        from ..inputs.tables import Issues
        issues = Issues()
        h_loaded = from_grid("Holidays", [["date", "workday"], *holiday_rows], date1904=date1904(), issues=issues)
        if len(issues):
            first = issues.rows[0]
            raise InputError(f"terms: holiday row {first['row'] - 1}: {first['column']} {first['problem']}",
                             zh=f"terms：节假日第 {first['row'] - 1} 行：{first['column']} "
                                f"{issues.problem_in(first, 'zh')}")
    return terms_from_tables(t_loaded, h_loaded)


def _is_date_key(k) -> bool:
    if isinstance(k, (dt.date, dt.datetime, pd.Timestamp)):
        return True
    if isinstance(k, (int, float, np.integer, np.floating)) and not isinstance(k, bool):
        return True
    if isinstance(k, str) and k.strip()[:1].isdigit():
        _, bad = coerce.to_datetime(pd.Series([k], dtype=object))
        return not bool(bad.iloc[0])
    return False


# ---------------------------------------------------------------- results
def cell(v):
    """A result value as Excel takes it: None for blank, plain floats/ints/str/datetime.

    In a 1904 workbook under xlwings Lite/Server, datetimes are moved so that xlwings' 1900-based
    serial number lands on the right day (classic xlwings hands real dates to Excel)."""
    if v is None:
        return None
    if type(v) is str or type(v) is int:          # most cells: as they are (pd.isna costs ~1.5 µs a cell)
        return v
    if isinstance(v, (pd.Timestamp, dt.datetime, dt.date)) or isinstance(v, np.datetime64):
        if pd.isna(v):
            return None
        v = pd.Timestamp(v).to_pydatetime()
        if date1904() and remote_runtime():
            v = v - SHIFT_1904
        return v
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return None if math.isnan(float(v)) or math.isinf(float(v)) else float(v)
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return v


def table_result(header: list, rows: list) -> list[list]:
    """Header row + rows, every value cleaned, all rows the same width (Excel spills it)."""
    width = max([len(header)] + [len(r) for r in rows])
    out = [[cell(x) for x in list(header) + [None] * (width - len(header))]]
    out += [[cell(x) for x in list(r) + [None] * (width - len(r))] for r in rows]
    return out


def shaped(values: list, shape: tuple) -> list[list]:
    """Flat results back in the 2-D shape of the input (a column stays a column)."""
    n_rows, n_cols = shape
    if n_rows == 1:
        return [list(values)]
    return [[v] for v in values]
