"""The SP_ functions' process cache (excel.memo, issue 12): typed tables and reports shared between calls.

Proves that the cache never changes a figure: cached and uncached answers agree on random tables, a
one-cell change (in the same list object) gives the new figure, different tables never see each
other's results, warnings found while typing reach SP_WARNINGS on a cache hit, a cached table is
not modified by later calls, and the estimated bytes held stay within the stated budget.
"""
from __future__ import annotations

import copy
import random

import numpy as np
import pandas as pd
import pytest

from excel_helpers import date_system, fresh_cache, grids, report  # noqa: F401 (pytest fixtures)
from excel_helpers import AS_OF, PERIOD, as_arg, call, sample_grids, server_mode, uncached

xw = server_mode()
from servicepledge.excel import cells  # noqa: E402
from servicepledge.excel import functions as F  # noqa: E402
from servicepledge.excel import memo  # noqa: E402
from servicepledge.kpi import service as S  # noqa: E402
from servicepledge.inputs.tables import from_grid  # noqa: E402

SIX = ("Tickets", "Complaints", "Staff", "FundLedger", "FundBudget", "Notices")


@pytest.fixture(autouse=True)
def _fresh(fresh_cache):
    yield


def kpis_args(g, tickets=None, as_of=AS_OF):
    return [tickets if tickets is not None else g["Tickets"], *[g[n] for n in SIX[1:]], PERIOD, as_of, g["Terms"]]


def test_type_distinct_cells_have_distinct_fingerprints():
    # 1, 1.0, TRUE and "1" are equal or alike in Python but different cells to the engine
    fps = {memo.fingerprint([["h"], [v]]) for v in (1, 1.0, True, "1", "", None, -0.0, 0.0)}
    assert len(fps) == 8
    assert memo.fingerprint([["h"], [1.5]]) == memo.fingerprint([["h"], [1.5]])


def test_fingerprint_depends_on_content_only(grids):
    tk = grids["Tickets"]
    fp = memo.fingerprint(tk)
    more_refs = copy.deepcopy(tk) + [list(r) for r in tk]     # other references to the same strings
    assert memo.fingerprint(tk) == fp == memo.fingerprint(copy.deepcopy(tk))
    assert memo.fingerprint(more_refs[:len(tk)]) == fp


def test_cached_equals_uncached_on_random_tables(grids, monkeypatch):
    rng = random.Random(12)
    head, body = grids["Tickets"][0], grids["Tickets"][1:]
    for _ in range(4):
        rows = [list(r) for r in rng.sample(body, 400)]
        for r in rng.sample(rows, 20):               # blank, mistype or move some cells
            j = rng.randrange(len(head))
            r[j] = rng.choice(["", "n/a", 1, True, r[j], 46300.5])
        tk = [head] + rows
        for name in ("SP_KPIS", "SP_WARNINGS"):
            a = kpis_args(grids, tk) + ([14] if name == "SP_WARNINGS" else [])
            want = uncached(monkeypatch, name, *a)
            assert call(F, name, *a) == want          # miss: computed and stored
            assert call(F, name, *copy.deepcopy(a)) == want   # hit: fresh lists of the same content
        a = [tk, PERIOD, "response", AS_OF, grids["Terms"]]
        assert call(F, "SP_COMPLIANCE", *a) == uncached(monkeypatch, "SP_COMPLIANCE", *a)
    assert memo.stats["hits"] > 0


def test_one_changed_cell_gives_the_new_figure(grids, report):
    tk = copy.deepcopy(grids["Tickets"])
    a = [tk, PERIOD, "response", AS_OF, grids["Terms"]]
    met, br = report.doc["response"]["met"], report.doc["response"]["breached"]
    assert call(F, "SP_COMPLIANCE", *a)[0][0] == pytest.approx(met / (met + br))
    # a ticket of the month answered in time, opened early enough that 5 days later is before as_of
    loaded = from_grid("Tickets", tk)
    rows = S.metric_rows({"Tickets": loaded}, "response", pd.Timestamp(AS_OF), cells.terms(grids["Terms"]))
    df = loaded.df
    pick = df[(rows.rows["status"] == "Met") & (df["opened_at"] >= "2026-10-01") & (df["opened_at"] < "2026-10-20")]
    i = int(pick["_row"].iloc[0]) - 1                        # Excel row 2 is grid index 1
    opened, resp = tk[0].index("受理时间"), tk[0].index("首次响应时间")
    tk[i][resp] = tk[i][opened] + 5                           # answered 120 h after opening: now Breached
    # same list object, one cell changed: (met - 1) / (met + breached), not the cached figure
    assert call(F, "SP_COMPLIANCE", *a)[0][0] == pytest.approx((met - 1) / (met + br))
    kp = call(F, "SP_KPIS", *kpis_args(grids, tk))
    before = call(F, "SP_KPIS", *kpis_args(grids))
    assert kp != before


