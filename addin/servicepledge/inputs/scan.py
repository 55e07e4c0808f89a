"""Look at a workbook's parts before any reader allocates memory for them.

A reader allocates a grid as large as the box from A1 to the last cell that holds a value: one value
typed at XFD1048576 asks for 17 billion cells, and python-calamine then aborts the whole process.
So before reading we stream each sheet's XML once, in bounded chunks, and note where the cells that
hold a value are (their row and column numbers, nothing else). The reader then asks for no more than
the data present: a sheet whose box is out of all proportion to its values is read around (only the
table's own cells and what lies next to it) and the stray cells are reported as data issues.

We also read the workbook's list of sheets and Excel Tables from its own small parts (names, ranges,
column names), so an odd Table range (a single cell, inverted, header only) never reaches a reader
that cannot handle it, and we check the shared-strings count against the part's size (a reader
reserves memory for the declared count before reading a single string).
"""
from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .outside import Box
from .tables import InputError

MAX_ROW, MAX_COL = 1_048_576, 16_384          # Excel's sheet size
LIMIT_CELLS = 1_000_000                      # a box this large is always fine to allocate …
DENSITY = 4                                  # … a larger one only when 1 in 4 of its cells holds a value
MAX_META = 16 * 1024**2                      # workbook.xml, .rels and table parts are a few KB
CHUNK = 1 << 20

_CELL = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?c\s[^>]*?\br="\$?([A-Za-z]{1,3})\$?(\d{1,7})"[^>]*?(/?)>')
_NONFINITE = re.compile(rb'<v>\s*[-+]?(?:[iI][nN][fF](?:[iI][nN][iI][tT][yY])?|[nN][aA][nN])\s*</v>')
_UNPLACED = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?c(?:\s(?![^>]*\br=)[^>]*)?(?<!/)>')     # a cell without r="…"
_TEXT_TYPE = re.compile(rb'\bt="(?:s|str|inlineStr|e|b)"')
_SST = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?sst\b[^>]*>')
_UNIQUE = re.compile(rb'\buniqueCount="\s*(\d+)')
_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})(?::\$?([A-Za-z]{1,3})\$?(\d{1,7}))?$")


def col_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def parse_ref(ref: str) -> Box | None:
    """'B2:D9' -> Box(2, 2, 9, 4); an inverted range is put the right way round; None when unusable."""
    m = _REF.match((ref or "").strip())
    if not m:
        return None
    c1, r1 = col_number(m[1]), int(m[2])
    c2, r2 = (col_number(m[3]), int(m[4])) if m[3] else (c1, r1)
    box = Box(min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2))
    if box.top < 1 or box.left < 1 or box.bottom > MAX_ROW or box.right > MAX_COL:
        return None
    return box


@dataclass
class TablePart:
    """An Excel Table as its part declares it."""
    name: str
    sheet: str
    ref: str
    box: Box | None
    columns: list = field(default_factory=list)


@dataclass
class Extent:
    """Where the cells that hold a value are on one sheet (1-based Excel row and column numbers).

    `bottom`, `right` and `n` come from a quick pass (a cell with formatting but no value may count:
    the box is never under-estimated); `rows`/`cols` from an exact pass, made only when needed."""
    bottom: int
    right: int
    n: int
    nonfinite: str | None = None        # first cell holding inf/nan (no reader can type it)
    rows: np.ndarray | None = None
    cols: np.ndarray | None = None
    kinds: np.ndarray | None = None     # column number -> bits of the kinds of value cell below row 1 (NUMBER,
                                        # TEXT, BOOL, OTHER), when asked for and the quick pass read the sheet

    def sane(self) -> bool:
        """The grid from A1 to the last value is in proportion to the values it holds."""
        return fits(self.bottom * self.right, self.n)

    def inside(self, box: Box) -> np.ndarray:
        return (self.rows >= box.top) & (self.rows <= box.bottom) & (self.cols >= box.left) & (self.cols <= box.right)


