"""Several contracts with their own terms (issue 11 item 5), worked out by hand.

Period 2026-11, as_of 2026-11-30 18:00. November 2026 has no Chinese public holiday; 11-02, 11-09, 11-16,
11-23 and 11-30 are Mondays. The Terms sheet keeps the defaults (response 2 h, accept 2 h, calendar hours,
minor fee reduction 10%, major compensation 50%, 7 calendar days for a major breach's solution).

Contracts (a user's workbook, Chinese headers):
  A  甲公司  response 4 h, minor fee reduction 20%                      (calendar hours, from the Terms sheet)
  B  乙公司  response 2 h, business hours 09:00-18:00 Mon-Fri, complaint accepted within 1 h,
             major compensation 30%, deadlines in working days

Tickets (response):
  T1 A   11-02 10:00 -> 13:30  calendar 3.5 h <= 4              Met      (the Terms sheet's 2 h: Breached)
  T2 A   11-06 17:00 -> 22:00  calendar 5 h > 4                 Breached, fee 1000
  T3 B   Fri 11-06 17:00 -> Mon 11-09 10:00  business 1 + 1 = 2 h <= 2   Met   (calendar: 65 h)
  T4 B   Mon 11-09 17:30 -> Tue 11-10 11:00  business 0.5 + 2 = 2.5 h    Breached, fee 500
  T5 (no contract, customer 乙公司 -> B)  Tue 11-10 08:00 -> 10:30  business 09:00-10:30 = 1.5 h  Met
  T6 C-X (not in the table -> default)  11-11 10:00 -> 11:00  1 h     Met          (warning contract_unknown)
  T7 (no contract, customer 丙公司 not in the table -> default)  11-12 10:00 -> 13:00  3 h > 2  Breached, fee 300
                                                                              (warning contract_missing)
Complaints (accept / progress / final):
  K1 B  Mon 11-16 17:30; accepted Tue 09:20 = 0.5 + 1/3 h <= 1 Met; progress Tue 12:00 = 3.5 h Met;
        final Wed 11-18 12:00 = 0.5 + 9 + 3 = 12.5 h Met                     (calendar accept: 15.83 h > 2)
  K2 (no contract, no customer; ticket T2 -> A)  11-03 10:00; accepted 11:30 = 1.5 h Met; progress 20:00 = 10 h
        Met; final 11-05 10:00 = 48 h Met
  K3 B  Fri 11-20 17:00; accepted Mon 11-23 09:30 = 1 + 0.5 = 1.5 h > 1 Breached; progress Mon 12:00 = 4 h Met;
        final Tue 11-24 10:00 = 1 + 9 + 1 = 11 h Met
Notices:
  N1 on T4, 11-12 (Thu), direct loss 10000 -> major; B counts 7 working days: 13, 16, 17, 18, 19, 20, 23 ->
     deadline 11-23; remedied 11-20 -> remedied; compensation 30% x 10000 = 3000
     (the Terms sheet: 11-12 + 7 = 11-19 -> remedied_late, 50% -> 5000)
  N2 on T2, 11-09, no loss -> minor; A: 3 calendar days -> 11-12; not remedied -> overdue; fee 20% x 1000 = 200

Per contract:
  default: response 1 met 1 breached (T6, T7); items T7 (minor, unnotified, fee 10% x 300 = 30)
  A: response 1/1 (T1, T2) = 0.5; complaints K2 met x3; items T2 (minor, overdue, 200)
  B: response 2 met 1 breached = 2/3; accept 1/1 = 0.5 (K1, K3); progress 2/0, final 2/0;
     items T4 (major, remedied, 3000) and K3 (minor, unnotified, no ticket -> fee 0)
Total: response 4 met 3 breached = 4/7; accept 2 met 1 breached; 4 items: 3 minor, 1 major; fee 230; comp 3000.
"""
from __future__ import annotations

import datetime as dt
import json

import pytest

from helpers import cli, write_book

D = dt.datetime
PERIOD, AS_OF = "2026-11", "2026-11-30 18:00"