def test_results_never_leak_between_tables(grids, monkeypatch):
    head, body = grids["Tickets"][0], grids["Tickets"][1:]
    a_tk, b_tk = [head] + body[::2], [head] + body[1::2]
    want = {k: uncached(monkeypatch, "SP_KPIS", *kpis_args(grids, t)) for k, t in (("a", a_tk), ("b", b_tk))}
    assert want["a"] != want["b"]
    for k, t in [("a", a_tk), ("b", b_tk), ("a", a_tk), ("b", b_tk)]:
        assert call(F, "SP_KPIS", *kpis_args(grids, t)) == want[k]


def test_typing_warnings_reach_sp_warnings_on_a_cache_hit(grids):
    tk = copy.deepcopy(grids["Tickets"])
    tk[0] = tk[0] + ["优先 级别"]                 # a header matching no column: the unknown_header warning
    for row in tk[1:]:
        row.append("x")
    first = call(F, "SP_WARNINGS", *kpis_args(grids, tk), 14)
    hits = memo.stats["hits"]
    second = call(F, "SP_WARNINGS", *kpis_args(grids, tk, as_of="2026-10-30 18:00"), 14)  # new report, cached table
    assert memo.stats["hits"] > hits
    for out in (first, second):
        assert any("优先 级别" in str(r[0]) for r in out[1:]), out


def test_a_cached_table_is_not_modified_by_later_calls(grids):
    tk = grids["Tickets"]
    cached = cells.table("Tickets", tk, "tickets")
    df0, bad0 = cached.df.copy(deep=True), cached.bad.copy(deep=True)
    for name in ("SP_KPIS", "SP_BREACHES", "SP_WARNINGS"):
        extra = [14] if name == "SP_WARNINGS" else []
        a = kpis_args(grids) if name != "SP_BREACHES" else [tk, grids["Complaints"], grids["Notices"], PERIOD,
                                                            AS_OF, grids["Terms"]]
        call(F, name, *a, *extra)
    call(F, "SP_COMPLIANCE", tk, PERIOD, "initial_solution", AS_OF, grids["Terms"])
    again = cells.table("Tickets", tk, "tickets")
    assert again is cached                                  # the same cached object …
    pd.testing.assert_frame_equal(again.df, df0)            # … unchanged
    pd.testing.assert_frame_equal(again.bad, bad0)


def test_memory_stays_within_the_budget(grids, monkeypatch):
    head, body = grids["Tickets"][0], grids["Tickets"][1:]
    one = cells.table("Tickets", [head] + body[:1000], "tickets")
    per = memo.loaded_bytes(one)
    # the estimate covers at least the frames' own buffers
    assert per >= one.df.memory_usage(deep=False).sum() + one.bad.memory_usage(deep=False).sum()
    memo.clear()
    monkeypatch.setenv("SERVICEPLEDGE_CACHE_MB", str(2.5 * per / 2**20))   # room for two such tables, not three
    tables = [[head] + body[k * 1000:(k + 1) * 1000] for k in range(3)]
    for t in tables:
        cells.table("Tickets", t, "tickets")
        n, held = memo.size()
        assert held <= memo.budget()
    assert memo.size()[0] == 2                               # the first was evicted …
    misses = memo.stats["misses"]
    cells.table("Tickets", tables[2], "tickets")             # … the latest is still there (a hit)
    assert memo.stats["misses"] == misses
    cells.table("Tickets", tables[0], "tickets")             # the evicted one is typed again (a miss)
    assert memo.stats["misses"] == misses + 1
    # an entry larger than the whole budget is not kept
    memo.clear()
    monkeypatch.setenv("SERVICEPLEDGE_CACHE_MB", str(0.5 * per / 2**20))
    cells.table("Tickets", tables[0], "tickets")
    assert memo.size() == (0, 0)


