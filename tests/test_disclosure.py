"""The fund disclosure finance signs (issue 10 item 3): any period, pro-rated budgets, the reconciliation of the
category totals against the ledger, the list of unapproved entries, sign-off and audit facts, and the
`servicepledge disclosure` command. Figures are worked by hand (arithmetic in the comments) or recounted from
the workbook's cells with openpyxl and plain Python."""
from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from pathlib import Path

import openpyxl
import pytest

from helpers import cli, write_book
from servicepledge.inputs.reader import read_workbook
from servicepledge.outputs import sheets, xlsx
from servicepledge.outputs.labels import t
from servicepledge.report import compute

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "servicepledge-sample.xlsx"
D = dt.datetime
LEDGER_HEAD = ["凭证号", "日期", "类别", "金额", "摘要", "财务审核", "审核日期", "收款人"]
LEDGER = [
    ["L1", D(2026, 1, 15), "培训", 1000, "岗位培训", "是", D(2026, 1, 20), "张伟"],
    ["L2", D(2026, 4, 10), "培训", 2000, "外部讲师", None, None, "李娜"],
    ["L3", D(2026, 5, 20), "设备", 6000, "检测仪", "是", D(2026, 5, 25), "北京华信科技有限公司"],
    ["L3", D(2026, 5, 21), "设备", 50, "重复录入", "是", D(2026, 5, 25), "北京华信科技有限公司"],   # repeated voucher
    ["L4", D(2026, 6, 30), "差旅", 500, "现场差旅", None, None, "王强"],                          # no budget line
    ["L5", D(2026, 5, 5), None, 300, "类别漏填", "是", D(2026, 5, 6), "赵敏"],                      # no category
    ["L6", D(2026, 6, 1), "培训", -100, "退款", "是", D(2026, 6, 2), "赵敏"],                       # negative
    ["L7", D(2026, 4, 20), "培训", "abc", "金额写错", "是", D(2026, 4, 21), "赵敏"],                # unreadable amount
    ["L8", "notadate", "设备", 400, "日期写错", "是", None, "赵敏"],                                # unreadable date
    ["L9", D(2025, 12, 20), "培训", 730, "年末培训", "是", D(2025, 12, 22), "张伟"],
    ["L10", D(2026, 7, 1), "培训", 900, "七月培训", "是", D(2026, 7, 3), "张伟"],
]
BUDGET = [["年度", "类别", "预算金额"], [2026, "培训", 12000], [2026, "设备", 24000], [2025, "培训", 7300]]
AS_OF = "2026-12-31 18:00"


def _book(tmp_path, ledger=LEDGER, budget=BUDGET, name="fund.xlsx"):
    sheets_ = {"基金台账": [LEDGER_HEAD, *ledger]}
    if budget:
        sheets_["基金预算"] = budget
    return write_book(tmp_path / name, sheets_)


def _run(path, period, as_of=AS_OF, lang="zh"):
    wb = read_workbook(path)
    return compute(wb.tables, wb.issues, period=period, as_of=as_of, lang=lang,
                   source={"path": str(path), "sha256": wb.sha256})


def _cat(r, name):
    return next(c for c in r.doc["fund"]["categories"] if c["category"] == name)


def _block(model, key):
    return next(b for b in model.blocks if b.key == key)


