"""Issue 12, compute cost: the faster paths of `report.compute` give the very figures of the slower ones.

- the comparison's other periods build a lean register (no reason lists): its counts and totals are the full
  register's, for every month and quarter of the sample and a year;
- an item's service fee is looked up in one hash pass (`breaches._fees`): hand-worked cases (duplicated ids,
  unreadable and blank fees, unknown and missing tickets) and random tables against the look-up it replaced;
- the JSON's money is rounded once per distinct amount: the same values as `round(x, 2)` item by item,
  ties and binary fractions included.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers import build
from servicepledge.cli import sample_path
from servicepledge.inputs.reader import read_workbook
from servicepledge.kpi import breaches as B
from servicepledge.kpi import service as S
from servicepledge.report import _items_json, compute


def _old_fees(items: pd.DataFrame, tickets) -> pd.Series:
    """The look-up `_fees` had before issue 12 (isin, drop_duplicates, map): the reference."""
    ticket = items["ref_id"].where(items["source"] == "ticket", items["ticket_link"])
    df = tickets.df
    need = df["ticket_id"].isin(ticket.dropna().unique())
    need &= tickets.usable("ticket_id", "service_fee")
    fees = df.loc[need, ["ticket_id", "service_fee"]].drop_duplicates("ticket_id").set_index("ticket_id")["service_fee"]
    return ticket.map(fees).astype("float64").fillna(0.0)


def _items(refs: list, sources: list, links: list) -> pd.DataFrame:
    return pd.DataFrame({"ref_id": refs, "source": sources, "ticket_link": links})


def test_fee_of_each_item_hand_worked():
    tables, _ = build(Tickets=[
        dict(ticket_id="T1", opened_at="2026-10-01 09:00", service_fee="abc"),   # unreadable fee
        dict(ticket_id="T1", opened_at="2026-10-02 09:00", service_fee=300),     # a duplicate id: not used
        dict(ticket_id="T2", opened_at="2026-10-03 09:00", service_fee=None),    # blank -> 0
        dict(ticket_id="T3", opened_at="2026-10-04 09:00", service_fee=1000),
        dict(ticket_id="T4", opened_at="2026-10-05 09:00", service_fee=500),     # first usable row wins: 500
        dict(ticket_id="T4", opened_at="2026-10-06 09:00", service_fee=700),
    ])
    t = tables["Tickets"]
    # the case is what it claims: "abc" is unreadable, the reader leaves out a duplicate id's later rows
    assert t.bad["service_fee"].tolist()[:2] == [True, True] and t.bad["ticket_id"].tolist()[:2] == [False, True]
    items = _items(["T1", "T2", "C1", "C2", "T5", "N1"],
                   ["ticket", "ticket", "complaint", "complaint", "ticket", "notice"],
                   [None, None, "T4", None, None, None])
    got = B._fees(items, t).tolist()
    # T1 no usable fee 0, T2 blank 0, C1 about T4 500 (not the duplicate's 700), C2 about no ticket 0,
    # T5 unknown 0, a notice's own id 0; T3 (1000, not an item's) is read but never used
    assert got == [0.0, 0.0, 500.0, 0.0, 0.0, 0.0]
    assert B._fees(_items(["T3", "C9"], ["ticket", "complaint"], [None, "T3"]), t).tolist() == [1000.0, 1000.0]
    assert got == _old_fees(items, t).tolist()


def test_fee_look_up_matches_the_old_one_on_random_tables():
    rng = np.random.default_rng(7)
    for _ in range(5):
        n = 400
        ids = [f"T{k}" for k in rng.integers(0, 120, n)]
        fee = rng.choice([None, "x", 150, 200.5, 999.99, 0], n, p=[.1, .05, .25, .25, .25, .1]).tolist()
        tables, _ = build(Tickets=[dict(ticket_id=i, opened_at="2026-10-01 09:00", service_fee=f)
                                   for i, f in zip(ids, fee)])
        t = tables["Tickets"]
        m = 150
        src = rng.choice(["ticket", "complaint", "notice"], m).tolist()
        refs = [f"T{k}" if s == "ticket" else f"C{k}" for s, k in zip(src, rng.integers(0, 140, m))]
        links = [None if rng.random() < .3 else f"T{k}" for k in rng.integers(0, 140, m)]
        items = _items(refs, src, links)
        new, old = B._fees(items, t), _old_fees(items, t)
        assert new.tolist() == old.tolist()
        assert (new > 0).any() and (new == 0).any()       # both kinds of answer were exercised


def _sample():
    wb = read_workbook(sample_path())
    return wb.tables, wb.issues


@pytest.mark.parametrize("label", ["2026-10", "2026-09", "2026-Q3", "2026-Q2", "2026", "2025-Q4"])
def test_lean_register_counts_and_totals_as_the_full_one(label):
    tables, issues = _sample()
    r = compute(tables, issues, period=label, as_of="2026-10-31 18:00")
    p = r.period
    rows = {m: S.metric_rows(tables, m, r.as_of, r.terms) for m in S.METRICS}
    full = B.register(tables["Tickets"], tables["Complaints"], tables["Notices"], rows, p, r.as_of, r.terms)
    lean = B.register(tables["Tickets"], tables["Complaints"], tables["Notices"], rows, p, r.as_of, r.terms,
                      lean=True)
    assert B.summary(lean) == B.summary(full)
    cols = ["ref_id", "source", "severity", "status", "fee_reduction", "compensation"]
    pd.testing.assert_frame_equal(lean[cols], full[cols])
    assert set(lean["reasons"]) <= {(), ("notice",)}        # lean: the reasons are not worked out
    if label == "2026-10":                                 # the sample's month has items: the case is not empty
        assert len(full) > 0 and all(len(x) for x in full["reasons"])


def test_money_rounded_as_round_item_by_item():
    # 2.675 and 1.005 are below their halves in binary (round gives 2.67, 1.0); 0.125 is a tie (even: 0.12)
    amounts = [2.675, 1.005, 0.125, 0.0, 0.0, 1234.5678, 2.675, 1e-9, 199.995, 0.0]
    reg = pd.DataFrame({"ref_id": [f"T{k}" for k in range(len(amounts))], "source": "ticket",
                        "reasons": [("response",)] * len(amounts), "due_from_source": [()] * len(amounts),
                        "related_ids": [()] * len(amounts), "severity": "minor",
                        "notice_id": [None, "N1", np.nan, None, "N2", None, None, None, None, None],
                        "deadline": pd.Series([pd.NaT, "2026-10-05", pd.NaT] + [pd.NaT] * 7, dtype="datetime64[us]"),
                        "status": "open", "fee_reduction": amounts, "compensation": amounts[::-1], "contract": ""})
    items = _items_json(reg)
    assert [i["fee_reduction"] for i in items] == [round(float(v), 2) for v in amounts]
    assert [i["fee_reduction"] for i in items][:3] == [2.67, 1.0, 0.12]
    assert [i["compensation"] for i in items] == [round(float(v), 2) for v in amounts[::-1]]
    assert [i["notice_id"] for i in items][:3] == [None, "N1", None]
    assert [i["deadline"] for i in items][:3] == [None, "2026-10-05", None]
    assert items[0]["reasons"] == ["response"] and isinstance(items[0]["reasons"], list)


def test_comparison_skips_the_register_of_a_period_without_records_and_gives_the_same_figures(monkeypatch):
    from servicepledge.kpi import comparison as CMP
    tables, issues = _sample()
    calls = []
    real = B.register

    def counted(*a, **k):
        calls.append(a[4].label)
        return real(*a, **k)
    monkeypatch.setattr(B, "register", counted)
    lean = compute(tables, issues, period="2026-10", as_of="2026-10-31 18:00").doc["comparison"]
    skipped = list(calls)
    calls.clear()
    full_sections = CMP.sections_for
    monkeypatch.setattr(CMP, "sections_for", lambda *a, **k: full_sections(*a, **{**k, "breaches": True}))
    forced = compute(tables, issues, period="2026-10", as_of="2026-10-31 18:00").doc["comparison"]
    # the sample's records begin in 2026: 2025-10 is not compared, so its register is not built...
    assert lean["year_earlier"]["figures"]["breaches_total"]["value"] is None
    assert "2025-10" not in skipped and "2026-09" in skipped and "2025-10" in calls
    # ...and every figure is what building it would have given
    assert lean == forced


def test_compute_resumes_the_cycle_collector():
    import gc
    tables, issues = _sample()
    assert gc.isenabled()
    compute(tables, issues, period="2026-10", as_of="2026-10-31 18:00")
    assert gc.isenabled()
    with pytest.raises(Exception):
        compute(tables, issues, period="2026-10", as_of="2026-10-31 18:00", lang="fr")
    assert gc.isenabled()                                  # also after an error
    gc.disable()
    try:
        compute(tables, issues, period="2026-10", as_of="2026-10-31 18:00")
        assert not gc.isenabled()                          # left as the caller had it
    finally:
        gc.enable()
