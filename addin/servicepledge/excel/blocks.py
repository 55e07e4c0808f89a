"""Typing a big table argument block by block, each block kept by its own digest (issue 12).

Excel hands the whole Tickets table to every formula again after any edit. A table of more than
memo.BLOCK_ROWS data rows is therefore typed in blocks of rows: after one cell changes, only the
block holding it is typed again and the others come from the cache. The result is the table
`inputs.tables.from_grid` gives for the whole argument (tests/test_excel_recalc.py compares them):

- a cell's type, blank or problem never depends on other rows, so each block is typed by the same
  `tables.load` with its own first Excel row number (data issues name the right row);
- blank rows are skipped row by row;
- the two steps that look across rows are done again on the whole: an id that repeats in a later
  block is marked like one repeating inside a block (the first occurrence is used), and the header's
  problems are reported once, on the header row, whichever block showed them (e.g. values under a
  column without a name).
The data issues are the same; only their order can differ (blocks one after the other).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..inputs.tables import Issues, Loaded, load
from . import memo


def typed(name: str, value: list, what: str, fp: bytes, date1904: bool, source: str, cells: tuple) -> tuple | None:
    """(Loaded, Issues) of the table argument `value` (header + rows) whose fingerprint `fp` was taken in
    blocks; None when it was not (a small table: type it whole).
    `cells` = (plain types, function): cells of other types are turned into plain values by the function
    (cells.plain), by `tables.load` from the types it looks up anyway."""
    parts = memo.blocks(fp)
    if parts is None:
        return None
    n, head_fp, digests = parts
    plain_types, plain = cells
    header = [x if type(x) in plain_types else plain(x) for x in value[0]]
    width = len(header)
    done = []
    for k, digest in enumerate(digests):
        off = k * n                                   # data rows before this block
        key = ("block", name, what, date1904, source, head_fp, n, off, digest)
        hit = memo.get(key)
        if hit is None:
            rows = value[1 + off:1 + off + n]
            if set(map(len, rows)) - {width}:         # ragged rows: pad / cut to the header's width (from_grid)
                rows = [list(r) + [None] * (width - len(r)) if len(r) < width else list(r)[:width] for r in rows]
            found, ids = Issues(), {}
            loaded = load(name, header, rows, first_row=2 + off, date1904=date1904, source=source, issues=found,
                          cells=cells, ids=ids)
            hit = (loaded, found, off, ids)
            memo.put(key, hit, memo.loaded_bytes(loaded) + 200 * len(found.rows))
        done.append(hit)
    return _joined(done)


def _joined(done: list) -> tuple:
    first = done[0][0]
    t = first.table
    issues = Issues()
    seen_header = []
    for loaded, found, off, _ in done:
        for r in found.rows:
            if r["row"] == off + 1:                  # the header's own problems (reported on row first_row - 1)
                r = {**r, "row": 1}
                if r in seen_header:
                    continue
                seen_header.append(r)
            issues.rows.append(r)
        issues.warnings.extend(w for w in found.warnings if w not in issues.warnings)
        issues.zh.update(found.zh)
    done = [x for x in done if len(x[0].df)] or done[:1]      # a block of blank rows only adds nothing
    df = pd.concat([x[0].df for x in done], ignore_index=True)
    bad = pd.concat([x[0].bad for x in done], ignore_index=True)
    for c in t.columns:                               # ids repeating across blocks (inside one: done by load)
        if not (c.unique and c.name in first.headers):
            continue
        has = np.concatenate([x[3][c.name][0] for x in done])          # (load's masks of each block)
        again = has & df[c.name].duplicated(keep="first").to_numpy()
        inside = np.concatenate([x[3][c.name][1] for x in done])
        new = again & ~inside
        if new.any():
            bad.loc[new, :] = True
            for r, v in zip(df.loc[new, "_row"], df.loc[new, c.name]):
                issues.add(t.name, r, first.headers[c.name], (f"编号“{v}”重复（使用第一次出现的记录）",
                                                              f"duplicate id '{v}' (the first occurrence is used)"))
    loaded = Loaded(t, df, bad, dict(first.headers), first.source, dict(first.near))
    return loaded, issues
