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
from . import bounded, scan
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
    inputs: list = field(default_factory=list)  # the files read, for the JSON `inputs` and the audit sheet

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
    """Raw grids of a file: Excel Tables and sheets, by name.

    The workbook's own parts say which sheets and Tables there are and where each sheet's values lie
    (`scan.Layout`); a reader is asked only for a box in proportion to the values it holds. Fast path:
    python-calamine, for sheets in proportion; otherwise openpyxl in read-only mode, bounded to the box
    to read. A python-calamine panic (a BaseException) falls back to openpyxl."""

    def __init__(self, path: Path):
        self.path = path
        self.outside, self.first_col, self.far = {}, {}, {}
        from . import fastsheet
        self.layout = scan.Layout(path, kinds=fastsheet.available())   # each column's kinds of cell: the fast read's route
        try:
            import python_calamine as pc
        except ImportError:  # Pyodide / minimal installs
            pc = None
        self._pc, self.wb, self._op, self._fx = None, None, None, {}
        if pc and self.layout.shared_strings_ok:
            try:
                self.wb = pc.CalamineWorkbook.from_path(str(path))
                self._pc = pc
            except (KeyboardInterrupt, SystemExit):
                raise
            except BaseException:      # pyo3 PanicException or a calamine error: openpyxl decides
                self.wb = None
        self.table_names = list(self.layout.tables)
        self.sheet_names = list(self.layout.sheets)

    def close(self) -> None:
        if self._op is not None:
            self._op.close()

    # --- cells -------------------------------------------------------------------------------------
    def _extent(self, sheet: str) -> scan.Extent:
        e = self.layout.extent(sheet)
        if not e.sane():
            e = self.layout.extent(sheet, exact=True)
        if e.nonfinite:
            raise T.InputError(f"{self.path.name}: sheet {sheet}, cell {e.nonfinite} holds a number that is not "
                               f"finite (inf or nan); type a real value or clear the cell and save again",
                               zh=f"{self.path.name}：工作表 {sheet} 的单元格 {e.nonfinite} 中的数字不是有限值"
                                  f"（inf 或 nan）；请填入实际数值或清空该单元格后重新保存")
        return e

    def _cells(self, sheet: str, box: Box, use_fast: bool) -> list:
        """Values of `box` on `sheet`, a list of rows (absolute: row box.top first)."""
        if use_fast and self._pc:
            try:
                grid = self.wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
            except (KeyboardInterrupt, SystemExit):
                raise
            except BaseException:      # a panic (e.g. a date cell out of range): openpyxl reads it
                grid = None
            if grid is not None:
                width = box.right - box.left + 1
                if box.left == 1 and (not grid or len(grid[0]) == width):   # the whole width: no copy
                    return grid[box.top - 1:box.bottom]
                out = [list(r[box.left - 1:box.right]) for r in grid[box.top - 1:box.bottom]]
                return [r + [None] * (width - len(r)) if len(r) < width else r for r in out]
        return self._openpyxl_cells(sheet, box)

    def _openpyxl_cells(self, sheet: str, box: Box) -> list:
        import openpyxl
        if self._op is None:
            self._op = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
        ws = self._op[sheet]
        try:
            return [list(r) for r in ws.iter_rows(min_row=box.top, max_row=box.bottom, min_col=box.left,
                                                   max_col=box.right, values_only=True)]
        except (OverflowError, ValueError) as e:
            raise T.InputError(f"{self.path.name}: sheet {sheet} holds a number that is not a valid date or "
                               f"number ({scan._short(e)}); correct the cell and save again",
                               zh=f"{self.path.name}：工作表 {sheet} 中有一个数字不是有效的日期或数值"
                                  f"（{scan._short(e)}）；请改正该单元格后重新保存") from None

    # --- tables ------------------------------------------------------------------------------------
    def table(self, name: str):
        """(header, rows, first Excel row of data, source) of an Excel Table.

        What lies just outside the Table (rows below, columns beside) is kept in `self.outside[name]`
        and `self.first_col[name]` is the Excel column of its first header; stray cells far from it on
        a sheet out of all proportion are kept in `self.far[name]` (not read)."""
        tp = self.layout.tables[name]
        source = f"Table {name} (sheet {tp.sheet})"
        if tp.box is None:
            raise T.InputError(f"{self.path.name}: Excel Table {name} (sheet {tp.sheet}) has an unusable range "
                               f"'{tp.ref[:40]}'; select the table and use Table Design → Resize Table, then save",
                               zh=f"{self.path.name}：Excel 表格 {name}（工作表 {tp.sheet}）的区域“{tp.ref[:40]}”"
                                  f"无法使用；请选中该表格，用 表设计 → 调整表格大小，然后保存")
        ext = self._extent(tp.sheet)
        others = [t.box for t in self.layout.tables.values() if t.sheet == tp.sheet and t.name != name and t.box]
        self.first_col[name] = tp.box.left
        if ext.sane():
            b = tp.box     # cut to the sheet's values: a range to row 1048576 reads no empty rows
            box = Box(b.top, b.left, min(b.bottom, max(ext.bottom, b.top)), min(b.right, max(ext.right, b.left)))
            grid = self._cells(tp.sheet, Box(1, 1, max(ext.bottom, box.bottom), max(ext.right, box.right)), True)
            cells = [r[box.left - 1:box.right] for r in grid[box.top - 1:box.bottom]]
            self.outside[name] = Outside(b)
            if ext.bottom > b.bottom or ext.right > b.right or b.left > 1:
                self.outside[name] = find(grid, b, 1, 1, others)
        else:
            box = bounded.clip(tp, ext, self.path.name)
            cells = self._cells(tp.sheet, box, False)
            self.outside[name], far = bounded.around(ext, box, others, tp.box)
            self.far[name] = (f"表格 {name} ", f"the Table {name}", far)
            heads = [c for c, _ in self.outside[name].cols_beside]
            if heads:
                row = self._cells(tp.sheet, Box(box.top, min(heads), box.top, max(heads)), False)[0]
                self.outside[name].cols_beside = [(c, "" if row[c - min(heads)] is None else
                                                   str(row[c - min(heads)]).strip()) for c in heads]
        width = box.right - box.left + 1
        cells = [list(r) + [None] * (width - len(r)) for r in cells] or [[None] * width]
        names = tp.columns[:width]
        header = names if len(names) == width and all(names) else cells[0]
        return list(header), cells[1:], box.top + 1, source

    def fast_sheet(self, name: str, table: str, date1904: bool, mapping):
        """Like `sheet`, through fastexcel (fastsheet.py) when it is installed and the sheet is plain enough
        to type column by column from Arrow; None otherwise. The safety scan runs first all the same."""
        ext = self._extent(name)
        if ext.n == 0 or not ext.sane() or self._pc is None:   # python-calamine did not open it: openpyxl reads
            return None
        from . import fastsheet
        got = fastsheet.read(self.path, self.layout.sheets[name], name, table, ext.right, date1904,
                             bool(mapping and table in mapping.tables), cache=self._fx, kinds=ext.kinds)
        return None if got is None else (got[0], got[1], 2, f"sheet {name}")

    def fast_table(self, name: str, table: str, date1904: bool, mapping):
        """Like `table` through fastexcel, for an Excel Table at A1 that holds every value of its sheet
        (nothing beside or below it to report); None otherwise."""
        tp = self.layout.tables[name]
        b = tp.box
        if b is None or b.top != 1 or b.left != 1:
            return None
        ext = self._extent(tp.sheet)
        if ext.n == 0 or not ext.sane() or self._pc is None or ext.bottom > b.bottom or ext.right > b.right:
            return None
        from . import fastsheet
        names = tp.columns[:ext.right]
        got = fastsheet.read(self.path, self.layout.sheets[tp.sheet], tp.sheet, table, ext.right, date1904,
                             bool(mapping and table in mapping.tables),
                             header=names if len(names) == ext.right and all(names) else None, cache=self._fx,
                             kinds=ext.kinds)
        if got is None:
            return None
        self.first_col[name] = 1
        self.outside[name] = Outside(b)
        return got[0], got[1], 2, f"Table {name} (sheet {tp.sheet})"

    def sheet(self, name: str):
        """(header, rows, first Excel row of data, source) of a sheet with its header in row 1."""
        ext = self._extent(name)
        if ext.n == 0:
            return [], [], 2, f"sheet {name}"
        if ext.sane():
            grid = self._cells(name, Box(1, 1, ext.bottom, ext.right), True)
        else:
            box = bounded.sheet_box(ext, name, self.path.name)
            grid = self._cells(name, box, False)
            self.far[name] = (f"工作表 {name} 的表格（{box.ref}）", f"the table on sheet {name} ({box.ref})",
                              bounded.far_cells(ext, [box]))
        if not grid:
            return [], [], 2, f"sheet {name}"
        return list(grid[0]), grid[1:], 2, f"sheet {name}"


