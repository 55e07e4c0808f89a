"""The cells of a sheet's mixed columns, for the fast read (fastsheet.py) of a sheet where a few columns hold
more than one kind of cell: an id typed as numbers and as text, a '待定' among the dates, a yes/no among numbers.

fastexcel reads such a column as text (its own numbers-to-text loses digits), so this module reads the
cell types and the stored numbers of just those columns from the sheet's XML, and `values` rebuilds the
column cell for cell as python-calamine gives it: text cells as fastexcel's text (the same calamine
underneath), numbers from the XML as Python floats, yes/no cells as True/False, error and empty cells as
'', date cells as datetime (date at midnight). Whatever it cannot rebuild exactly — a cell tag written
differently, a duration or time-of-day format, a date outside 1900-03-01 … 9999-12-31, an ISO date cell —
returns None and the whole sheet is read cell by cell by python-calamine, as before.
"""
from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass

import numpy as np


_TEXT = (b"s", b"str", b"inlineStr")
_DURATION = re.compile(r"\[\s*[hHmMsS]")      # [h]:mm, [mm]:ss …: python-calamine gives a timedelta
_STYLES_MAX = 16 * 1024 ** 2


@dataclass
class Cells:
    """The value cells of one column below row 1, in sheet order: Excel row, t attribute (b'' when none),
    style index (0 when none is written, as Excel reads it), the <v> text (b'' when none)."""
    rows: np.ndarray
    types: np.ndarray
    styles: np.ndarray
    stored: np.ndarray


def letters(col: int) -> bytes:
    """0-based column index -> its Excel letters (0 -> b'A')."""
    s, n = b"", col + 1
    while n:
        n, r = divmod(n - 1, 26)
        s = bytes([65 + r]) + s
    return s


def read(chunks, columns: list) -> dict | None:
    """{0-based column: Cells} for `columns`, from the sheet XML's `chunks` (scan.Layout._chunks: each ends
    before an unfinished tag); None when a cell tag of these columns is not written the plain way
    (<c r="A1" s="1" t="s">, s before or after t, nothing else; then <f>, <v> or <is>), so that its
    value could be misread."""
    names = b"|".join(letters(c) for c in columns)
    cell = re.compile(rb'<c r="(' + names + rb')(\d+)"((?: s="(\d+)")?(?: t="(\w+)")?(?: s="(\d+)")?(?:(/)>|>'
                      rb'(?:<f\b[^>]*/>|<f\b[^>]*>[^<]*</f>)?(?:<v>([^<]*)</v>|<v\s*/>)?(?=</c>|<is>)))?')
    parts = []
    tail = b""
    for buf in chunks:
        buf = tail + buf
        cut = buf.rfind(b"<c ")               # a cell cut by the chunk's end: carried over to the next one
        if cut >= 0 and buf.find(b"</c>", cut) < 0:
            buf, tail = buf[:cut], buf[cut:]
            if len(tail) > 1 << 20:
                return None
        else:
            tail = b""
        got = _fields(cell.findall(buf), columns)
        if got is None:
            return None
        parts.append(got)
    if tail:
        got = _fields(cell.findall(tail), columns)
        if got is None:
            return None
        parts.append(got)
    cols, rows, styles, kinds, closed, stored = (np.concatenate([p[k] for p in parts]) for k in range(6))
    valued = (closed != b"/") & (rows > 1)                         # <c … />: formatting only, no value
    out = {}
    for c in columns:
        idx = np.flatnonzero((cols == c) & valued)
        r = rows[idx]
        if (np.diff(r) <= 0).any():              # rows out of order or a cell twice: python-calamine reads it
            return None
        out[c] = Cells(r, kinds[idx], styles[idx], stored[idx])
    return out


def _fields(found: list, columns: list):
    """The regex's matches of one chunk as arrays (column, row, style, t, '/' when self-closing, <v> text);
    None when a tag is not written the plain way."""
    if not all(m[2] for m in found):             # the tag is not plain: python-calamine reads it
        return None
    if len(columns) == 1:
        cols = np.full(len(found), columns[0], dtype=np.int32)
    else:
        at = {letters(c): c for c in columns}
        cols = np.array([at[m[0]] for m in found], dtype=np.int32)
    rows = np.array([m[1] for m in found] or [b"0"]).astype(np.int64)[:len(found)]
    if any(m[3] and m[5] for m in found):       # s written twice
        return None
    style = np.array([m[3] or m[5] or b"0" for m in found] or [b"0"]).astype(np.int64)[:len(found)]
    if not found:
        return cols, rows, style, np.zeros(0, "S1"), np.zeros(0, "S1"), np.zeros(0, "S1")
    return (cols, rows, style, np.array([m[4] for m in found], dtype=bytes), np.array([m[6] for m in found], dtype="S1"),
            np.array([b"" if m[4] in _TEXT else m[7] for m in found], dtype=bytes))   # text comes from fastexcel