TICKETS = [
    ["工单编号", "受理时间", "首次响应时间", "服务费用", "客户", "合同编号"],
    ["T1", D(2026, 11, 2, 10), D(2026, 11, 2, 13, 30), None, "甲公司", "A"],
    ["T2", D(2026, 11, 6, 17), D(2026, 11, 6, 22), 1000, "甲公司", "A"],
    ["T3", D(2026, 11, 6, 17), D(2026, 11, 9, 10), None, "乙公司", "B"],
    ["T4", D(2026, 11, 9, 17, 30), D(2026, 11, 10, 11), 500, "乙公司", "B"],
    ["T5", D(2026, 11, 10, 8), D(2026, 11, 10, 10, 30), None, "乙公司", None],
    ["T6", D(2026, 11, 11, 10), D(2026, 11, 11, 11), None, "丁公司", "C-X"],
    ["T7", D(2026, 11, 12, 10), D(2026, 11, 12, 13), 300, "丙公司", None],
]
COMPLAINTS = [
    ["投诉编号", "投诉时间", "受理时间", "进展反馈时间", "最终答复时间", "工单编号", "客户", "合同编号"],
    ["K1", D(2026, 11, 16, 17, 30), D(2026, 11, 17, 9, 20), D(2026, 11, 17, 12), D(2026, 11, 18, 12), None, "乙公司", "B"],
    ["K2", D(2026, 11, 3, 10), D(2026, 11, 3, 11, 30), D(2026, 11, 3, 20), D(2026, 11, 5, 10), "T2", None, None],
    ["K3", D(2026, 11, 20, 17), D(2026, 11, 23, 9, 30), D(2026, 11, 23, 12), D(2026, 11, 24, 10), None, "乙公司", "B"],
]
NOTICES = [
    ["通知编号", "关联编号", "书面通知日期", "违约等级", "直接经济损失", "整改完成日期"],
    ["N1", "T4", D(2026, 11, 12), None, 10000, D(2026, 11, 20)],
    ["N2", "T2", D(2026, 11, 9), None, None, None],
]
CONTRACTS = [
    ["合同编号", "客户", "首次响应时限", "计时方式", "投诉受理时限", "轻微违约服务费减免比例", "重大违约赔偿比例", "期限天数"],
    ["A", "甲公司", 4, None, None, "20%", None, None],
    ["B", "乙公司", 2, "business", 1, None, 0.3, "working"],
]


def _book(path, contracts=True):
    sheets = {"服务工单": TICKETS, "客户投诉": COMPLAINTS, "违约通知": NOTICES}
    if contracts:
        sheets["合同"] = CONTRACTS
    return write_book(path, sheets)


@pytest.fixture(scope="module")
def doc(tmp_path_factory):
    path = _book(tmp_path_factory.mktemp("c") / "contracts.xlsx")
    before = path.read_bytes()
    res = cli("report", str(path), "--period", PERIOD, "--as-of", AS_OF, "--json")
    assert res.returncode == 0, res.stderr
    assert path.read_bytes() == before            # the input is never modified
    return json.loads(res.stdout)


def _by(doc):
    return {e["contract"]: e for e in doc["contracts"]}


def test_each_contract_measured_by_its_own_terms(doc):
    c = _by(doc)
    assert list(c) == [None, "A", "B"]           # the default contract first, then the table's order
    r = {k: (e["response"]["met"], e["response"]["breached"]) for k, e in c.items()}
    assert r == {None: (1, 1), "A": (1, 1), "B": (2, 1)}
    assert c["B"]["response"]["compliance"] == pytest.approx(2 / 3)
    assert c["B"]["response"]["median_hours"] == pytest.approx(2.0)      # T3 2, T4 2.5, T5 1.5 -> 2
    assert c["A"]["response"]["median_hours"] == pytest.approx(4.25)     # T1 3.5, T2 5 -> 4.25
    acc = {k: (e["complaints"]["accept"]["met"], e["complaints"]["accept"]["breached"]) for k, e in c.items()}
    assert acc == {None: (0, 0), "A": (1, 0), "B": (1, 1)}
    assert c["B"]["complaints"]["accept"]["target_hours"] == 1.0
    assert c["B"]["complaints"]["accept"]["median_hours"] == pytest.approx((5 / 6 + 1.5) / 2, abs=1e-4)   # 0.8333, 1.5 (JSON: 4 places)
    assert c["A"]["customer"] == "甲公司" and c["B"]["terms"]["time_basis"] == "business"
    assert c["A"]["terms"] == {"response_hours": 4.0, "minor_fee_reduction_ratio": 0.2}


