"""The input tables of an open workbook (an xlwings Book) as typed tables, for the report script.

Same rule as the file reader (docs/DEFINITIONS.md §1.1): each input kind is found by its Excel Table name,
else by a sheet of that name with its header in row 1, in English or Chinese. Works with the
remote book of xlwings Lite/Server (values from the JSON payload) and with classic xlwings (COM).
Nothing in the book is changed here.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field

from ..inputs import mapping as M
from ..inputs import tables as T
from ..inputs.schema import TABLES, table_for_name
from ..inputs.outside import Box, Outside, find, report as report_outside
from . import cells


@dataclass
class BookTables:
    tables: dict                          # table name -> tables.Loaded (empty when absent)
    issues: T.Issues
    date1904: bool
    sha256: str                           # of the raw input grids (the open workbook has no file hash)
    found: dict = field(default_factory=dict)   # table name -> where it was found
    sheets: set = field(default_factory=set)     # names of the sheets that hold input tables


def is_remote(book) -> bool:
    """A book of xlwings Lite/Server (JSON payload), as opposed to a live COM workbook."""
    return type(book.impl).__module__.endswith("_xlremote")


def book_date1904(book) -> bool:
    """The workbook's date system: asked from Excel under COM, declared (cells.date1904) otherwise."""
    if not is_remote(book):
        try:
            return bool(book.api.Date1904)
        except Exception:  # macOS / other engines: fall back to the declaration
            pass
    return cells.date1904()


def _values(rng) -> list[list]:
    v = rng.options(ndim=2).value
    return [list(r) for r in (v or [])]


def _shift(rows: list[list]) -> list[list]:
    """Office.js turns date cells into ISO text as if the book used the 1900 system; undo it."""
    return [[x + cells.SHIFT_1904 if isinstance(x, dt.datetime) else x for x in r] for r in rows]


def _locate(book) -> dict:
    """table name -> ("table", sheet, xlwings Table) or ("sheet", sheet, None)."""
    where: dict = {}
    for sheet in book.sheets:
        for tbl in sheet.tables:
            t = table_for_name(tbl.name)
            if t and t.name not in where:
                where[t.name] = ("table", sheet, tbl)
    for sheet in book.sheets:
        t = table_for_name(sheet.name)
        if t and t.name not in where:
            where[t.name] = ("sheet", sheet, None)
    return where


def _grid(kind, sheet, tbl):
    """(header, rows, first Excel row of data, source)."""
    if kind == "table":
        head = tbl.header_row_range
        if head is None:
            raise T.InputError(f"Table {tbl.name} (sheet {sheet.name}) has its header row switched off; "
                               f"switch it on (Table Design > Header Row)",
                               zh=f"表格 {tbl.name}（工作表 {sheet.name}）的标题行已关闭；"
                                  f"请打开它（表设计 > 标题行）")
        body = tbl.data_body_range
        rows = _values(body) if body is not None else []
        return _values(head)[0], rows, head.row + 1, f"Table {tbl.name} (sheet {sheet.name})"
    used = sheet.used_range
    values = _values(used)
    if not values:
        return [], [], 2, f"sheet {sheet.name}"
    return values[0], values[1:], used.row + 1, f"sheet {sheet.name}"


def _box(rng) -> Box:
    rows, cols = rng.shape
    return Box(rng.row, rng.column, rng.row + rows - 1, rng.column + cols - 1)


def _outside(sheet, tbl) -> Outside:
    """Values just outside the Table `tbl` (rows below, columns beside), from the sheet's used range."""
    box = _box(tbl.range)
    used = sheet.used_range
    last = used.last_cell
    if last.row <= box.bottom and last.column <= box.right and used.column >= box.left:
        return Outside(box)
    others = [_box(o.range) for o in sheet.tables if o.name != tbl.name]
    return find(_values(used), box, used.row, used.column, others)


def _mapping(book):
    """The open workbook's Mapping (映射) Excel Table or sheet, as the file reader finds it (inputs/mapping.py)."""
    for sheet in book.sheets:
        for tbl in sheet.tables:
            if M.is_mapping_name(tbl.name):
                header, rows, _, source = _grid("table", sheet, tbl)
                return M.from_rows(header, rows, f"{book.name}, {source}")
    for sheet in book.sheets:
        if M.is_mapping_name(sheet.name):
            header, rows, _, source = _grid("sheet", sheet, None)
            return M.from_rows(header, rows, f"{book.name}, {source}")
    return None


def read_book(book) -> BookTables:
    """Every input table of the open workbook, typed. Raises tables.InputError for unusable input."""
    remote, d1904 = is_remote(book), book_date1904(book)
    issues, loaded, found, raw, used = T.Issues(), {}, {}, {}, set()
    where = _locate(book)
    mapping = _mapping(book)
    if mapping:
        raw["Mapping"] = repr(mapping)      # a changed mapping changes the content digest (excel/memo)
    for name in TABLES:
        if name not in where:
            loaded[name] = T.empty(name)
            continue
        kind, sheet, tbl = where[name]
        header, rows, first, source = _grid(kind, sheet, tbl)
        if remote and d1904:
            rows = _shift(rows)
        raw[name] = [header, rows]
        header, rows, labels = M.apply(mapping, name, header, rows, f"{book.name} ({source})")
        loaded[name] = T.load(name, header, rows, first_row=first, date1904=d1904,
                              source=f"{book.name}, {source}", issues=issues,
                              first_col=tbl.range.column if kind == "table" else 1, labels=labels)
        if kind == "table":
            report_outside(name, tbl.name, _outside(sheet, tbl), issues)
        found[name] = source
        used.add(sheet.name)
    digest = hashlib.sha256(json.dumps(raw, default=str, ensure_ascii=False).encode("utf-8")).hexdigest()
    return BookTables(loaded, issues, d1904, digest, found, used)


def named_value(book, name: str):
    """The value of the one-cell defined name `name` (e.g. SP_Period), or None when absent."""
    try:
        for n in book.names:
            if n.name.rsplit("!", 1)[-1].casefold() == name.casefold():
                v = n.refers_to_range.value
                return None if cells.is_blank(v) else v
    except Exception:   # a name that does not refer to one range
        return None
    return None