# ---------------------------------------------------------------- answers kept whole (SP_COMPLIANCE & co.)
def test_answers_of_the_small_functions_follow_their_cells(grids, monkeypatch):
    # each answer cached == the same call uncached, before and after one cell of its table changes
    st, cp = copy.deepcopy(grids["Staff"]), copy.deepcopy(grids["Complaints"])
    lg, bd = copy.deepcopy(grids["FundLedger"]), copy.deepcopy(grids["FundBudget"])
    calls = [("SP_TURNOVER", [st, PERIOD, grids["Terms"]]), ("SP_COMPLAINTS", [cp, PERIOD, AS_OF, grids["Terms"]]),
             ("SP_FUND", [lg, bd, PERIOD])]
    before = {}
    for name, a in calls:
        before[name] = uncached(monkeypatch, name, *a)
        assert call(F, name, *a) == before[name]
        assert call(F, name, *copy.deepcopy(a)) == before[name]           # a hit
    # one cell each, in the same list objects: a staff member leaves in the period, a complaint is accepted
    # a day later, an expense doubles
    left, hired = st[0].index("离职日期"), st[0].index("入职日期")
    i = next(k for k in range(1, len(st)) if st[k][left] in ("", None))
    st[i][left] = 46310.0                                                   # 2026-10-15
    acc = cp[0].index(next(h for h in cp[0] if "受理" in str(h) and "时间" in str(h)))
    j = next(k for k in range(1, len(cp)) if isinstance(cp[k][acc], float) and 46296 <= cp[k][acc] < 46326)
    cp[j][acc] += 1
    amt, day, ok = lg[0].index("金额"), lg[0].index("日期"), lg[0].index("财务审核")
    k = next(k for k in range(1, len(lg)) if isinstance(lg[k][day], float) and 46296 <= lg[k][day] < 46327
             and lg[k][ok] == "是" and lg[k][amt] > 0)                     # an approved expense of 2026-10
    lg[k][amt] *= 2
    for name, a in calls:
        want = uncached(monkeypatch, name, *a)
        assert want != before[name], name                                   # the change matters …
        assert call(F, name, *a) == want, name                              # … and the cache follows it
    assert st[i][hired] is not None


def test_a_cached_answer_is_handed_out_as_a_copy(grids):
    a = [grids["Complaints"], PERIOD, AS_OF, grids["Terms"]]
    first = call(F, "SP_COMPLAINTS", *a)
    out = F.SP_COMPLAINTS(*a)
    out[1][1] = "changed by the caller"
    assert F.SP_COMPLAINTS(*a) != out
    assert call(F, "SP_COMPLAINTS", *a) == first


def test_clip_signature_decides_the_clipped_tables(grids):
    # two moments with the same signature give identical clipped tables; different signatures differ
    from servicepledge.core.as_of import clip, signature
    st = {"Staff": from_grid("Staff", grids["Staff"])}
    df = st["Staff"].df
    events = pd.concat([df["hired_on"], df["left_on"], df["trained_on"]]).dropna()
    rng = random.Random(3)
    lo, hi = events.min() - pd.Timedelta(days=3), events.max() + pd.Timedelta(days=3)
    moments = [lo + (hi - lo) * rng.random() for _ in range(40)] + [events.iloc[0], events.iloc[0] +
                                                                     pd.Timedelta(hours=23)]
    seen = {}
    for w in moments:
        got = clip(st, pd.Timestamp(w)).tables["Staff"].df
        sig = signature(st, pd.Timestamp(w))
        if sig in seen:
            pd.testing.assert_frame_equal(got, seen[sig])
        else:
            for other in seen.values():
                assert not (len(other) == len(got) and other.equals(got))
            seen[sig] = got
    assert len(seen) > 3


def test_the_size_estimate_by_hand():
    """10 rows: float64 8 + nullable boolean 1+1 (mask) + text 8+50 + datetime 8 = 76 bytes a row; a Series of
    text 58 a row; an index of numbers instead of a range 8 more a row."""
    df = pd.DataFrame({"f": np.arange(10.0), "b": pd.array([True, None] * 5, dtype="boolean"),
                       "t": pd.Series(["客户"] * 10, dtype=object),
                       "d": np.full(10, np.datetime64("2026-10-01", "us"))})
    assert memo.frame_bytes(df) == 10 * 76 >= df.memory_usage(deep=False).sum()
    assert memo.frame_bytes(df["t"]) == 580
    assert memo.frame_bytes(df.set_index(df["f"] * 2)) == 10 * (76 + 8)
    assert memo.frame_bytes(None, df, df) == 2 * 760