def test_breaches_money_and_deadlines_per_contract(doc):
    items = {i["ref_id"]: i for i in doc["breaches"]["items"]}
    assert set(items) == {"T2", "T4", "T7", "K3"}
    assert (items["T4"]["contract"], items["T4"]["deadline"], items["T4"]["status"]) == ("B", "2026-11-23", "remedied")
    assert items["T4"]["compensation"] == 3000.0 and items["T4"]["severity"] == "major"
    assert (items["T2"]["contract"], items["T2"]["deadline"], items["T2"]["status"]) == ("A", "2026-11-12", "overdue")
    assert items["T2"]["fee_reduction"] == 200.0
    assert (items["T7"]["contract"], items["T7"]["fee_reduction"]) == (None, 30.0)
    assert (items["K3"]["contract"], items["K3"]["reasons"], items["K3"]["fee_reduction"]) == ("B", ["accept"], 0.0)
    c = _by(doc)
    money = {k: (e["breaches"]["total"], e["breaches"]["fee_reduction_total"], e["breaches"]["compensation_total"])
             for k, e in c.items()}
    assert money == {None: (1, 30.0, 0.0), "A": (1, 200.0, 0.0), "B": (2, 0.0, 3000.0)}


def test_contracts_add_up_to_the_report(doc):
    b = doc["breaches"]
    assert (b["total"], b["minor"], b["major"], b["fee_reduction_total"], b["compensation_total"]) == \
        (4, 3, 1, 230.0, 3000.0)
    assert (doc["response"]["met"], doc["response"]["breached"]) == (4, 3)
    assert doc["response"]["compliance"] == pytest.approx(4 / 7)
    assert (doc["complaints"]["accept"]["met"], doc["complaints"]["accept"]["breached"]) == (2, 1)
    # no 复杂问题 column: the initial solution cannot be computed, for the report and for every contract
    assert doc["initial_solution"]["unavailable"] and doc["initial_solution"]["total"] is None
    assert all(e["initial_solution"]["total"] is None and e["initial_solution"]["unavailable"]
               for e in doc["contracts"])
    for k in ("total", "met", "breached", "pending", "at_risk", "excluded"):
        assert sum(e["response"][k] for e in doc["contracts"]) == doc["response"][k], k
    for m in ("accept", "progress", "final"):
        for k in ("total", "met", "breached", "pending", "at_risk", "excluded"):
            assert sum(e["complaints"][m][k] for e in doc["contracts"]) == doc["complaints"][m][k], (m, k)
    for k in ("total", "minor", "major", "open", "overdue", "unnotified", "remedied", "remedied_late"):
        assert sum(e["breaches"][k] for e in doc["contracts"]) == b[k], k


def test_unknown_and_missing_contracts_are_warned(doc):
    w = {(x["code"], x["table"]): x["message"] for x in doc["warnings"] if x["code"].startswith("contract")}
    assert set(w) == {("contract_unknown", "Tickets"), ("contract_missing", "Tickets")}
    assert "（C-X）" in w["contract_unknown", "Tickets"] and "1 行" in w["contract_unknown", "Tickets"]  # zh report
    assert "1 行" in w["contract_missing", "Tickets"]           # T7 (K2 took its ticket's contract: no warning)
    rows = [(i["table"], i["row"]) for i in doc["data_issues"] if i["column"] == "合同编号"]
    assert rows == [("Tickets", 7)]                             # T6 is on Excel row 7


