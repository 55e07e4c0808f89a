"""Issue 5: hostile files, bad data, no data loss, privacy, formula injection."""
import datetime as dt
import hashlib
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import corpus
from helpers import report
from servicepledge.outputs import output
from servicepledge.inputs import tables as T
from servicepledge.cli import main
from servicepledge.outputs.privacy import mask_name, mask_phone
from servicepledge.inputs.reader import read_workbook
from servicepledge.report import compute


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return corpus.build(tmp_path_factory.mktemp("corpus"))


@pytest.mark.parametrize("name", ["empty", "csv_renamed", "encrypted", "truncated", "plain_zip", "billion_laughs",
                                  "zip_bomb", "no_tables", "missing_column"])
def test_hostile_and_broken_files_give_one_line(files, name, capsys):
    path, expect = files[name]
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    assert main(["report", str(path), "--json", "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert expect in err and path.name in err and err.count("\n") == 1
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_bad_cells_become_issues_and_are_counted(tmp_path):
    rows = [("T1", dt.datetime(2026, 10, 5, 9), dt.datetime(2026, 10, 5, 10)),
            ("T2", "1899-05-01", None),                 # before 1900
            ("T3", "10000-01-01", None),               # after 9999
            ("T4", 3_000_000, None),                   # serial past 9999-12-31
            ("T5", dt.datetime(2026, 10, 6, 9), "soon"),
            ("T1", dt.datetime(2026, 10, 7, 9), None),  # duplicate id
            ("T6", dt.datetime(2026, 10, 8, 9), dt.datetime(2026, 10, 8, 8))]  # response before opening
    f = corpus.valid_workbook(tmp_path / "bad.xlsx", tickets=rows)
    wb = read_workbook(f)
    r = compute(wb.tables, wb.issues, period="2026-10", as_of="2026-10-31")
    got = {(i["row"], i["column"]) for i in r.doc["data_issues"]}
    assert got == {(3, "受理时间"), (4, "受理时间"), (5, "受理时间"), (6, "首次响应时间"), (7, "工单编号"),
                   (8, "首次响应时间")}
    x = r.doc["response"]
    # T1 met. The duplicate T1 is not used anywhere (the issue says the first occurrence is used; a
    # pasted-twice ticket must not count twice). Left out: the duplicate, T5 and T6 (unusable response)
    # and T2-T4 (no usable opening time, so no period can hold them).
    assert (x["met"], x["breached"], x["excluded"]) == (1, 0, 6)


def test_amounts_text_and_negative(tmp_path):
    r = report(FundLedger=[dict(entry_id="E1", date="2026-10-01", category="培训", amount="一千"),
                           dict(entry_id="E2", date="2026-10-01", category="培训", amount=-5),
                           dict(entry_id="E3", date="2026-10-01", category="培训", amount="1,000")])
    assert r.doc["fund"]["spent_period_total"] == 1000 and r.doc["fund"]["excluded"] == 2
    assert {i["row"] for i in r.doc["data_issues"]} == {2, 3}


def test_existing_output_is_kept_and_interrupted_write_leaves_it_intact(tmp_path, monkeypatch):
    r = report(Tickets=[dict(ticket_id="A", opened_at="2026-10-01 09:00")])
    out = tmp_path / "rep.xlsx"
    output.write_report(r, out, charts=False)
    before = out.read_bytes()
    assert output.write_report(r, out, charts=False) == tmp_path / "rep (2).xlsx"   # no --force: new name

    def boom(path, data):        # the workbook is zipped in memory, then written to the temporary file
        with open(path, "wb") as f:
            f.write(b"half")
        raise KeyboardInterrupt
    monkeypatch.setattr(Path, "write_bytes", boom)
    with pytest.raises(KeyboardInterrupt):
        output.write_report(r, out, force=True, charts=False)
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rep (2).xlsx", "rep.xlsx"]   # no temp file left


def test_report_never_overwrites_its_input(tmp_path):
    f = corpus.valid_workbook(tmp_path / "in.xlsx")
    before = f.read_bytes()
    assert main(["report", str(f), "-o", str(f), "--force"]) == 2
    assert f.read_bytes() == before


def test_masking():
    assert mask_name("张伟") == "张*" and mask_name("欧阳娜娜") == "欧***"
    assert mask_name("北京华信科技有限公司") == "北京********"
    assert mask_phone("13812345678") == "138****5678"
    r = report(Tickets=[dict(ticket_id="A", opened_at="2026-10-01 09:00", customer="张伟", quality_ok="否")])
    from servicepledge.outputs import sheets
    reg = sheets.breaches(r, mask=True).blocks[0].rows
    assert reg[0][4] == "张*"
    assert sheets.breaches(r, mask=False).blocks[0].rows[0][4] == "张伟"


def test_formula_text_is_written_as_text(tmp_path):
    evil = '=HYPERLINK("http://evil","click")'
    r = report(Tickets=[dict(ticket_id=evil, opened_at="2026-10-01 09:00", quality_ok="否", customer="@SUM(1)")])
    out = output.write_report(r, tmp_path / "r.xlsx", mask=False, charts=False)
    ws = openpyxl.load_workbook(out)["违约登记"]
    cells = [c for row in ws.iter_rows() for c in row if c.value in (evil, "@SUM(1)")]
    assert len(cells) == 2 and all(c.data_type == "s" for c in cells)


# --- property-based: random tables never raise, every row is used or listed, order does not matter ---

cell_date = st.one_of(
    st.none(), st.just(""), st.floats(min_value=-10, max_value=3e6, allow_nan=False),
    st.datetimes(min_value=dt.datetime(2026, 9, 1), max_value=dt.datetime(2026, 11, 30)),
    st.sampled_from(["2026-10-05 14:30", "2026/10/05", "garbage", "2026-13-40", "46300.25"]),
    st.integers(min_value=46250, max_value=46360))
cell_any = st.one_of(cell_date, st.text(max_size=5), st.booleans(), st.integers(-3, 7))
HEADERS = [("ticket_id", "工单编号"), ("opened_at", "受理时间"), ("first_response_at", "首次响应时间"),
           ("priority", "优先级"), ("complex", "复杂问题"), ("initial_solution_at", "初步方案时间"),
           ("quality_ok", "质量达标"), ("service_fee", "服务费用")]


@st.composite
def ticket_tables(draw):
    n = draw(st.integers(0, 25))
    names = [draw(st.sampled_from(pair)) for pair in HEADERS]
    order = draw(st.permutations(range(len(HEADERS))))
    rows = []
    for i in range(n):
        row = [f"T{i}", draw(cell_date), draw(cell_date), draw(cell_any), draw(cell_any), draw(cell_date),
               draw(cell_any), draw(cell_any)]
        rows.append([row[j] for j in order])
    return [[names[j].upper() if draw(st.booleans()) else names[j] for j in order]] + rows, draw(st.booleans())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ticket_tables(), st.randoms(use_true_random=False))
def test_random_tables_never_raise_and_order_does_not_matter(table, rnd):
    grid, date1904 = table
    issues = T.Issues()
    t = T.from_grid("Tickets", grid, date1904=date1904, issues=issues)
    tables = {n: T.empty(n) for n in ("Complaints", "Staff", "FundLedger", "FundBudget", "Notices", "Terms",
                                      "Holidays")}
    tables["Tickets"] = t
    r = compute(tables, issues, period="2026-10", as_of="2026-10-31 18:00")
    # every row is used (counted) or named in an issue, or lies outside the period (or after as_of: not yet opened)
    flagged = {i["row"] for i in issues.rows}
    in_period = t.df["opened_at"].between(pd.Timestamp("2026-10-01"), pd.Timestamp("2026-10-31 18:00"))
    counted = r.doc["response"]["total"]
    usable = in_period & t.usable("opened_at", "first_response_at")
    assert counted == int(usable.sum())
    for row, ok in zip(t.df["_row"], usable | ~in_period | t.df["opened_at"].isna()):
        assert ok or row in flagged
    shuffled = [grid[0]] + rnd.sample(grid[1:], len(grid) - 1)
    issues2 = T.Issues()
    tables["Tickets"] = T.from_grid("Tickets", shuffled, date1904=date1904, issues=issues2)
    r2 = compute(tables, issues2, period="2026-10", as_of="2026-10-31 18:00")
    for k in ("response", "initial_solution", "breaches", "followup"):
        a, b = dict(r.doc[k]), dict(r2.doc[k])
        if k == "breaches":
            a["items"] = sorted(map(str, a["items"]))
            b["items"] = sorted(map(str, b["items"]))
        assert a == b
    def keyed(tb, iss):   # issues by ticket id (row numbers move with the shuffle)
        ids = dict(zip(tb.df["_row"], tb.df["ticket_id"]))
        return sorted((str(ids.get(i["row"])), i["column"], i["problem"]) for i in iss.rows)
    assert keyed(t, issues) == keyed(tables["Tickets"], issues2)