def read_workbook(path, progress=None, mapping=None) -> Workbook:
    """Read and type every input table of the workbook at `path`. Raises InputError for unusable files.

    `mapping` (inputs.mapping, e.g. a preset) renames export columns and values; a Mapping (映射) sheet
    or Excel Table in the workbook adds to it (mapping.py)."""
    path = Path(path)
    check_workbook_file(path)
    date1904 = _date1904(path)
    try:
        grids = _Grids(path)
    except T.InputError:
        raise
    except Exception as e:   # corrupt workbook: one readable line
        raise T.InputError(f"{path.name}: cannot be read as an Excel workbook ({scan._short(e)}); "
                           f"open it in Excel and save it again",
                           zh=f"{path.name}：无法作为 Excel 工作簿读取（{scan._short(e)}）；"
                              f"请在 Excel 中打开并重新保存") from None
    try:
        return _read(path, grids, date1904, progress, mapping)
    finally:
        grids.close()


def _mapping_of(path: Path, grids: _Grids, given):
    """The mapping given (preset, --map) merged with the workbook's own Mapping table, if any."""
    from . import mapping as M
    own = None
    for kind, names in (("table", grids.table_names), ("sheet", grids.sheet_names)):
        n = next((x for x in names if M.is_mapping_name(x)), None)
        if n is not None:
            header, rows, _, source = grids.table(n) if kind == "table" else grids.sheet(n)
            own = M.from_rows(header, rows, f"{path.name}, {source}")
            break
    return M.merge(given, own)


