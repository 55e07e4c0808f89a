"""Read a service workbook file into typed tables (docs/DEFINITIONS.md §1).

Each input kind is found by its Excel Table name, else by a sheet of that name (header in row 1),
in English or Chinese. The fast path uses python-calamine (Rust, does not expand XML entities);
without it openpyxl reads the file. The file is opened read-only and never written.
"""
from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from . import tables as T
from .outside import Box, Outside, find, report as report_outside
from .safety import check_workbook_file
from .schema import TABLES, table_for_name


@dataclass
class Workbook:
    """All input tables of one workbook, typed, with the data issues found while reading."""
    tables: dict                    # table name -> tables.Loaded (empty Loaded when absent)
    issues: T.Issues
    path: str | None = None
    sha256: str | None = None
    date1904: bool = False
    found: dict = field(default_factory=dict)   # table name -> where it was found ("Table Tickets")

    def __getitem__(self, name: str) -> T.Loaded:
        return self.tables[name]


def sha256_of(path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _date1904(path) -> bool:
    import re
    with zipfile.ZipFile(path) as z:
        try:
            with z.open("xl/workbook.xml") as f:
                head = f.read(20000).decode("utf-8", "replace")
        except KeyError:
            return False
    return bool(re.search(r'date1904="(1|true)"', head))


class _Grids:
    """Raw grids of a file: Excel Tables and sheets, by name."""

    def __init__(self, path: Path):
        self.path = path
        self.outside, self.first_col = {}, {}
        try:
            import python_calamine as pc
        except ImportError:  # Pyodide / minimal installs
            pc = None
        self._pc = pc
        if pc:
            self.wb = pc.CalamineWorkbook.from_path(str(path), load_tables=True)
            self.table_names = list(self.wb.table_names)
            self.sheet_names = list(self.wb.sheet_names)
        else:
            import openpyxl
            self.wb = openpyxl.load_workbook(path, data_only=True)
            self.table_names = [t for ws in self.wb.worksheets for t in ws.tables]
            self.sheet_names = list(self.wb.sheetnames)

    def table(self, name: str):
        """(header, rows, first Excel row of data, source) of an Excel Table.

        What lies just outside the Table (rows below, columns beside) is kept in `self.outside[name]`
        and `self.first_col[name]` is the Excel column of its first header."""
        if self._pc:
            t = self.wb.get_table_by_name(name)
            box = Box(t.start[0], t.start[1] + 1, t.end[0] + 1, t.end[1] + 1)
            self.first_col[name] = box.left
            self.outside[name] = self._outside_pc(t, box)
            return list(t.columns), t.to_python(), t.start[0] + 1, f"Table {name} (sheet {t.sheet})"
        for ws in self.wb.worksheets:
            if name in ws.tables:
                ref = ws.tables[name].ref
                cells = [[c.value for c in row] for row in ws[ref]]
                first = ws[ref][0][0].row + 1
                box = _box(ref)
                self.first_col[name] = box.left
                self.outside[name] = Outside(box)
                if ws.max_row > box.bottom or ws.max_column > box.right or box.left > 1:
                    grid = [list(r) for r in ws.iter_rows(values_only=True)]
                    others = [_box(t.ref) for t in ws.tables.values() if t.displayName != name]
                    self.outside[name] = find(grid, box, 1, 1, others)
                return cells[0], cells[1:], first, f"Table {name} (sheet {ws.title})"
        raise KeyError(name)

    def _outside_pc(self, t, box: Box) -> Outside:
        s = self.wb.get_sheet_by_name(t.sheet)
        if s.end[0] + 1 <= box.bottom and s.end[1] + 1 <= box.right and s.start[1] + 1 >= box.left:
            return Outside(box)          # the sheet's cells end with the Table: nothing outside
        others = []
        for n in self.table_names:
            o = self.wb.get_table_by_name(n)
            if n != t.name and o.sheet == t.sheet:
                others.append(Box(o.start[0], o.start[1] + 1, o.end[0] + 1, o.end[1] + 1))
        return find(s.to_python(skip_empty_area=False), box, 1, 1, others)

    def sheet(self, name: str):
        """(header, rows, first Excel row of data, source) of a sheet with its header in row 1."""
        if self._pc:
            grid = self.wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        else:
            grid = [list(r) for r in self.wb[name].iter_rows(values_only=True)]
        if not grid:
            return [], [], 2, f"sheet {name}"
        return list(grid[0]), grid[1:], 2, f"sheet {name}"


def read_workbook(path, progress=None) -> Workbook:
    """Read and type every input table of the workbook at `path`. Raises InputError for unusable files."""
    path = Path(path)
    check_workbook_file(path)
    date1904 = _date1904(path)
    try:
        grids = _Grids(path)
    except Exception as e:   # corrupt workbook: one readable line
        raise T.InputError(f"{path.name}: cannot be read as an Excel workbook ({type(e).__name__}: {e})") from None
    issues = T.Issues()
    loaded, found = {}, {}
    by_table = {}
    for tn in grids.table_names:
        t = table_for_name(tn)
        if t and t.name not in by_table:
            by_table[t.name] = ("table", tn)
    for sn in grids.sheet_names:
        t = table_for_name(sn)
        if t and t.name not in by_table:
            by_table[t.name] = ("sheet", sn)
    if not by_table:
        expected = ", ".join(f"{t.name}/{t.zh}" for t in TABLES.values())
        raise T.InputError(f"{path.name}: no input table found; name the sheets or Excel Tables {expected} "
                           f"(sheets found: {', '.join(grids.sheet_names) or 'none'})")
    names = list(TABLES)
    for name in (progress(names, desc="reading") if progress else names):
        if name not in by_table:
            loaded[name] = T.empty(name)
            continue
        kind, n = by_table[name]
        try:
            header, rows, first, source = grids.table(n) if kind == "table" else grids.sheet(n)
        except Exception as e:
            raise T.InputError(f"{path.name}: {kind} '{n}' cannot be read ({type(e).__name__}: {e})") from None
        # calamine reports empty cells as ''; trailing empty rows of a sheet are trimmed by load()
        loaded[name] = T.load(name, header, rows, first_row=first, date1904=date1904,
                              source=f"{path.name}, {source}", issues=issues, first_col=grids.first_col.get(n, 1))
        if kind == "table":
            report_outside(name, n, grids.outside.get(n) or Outside(Box(0, 0, 0, 0)), issues)
        found[name] = source
    return Workbook(loaded, issues, str(path), sha256_of(path), date1904, found)


def _box(ref: str) -> Box:
    """'B2:D9' -> Box(2, 2, 9, 4)."""
    from openpyxl.utils.cell import range_boundaries
    left, top, right, bottom = range_boundaries(ref)
    return Box(top, left, bottom, right)