def test_without_the_contracts_table_one_contract_as_before(tmp_path):
    path = _book(tmp_path / "one.xlsx", contracts=False)
    res = cli("report", str(path), "--period", PERIOD, "--as-of", AS_OF, "--json", "--lang", "en")
    doc = json.loads(res.stdout)
    assert doc["contracts"] == []
    assert "contract" not in doc["breaches"]["items"][0]
    # everything by the Terms sheet, 2 calendar hours:
    # T1 3.5 B, T2 5 B, T3 65 B, T4 17.5 B, T5 2.5 B, T6 1 M, T7 3 B -> 1 met, 6 breached
    assert (doc["response"]["met"], doc["response"]["breached"]) == (1, 6)
    w = {(x["code"], x["table"]): x["message"] for x in doc["warnings"] if x["code"].startswith("contract")}
    # contracts typed but none listed: said, not silently ignored; no "missing" warning without contracts
    assert set(w) == {("contract_unknown", "Tickets"), ("contract_unknown", "Complaints")}
    assert ("has 5 rows in 2026-11 whose 合同编号 (A, B, C-X) is not in the Contracts table"   # T1-T4, T6
            in w["contract_unknown", "Tickets"])
    items = {i["ref_id"]: i for i in doc["breaches"]["items"]}
    assert (items["T4"]["deadline"], items["T4"]["status"], items["T4"]["compensation"]) == \
        ("2026-11-19", "remedied_late", 5000.0)


def test_report_workbook_has_the_contract_sheet(tmp_path):
    import openpyxl
    path = _book(tmp_path / "c.xlsx")
    out = tmp_path / "r.xlsx"
    res = cli("report", str(path), "--period", PERIOD, "--as-of", AS_OF, "-o", str(out), "--lang", "en")
    assert res.returncode == 0, res.stderr
    wb = openpyxl.load_workbook(out)
    assert "By contract" in wb.sheetnames
    dash = [c for r in wb["Dashboard"].iter_rows(values_only=True) for c in r if isinstance(c, str)]
    assert any("the 2 contracts of the Contracts table are measured by their own terms" in c for c in dash)
    worst = dash.index("Contracts to look at first")
    # SLA compliance over the five metrics: default 1/2, B 7/9 (met 2+1+2+2, breached 1+1), A 4/5 -> that order
    assert dash[worst + 1] == "Contract" and dash[worst + 7:worst + 10] == ["Default (Terms sheet)", "B", "A"]
    values = [[c for c in r] for r in wb["By contract"].iter_rows(values_only=True)]
    # headers as printed may break onto two lines (outputs/xlsx.header_lines): compare them on one line
    head = [str(h).replace("\n", " ") if h else h for h in next(r for r in values if r and r[0] == "Contract")]
    at = {r[0]: dict(zip(head, r)) for r in values if r and r[0] in ("Default (Terms sheet)", "A", "B",
                                                                      "Total (all contracts)")}
    assert at["B"]["First response"] == pytest.approx(2 / 3)
    assert at["Total (all contracts)"]["First response"] == pytest.approx(4 / 7)
    assert at["Total (all contracts)"]["Compensation"] == 3000
    assert at["Total (all contracts)"]["Breach items"] == 4
    assert at["A"]["Customer"] != "甲公司"                      # masked as in every shared sheet
    assert at["B"]["Initial solution (complex)"] == "Cannot compute"   # no 复杂问题 column: said, never blank
    assert at["A"]["Terms that differ from the Terms sheet"] == "response_hours=4; minor_fee_reduction_ratio=0.2"
    reg = [r for r in wb["Breach register"].iter_rows(values_only=True)]
    head = next(r for r in reg if r and "Contract" in r)
    assert {r[head.index("Contract")] for r in reg[reg.index(head) + 1:] if r[0]} == \
        {"A", "B", "Default (Terms sheet)"}


