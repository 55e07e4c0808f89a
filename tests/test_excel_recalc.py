"""Recalculation in Excel (issue 12): what the SP_ functions keep between calls is always the figure of the
cells as they are now.

- a changed cell anywhere (first, middle or last row; every column; a value of another type that Python
  calls equal, 1 -> 1.0 -> TRUE) gives another fingerprint, and SP_COMPLIANCE answers what the same call
  without the cache answers;
- SP_COMPLIANCE keeps each metric's row statuses per (tickets, terms, contracts, metric, as_of): another
  period or contract summarises them again without recomputing them, and the figures equal the engine's
  own report for that period (an independent path: the whole report, not the cached rows);
- the cache never holds more than its stated bounds (bytes and entries), also when as_of moves on every
  recalculation (=NOW()).
"""
from __future__ import annotations

import copy
import random

import pandas as pd
import pytest

from excel_helpers import computed, date_system, fresh_cache, grids, report  # noqa: F401 (pytest fixtures)
from excel_helpers import AS_OF, PERIOD, as_arg, call, server_mode, uncached

xw = server_mode()
from servicepledge.excel import functions as F  # noqa: E402
from servicepledge.excel import memo  # noqa: E402


@pytest.fixture(autouse=True)
def _fresh(fresh_cache):
    yield


def _other(v, rng):
    """A value different from cell v as the engine sees it (also when Python calls the two equal)."""
    if v is True or v is False:
        return int(v)                      # TRUE -> 1: equal in Python, another cell in Excel
    if isinstance(v, int):
        return float(v) if rng.random() < 0.5 else bool(v)
    if isinstance(v, float):
        return v + 1 / 1440 if v else -0.0  # a minute later; 0.0 -> -0.0
    if v == "":
        return " "
    return v + "x"


@pytest.fixture(params=["xxh3", "blake2b"])
def digest(request, monkeypatch):
    """Both digests the cache uses: XXH3-128 (extra `fast`) and BLAKE2b (Pyodide, the team server)."""
    if request.param == "xxh3":
        xxhash = pytest.importorskip("xxhash", reason="xxhash not installed (Pyodide): BLAKE2b only")
        monkeypatch.setattr(memo, "_hash128", xxhash.xxh3_128_digest)
    else:
        monkeypatch.setattr(memo, "_hash128", memo._blake2b)
    return request.param