# ---------------------------------------------------------------- hand-worked periods
def test_quarter_by_hand(tmp_path):
    r = _run(_book(tmp_path), "2026-Q2")
    f = r.doc["fund"]
    tr, eq, tv = _cat(r, "培训"), _cat(r, "设备"), _cat(r, "差旅")
    # 培训: 12,000 × 3/12 = 3,000; spent in Q2 = L2 2,000 (L6 negative and L7 'abc' are data issues)
    assert (tr["budget"], tr["budget_period"], tr["spent_period"]) == (12000, 3000, 2000)
    assert tr["utilization_period"] == pytest.approx(2000 / 3000)
    assert tr["spent_ytd"] == 3000 and tr["utilization"] == pytest.approx(0.25)     # (1,000 + 2,000) / 12,000
    assert (tr["unapproved_count"], tr["unapproved_amount"]) == (1, 2000)           # L2, approval blank
    assert (eq["budget_period"], eq["spent_period"], eq["utilization_period"]) == (6000, 6000, 1.0)
    assert tv["flagged"] and tv["budget"] is None and tv["budget_period"] is None and tv["utilization_period"] is None
    assert (tv["unapproved_count"], tv["unapproved_amount"]) == (1, 500)
    assert f["budget_period_total"] == 9000                                          # 3,000 + 6,000
    assert f["utilization_period"] == pytest.approx(8500 / 9000)                     # 2,000 + 6,000 + 500 spent
    assert (f["unapproved_count"], f["unapproved_amount"], f["unapproved_count_ytd"]) == (2, 2500, 2)
    assert f["ytd_from"] == "2026-01-01" and f["no_budget"] == []
    rec = f["reconciliation"]
    p = rec["period"]
    # ledger total: 2,000 + 6,000 + 50 + 500 + 300 − 100 = 8,750 (L7 'abc' is no number)
    assert (p["ledger_count"], p["ledger_total"]) == (6, 8750)
    assert (p["duplicate_count"], p["duplicate_amount"]) == (1, 50)
    assert (p["negative_count"], p["negative_amount"]) == (1, -100)
    assert (p["no_category_count"], p["no_category_amount"]) == (1, 300)
    assert p["after_as_of_count"] == 0
    # 8,750 − 50 − (−100) − 300 = 8,500 = 2,000 + 6,000 + 500
    assert p["category_total"] == 8500 == f["spent_period_total"] and p["difference"] == 0
    assert p["amount_unreadable_count"] == 1
    assert (rec["date_unreadable_count"], rec["date_unreadable_amount"]) == (1, 400)
    y = rec["ytd"]                                                                   # + L1 1,000 in January
    assert (y["ledger_total"], y["category_total"], y["difference"]) == (9750, 9500, 0)


def test_half_year_and_year_by_hand(tmp_path):
    path = _book(tmp_path)
    h = _run(path, "2026-H1")
    tr = _cat(h, "培训")
    assert (tr["budget_period"], tr["spent_period"], tr["utilization_period"]) == (6000, 3000, 0.5)  # 12,000 × 6/12
    assert _cat(h, "设备")["utilization_period"] == 0.5                                              # 6,000 / 12,000
    y = _run(path, "2026")
    tr = _cat(y, "培训")
    # the year: 1,000 + 2,000 + 900 = 3,900 of 12,000
    assert (tr["budget_period"], tr["spent_period"], tr["spent_ytd"]) == (12000, 3900, 3900)
    assert tr["utilization_period"] == tr["utilization"] == pytest.approx(0.325)


def test_range_crossing_a_year_end_by_hand(tmp_path):
    r = _run(_book(tmp_path), "2025-12-01..2026-01-31")
    f, tr = r.doc["fund"], _cat(r, "培训")
    # 31 days of 2025 and 31 of 2026, each year by its days: (7,300 + 12,000) × 31/365 = 1,639.18
    assert tr["budget_period"] == pytest.approx(19300 * 31 / 365)
    assert tr["spent_period"] == 1730                                  # 730 (2025-12-20) + 1,000 (2026-01-15)
    assert tr["utilization_period"] == pytest.approx(1730 / (19300 * 31 / 365))
    # YTD is 2026's only: 1,000 of the 2026 budget
    assert (f["year"], f["ytd_from"], tr["spent_ytd"], tr["budget"]) == (2026, "2026-01-01", 1000, 12000)
    assert _cat(r, "设备")["budget_period"] is None                     # no 2025 line for 设备: no part-budget
    notes = sheets.fund(r).notes
    assert notes[0] == ("本期 2025-12-01 至 2026-01-31；本年累计 2026-01-01 至 2026-01-31；"
                        "本期预算 = 各年度预算 × 本期在该年的天数/该年天数（按日折算）")
    assert notes[1] == "本期跨年度：本年累计与年度预算按本期最后一天所在的 2026 年计算"