def fits(area: int, values: int) -> bool:
    return area <= max(LIMIT_CELLS, DENSITY * values)


def _cols_to_numbers(letters: list) -> np.ndarray:
    a = np.array(letters, dtype="S3").view(np.uint8).reshape(-1, 3).astype(np.int32)
    a = np.where(a >= 97, a - 32, a)                     # lower case
    n = np.zeros(len(a), dtype=np.int32)
    for i in range(3):
        d = a[:, i]
        n = np.where(d > 0, n * 26 + d - 64, n)
    return n


def _damaged(name: str, what) -> InputError:
    return InputError(f"{name}: the workbook is damaged ({what}); open it in Excel and save it again",
                      zh=f"{name}：工作簿已损坏（{what}）；请在 Excel 中打开并重新保存")


class Layout:
    """The sheets and Excel Tables of a workbook file, and where each sheet's values are."""

    def __init__(self, path: Path, kinds: bool = False):
        self.path = Path(path)
        self.name = self.path.name
        self.learn_kinds = kinds                    # Extent.kinds wanted (the fast read, fastsheet.py)
        self.sheets: dict[str, str] = {}            # sheet name -> worksheet part
        self.tables: dict[str, TablePart] = {}      # Table name -> TablePart
        self.shared_strings_ok = True
        self._extents: dict[str, Extent] = {}
        try:
            with zipfile.ZipFile(self.path) as z:
                self._names = set(z.namelist())
                self._read_meta(z)
        except InputError:
            raise
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, KeyError,
                NotImplementedError, UnicodeError) as e:
            raise _damaged(self.name, _short(e)) from None
        except Exception as e:   # zlib.error, an XML parse error …
            raise _damaged(self.name, _short(e)) from None

    # --- parts -------------------------------------------------------------------------------------
    def _xml(self, z, part):
        from defusedxml.ElementTree import fromstring
        info = z.getinfo(part)
        if info.file_size > MAX_META:
            raise InputError(f"{self.name}: refused: part {part} is {info.file_size // 1024**2} MB, "
                             f"far more than a workbook needs; open it in Excel and save it again",
                             zh=f"{self.name}：拒绝读取：部件 {part} 有 {info.file_size // 1024**2} MB，"
                                f"远超工作簿所需；请在 Excel 中打开并重新保存")
        return fromstring(z.read(part))

    def _rels(self, z, part) -> dict:
        """Relationship id -> (type, target part) of `part`."""
        d, base = posixpath.split(part)
        rels = posixpath.join(d, "_rels", base + ".rels")
        if rels not in self._names:
            return {}
        out = {}
        for r in self._xml(z, rels):
            target = r.get("Target") or ""
            if r.get("TargetMode") == "External":
                continue
            t = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(d, target))
            out[r.get("Id")] = (r.get("Type") or "", t)
        return out

    def _read_meta(self, z) -> None:
        wb = "xl/workbook.xml"
        rels = self._rels(z, wb)
        root = self._xml(z, wb)
        for s in root.iter():
            if not s.tag.endswith("}sheet") and s.tag != "sheet":
                continue
            rid = next((v for k, v in s.attrib.items() if k.endswith("}id")), None)
            kind, part = rels.get(rid, ("", ""))
            if part in self._names and kind.endswith("/worksheet") and s.get("name"):
                self.sheets.setdefault(s.get("name"), part)
        for sheet, part in self.sheets.items():
            for kind, tpart in self._rels(z, part).values():
                if not kind.endswith("/table") or tpart not in self._names:
                    continue
                t = self._xml(z, tpart)
                name = t.get("displayName") or t.get("name")
                if not name or name in self.tables:
                    continue
                cols = [c.get("name") or "" for c in t.iter() if c.tag.endswith("tableColumn")]
                self.tables[name] = TablePart(name, sheet, t.get("ref") or "", parse_ref(t.get("ref")), cols)
        for kind, part in rels.values():
            if kind.endswith("/sharedStrings") and part in self._names:
                self.shared_strings_ok = self._sst_ok(z, part)

    def _sst_ok(self, z, part) -> bool:
        """A reader reserves room for `uniqueCount` strings up front: it must fit the part's size."""
        info = z.getinfo(part)
        with z.open(info) as f:
            head = f.read(4096)
        m = _SST.search(head)
        u = _UNIQUE.search(m[0]) if m else None
        return not u or int(u[1]) <= info.file_size // 4 + 16

    # --- cells -------------------------------------------------------------------------------------
    def extent(self, sheet: str, exact: bool = False) -> Extent:
        """Where the values of `sheet` are; `exact` adds every value cell's row and column."""
        e = self._extents.get(sheet)
        try:
            if e is None:
                e = self._extents[sheet] = self._scan(self.sheets[sheet], exact=False)
            if exact and e.rows is None:
                e = self._extents[sheet] = self._scan(self.sheets[sheet], exact=True)
        except InputError:
            raise
        except Exception as x:       # zlib.error, CRC error, truncated member …
            raise _damaged(self.name, _short(x)) from None
        return e

    def _chunks(self, part: str):
        """The part's XML in chunks of about 1 MB, each ending before an unfinished tag."""
        with zipfile.ZipFile(self.path) as z, z.open(part) as f:
            tail = b""
            while True:
                data = f.read(CHUNK)
                buf = tail + data
                if not data:
                    yield buf
                    return
                cut = buf.rfind(b"<")       # '<' never occurs inside a tag of well-formed XML
                buf, tail = (buf[:cut], buf[cut:]) if cut > 0 else (buf, b"")
                if len(tail) > CHUNK:       # a tag longer than a chunk is no cell
                    tail = b""
                yield buf

    def _scan(self, part: str, exact: bool) -> Extent:
        bottom = right = n = 0
        rows, cols, nonfinite, irregular, unplaced = [], [], None, exact, 0
        kinds = np.zeros(_KIND_COLS, np.uint8) if self.learn_kinds and not exact else None
        for buf in self._chunks(part):
            quick = None if irregular else _quick(buf, kinds)
            if not irregular:
                if quick is None or (b":" in buf and b":c " in buf):   # memchr first: most chunks hold no colon
                    irregular = True          # r not the first attribute, or prefixed tags: exact pass
                else:
                    bottom, right, n = max(bottom, quick[0]), max(right, quick[1]), n + quick[2]
            if irregular:
                unplaced += len(_UNPLACED.findall(buf))
                found = _CELL.findall(buf)
                if found:
                    letters, digits, empty = zip(*found)
                    keep = np.array(empty, dtype="S1") != b"/"
                    rows.append(np.array(digits, dtype="S7").astype(np.int64)[keep])
                    cols.append(_cols_to_numbers(list(letters))[keep])
            if nonfinite is None and (quick is None or quick[3]):
                nonfinite = _nonfinite(buf)
        if not irregular:
            return Extent(bottom, right, n, nonfinite, kinds=None if kinds is None else kinds[:right + 1].copy())
        if not exact:
            return self._scan(part, exact=True)
        if unplaced:
            raise InputError(f"{self.name}: the workbook is damaged ({part}: {unplaced} "
                             f"cell{'s' if unplaced > 1 else ''} without a cell reference); "
                             f"open it in Excel and save it again",
                             zh=f"{self.name}：工作簿已损坏（{part}：{unplaced} 个单元格没有单元格引用）；"
                                f"请在 Excel 中打开并重新保存")
        r = np.concatenate(rows).astype(np.int32) if rows else np.zeros(0, np.int32)
        c = np.concatenate(cols).astype(np.int32) if cols else np.zeros(0, np.int32)
        return Extent(int(r.max()) if len(r) else 0, int(c.max()) if len(c) else 0, len(r), nonfinite, r, c)