def test_bad_contract_term_names_row_and_column(tmp_path):
    bad = [r[:] for r in CONTRACTS]
    bad[2][3] = "sometimes"
    path = write_book(tmp_path / "bad.xlsx", {"服务工单": TICKETS, "合同": bad})
    res = cli("report", str(path), "--period", PERIOD, "--as-of", AS_OF, "--json", "--lang", "en")
    assert res.returncode != 0
    line = res.stderr.strip().splitlines()[-1]
    assert "Contracts (合同) row 3" in line and "计时方式" in line and "sometimes" in line and "Traceback" not in res.stderr
    zh = cli("report", str(path), "--period", PERIOD, "--as-of", AS_OF, "--json", "--lang", "zh")
    line = zh.stderr.strip().splitlines()[-1]
    assert "合同表（Contracts）第 3 行，列“计时方式”：" in line and "sometimes" in line and "row" not in line


def test_grouped_statuses_equal_each_contract_alone():
    """Random tickets of three contracts (one calendar, two business with other hours): every row's status,
    elapsed and target equal what that contract's terms alone give the same rows (the grouping never mixes
    rows up)."""
    import numpy as np
    import pandas as pd

    from servicepledge.core import contracts as CT
    from servicepledge.core.terms import parse_terms
    from servicepledge.inputs import tables as T
    from servicepledge.kpi import service as S
    rng = np.random.default_rng(11)
    n = 3000
    opened = pd.Timestamp("2026-09-01") + pd.to_timedelta(rng.integers(0, 60 * 86400, n), unit="s")
    resp = opened + pd.to_timedelta(rng.integers(0, 30 * 3600, n), unit="s")
    resp = resp.where(rng.random(n) > 0.1)                              # some not answered yet
    rows = [dict(ticket_id=f"T{i}", opened_at=o.strftime("%Y-%m-%d %H:%M:%S"),
                 first_response_at=None if pd.isna(r) else r.strftime("%Y-%m-%d %H:%M:%S"),
                 priority=["P1", "P2", None][i % 3], contract=c)
            for i, (o, r, c) in enumerate(zip(opened, resp, rng.choice(["A", "B", "C", None], n)))]
    from helpers import grid
    t = T.from_grid("Tickets", grid("Tickets", rows))
    own = {"A": {"response_hours": 4, "response_hours_P1": 1},
           "B": {"time_basis": "business"},
           "C": {"time_basis": "business", "work_start": "08:30", "work_end": "17:30", "response_hours": 3}}
    base = parse_terms({})
    ct = CT.ContractTerms(dict(base.values), {}, base.given,
                          (("", base), *((k, parse_terms(v)) for k, v in own.items())))
    as_of = pd.Timestamp("2026-11-15 12:00")
    got = S.MetricRows(t, "response", as_of, ct).rows
    for c in ("A", "B", "C", None):
        alone = S.MetricRows(t, "response", as_of, parse_terms(own.get(c, {}))).rows
        m = (t.df["contract"] == c).to_numpy() if c else t.df["contract"].isna().to_numpy()
        assert m.sum() > 500
        pd.testing.assert_frame_equal(got[m], alone[m])


def test_customer_on_two_contracts_does_not_choose():
    from helpers import report
    r = report(period="2026-11", as_of="2026-11-30 18:00", Tickets=[
        dict(ticket_id="T1", opened_at="2026-11-02 10:00", first_response_at="2026-11-02 13:00", customer="甲公司")],
        Contracts=[dict(contract="A", customer="甲公司", response_hours=4),
                   dict(contract="A2", customer="甲公司", response_hours=1)])
    # 甲公司 is on A and A2: neither is guessed; the Terms sheet's 2 h judges the 3 h answer -> Breached
    assert (r.doc["response"]["breached"], [e["contract"] for e in r.doc["contracts"]]) == (1, [None, "A", "A2"])
    assert r.doc["contracts"][0]["response"]["breached"] == 1
    assert [w["code"] for w in r.doc["warnings"] if w["code"].startswith("contract")] == ["contract_missing"]