def test_a_period_without_budget(tmp_path):
    ledger = LEDGER + [["L11", D(2027, 2, 1), "培训", 800, "二月培训", "是", D(2027, 2, 3), "张伟"]]
    r = _run(_book(tmp_path, ledger), "2027-Q1", as_of="2027-03-31 18:00")
    f = r.doc["fund"]
    assert f["no_budget"] == [2027] and f["budget_total"] is None and f["budget_period_total"] is None
    assert _cat(r, "培训")["utilization"] is None and f["utilization_period"] is None
    assert f["spent_period_total"] == 800
    w = [x for x in r.doc["warnings"] if x["code"] == "no_budget"]
    assert [x["message"] for x in w] == ["基金预算表没有 2027 年的预算：2027-Q1 的基金使用率无法计算"
                                         "（请在基金预算表中补充 2027 年各类别的预算）"]
    assert "⚠ 注意：" + w[0]["message"] in sheets.fund(r).warnings
    en = _run(_book(tmp_path, ledger, name="en.xlsx"), "2027-Q1", as_of="2027-03-31 18:00", lang="en")
    assert [x["message"] for x in en.doc["warnings"] if x["code"] == "no_budget"] == [
        "基金预算 (FundBudget) has no budget for 2027: the fund utilization of 2027-Q1 cannot be computed "
        "(add the 2027 budget lines to 基金预算 (FundBudget))"]      # Chinese headers: the workbook's name (§17)
    # a workbook without any budget lines: no warning, the page notes it
    bare = _run(_book(tmp_path, ledger, budget=None, name="bare.xlsx"), "2027-Q1", as_of="2027-03-31 18:00")
    assert not [x for x in bare.doc["warnings"] if x["code"] == "no_budget"]
    assert "⚠ 注意：基金预算表没有 2027 年的预算：使用率无法计算" in sheets.fund(bare).warnings


def test_entries_after_as_of_are_taken_off_the_ledger_total(tmp_path):
    r = _run(_book(tmp_path), "2026-Q2", as_of="2026-06-15 18:00")
    p = r.doc["fund"]["reconciliation"]["period"]
    # L4 (06-30, 500) is after as_of: 8,750 − 500 − 50 + 100 − 300 = 8,000 = 2,000 + 6,000
    assert (p["after_as_of_count"], p["after_as_of_amount"]) == (1, 500)
    assert p["category_total"] == 8000 and p["difference"] == 0


def test_the_disclosure_sheet(tmp_path):
    r = _run(_book(tmp_path), "2026-Q2")
    m = sheets.fund(r, mask=True)
    assert [b.key for b in m.blocks] == ["categories", "approval", "reconciliation", "unapproved", "lines",
                                         "signoff", "audit"]
    un = _block(m, "unapproved")
    assert un.title == "未经财务审核的支出（本期及本年累计）：2 笔，¥2,500.00"
    assert [row[:-1] for row in un.rows] == [      # all but the description (last)
        [D(2026, 4, 10), "L2", "培训", 2000.0, "李*", "否", "本期"],
        [D(2026, 6, 30), "L4", "差旅", 500.0, "王*", "否", "本期"]]
    assert un.highlight == ["late_light", "late_light"]
    assert sheets.fund(r, mask=False) and _block(sheets.fund(r, mask=False), "unapproved").rows[0][4] == "李娜"
    lines = _block(m, "lines")
    lit = {row[1] for row, h in zip(lines.rows, lines.highlight) if h}
    assert lit == {"L2", "L4"}                                     # exactly the unapproved lines
    rec = _block(m, "reconciliation")
    assert [row[0] for row in rec.rows][-4:] == ["= 各类别合计", "差额（应为 0）",
                                                 t("rec.amount_unreadable", "zh"), t("rec.date_unreadable", "zh")]
    assert rec.rows[-3][2] == 0 and rec.highlight[-3] is None      # difference 0: not alerted
    assert [row[0] for row in _block(m, "signoff").rows] == ["编制", "审核", "批准"]
    audit = dict((row[0], row[1]) for row in _block(m, "audit").rows)
    sha = hashlib.sha256(Path(tmp_path / "fund.xlsx").read_bytes()).hexdigest()
    assert audit["SHA-256"] == sha and audit["截至时间"] == "2026-12-31 18:00:00" and audit["输入文件"] == "fund.xlsx"
    assert m.footer.startswith(f"输入文件 SHA-256 {sha[:16]}… · 版本 ")


