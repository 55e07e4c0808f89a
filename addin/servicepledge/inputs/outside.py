"""Values typed just outside an Excel Table are never ignored silently.

Excel extends a Table when one types directly under it, but not always (pasted rows, a blank row in
between, AutoCorrect off), and the rows then sit *below* the Table's range. The report reads only the
Table — as the live SP_ formulas do, which receive `Tickets[#All]` — so the figures of the report,
of the report button and of the KPI sheet agree. What lies outside is counted and reported loudly:
one data issue per row below (and per column beside), and one warning per table saying which rows
and what to do (Table Design → Resize Table).

Every reader hands over the sheet's cells around the Table: python-calamine and openpyxl (files) and
xlwings (the open workbook).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import coerce
from .headers import column_letter

MAX_BESIDE = 20      # columns beside a Table reported one by one; the rest in one issue and one warning


@dataclass
class Box:
    """An Excel range by 1-based row/column numbers, inclusive (top = the Table's header row)."""
    top: int
    left: int
    bottom: int
    right: int

    @property
    def ref(self) -> str:
        return f"{column_letter(self.left)}{self.top}:{column_letter(self.right)}{self.bottom}"


@dataclass
class Outside:
    box: Box
    rows_below: list = field(default_factory=list)    # Excel rows under the Table holding a value
    cols_beside: list = field(default_factory=list)   # (Excel column number, its text in the header row)
    more_beside: int = 0                              # further columns beside, beyond MAX_BESIDE

    def __bool__(self):
        return bool(self.rows_below or self.cols_beside or self.more_beside)


def _filled(grid: list, origin_row: int, origin_col: int, others: list) -> pd.DataFrame:
    """Boolean frame (index = Excel rows, columns = Excel columns): the cell holds a value, outside `others`."""
    width = max((len(r) for r in grid), default=0)
    df = pd.DataFrame([list(r) + [None] * (width - len(r)) for r in grid], dtype=object)
    if df.empty:
        return pd.DataFrame(dtype=bool)
    full = pd.DataFrame({c: ~coerce.blank_mask(df[c]).to_numpy() for c in df.columns})
    full.index = np.arange(origin_row, origin_row + len(df))
    full.columns = np.arange(origin_col, origin_col + width)
    for b in others:
        full.loc[b.top:b.bottom, b.left:b.right] = False
    return full


def find(grid: list, box: Box, origin_row: int = 1, origin_col: int = 1, others=()) -> Outside:
    """Rows below `box` (within its columns) and columns directly left/right of it (within its rows,
    a contiguous run) that hold values. `grid` is the sheet's cells from (origin_row, origin_col);
    `others` are the boxes of other Tables on the sheet (never reported)."""
    out = Outside(box)
    full = _filled(grid, origin_row, origin_col, list(others))
    if full.empty:
        return out
    below = full.loc[box.bottom + 1:, box.left:box.right]
    out.rows_below = [int(r) for r in below.index[below.any(axis=1).to_numpy()]]
    beside = full.loc[box.top:box.bottom].any(axis=0)
    head = {}
    for step, start in ((1, box.right + 1), (-1, box.left - 1)):
        c = start
        while c in beside.index and bool(beside[c]):
            out.cols_beside.append(c)
            c += step
    out.cols_beside.sort(key=lambda c: abs(c - (box.left + box.right) / 2))   # nearest first
    out.more_beside = max(0, len(out.cols_beside) - MAX_BESIDE)
    out.cols_beside = sorted(out.cols_beside[:MAX_BESIDE])
    row = grid[box.top - origin_row] if 0 <= box.top - origin_row < len(grid) else []
    for c in out.cols_beside:
        i = c - origin_col
        v = row[i] if 0 <= i < len(row) else None
        head[c] = "" if coerce.blank_mask(pd.Series([v], dtype=object)).iloc[0] else str(v).strip()
    out.cols_beside = [(c, head[c]) for c in out.cols_beside]
    return out


def runs(rows: list[int], limit: int = 6, sep: str = ", ") -> str:
    """[8, 9, 10, 13] -> '8–10, 13' (at most `limit` runs, then '…')."""
    parts, i = [], 0
    while i < len(rows):
        j = i
        while j + 1 < len(rows) and rows[j + 1] == rows[j] + 1:
            j += 1
        parts.append(str(rows[i]) if i == j else f"{rows[i]}–{rows[j]}")
        i = j + 1
    return sep.join(parts[:limit]) + (sep + "…" if len(parts) > limit else "")


def report(table: str, excel_name: str, out: Outside, issues) -> None:
    """Data issues and one warning for what lies outside the Excel Table `excel_name` (input table `table`)."""
    if not out:
        return
    b = out.box
    fix_zh, fix_en = "请扩展表格范围（表设计 → 调整表格大小）后重新生成报表", \
        "extend the Table (Table Design → Resize Table) and run the report again"
    if out.rows_below:
        n = len(out.rows_below)
        issues.add_many(table, out.rows_below, None,
                        (f"表格 {excel_name}（{b.ref}）下方的这一行有数据但不在表格内：未读取；{fix_zh}",
                         f"row below the Table {excel_name} ({b.ref}) holds data but is outside the Table: "
                         f"not read; {fix_en}"))
        issues.warn("rows_below_table", table, None,
                    f"表格 {excel_name} 截止第 {b.bottom} 行，但其下方第 {runs(out.rows_below, sep='、')} 行还有数据"
                    f"（{n} 行，未读取，不计入任何指标）：{fix_zh}",
                    f"Table {excel_name} ends at row {b.bottom} but row{'s' if n > 1 else ''} "
                    f"{runs(out.rows_below)} below it hold{'' if n > 1 else 's'} data ({n} row{'s' if n > 1 else ''}, "
                    f"not read, not in any figure): {fix_en}")
    for c, h in out.cols_beside:
        letter = column_letter(c)
        name_zh = f"（列名『{h}』）" if h else ""
        name_en = f" (header '{h}')" if h else ""
        issues.add(table, b.top, h or letter,
                   (f"表格 {excel_name}（{b.ref}）旁边的第 {letter} 列{name_zh}有数据但不在表格内：未读取；"
                    f"如属本表，{fix_zh}",
                    f"column {letter}{name_en} beside the Table {excel_name} ({b.ref}) holds data but is outside "
                    f"the Table: not read; if it belongs to the table, {fix_en}"))
        issues.warn("column_beside_table", table, h or letter,
                    f"表格 {excel_name}（{b.ref}）旁边的第 {letter} 列{name_zh}有数据但不在表格内，未读取：如属本表，{fix_zh}",
                    f"Table {excel_name} ({b.ref}): column {letter}{name_en} beside it holds data outside the "
                    f"Table and is not read; if it belongs to the table, {fix_en}")
    if out.more_beside:
        m = out.more_beside
        issues.add(table, b.top, None, (f"表格 {excel_name}（{b.ref}）旁边另有 {m} 列有数据但不在表格内：未读取",
                                        f"{m} more columns beside the Table {excel_name} ({b.ref}) hold data but "
                                        f"are outside the Table: not read"))
        issues.warn("column_beside_table", table, None,
                    f"表格 {excel_name}（{b.ref}）旁边另有 {m} 列有数据但不在表格内，未读取：如属本表，{fix_zh}",
                    f"Table {excel_name} ({b.ref}): {m} more columns beside it hold data outside the Table and "
                    f"are not read; if they belong to the table, {fix_en}")
