"""Issue 12 (compute cost): the faster paths of report.compute give exactly what the plain ways give.

Each fast path is checked against an independent plain computation (Python's round, pandas' stable sort,
the text status column, a whole-table copy) on inputs chosen to hit its edges: half-cents, huge amounts,
ids with numbers/blanks/NUL, duplicate ticket ids, unusable fees, tables the clip must not touch.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from helpers import build, report
from servicepledge.core.as_of import clip
from servicepledge.kpi import breaches as B
from servicepledge.kpi import service as S
from servicepledge.kpi import sla
from servicepledge.report import round2


# ------------------------------------------------------------------ amounts: round2 == Python's round(v, 2)
def _same_floats(a: list, b: list) -> bool:
    # bit for bit: the same value and the same sign of zero (the JSON writes -0.0 and 0.0 differently)
    return len(a) == len(b) and all((math.isnan(x) and math.isnan(y)) or (x == y and repr(x) == repr(y))
                                    for x, y in zip(a, b))


def test_round2_is_pythons_round_on_half_cents_and_edges():
    edge = [0.0, -0.0, 0.125, 0.375, 2.675, 1.005, 1.015, -2.675, -0.001, 0.005, 0.015, 12.345, 1234.565,
            9999999.995, 10737418.235, 1e9 + 0.005, 1e16 + 0.5, 1e300, 5e-324, float("nan"), float("inf"),
            -float("inf")]
    x = np.array(edge, dtype="float64")
    assert _same_floats(round2(x).tolist(), [round(v, 2) for v in edge])
    # round(2.675, 2) is 2.67 (2.675 is stored just below it) and round(0.125, 2) is 0.12 (half to even):
    # the cases a plain rint(v * 100) / 100 is allowed to get wrong are left to Python
    assert round2(np.array([2.675, 0.125])).tolist() == [2.67, 0.12]


def test_round2_is_pythons_round_on_many_amounts():
    rng = np.random.default_rng(12)
    fees = np.round(rng.random(20000) * 5000, 2)
    x = np.concatenate([0.1 * fees, 0.5 * fees, rng.integers(0, 10**6, 20000) * 0.005,      # many half-cents
                        rng.random(20000) * 10.0 ** rng.integers(-3, 12, 20000), -rng.random(2000) * 100])
    assert _same_floats(round2(x).tolist(), [round(v, 2) for v in x.tolist()])


# ------------------------------------------------------------------ item order: numpy text sort == pandas sort
def _pandas_order(order, ids) -> list:
    return pd.DataFrame({"_o": order, "ref_id": pd.Series(ids, dtype=object)}) \
        .sort_values(["_o", "ref_id"], kind="stable").index.tolist()


@pytest.mark.parametrize("ids", [
    ["T-10", "T-9", "T-100", "C-1", "T-10", "投诉-2", "投诉-10", "t-1", "T-1 ", "T-1", "é", "e\u0301", "😀", ""],
    ["a", "a\x00", "a", "b"],                    # a trailing NUL: numpy text would drop it, pandas sorts it
    [3, 1, 2, 1],                                 # numbers: pandas
    ["b", None, "a", None],                       # blanks: pandas (last)
    ["x" * 300, "y", "x"],                        # long ids: the fixed-width copy would be wide, still right
])
def test_items_sorted_by_source_then_id_as_pandas_sorts_them(ids):
    for order in (np.array([k % 3 for k in range(len(ids))]), np.zeros(len(ids), dtype=np.int64)):
        got = B._by_source_and_id(order, pd.Series(ids, dtype=object)).tolist()
        assert got == _pandas_order(order, ids)


def test_equal_ids_keep_their_order():
    ids = ["T-2", "T-1", "T-2", "T-1", "T-2"]
    order = np.zeros(5, dtype=np.int64)
    assert B._by_source_and_id(order, pd.Series(ids, dtype=object)).tolist() == [1, 3, 0, 2, 4]


# ------------------------------------------------------------------ fees: few items and many items agree
def _tickets():
    # T1 twice: the loader marks the repeated id unusable, so the first row's fee (100) counts; T2's first
    # row has an unreadable fee and its second repeats the id: no usable fee (0); T3 has no fee (0); T4 is
    # not in the table at all (0)
    rows = [dict(ticket_id="T1", opened_at="2026-10-01 09:00", service_fee=100),
            dict(ticket_id="T1", opened_at="2026-10-02 09:00", service_fee=999),
            dict(ticket_id="T2", opened_at="2026-10-03 09:00", service_fee="abc"),
            dict(ticket_id="T2", opened_at="2026-10-04 09:00", service_fee=250),
            dict(ticket_id="T3", opened_at="2026-10-05 09:00")]
    rows += [dict(ticket_id=f"X{k}", opened_at="2026-09-01 09:00", service_fee=k) for k in range(40)]
    tables, _ = build(Tickets=rows)
    return tables["Tickets"]


def test_fees_of_few_items_filter_the_tickets_and_give_the_same_fees():
    t = _tickets()
    few = pd.DataFrame({"ref_id": ["T1", "T2", "C9", "T4"], "source": ["ticket", "ticket", "complaint", "ticket"],
                        "ticket_link": [None, None, "T3", None]})
    assert len(few) * 4 < len(t.df)              # the filtered path
    assert t.usable("ticket_id", "service_fee").tolist()[:5] == [True, False, False, False, True]
    assert B._fees(few, t).tolist() == [100.0, 0.0, 0.0, 0.0]
    many = pd.concat([few] + [pd.DataFrame({"ref_id": [f"X{k}"], "source": ["ticket"], "ticket_link": [None]})
                              for k in range(40)], ignore_index=True)
    assert len(many) * 4 >= len(t.df)            # the whole-table path
    assert B._fees(many, t).tolist() == [100.0, 0.0, 0.0, 0.0] + [float(k) for k in range(40)]


# ------------------------------------------------------------------ status codes == the status text
LABEL = {0: sla.MET, 1: sla.BREACHED, 2: sla.PENDING, -1: None}


def _check_codes(mr: S.MetricRows):
    text = mr.rows["status"].astype(object).where(mr.rows["status"].notna(), None).tolist()
    assert [LABEL[c] for c in mr.code.tolist()] == text
    assert mr.breached.tolist() == [s == sla.BREACHED for s in text]


def test_status_codes_match_the_status_column_with_due_times_and_populations():
    tk = [dict(ticket_id="A", opened_at="2026-10-05 09:00", first_response_at="2026-10-05 10:00"),   # Met
          dict(ticket_id="B", opened_at="2026-10-05 09:00", first_response_at="2026-10-05 13:00"),   # Breached
          dict(ticket_id="C", opened_at="2026-10-31 17:00"),                                          # Pending
          dict(ticket_id="D", opened_at="2026-10-31 09:00"),                                          # Breached
          dict(ticket_id="E", opened_at="2026-10-05 09:00", first_response_at="2026-10-05 13:00",
               response_due_at="2026-10-05 14:00"),                                                   # Met by due
          dict(ticket_id="F", opened_at="bad"),                                                       # none
          dict(ticket_id="G", opened_at="2026-10-05 09:00", complex=True, initial_solution_at="2026-10-07 09:00"),
          dict(ticket_id="H", opened_at="2026-10-05 09:00", complex=False, initial_solution_at="2026-10-09 09:00")]
    tables, _ = build(Tickets=tk)
    t = clip(tables, pd.Timestamp("2026-10-31 18:00")).tables
    resp = S.metric_rows(t, "response", pd.Timestamp("2026-10-31 18:00"), report().terms)
    _check_codes(resp)
    # by hand (2 h, calendar): A 1 h Met; B 4 h Breached; C 1 h so far at 18:00 Pending; D 9 h unanswered
    # Breached; E 4 h but answered before its own due time Met; F unreadable start: none; G, H unanswered
    # since 10-05 Breached
    assert resp.code.tolist() == [0, 1, 2, 1, 0, -1, 1, 1]
    sol = S.metric_rows(t, "initial_solution", pd.Timestamp("2026-10-31 18:00"), report().terms)
    _check_codes(sol)
    # only G is complex (in the population): solved after 48 h > the 24 h default -> Breached; the others,
    # H included (not complex), have no status
    assert sol.code.tolist() == [-1, -1, -1, -1, -1, -1, 1, -1]


def test_summary_from_codes_equals_counting_the_text():
    r = report(Tickets=[dict(ticket_id=f"T{k}", opened_at=f"2026-10-{1 + k % 28:02d} 09:00",
                             first_response_at=(f"2026-10-{1 + k % 28:02d} {10 + k % 5}:00" if k % 7 else None))
                        for k in range(60)])
    # by hand: 60 tickets; k % 7 == 0 -> unanswered (9 of them: k = 0, 7, …, 56), opened by 10-28 09:00,
    # so far more than 2 h by 10-31 18:00 -> Breached; answered at 10..14 h -> 1..5 h: Met when <= 2 h
    # (k % 5 in {0, 1}), else Breached
    answered = [k for k in range(60) if k % 7]
    met = sum(1 for k in answered if k % 5 in (0, 1))
    assert r.doc["response"]["met"] == met
    assert r.doc["response"]["breached"] == 60 - met
    assert r.doc["response"]["pending"] == 0


# ------------------------------------------------------------------ clip: the caller's frames untouched
def test_clip_copies_only_what_it_blanks_and_leaves_the_input_as_it_was():
    tk = [dict(ticket_id="T1", opened_at="2026-10-30 09:00", first_response_at="2026-11-02 09:00",
               resolved_at="2026-11-03 09:00", quality_ok=True, followed_up_at="2026-11-04 09:00", satisfaction=5),
          dict(ticket_id="T2", opened_at="2026-10-30 09:00", first_response_at="2026-10-30 10:00")]
    tables, _ = build(Tickets=tk)
    before = tables["Tickets"].df.copy(deep=True)
    out = clip(tables, pd.Timestamp("2026-10-31 18:00")).tables["Tickets"].df
    pd.testing.assert_frame_equal(tables["Tickets"].df, before)          # the input frame as it was
    assert out["first_response_at"].isna().tolist() == [True, False]
    assert out["quality_ok"].isna().tolist() == [True, True]              # T2's was blank already
    assert out["satisfaction"].isna().tolist() == [True, True]
    assert out["ticket_id"].tolist() == ["T1", "T2"]


@pytest.mark.parametrize("codes", [[0, 1, 2, -1, 1], [-1, -1], [], [2, 2, 2], list(np.random.default_rng(3).integers(-1, 3, 5000))])
def test_status_column_is_the_column_pandas_makes_from_the_texts(codes):
    code = np.array(codes, dtype=np.int8)
    texts = np.array([LABEL[c] for c in codes], dtype=object)
    plain = pd.DataFrame({"status": texts})["status"]                  # pandas' own conversion of the texts
    built = pd.DataFrame({"status": sla._status_column(code)})["status"]
    assert built.dtype == plain.dtype
    pd.testing.assert_series_equal(built, plain)


# ------------------------------------------------------------------ contract codes: fast paths == the text pass
@pytest.mark.parametrize("values", [[None, None], [], ["K1", None, "K2", float("nan")], ["K1", "K2"],
                                    [101, None, "K1", 2.5], [np.str_("K1"), None]])
def test_contract_codes_equal_the_plain_text_conversion(values):
    from servicepledge.core import contracts
    for col in (pd.Series(values, dtype=object), pd.Series(values)):     # as objects, and as pandas infers
        df = pd.DataFrame({"contract": col})
        plain = df["contract"].where(df["contract"].notna(), contracts.DEFAULT).astype(str).to_numpy(dtype=object)
        got = contracts.codes(df)
        assert got.dtype == object and got.tolist() == plain.tolist()
        assert all(isinstance(x, str) for x in got)        # (pandas 2 keeps numpy.str_, a str, as it is)


# ------------------------------------------------------------------ Period.contains: numpy path == pandas' comparisons
@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
def test_period_contains_in_numpy_equals_pandas_comparisons(unit):
    from servicepledge.core.period import Period
    when = pd.Series(pd.to_datetime(["2026-09-30 23:59:59", "2026-10-01 00:00:00", "2026-10-31 23:59:59",
                                     "2026-11-01 00:00:00", None, "2026-10-15 12:00:00"]).as_unit(unit),
                     index=[5, 3, 9, 0, 1, 2], name="opened_at")
    for p in (Period.of_month(2026, 10), Period.of_quarter(2026, 4), Period.of_year(2025)):
        got = p.contains(when)
        plain = (when >= p.start) & (when < p.end)
        pd.testing.assert_series_equal(got, plain)
    # by hand: October holds 10-01 00:00 … 10-31 23:59:59 and 10-15; not 09-30, 11-01 or the blank
    assert Period.of_month(2026, 10).contains(when).tolist() == [False, True, True, False, False, True]