_POS = np.arange(11)
_INFNAN = np.zeros(256, bool)          # byte -> is it one of …: a table look-up per byte
_INFNAN[list(b"iInN")] = True
_SIGN = np.zeros(256, bool)
_SIGN[list(b"+-")] = True
_SPACE = np.zeros(256, bool)
_SPACE[list(b" \t\r\n")] = True
_CLS = np.zeros(256, np.uint8)         # byte -> 1 an upper-case letter, 2 a digit, 3 the quote
_CLS[65:91] = 1
_CLS[48:58] = 2
_CLS[34] = 3
_P10 = 10 ** np.arange(7, dtype=np.int64)
_P26 = 26 ** np.arange(3, dtype=np.int64)


def _quick(buf: bytes, kinds: np.ndarray | None = None):
    """One chunk of a regular sheet (every `<c ` tag starts with r="A1"), looked at with numpy on the bytes
    instead of one Python object per cell: (largest row, largest column, cells with a value, whether a value
    may be inf/nan, so that `_nonfinite` must look); None when a cell tag is irregular (the exact pass reads it).
    Same answer as a regex over every cell reference, a few times faster: each reference is checked to be
    1-3 letters, 1-7 digits without a leading 0, then the quote, and only the references with the most digits
    (and letters) are turned into numbers, since the largest row is among them. `kinds` (an array of
    MAX_COL + 1 bytes, when given) learns the kinds of cell each column holds below row 1 (`_learn_kinds`)."""
    a = np.frombuffer(buf + b"\0" * 16, np.uint8)
    lt = np.flatnonzero(a[:len(buf)] == 60)
    c1, c2 = a[lt + 1], a[lt + 2]
    closing = int(np.count_nonzero((c1 == 47) & (c2 == 99) & (a[lt + 3] == 62)))
    v = lt[(c1 == 118) & (c2 == 62)]
    first, second = a[v + 3], a[v + 4]
    maybe_nonfinite = bool(np.any(_INFNAN[first] | _SPACE[first] | (_SIGN[first] & _INFNAN[second])))
    ci = np.flatnonzero((c1 == 99) & (c2 == 32))
    cells = lt[ci]
    if not len(cells):
        return 0, 0, closing, maybe_nonfinite
    if not np.all((a[cells + 3] == 114) & (a[cells + 4] == 61) & (a[cells + 5] == 34)):
        return None
    g = a[(cells + 6)[None, :] + _POS[:, None]]          # 11 x n: byte k of every reference, rows contiguous
    c = _CLS[g]
    let = c == 1
    l2 = let[0] & let[1]
    l3 = l2 & let[2]
    nl = let[0].astype(np.int8) + l2 + l3                # leading letters: 1 to 3, never a 4th
    alnum = (c == 1) | (c == 2)
    end = np.argmin(alnum, axis=0)                       # first byte that is neither: must be the quote
    nd = end - nl
    if not ((nl >= 1).all() and not (l3 & let[3]).any() and (nd >= 1).all() and (nd <= 7).all()
            and (np.take_along_axis(c, end[None, :], 0) == 3).all()
            and (np.take_along_axis(g, nl[None, :].astype(np.intp), 0) != 48).all()   # a leading 0: exact pass
            and not ((c[:-1] == 2) & let[1:]).any()):    # a letter after a digit (even past the quote): exact pass
        return None
    if kinds is not None:
        _learn_kinds(a, lt, ci, g, nl, nd, kinds, len(buf))
    k = int(nd.max())                                    # the largest row has the most digits: compare those only
    sel = np.flatnonzero(nd == k)
    dg = g[nl[sel][None, :] + np.arange(k)[:, None], sel].astype(np.int64) - 48
    rows = int((_P10[k - 1::-1] @ dg).max()) if k > 1 else int(dg.max())
    m = int(nl.max())
    sel = np.flatnonzero(nl == m)
    lg = g[:m, sel].astype(np.int64) - 64
    cols = int((_P26[m - 1::-1] @ lg).max())
    return rows, cols, closing, maybe_nonfinite


