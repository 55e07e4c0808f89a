"""Read around cells that would make a sheet's box absurd.

Used only when a sheet's box (A1 to its last value) is out of all proportion to the values in it
(`scan.Extent.sane`), e.g. two rows of data and one value typed at XFD10000. We then read the table's
own cells and what lies next to it (rows below, columns beside), in a box in proportion to the data;
every other value on the sheet is reported as a data issue ("cell XFD10000 holds a value far outside
the table; it is not read") with one warning, never dropped silently.
"""
from __future__ import annotations

import numpy as np

from . import scan
from .headers import column_letter
from .outside import MAX_BESIDE, Box, Outside
from .tables import InputError

MAX_LISTED = 20          # far cells listed one by one in the data issues


def _other_mask(ext: scan.Extent, others) -> np.ndarray:
    m = np.zeros(ext.n, dtype=bool)
    for b in others:
        m |= ext.inside(b)
    return m


def clip(tp: scan.TablePart, ext: scan.Extent, file: str) -> Box:
    """The Table's range cut to its last row and column holding a value; refused when still absurd."""
    b = tp.box
    inside = ext.inside(b)
    bottom = max(b.top, int(ext.rows[inside].max())) if inside.any() else b.top
    right = max(b.left, int(ext.cols[inside].max())) if inside.any() else b.left
    box = Box(b.top, b.left, bottom, right)
    area = (box.bottom - box.top + 1) * (box.right - box.left + 1)
    if not scan.fits(area, int(inside.sum())):
        raise InputError(f"{file}: Excel Table {tp.name} (sheet {tp.sheet}, {tp.ref}) spans "
                         f"{box.bottom - box.top + 1} rows × {box.right - box.left + 1} columns but holds only "
                         f"{int(inside.sum())} values; delete the stray cells or resize the table "
                         f"(Table Design → Resize Table) and save again",
                         zh=f"{file}：Excel 表格 {tp.name}（工作表 {tp.sheet}，{tp.ref}）占 "
                            f"{box.bottom - box.top + 1} 行 × {box.right - box.left + 1} 列，但只有 "
                            f"{int(inside.sum())} 个值；请删除多余的单元格或调整表格大小"
                            f"（表设计 → 调整表格大小）后重新保存")
    return box


def around(ext: scan.Extent, box: Box, others, ref: Box):
    """(Outside of the Table `ref`, far cells as (rows, cols)) from the value cells' positions."""
    other = _other_mask(ext, others)
    mine = ext.inside(ref) | other
    r, c = ext.rows, ext.cols
    out = Outside(ref)
    below = ~mine & (r > ref.bottom) & (c >= ref.left) & (c <= ref.right)
    out.rows_below = sorted(int(x) for x in np.unique(r[below]))
    in_rows = ~mine & (r >= ref.top) & (r <= ref.bottom)
    filled = set(np.unique(c[in_rows]).tolist())
    beside = []
    for step, start in ((1, ref.right + 1), (-1, ref.left - 1)):
        col = start
        while col in filled:
            beside.append(col)
            col += step
    beside.sort(key=lambda x: abs(x - (ref.left + ref.right) / 2))       # nearest first, as outside.find
    out.more_beside = max(0, len(beside) - MAX_BESIDE)
    out.cols_beside = [(col, "") for col in sorted(beside[:MAX_BESIDE])]
    near = below | (in_rows & np.isin(c, beside))
    far = ~mine & ~near
    return out, (r[far], c[far])


def sheet_box(ext: scan.Extent, sheet: str, file: str) -> Box:
    """Box of a sheet-based table (header in row 1): the header's columns that hold data below them,
    and the rows down to the last one that keeps the box in proportion to its values."""
    r, c = ext.rows, ext.cols
    head = c[r == 1]
    if not len(head):
        return Box(1, 1, 1, 1)
    data_right = c[(r > 1) & (c <= head.max())]
    right = int(max(data_right.max() if len(data_right) else 1, 1))
    right = min(int(head.max()), max(right, 1))
    sel = c <= right
    rows = np.sort(r[sel])
    uniq, last = np.unique(rows, return_index=False), None
    cum = np.searchsorted(rows, uniq, side="right")           # values in rows 1..u (columns 1..right)
    ok = uniq.astype(np.int64) * right <= np.maximum(scan.LIMIT_CELLS, scan.DENSITY * cum)
    last = int(uniq[ok].max()) if ok.any() else 1
    return Box(1, 1, last, right)


def far_cells(ext: scan.Extent, boxes) -> tuple:
    keep = _other_mask(ext, boxes)
    return ext.rows[~keep], ext.cols[~keep]


def report_far(table: str, where_zh: str, where: str, far, issues) -> None:
    """One data issue per far cell (the first MAX_LISTED, then one for the rest) and one warning."""
    rows, cols = far
    n = len(rows)
    if not n:
        return
    order = np.lexsort((cols, rows))
    rows, cols = rows[order], cols[order]
    refs = [f"{column_letter(int(c))}{int(r)}" for r, c in zip(rows[:MAX_LISTED], cols[:MAX_LISTED])]
    for ref, r in zip(refs, rows[:MAX_LISTED]):
        issues.add(table, int(r), ref.rstrip("0123456789"),
                   (f"单元格 {ref} 有值，但远在{where_zh}之外：未读取",
                    f"cell {ref} holds a value far outside {where}; it is not read"))
    if n > MAX_LISTED:
        issues.add(table, None, None, (f"另有 {n - MAX_LISTED} 个单元格有值，但远在{where_zh}之外：未读取",
                                       f"{n - MAX_LISTED} more cells far outside {where} hold values; "
                                       f"they are not read"))
    first = refs[0]
    issues.warn("cells_far_outside", table, None,
                f"{where_zh}之外很远处的 {first} 等 {n} 个单元格有值，未读取，不计入任何指标：如属本表，请移入表格；否则请删除",
                (f"{n} cells far outside {where} ({first}, …) hold values that are not read and are in no "
                 f"figure: move them into the table if they belong to it, or delete them") if n > 1 else
                (f"cell {first}, far outside {where}, holds a value that is not read and is in no figure: "
                 f"move it into the table if it belongs to it, or delete it"))