def _read(path: Path, grids: _Grids, date1904: bool, progress, mapping=None) -> Workbook:
    from . import mapping as M
    issues = T.Issues()
    loaded, found = {}, {}
    mapping = _mapping_of(path, grids, mapping)
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
                           f"(sheets found: {', '.join(grids.sheet_names) or 'none'})",
                           zh=f"{path.name}：未找到任何输入表；请将工作表或 Excel 表格命名为 "
                           f"{'、'.join(f'{t.zh}（{t.name}）' for t in TABLES.values())}"
                           f"（找到的工作表：{'、'.join(grids.sheet_names) or '无'}）")
    names = list(TABLES)
    for name in (progress(names, desc="reading") if progress else names):
        if name not in by_table:
            loaded[name] = T.empty(name)
            continue
        kind, n = by_table[name]
        try:
            fast = (grids.fast_sheet if kind == "sheet" else grids.fast_table)(n, name, date1904, mapping)
            header, rows, first, source = fast or (grids.table(n) if kind == "table" else grids.sheet(n))
        except T.InputError:
            raise
        except Exception as e:
            raise T.InputError(f"{path.name}: {kind} '{n}' cannot be read ({scan._short(e)}); "
                               f"open it in Excel and save it again",
                               zh=f"{path.name}：{'表格' if kind == 'table' else '工作表'}“{n}”无法读取"
                                  f"（{scan._short(e)}）；请在 Excel 中打开并重新保存") from None
        # calamine reports empty cells as ''; trailing empty rows of a sheet are trimmed by load()
        header, rows, labels = M.apply(mapping, name, header, rows, f"{path.name} ({source})")
        loaded[name] = T.load(name, header, rows, first_row=first, date1904=date1904,
                              source=f"{path.name}, {source}", issues=issues, first_col=grids.first_col.get(n, 1),
                              labels=labels)
        if kind == "table":
            report_outside(name, n, grids.outside.get(n) or Outside(Box(0, 0, 0, 0)), issues)
        if grids.far.get(n):
            bounded.report_far(name, *grids.far[n], issues)
        found[name] = source
    sha = sha256_of(path)
    inputs = [{"file": path.name, "format": "xlsx", "tables": sorted(found), "sha256": sha}]
    if mapping:
        inputs.append({"file": mapping.origin, "format": "mapping"})
    return Workbook(loaded, issues, str(path), sha, date1904, found, inputs)