def test_the_printed_page(tmp_path):
    r = _run(_book(tmp_path), "2026-Q2")
    model = sheets.fund(r)
    out = xlsx.save_atomic(xlsx.new_workbook([model]), tmp_path / "d.xlsx", "zh")
    ws = openpyxl.load_workbook(out).active
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4) and ws.page_setup.fitToWidth == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    last = max(c.row for row in ws.iter_rows() for c in row if c.value is not None)
    assert ws.print_area.endswith(f"{last}")                            # the audit facts are printed
    assert "SHA-256" in ws.oddFooter.center.text
    sign = next(c.row for c in ws["A"] if c.value == "编制")
    assert ws.row_dimensions[sign].height == xlsx.SIGN_ROW_PT
    l2 = next(c.row for c in ws["B"] if c.value == "L2")
    assert ws.cell(l2, 1).fill.fgColor.rgb.endswith("FBE9CC")          # highlighted row


# ---------------------------------------------------------------- the sample, recounted from its cells
def _sample_ledger():
    ws = openpyxl.load_workbook(SAMPLE, read_only=True)["基金台账"]
    rows = list(ws.iter_rows(values_only=True))
    head = rows[0]
    return [dict(zip(head, r)) for r in rows[1:] if any(v is not None for v in r)]


QUARTERS = [(1, D(2026, 1, 1), D(2026, 4, 1)), (2, D(2026, 4, 1), D(2026, 7, 1)),
            (3, D(2026, 7, 1), D(2026, 10, 1)), (4, D(2026, 10, 1), D(2027, 1, 1))]


@pytest.fixture(scope="module")
def sample_book():
    return read_workbook(SAMPLE)


@pytest.mark.parametrize("q,start,end", QUARTERS)
def test_reconciliation_is_the_ledger_total_on_the_sample(sample_book, q, start, end):
    r = compute(sample_book.tables, sample_book.issues, period=f"2026-Q{q}", as_of="2026-12-31 18:00")
    rows = _sample_ledger()
    total = sum(x["金额"] for x in rows if start <= x["日期"] < end)
    ytd = sum(x["金额"] for x in rows if D(2026, 1, 1) <= x["日期"] < end)
    rec = r.doc["fund"]["reconciliation"]
    assert rec["period"]["ledger_total"] == pytest.approx(total, abs=0.005) and total > 0
    assert rec["period"]["category_total"] == pytest.approx(total, abs=0.005)
    assert sum(c["spent_period"] for c in r.doc["fund"]["categories"]) == pytest.approx(total, abs=0.005)
    assert rec["period"]["difference"] == 0 and rec["ytd"]["difference"] == 0
    assert rec["ytd"]["ledger_total"] == pytest.approx(ytd, abs=0.005)


@pytest.mark.parametrize("q,start,end", QUARTERS)
def test_unapproved_list_is_a_plain_recount_on_the_sample(sample_book, q, start, end):
    as_of = D(2026, 10, 31, 18)
    r = compute(sample_book.tables, sample_book.issues, period=f"2026-Q{q}", as_of="2026-10-31 18:00")
    # not approved at as_of: the cell is not 是, or it is but approved after as_of's day
    todo = [x for x in _sample_ledger() if D(2026, 1, 1) <= x["日期"] < min(end, as_of)
            and (x["财务审核"] != "是" or (x["审核日期"] and x["审核日期"].date() > as_of.date()))]
    todo.sort(key=lambda x: (x["日期"], x["凭证号"]))
    b = _block(sheets.fund(r), "unapproved")
    assert [row[1] for row in b.rows] == [x["凭证号"] for x in todo]
    assert [row[6] for row in b.rows] == ["本期" if x["日期"] >= start else "本年此前" for x in todo]
    assert [row[4] for row in b.rows] == [x["收款人"][:1 if len(x["收款人"]) <= 4 else 2]
                                         + "*" * max(len(x["收款人"]) - (1 if len(x["收款人"]) <= 4 else 2), 1)
                                         for x in todo]
    f = r.doc["fund"]
    in_q = [x for x in todo if x["日期"] >= start]
    assert f["unapproved_count"] == len(in_q) and f["unapproved_count_ytd"] == len(todo)
    assert f["unapproved_amount"] == pytest.approx(sum(x["金额"] for x in in_q))


