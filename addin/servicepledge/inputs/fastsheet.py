"""The fast read of a big input sheet: fastexcel (Rust, calamine inside) hands over whole columns as Arrow.

Used only for a sheet with its header in row 1 whose box the safety scan (scan.py) found in proportion,
and only when every column holds one kind of cell (fastexcel's strict typing: all dates, all numbers, all
text, all yes/no; empty and error cells count as blank, as python-calamine reports them). Anything else —
a column the scan saw holding several kinds (text among numbers, '待定' among dates: known before fastexcel
parses anything), a header that is not plain text, a date outside 1900-03-01 … 9999-12-31, a mapping for
the table — returns None and the sheet is read cell by cell exactly as before by python-calamine. Without python-calamine
(or when it cannot open the file) openpyxl reads as before and fastexcel is not used.

What comes out is what `tables.load` would have been given by python-calamine, column by column: date
columns as datetime64 (the same values python-calamine's date cells give, to the millisecond), number
columns as float64, and every other column as the same Python values python-calamine returns ('' for an
empty cell). tests/test_fastsheet.py reads workbooks both ways and compares the typed tables.
"""
from __future__ import annotations

import logging
import re
import zipfile

import numpy as np
import pandas as pd

from . import coerce
from .schema import TABLES

_ROW = re.compile(rb"<row\b([^>]*?)(/?)>")
_ROW_R = re.compile(rb'\br="(\d+)"')
_CELL_TAG = re.compile(rb"<c\b([^>]*?)(/?)>")
_TYPE = re.compile(rb'\bt="([^"]*)"')
_HEAD_MAX = 4 << 20                       # row 1 is read from the sheet's first 4 MB at most
_DATED = ("datetime", "date")
_LOW = {False: np.datetime64("1900-03-01", "ms"), True: np.datetime64("1904-01-02", "ms")}
_HIGH = np.datetime64(coerce._MAX.to_datetime64(), "ms")
_LOGGERS = ("fastexcel", "fastexcel.types.dtype", "fastexcel.types")


def available() -> bool:
    """fastexcel, pyarrow and python-calamine are all installed (extra `fast`): the fast read reproduces
    python-calamine's, so without python-calamine (openpyxl reads, as in Pyodide) it is not used either."""
    try:
        import fastexcel  # noqa: F401
        import pyarrow  # noqa: F401
        import python_calamine  # noqa: F401
    except ImportError:        # Pyodide / minimal installs
        return False
    return True


class _Quiet(logging.Filter):
    """fastexcel logs 'Could not determine dtype for column 5, falling back to string' for every empty
    column; that is no news for the user (the column is typed cell by cell)."""

    def filter(self, record):
        return False


def header_is_text(path, part: str) -> bool:
    """Row 1 of the sheet's XML holds values, and every one of them is a text cell (a header typed as a
    number or a date is read cell by cell: its wording differs between readers)."""
    with zipfile.ZipFile(path) as z, z.open(part) as f:
        buf = b""
        while b"</row>" not in buf and len(buf) < _HEAD_MAX:
            data = f.read(1 << 16)
            if not data:
                break
            buf += data
    m = _ROW.search(buf)
    if not m or m[2] == b"/":
        return False
    r = _ROW_R.search(m[1])
    if not r or r[1] != b"1":
        return False
    end = buf.find(b"</row>", m.end())
    if end < 0:
        return False
    row = buf[m.end():end]
    valued = 0
    for c in _CELL_TAG.finditer(row):
        if c[2] == b"/":
            continue
        close = row.find(b"</c>", c.end())
        inner = row[c.end():close if close >= 0 else len(row)]
        if b"<v" not in inner and b"<is" not in inner:
            continue
        t = _TYPE.search(c[1])
        if not t or t[1] not in (b"s", b"str", b"inlineStr"):
            return False
        valued += 1
    return valued > 0


def _names(cols) -> list | None:
    """The header as python-calamine gives it, from fastexcel's column names; None when fastexcel renamed
    one (two columns of the same name become 'x' and 'x_1': which one the user wrote is not known)."""
    names = [("" if c.column_name_from == "generated" else c.name) for c in cols]
    given = set(names)
    for n in names:
        m = re.match(r"^(.*)_(\d+)$", n, flags=re.S)
        if m and m[1] in given:
            return None
    return names


def read(path, part: str, sheet: str, table: str, width: int, date1904: bool, mapped: bool,
         header: list | None = None, cache: dict | None = None, kinds=None):
    """(header, raw DataFrame of the data rows) for `tables.load`, or None to read the sheet as before.

    `width`: the sheet's last column with a value (the scan's); `mapped`: a mapping applies to the table;
    `header`: the header to use instead of row 1's cells (an Excel Table's own column names); `cache`: a
    dict kept by the caller for the file's fastexcel reader (opened once for all its sheets); `kinds`: the
    kinds of cell of each column (scan.Extent.kinds), when the scan learnt them: a mixed column is not
    left to fail fastexcel's strict typing after it has parsed the whole sheet. Whatever goes wrong here
    only means the sheet is read cell by cell, as before."""
    try:
        return _read(path, part, sheet, table, width, date1904, mapped, header, cache, kinds)
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except BaseException:      # a pyo3 panic is a BaseException
        return None