def duration_styles(path) -> tuple[set, int] | None:
    """(the style indices (s="…") whose number format python-calamine reads as a duration, or unknown; the
    number of styles); None when the styles part cannot be read."""
    try:
        from defusedxml.ElementTree import fromstring
        with zipfile.ZipFile(path) as z:
            try:
                info = z.getinfo("xl/styles.xml")
            except KeyError:
                return set(), 0
            if info.file_size > _STYLES_MAX:
                return None
            root = fromstring(z.read(info))
    except Exception:
        return None
    codes = {}
    for el in root.iter():
        if el.tag.endswith("}numFmt") or el.tag == "numFmt":
            codes[el.get("numFmtId")] = el.get("formatCode") or ""
    xfs = next((el for el in root.iter() if el.tag.endswith("}cellXfs") or el.tag == "cellXfs"), None)
    xfs = [] if xfs is None else [x for x in xfs if x.tag.endswith("xf")]
    out = set()
    for i, xf in enumerate(xfs):
        fid = xf.get("numFmtId") or "0"
        code = codes.get(fid)
        if fid == "46" or (code is not None and _DURATION.search(code)) or (code is None and not
                                                                             (fid.isdigit() and int(fid) < 164)):
            out.add(i)
    return out, len(xfs)


_NUMERIC = np.zeros(256, bool)              # bytes of a number as Excel stores it (and the padding)
_NUMERIC[list(b"0123456789.eE+-\0")] = True


def values(cells: Cells, col, n: int, date1904: bool, styles: tuple, low, high) -> np.ndarray | None:
    """The column as python-calamine gives it (object array of `n` data rows, Excel row 2 first), from the
    XML's cells and fastexcel's text of the same column (`col`: a pyarrow string array); None when a cell
    cannot be rebuilt exactly. `styles`: duration_styles(); `low`/`high`: the dates the fast read takes
    (fastsheet._LOW/_HIGH)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    out = np.empty(n, dtype=object)
    out[:] = ""
    at = cells.rows - 2
    if len(col) != n or (len(at) and at.max() >= n):
        return None
    t = cells.types
    is_text = (t == b"s") | (t == b"str") | (t == b"inlineStr")
    is_num = (t == b"") | (t == b"n")
    is_bool = t == b"b"
    if not (is_text | is_num | is_bool | (t == b"e")).all():
        return None                              # an ISO date cell (t="d") or an unknown type
    text = col.to_numpy(zero_copy_only=False)
    null = col.is_null().to_numpy(zero_copy_only=False)
    if is_text.any():
        k = at[is_text]
        got = text[k]
        got[null[k]] = ""
        out[k] = got
    if is_bool.any():
        v = cells.stored[is_bool]
        if not ((v == b"0") | (v == b"1")).all():
            return None
        out[at[is_bool]] = (v == b"1").astype(object)
    if is_num.any():
        k = at[is_num]
        stored = cells.stored[is_num]
        empty = stored == b""
        if (empty & ~null[k]).any():
            return None
        colon = pc.fill_null(pc.match_substring(col, ":"), False).to_numpy(zero_copy_only=False)[k]
        dated = colon & ~empty
        plain = ~colon & ~empty
        if plain.any():
            v = stored[plain]
            if not _NUMERIC[v.view(np.uint8)].all():
                return None                      # white space, '_' …: not as Excel writes a number
            try:
                f = v.astype(np.float64)         # correctly rounded, as float() and calamine's parse
            except ValueError:
                return None
            if not np.isfinite(f).all():
                return None
            out[k[plain]] = f.astype(object)
        if dated.any():
            durations, count = styles
            st = cells.styles[is_num][dated]
            if (st >= count).any() or np.isin(st, list(durations)).any():
                return None                      # a duration (timedelta) or an unknown style
            try:
                us = pc.cast(col.take(pa.array(k[dated])), pa.timestamp("us")).to_numpy(zero_copy_only=False)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                return None
            us = us.astype("datetime64[us]")
            if np.isnat(us).any() or (us.astype("int64") % 1000).any() or us.min() < low[date1904] or us.max() > high:
                return None                      # times of day alone, the 1900 leap day, years past 9999
            ms = us.astype("datetime64[ms]")
            obj = ms.astype(object)
            day = ms.astype("int64") % 86_400_000 == 0
            obj[day] = ms[day].astype("datetime64[D]").astype(object)
            out[k[dated]] = obj
    return out