_KIND_COLS = 26 ** 3 + 26 ** 2 + 26 + 1       # ZZZ: the largest reference _quick lets through
NUMBER, TEXT, BOOL, OTHER = 1, 2, 4, 8      # kinds of value cell (bits of Extent.kinds); error cells count as none
_KIND_OF_T = np.full(256, OTHER, np.uint8)   # the first byte of t="…" -> kind (t="str" is told apart below)
_KIND_OF_T[list(b"si")] = TEXT               # s, str, inlineStr
_KIND_OF_T[ord("b")] = BOOL
_KIND_OF_T[ord("n")] = NUMBER
_KIND_OF_T[ord("e")] = 0


def _learn_kinds(a: np.ndarray, lt: np.ndarray, ci: np.ndarray, g: np.ndarray, nl: np.ndarray, nd: np.ndarray,
                 kinds: np.ndarray, size: int) -> None:
    """OR into `kinds[column]` the kind of every cell of the chunk that holds a value, below row 1, from its
    t="…" attribute when it is the tag's last one (as Excel, openpyxl and most writers put it): s, str,
    inlineStr text, b yes/no, e an error (no kind), n or no t a number or a date, d or another letter
    OTHER. A self-closing cell (formatting only) holds no value. Vectorized like _quick: `lt` = every '<'
    of the chunk, `ci` = the indices in `lt` of the cell tags, whose tag ends just before the next '<'; a
    few bytes before that end tell the type.
    This only routes the read (fastsheet.py): a wrong guess costs time, never a value."""
    nxt = np.minimum(ci + 1, len(lt) - 1)
    e = np.where(ci + 1 < len(lt), lt[nxt], size) - 1               # the '>' closing each cell's tag
    e = np.maximum(e, 6)
    b1, b2, b3, b4, b5 = a[e - 1], a[e - 2], a[e - 3], a[e - 4], a[e - 5]
    q = b1 == 34                                                     # …"> : the last attribute's value ends here
    one = q & (b3 == 34) & (b4 == 61) & (b5 == 116) & (a[e - 6] == 32)                    # t="x"
    kind = np.where(one, _KIND_OF_T[b2], NUMBER).astype(np.uint8)
    kind[q & (b2 == 114) & (b3 == 116) & ((b4 == 83) | ((b4 == 115) & (b5 == 34)))] = TEXT   # t="inlineStr" / "str"
    kind[b1 == 47] = 0                                               # '/>': no value
    short = np.flatnonzero(nd == 1)                                 # row 1 (the header) does not count
    kind[short[g[nl[short].astype(np.intp), short] == 49]] = 0
    let = g[:3].astype(np.int32) - 64
    col = np.where(nl == 1, let[0], np.where(nl == 2, let[0] * 26 + let[1], let[0] * 676 + let[1] * 26 + let[2]))
    codes = np.flatnonzero(np.bincount(col * 16 + kind, minlength=16))
    codes = codes[(codes & 15) > 0]
    np.bitwise_or.at(kinds, codes >> 4, (codes & 15).astype(np.uint8))


def _nonfinite(buf: bytes) -> str | None:
    """The first number cell of `buf` holding inf or nan (a text cell saying 'nan' is fine)."""
    for m in _NONFINITE.finditer(buf):
        start = max(buf.rfind(b"<c ", 0, m.start()), buf.rfind(b"<c>", 0, m.start()))
        tag = buf[start:buf.find(b">", start) + 1] if start >= 0 else b""
        if _TEXT_TYPE.search(tag):
            continue
        ref = _CELL.match(tag)
        return (ref[1] + ref[2]).decode().upper() if ref else "?"
    return None


def _short(e: BaseException) -> str:
    text = " ".join(str(e).split()) or type(e).__name__
    return text[:120]