def mixed_columns(kinds, width: int) -> list | None:
    """The columns (0-based) holding more than one kind of cell below the header (text and numbers, yes/no
    and numbers, …) by the scan's look at each cell's type; None when a column holds a kind fastexcel has
    no column type for (an ISO date cell, an unknown type) among other kinds, or the scan did not learn the
    kinds."""
    if kinds is None:
        return None
    from .scan import BOOL, NUMBER, OTHER, TEXT
    k = np.zeros(width + 1, np.uint8)
    k[:min(len(kinds), width + 1)] = kinds[:width + 1]
    k = k[1:]
    n = ((k & NUMBER) > 0).astype(int) + ((k & TEXT) > 0) + ((k & BOOL) > 0)
    if ((k & OTHER).astype(bool) & (n > 0)).any():
        return None
    return [int(i) for i in np.flatnonzero(n > 1)]


def _read(path, part: str, sheet: str, table: str, width: int, date1904: bool, mapped: bool,
         header: list | None, cache: dict | None, kinds=None):
    if mapped or not available() or not header_is_text(path, part):
        return None
    if kinds is not None and mixed_columns(kinds, width) != []:
        return None             # a mixed column (or a kind of cell fastexcel has no column type for): strict
                                # typing would fail after parsing the whole sheet; python-calamine reads it
    import fastexcel
    import pyarrow as pa
    quiet = _Quiet()
    logs = [logging.getLogger(n) for n in _LOGGERS]
    for log in logs:
        log.addFilter(quiet)
    try:
        cache = {} if cache is None else cache
        reader = cache.get("reader") or cache.setdefault("reader", fastexcel.read_excel(str(path)))
        sh = reader.load_sheet(sheet, header_row=0, schema_sample_rows=None, dtype_coercion="strict")
        cols = sh.available_columns()
        if not cols or cols[0].absolute_index != 0 or len(cols) > width:
            return None
        names = _names(cols)
        if names is None:
            return None
        batch = sh.to_arrow()
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:      # a mixed column (strict typing), a panic: the cell-by-cell read decides
        return None
    finally:
        for log in logs:
            log.removeFilter(quiet)
    from .tables import match_headers
    if header is not None:
        names = [str(h) for h in header]
    found = match_headers(TABLES[table], [n.strip() for n in names])
    col_at = {i: TABLES[table].column(c) for c, i in found.items()}
    n = batch.num_rows
    out = {}
    for i in range(batch.num_columns):
        c = col_at.get(i)
        col = out[i] = _column(batch.column(i), c and c.kind, date1904, pa, bool(c and not c.unique))
        if col is None:
            return None
    for i in range(batch.num_columns, width):      # columns with formatting but no value: blank
        out[i] = _blank_cells(n)
    header = names + [None] * (width - len(names))
    index = pd.RangeIndex(n)   # object columns stay object (pandas would infer its own string dtype)
    return header, pd.DataFrame({i: pd.Series(a, index=index, dtype=a.dtype, copy=False) for i, a in out.items()})


def _blank_cells(n: int) -> np.ndarray:
    a = np.empty(n, dtype=object)
    a[:] = ""
    return a


def _column(col, kind, date1904: bool, pa, repeats: bool = False):
    """One Arrow column -> what tables.load gets from python-calamine for it; None when it cannot be exact.

    `repeats`: a known column whose values may repeat (not an id): text comes as a pandas Categorical when
    its distinct values are few, and tables.load converts each distinct value once (every conversion works
    cell by cell, so the result is the same as converting every cell)."""
    t = col.type
    if pa.types.is_timestamp(t):
        if t.tz is not None:
            return None
        ms = col.cast(pa.timestamp("ms")).to_numpy(zero_copy_only=False)
        ok = ~np.isnat(ms)
        if ok.any() and (ms[ok].min() < _LOW[date1904] or ms[ok].max() > _HIGH):
            return None                 # Excel's 1900 leap day, times of day, years past 9999: cell by cell
        if kind in _DATED:
            return ms.astype(coerce.DT)
        # elsewhere python-calamine's objects: a date at midnight, else a datetime (to the millisecond)
        a = ms.astype(object)
        day = ok & (ms.astype("int64") % 86_400_000 == 0)
        a[day] = ms[day].astype("datetime64[D]").astype(object)
        a[~ok] = ""
        return a
    if pa.types.is_floating(t):
        v = col.to_numpy(zero_copy_only=False).astype("float64")
        if kind == "number":
            return v
        miss = np.isnan(v)
        a = v.astype(object)
        a[miss] = ""
        return a
    if repeats and (pa.types.is_string(t) or pa.types.is_large_string(t)) and len(col):
        d = col.dictionary_encode()
        if len(d.dictionary) <= len(col) // 2:
            cats = d.dictionary.to_numpy(zero_copy_only=False).astype(object)
            codes = d.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int32)
            return pd.Categorical.from_codes(codes, categories=pd.Index(cats, dtype=object))
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_null(t) or pa.types.is_boolean(t):
        a = col.to_numpy(zero_copy_only=False)
        if a.dtype != object:
            a = a.astype(object)
        if col.null_count:
            a[col.is_null().to_numpy(zero_copy_only=False)] = ""
        return a
    return None                          # integers, durations, dates without time: cell by cell