def test_the_full_report_keeps_the_same_disclosure_sheet(sample_book):
    r = compute(sample_book.tables, sample_book.issues, period="2026-Q3", as_of="2026-10-31 18:00")
    fund = [m for m in sheets.build(r) if m.key == "fund"][0]
    alone = sheets.fund(r)
    assert [(b.key, b.header, b.rows) for b in fund.blocks if b.key != "audit"] == \
        [(b.key, b.header, b.rows) for b in alone.blocks if b.key != "audit"]


# ---------------------------------------------------------------- the command
def test_disclosure_command(tmp_path):
    src = _book(tmp_path)
    before = src.read_bytes()
    p = cli("disclosure", str(src), "--period", "2026-Q2", "--as-of", AS_OF, cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    out = tmp_path / "servicepledge-disclosure-2026-Q2.xlsx"
    assert p.stdout.splitlines() == [      # no --lang, no Terms lang, C locale: Chinese
        p.stdout.splitlines()[0],
        "  本期支出 ¥8,500.00；本年累计 ¥9,500.00（自 2026-01-01 起）",
        "  未审批    本期 2 笔（¥2,500.00），本年累计 2 笔（¥2,500.00）",
        "  核对      台账 ¥8,750.00 → 各类别合计 ¥8,500.00，差额 ¥0.00",
        f"公示表已写入 {out}"]
    assert p.stdout.startswith("servicepledge ") and "专项基金公示 2026年第2季度 · 截至 2026-12-31 18:00" in p.stdout
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["基金公示"]
    assert src.read_bytes() == before                                  # the input is never modified
    again = cli("disclosure", str(src), "--period", "2026-Q2", "--as-of", AS_OF, "--lang", "en", cwd=tmp_path)
    assert again.returncode == 0 and (tmp_path / "servicepledge-disclosure-2026-Q2 (2).xlsx").exists()
    assert "spent in period ¥8,500.00; year to date ¥9,500.00 (from 2026-01-01)" in again.stdout
    assert openpyxl.load_workbook(tmp_path / "servicepledge-disclosure-2026-Q2 (2).xlsx").sheetnames == \
        ["Fund disclosure"]
    bad = cli("disclosure", str(src), "--period", "2026-Q2", "-o", str(src), "--force", cwd=tmp_path)
    assert bad.returncode == 2 and bad.stderr.startswith(f"servicepledge: 无法写入 {src}：这就是输入文件")
    assert src.read_bytes() == before


@pytest.mark.skipif(not shutil.which("soffice") and not shutil.which("libreoffice"),
                    reason="LibreOffice is not installed (scripts/setup.sh --test installs it)")
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_disclosure_pdf_is_one_or_two_a4_pages(tmp_path, lang):
    p = cli("disclosure", str(SAMPLE), "--period", "2026-Q3", "--as-of", "2026-10-31 18:00", "--lang", lang,
            "--pdf", "-o", str(tmp_path / "d.xlsx"), cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    pdf = tmp_path / "d.pdf"
    assert p.stdout.splitlines()[-1] == ("PDF：" if lang == "zh" else "PDF: ") + str(pdf)
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm (poppler) is not installed")
    from PIL import Image
    from servicepledge.outputs.pdf import render_pngs
    pngs = render_pngs(pdf, tmp_path / "png", dpi=30)
    assert 1 <= len(pngs) <= 2
    for png in pngs:                                   # A4 landscape: 297 × 210 mm
        w, h = Image.open(png).size
        assert w / h == pytest.approx(297 / 210, rel=0.02)