def test_a_changed_cell_anywhere_changes_the_fingerprint(grids, digest):
    rng = random.Random(7)
    tk = copy.deepcopy(grids["Tickets"])
    head, n = tk[0], len(tk)
    seen = {memo.fingerprint(tk)}
    for j in range(len(head)):
        for i in (0, 1, n // 2, n - 1):                     # the header, first, middle and last row
            old = tk[i][j]
            tk[i][j] = _other(old, rng)
            fp = memo.fingerprint(tk)
            assert fp not in seen, (i, j, old, tk[i][j])
            seen.add(fp)
            tk[i][j] = old
    assert memo.fingerprint(tk) == memo.fingerprint(grids["Tickets"])   # back as it was: the first key again
    for a, b in [(1, 1.0), (1, True), (0.0, -0.0), ("1", 1), ("", None), ("a", "a ")]:
        assert memo.fingerprint([["h"], [a]]) != memo.fingerprint([["h"], [b]]), (a, b)


def test_equal_cells_shared_or_not_give_one_fingerprint(digest):
    """Excel hands fresh objects every call; the cache may still hold the first call's (a typed table refers to
    its text cells). The key must follow the content, not how objects are shared, or every recalc would miss."""
    s1, s2 = "".join(["客户", "甲"]), "".join(["客", "户甲"])
    f1, f2 = float("46300.5"), float("46300.5")
    assert s1 is not s2 and f1 is not f2
    row = ["T-1", f1, s1]
    shared = [["工单编号", "受理时间", "客户"], row, row, [s1, f1, s1]]
    fresh = [["工单编号", "受理时间", "客户"], ["T-1", f2, s2], ["T-1", f1, s1], [s2, f2, s1]]
    assert memo.fingerprint(shared) == memo.fingerprint(fresh)
    keep = [shared]                                   # another reference to every object: still the same key
    assert memo.fingerprint(copy.deepcopy(keep[0])) == memo.fingerprint(shared)


def test_the_server_digests_with_blake2b(monkeypatch):
    import hashlib
    monkeypatch.setattr(memo, "_hash128", memo._hash128)     # restored after the test
    memo.shared_by_users()
    value = [["工单编号"], ["T-1"]]
    assert memo.fingerprint(value) == hashlib.blake2b(memo._pickled(value), digest_size=16).digest()


def test_compliance_follows_one_changed_cell_in_every_column(grids, monkeypatch):
    rng = random.Random(11)
    head, body = grids["Tickets"][0], grids["Tickets"][1:]
    rows = [list(r) for r in body if 46296 <= (r[head.index("受理时间")] or 0) < 46327][:150]   # 2026-10
    tk = [list(head)] + rows
    a = [tk, PERIOD, "response", AS_OF, grids["Terms"]]
    first = uncached(monkeypatch, "SP_COMPLIANCE", *a)
    assert call(F, "SP_COMPLIANCE", *a) == first
    moved = 0
    for j in range(len(head)):
        for i in (1, len(tk) // 2, len(tk) - 1):
            old = tk[i][j]
            tk[i][j] = rng.choice([_other(old, rng), "", "n/a", tk[rng.randrange(1, len(tk))][j]])
            want = uncached(monkeypatch, "SP_COMPLIANCE", *a)
            moved += want != first
            assert call(F, "SP_COMPLIANCE", *a) == want, (i, head[j], old, tk[i][j])   # the same list, changed
            assert call(F, "SP_COMPLIANCE", *copy.deepcopy(a)) == want                # fresh lists (a hit)
            tk[i][j] = old
    assert moved >= 5           # the changes do move the figure, so a stale answer would have been caught
    assert memo.stats["hits"] > 0


def test_metric_rows_are_kept_across_periods(grids, computed):
    from servicepledge.inputs.reader import read_workbook
    from servicepledge.report import compute
    from excel_helpers import SAMPLE
    wb = read_workbook(SAMPLE)
    periods = ("2026-10", "2026-09", "2026-Q3", "2026")
    # the engine's whole report of each period: an independent path to the same figures
    want = {(m, p): compute(wb.tables, wb.issues, period=p, as_of=AS_OF).doc[m]
            for m in ("response", "initial_solution") for p in periods}
    computed.clear()
    tk = grids["Tickets"]
    for (metric, period), x in want.items():
        got = call(F, "SP_COMPLIANCE", tk, period, metric, AS_OF, grids["Terms"])[0][0]
        assert got == pytest.approx(x["met"] / (x["met"] + x["breached"])), (metric, period)
    assert len(computed) == 2        # one computation per metric; three other periods summarised again
    # a new as_of is a new computation (open tickets are judged at that moment)
    call(F, "SP_COMPLIANCE", tk, PERIOD, "response", "2026-10-30 18:00", grids["Terms"])
    assert len(computed) == 3


def test_metric_rows_with_contracts_follow_the_period(monkeypatch, computed):
    from test_contracts import CONTRACTS, TICKETS
    T, K = as_arg(TICKETS), as_arg(CONTRACTS)
    cached = 0
    for period in ("2026-10", "2026-09", "2026-10"):
        for contract in ("A", "B", "default", ""):
            a = [T, [[period]], [[""]], [["2026-11-05 18:00"]], [[""]], [[contract]], K]
            want = uncached(monkeypatch, "SP_COMPLIANCE", *a)
            before = len(computed)
            assert call(F, "SP_COMPLIANCE", *a) == want, (period, contract)
            cached += len(computed) - before
    assert cached == 2        # one computation per period (the contracts are assigned for it), not per contract


def test_the_cache_stays_within_its_bounds_while_as_of_moves(grids, monkeypatch):
    # =NOW() gives a new as_of on every recalculation: every answer and metric-row entry is new
    tk = grids["Tickets"]
    call(F, "SP_COMPLIANCE", tk, PERIOD, "response", AS_OF, grids["Terms"])
    n0, held0 = memo.size()
    assert held0 > 0
    budget_mb = 3 * held0 / 2**20                   # room for about three such calls' entries
    monkeypatch.setenv("SERVICEPLEDGE_CACHE_MB", str(budget_mb))
    for minute in range(40):
        when = f"2026-10-31 17:{minute:02d}"
        call(F, "SP_COMPLIANCE", tk, PERIOD, "response", when, grids["Terms"])
        n, held = memo.size()
        assert held <= memo.budget() and n <= memo.MAX_ENTRIES
    monkeypatch.delenv("SERVICEPLEDGE_CACHE_MB")
    for minute in range(memo.MAX_ENTRIES + 10):     # the entry bound, with the default budget
        call(F, "SP_COMPLIANCE", tk, PERIOD, "initial_solution", f"2026-10-30 {minute // 60:02d}:{minute % 60:02d}",
             grids["Terms"])
        assert memo.size()[0] <= memo.MAX_ENTRIES
    assert memo.size()[0] == memo.MAX_ENTRIES


# ---------------------------------------------------------------- big tables typed block by block
def _same_table(got, want):
    """Two typed tables (and their data issues) are the same: frames, bad cells, headers, issues as a set."""
    (g, gi), (w, wi) = got, want
    pd.testing.assert_frame_equal(g.df, w.df)
    pd.testing.assert_frame_equal(g.bad, w.bad)
    assert g.headers == w.headers and g.near == w.near
    key = lambda r: (r["table"], -1 if r["row"] is None else r["row"], r["column"] or "", r["problem"])  # noqa: E731
    assert sorted(gi.rows, key=key) == sorted(wi.rows, key=key)
    assert {(x.code, x.column, x.en) for x in gi.warnings} == {(x.code, x.column, x.en) for x in wi.warnings}
    assert all(wi.zh.get(k) == v for k, v in gi.zh.items())


def _blocked(name, tk):
    from servicepledge.excel import cells
    from servicepledge.inputs.tables import Issues
    found = Issues()
    loaded = cells.table(name, tk, name.lower(), found)
    return loaded, found


def _whole(name, tk):
    from servicepledge.excel import cells
    from servicepledge.inputs.tables import Issues, from_grid
    found = Issues()
    return from_grid(name, cells.grid(tk), issues=found, source=f"argument '{name.lower()}'"), found


def test_a_big_table_typed_in_blocks_equals_the_whole(grids, monkeypatch):
    monkeypatch.setattr(memo, "BLOCK_ROWS", 300)
    monkeypatch.setattr(memo, "MAX_BLOCKS", 8)
    rng = random.Random(5)
    head, body = grids["Tickets"][0], grids["Tickets"][1:]
    tk = [list(head) + [""]] + [list(r) + [""] for r in body[:1500]]        # 5 blocks; a column without a name
    idc, op = head.index("工单编号"), head.index("受理时间")
    tk[700][idc] = tk[20][idc]             # an id repeated in a later block
    tk[40][idc] = tk[30][idc]              # … and one inside a block
    tk[1000][idc] = tk[30][idc]            # … and once more, later
    tk[1200][-1] = "notes"                  # a value under the nameless column, only in the 4th block
    tk[301] = [""] * len(tk[0])             # a blank row, first of the 2nd block
    tk[450] = tk[450][:5]                   # a short (ragged) row
    for r in rng.sample(range(1, len(tk)), 60):
        j = rng.randrange(len(head))
        tk[r][j] = rng.choice(["", "n/a", True, -3.0, "2026-10-05 14:30", 46300.5, tk[rng.randrange(1, 1500)][j]])
    tk[900][op] = tk[900][op] + 400 if isinstance(tk[900][op], float) else 46500.0   # responses before opening
    want = _whole("Tickets", tk)
    assert memo.fingerprint(tk) is not None and memo.blocks(memo.fingerprint(tk)) is not None
    got = _blocked("Tickets", tk)
    _same_table(got, want)
    assert any("duplicate id" in r["problem"] for r in want[1].rows if r["row"] == 701)   # across blocks: caught
    assert any(r["row"] == 1 and "has values but no header" in r["problem"] for r in want[1].rows)
    # one cell changed in the 3rd block: only that block is typed again, and the result is still the whole's
    blocks_before = {k for k in memo._store._items if k and k[0] == "block"}
    tk[650][op] = "n/a"
    got = _blocked("Tickets", tk)
    _same_table(got, _whole("Tickets", tk))
    new = {k for k in memo._store._items if k and k[0] == "block"} - blocks_before
    assert [k[7] for k in new] == [600]                 # the block of data rows 601-900 (Excel rows 602-901)


def test_big_tables_cached_equal_uncached_through_the_functions(grids, monkeypatch):
    monkeypatch.setattr(memo, "BLOCK_ROWS", 500)
    monkeypatch.setattr(memo, "MAX_BLOCKS", 8)
    head, body = grids["Tickets"][0], grids["Tickets"][1:]
    tk = [head] + [list(r) for r in body]                              # 3,663 rows: 8 blocks
    a = [tk, *[grids[n] for n in ("Complaints", "Staff", "FundLedger", "FundBudget", "Notices")], PERIOD, AS_OF,
         grids["Terms"]]
    for step in range(3):
        for name in ("SP_KPIS", "SP_WARNINGS", "SP_BREACHES"):
            args = a + [14] if name == "SP_WARNINGS" else [tk, grids["Complaints"], grids["Notices"], PERIOD, AS_OF,
                                                           grids["Terms"]] if name == "SP_BREACHES" else a
            assert call(F, name, *args) == uncached(monkeypatch, name, *args), (step, name)
        r = 1 + 1700 * step                                             # a cell in the 1st, 4th and 7th block
        tk[r][head.index("首次响应时间")] = (tk[r][head.index("受理时间")] or 46300) + 3


def test_a_block_of_blank_rows_and_a_changed_header(grids, monkeypatch):
    monkeypatch.setattr(memo, "BLOCK_ROWS", 200)
    monkeypatch.setattr(memo, "MAX_BLOCKS", 8)
    head, body = grids["Tickets"][0], grids["Tickets"][1:]
    tk = [list(head)] + [list(r) for r in body[:1000]]
    for i in range(201, 401):                       # the whole 2nd block is blank rows
        tk[i] = [""] * len(head)
    _same_table(_blocked("Tickets", tk), _whole("Tickets", tk))
    before = _blocked("Tickets", tk)[0]
    tk[0][head.index("满意度")] = "满意 度 评分"       # a header renamed: every block is typed again, the column unread
    after = _blocked("Tickets", tk)
    _same_table(after, _whole("Tickets", tk))
    assert before.df["satisfaction"].notna().any() and after[0].df["satisfaction"].isna().all()


class JsNull:
    """Stands for Pyodide's JavaScript null (cells.plain recognises it by its class name)."""


def test_entity_and_null_cells_in_a_big_table_read_as_their_plain_values(grids, monkeypatch):
    """Office.js hands a linked-data cell as a dict (its value under basicValue), Pyodide a JS null as JsNull.
    Typed in blocks (tables.load converts only the cells of such types), the table is the one of the same cells
    written as plain values by hand, and the one typed whole after cells.grid converted every cell."""
    monkeypatch.setattr(memo, "BLOCK_ROWS", 300)
    monkeypatch.setattr(memo, "MAX_BLOCKS", 8)
    head, body = grids["Tickets"][0], grids["Tickets"][1:]
    plain = [list(head) + [""]] + [list(r) + [""] for r in body[:1200]]   # 4 blocks; a column without a name
    tk = copy.deepcopy(plain)
    op, sat, eng = head.index("受理时间"), head.index("满意度"), head.index("工程师")
    for r in (5, 350, 900):                         # a date entity in three blocks
        tk[r][op] = {"type": "Double", "basicValue": plain[r][op], "basicType": "Double"}
    tk[400][eng] = {"type": "Entity", "text": "x", "basicValue": plain[400][eng], "properties": {}}
    tk[401][sat], plain[401][sat] = JsNull(), None  # a null where a score was: blank
    tk[700][-1] = {"type": "String", "basicValue": ""}          # an entity holding nothing: the column stays empty
    tk[0][eng] = {"type": "String", "basicValue": head[eng]}    # the header itself an entity
    got = _blocked("Tickets", tk)
    assert memo.blocks(memo.fingerprint(tk)) is not None       # (typed in blocks)
    want = _blocked("Tickets", plain)
    _same_table(got, want)
    _same_table(got, _whole("Tickets", tk))
    assert not any("no header" in r["problem"] for r in got[1].rows)
    assert got[0].df.loc[got[0].df["_row"] == 402, "satisfaction"].isna().all()
    assert got[0].df["engineer"].tolist() == want[0].df["engineer"].tolist() and len(got[0].df) == 1200
    tk[700][-1] = {"type": "String", "basicValue": "备注"}      # now it holds a value: reported on the header row
    assert any(r["row"] == 1 and "no header" in r["problem"] for r in _blocked("Tickets", tk)[1].rows)
