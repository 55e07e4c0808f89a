"""Issue 9 item 8: one remedy per service order. A complaint about a ticket merges into the ticket's register
item: every reason listed, the complaint ids kept in `related_ids`, the fee reduced once, and one notice (the
latest on the ticket or its complaints) governing severity, deadline, status and compensation.

Period 2026-10, as_of 2026-10-31 18:00, calendar hours; default terms: response 2 h, complaint accept 2 h,
minor: 3 days to rectify and a 10% fee reduction; major: 7 days and 50% of the direct loss.
"""
from __future__ import annotations

import pytest

from helpers import report
from servicepledge.outputs import sheets
from servicepledge.inputs.reader import read_workbook
from servicepledge.report import compute

# T1 answered after 4 h (> 2 h): Breached. T2 answered after 1 h: fine.
T1 = dict(ticket_id="T1", opened_at="2026-10-05 09:00", first_response_at="2026-10-05 13:00", service_fee=2000)
T2 = dict(ticket_id="T2", opened_at="2026-10-06 09:00", first_response_at="2026-10-06 10:00", service_fee=1500)


def complaint(cid, ticket, accepted="2026-10-10 13:00"):
    """Received 10-10 10:00; accepted at 13:00 = 3 h > 2 h -> Breached (accept); progress and final in time."""
    return dict(complaint_id=cid, received_at="2026-10-10 10:00", accepted_at=accepted,
                progress_at="2026-10-11 09:00", final_reply_at="2026-10-12 10:00", ticket_id=ticket)


def items_of(r):
    return {i["ref_id"]: i for i in r.doc["breaches"]["items"]}


def test_breached_complaint_about_a_breached_ticket_is_one_item_one_reduction():
    r = report(Tickets=[T1], Complaints=[complaint("C1", "T1")])
    items = items_of(r)
    assert list(items) == ["T1"]
    assert items["T1"]["reasons"] == ["response", "accept"]
    assert items["T1"]["related_ids"] == ["C1"] and items["T1"]["source"] == "ticket"
    # fee 2,000 x 10% = 200, once (before the merge: 200 for T1 and 200 for C1 = 400)
    assert items["T1"]["fee_reduction"] == 200.0
    b = r.doc["breaches"]
    assert (b["total"], b["minor"], b["fee_reduction_total"]) == (1, 1, 200.0)


def test_two_complaints_about_one_breached_ticket_are_one_item():
    r = report(Tickets=[T1], Complaints=[complaint("C2", "T1"), complaint("C1", "T1", accepted="2026-10-10 11:00")])
    # C1 accepted in time (1 h), C2 breached: C2 joins T1's item; C1 has no breach and no notice, so it is
    # on no register item (as before the merge)
    (item,) = r.doc["breaches"]["items"]
    assert (item["ref_id"], item["related_ids"], item["fee_reduction"]) == ("T1", ["C2"], 200.0)
    r = report(Tickets=[T1], Complaints=[complaint("C2", "T1"), complaint("C1", "T1")])
    (item,) = r.doc["breaches"]["items"]
    assert (item["ref_id"], item["reasons"], item["related_ids"]) == ("T1", ["response", "accept"], ["C1", "C2"])
    assert r.doc["breaches"]["fee_reduction_total"] == 200.0          # not 600


def test_complaint_about_an_unbreached_ticket_stays_its_own_item_with_the_tickets_fee():
    r = report(Tickets=[T2], Complaints=[complaint("C1", "T2")])
    (item,) = r.doc["breaches"]["items"]
    # T2 is fine, so the complaint is the item; its fee is T2's: 1,500 x 10% = 150
    assert (item["ref_id"], item["source"], item["reasons"], item["related_ids"], item["fee_reduction"]) == \
        ("C1", "complaint", ["accept"], [], 150.0)


def test_two_complaints_about_one_unbreached_ticket_reduce_its_fee_once():
    c2 = dict(complaint("C2", "T2"), received_at="2026-10-09 10:00", accepted_at="2026-10-09 12:30")  # 2.5 h
    r = report(Tickets=[T2], Complaints=[complaint("C1", "T2"), c2])
    (item,) = r.doc["breaches"]["items"]
    # one service order (T2): the item is the earliest complaint (C2, received 10-09), C1 merged into it
    assert (item["ref_id"], item["related_ids"], item["fee_reduction"]) == ("C2", ["C1"], 150.0)


def test_the_latest_notice_on_the_ticket_or_its_complaints_governs_and_compensation_is_paid_once():
    # N1 on T1 (10-12, loss 8,000) and N2 on C1 (10-14, loss 8,000): both state the same loss of the same
    # order. N2 is the latest -> it governs: major, deadline 10-14 + 7 = 10-21, not remedied -> overdue;
    # compensation 50% x 8,000 = 4,000 once (not 8,000); no fee reduction on a major item.
    notices = [dict(notice_id="N1", ref_id="T1", notice_date="2026-10-12", direct_loss=8000),
               dict(notice_id="N2", ref_id="C1", notice_date="2026-10-14", direct_loss=8000)]
    r = report(Tickets=[T1], Complaints=[complaint("C1", "T1")], Notices=notices)
    (item,) = r.doc["breaches"]["items"]
    assert (item["ref_id"], item["notice_id"], item["severity"], item["deadline"], item["status"]) == \
        ("T1", "N2", "major", "2026-10-21", "overdue")
    assert (item["compensation"], item["fee_reduction"]) == (4000.0, 0.0)
    assert r.doc["breaches"]["compensation_total"] == 4000.0
    # the later notice on the ticket governs the same way: N1 moved to 10-20 -> N1, remedied 10-22 in time
    notices[0].update(notice_date="2026-10-20", remedied_on="2026-10-22", direct_loss=None, severity="轻微")
    (item,) = report(Tickets=[T1], Complaints=[complaint("C1", "T1")], Notices=notices).doc["breaches"]["items"]
    # minor: deadline 10-23, remedied 10-22 -> remedied; fee 2,000 x 10% = 200; no compensation
    assert (item["notice_id"], item["severity"], item["status"], item["fee_reduction"], item["compensation"]) == \
        ("N1", "minor", "remedied", 200.0, 0.0)


def test_a_notice_on_a_complaint_about_a_breached_ticket_joins_the_tickets_item():
    # C1 is in time (accepted after 1 h) but a notice names it; its ticket T1 is breached: one item, T1
    notices = [dict(notice_id="N1", ref_id="C1", notice_date="2026-10-15")]
    r = report(Tickets=[T1], Complaints=[complaint("C1", "T1", accepted="2026-10-10 11:00")], Notices=notices)
    (item,) = r.doc["breaches"]["items"]
    # minor notice 10-15 -> deadline 10-18, not remedied at 10-31 -> overdue
    assert (item["ref_id"], item["reasons"], item["related_ids"], item["notice_id"], item["status"]) == \
        ("T1", ["response"], ["C1"], "N1", "overdue")
    assert item["fee_reduction"] == 200.0


def test_a_notice_on_an_unbreached_ticket_and_a_breached_complaint_about_it_are_one_item():
    notices = [dict(notice_id="N1", ref_id="T2", notice_date="2026-10-15")]
    r = report(Tickets=[T2], Complaints=[complaint("C1", "T2")], Notices=notices)
    (item,) = r.doc["breaches"]["items"]
    # the notice makes T2 an item; C1 (accept breached) joins it; reasons: only C1's (no "notice" needed)
    assert (item["ref_id"], item["source"], item["reasons"], item["related_ids"], item["fee_reduction"]) == \
        ("T2", "ticket", ["accept"], ["C1"], 150.0)


def test_complaint_in_another_period_stays_in_its_own_period():
    c = dict(complaint("C1", "T1"), received_at="2026-11-02 10:00", accepted_at="2026-11-02 13:00",
             progress_at=None, final_reply_at=None)
    # October: T1 alone. November (as_of 11-30): C1 alone, with T1's fee -> 200 each month
    oct_ = report(Tickets=[T1], Complaints=[c])
    nov = report(period="2026-11", as_of="2026-11-30 18:00", Tickets=[T1], Complaints=[c])
    assert [(i["ref_id"], i["related_ids"], i["fee_reduction"]) for i in oct_.doc["breaches"]["items"]] == \
        [("T1", [], 200.0)]
    assert [(i["ref_id"], i["related_ids"], i["fee_reduction"]) for i in nov.doc["breaches"]["items"]] == \
        [("C1", [], 200.0)]


@pytest.mark.parametrize("lang, cell", [("zh", "C1、C2"), ("en", "C1, C2")])
def test_register_sheet_shows_the_merged_records(lang, cell):
    r = report(Tickets=[T1], Complaints=[complaint("C2", "T1"), complaint("C1", "T1")],
               terms={"lang": lang})
    b = sheets.breaches(r, mask=True).blocks[0]
    assert b.header[-1] == {"zh": "合并的相关记录", "en": "Merged records"}[lang]
    assert [row[-1] for row in b.rows] == [cell]


def test_sample_register_has_one_item_per_service_order():
    """The bundled sample: two October complaints are about breached tickets (CP-0097 on SR-2026-02808,
    CP-0098 on SR-2026-02919); each now sits in its ticket's item, and no service order appears twice."""
    from excel_helpers import SAMPLE
    wb = read_workbook(SAMPLE)
    r = compute(wb.tables, wb.issues, as_of="2026-10-31 18:00")
    reg = r.register
    order = reg["ref_id"].where(reg["source"] != "complaint", reg["ticket_link"].fillna(reg["ref_id"]))
    assert not order.duplicated().any()
    merged = {i["ref_id"]: i["related_ids"] for i in r.doc["breaches"]["items"] if i["related_ids"]}
    assert merged == {"SR-2026-02808": ["CP-0097"], "SR-2026-02919": ["CP-0098"]}
    # before the merge: 32 items, fee reductions 3,194.00. CP-0098's ticket has a fee of 1,390 and both were
    # minor: 139 was counted twice -> 3,194 - 139 = 3,055. CP-0097's ticket has no fee (0 either way).
    assert r.doc["breaches"]["total"] == 30 and r.doc["breaches"]["fee_reduction_total"] == 3055.0


def test_severity_resting_on_an_unreadable_notice_cell_is_named_in_a_warning():
    # N1: core obligation '待定' (unknown), no severity, no loss -> derived minor, but not read: warning.
    # N2: severity '严重' read -> major, nothing uncertain. N3: core '待定' but a loss of 1,000 -> major for sure.
    r = report(Tickets=[T1, T2, dict(ticket_id="T3", opened_at="2026-10-07 09:00",
                                     first_response_at="2026-10-07 09:30")],
               Notices=[dict(notice_id="N1", ref_id="T1", notice_date="2026-10-06", core_obligation_failed="待定"),
                        dict(notice_id="N2", ref_id="T2", notice_date="2026-10-07", severity="严重"),
                        dict(notice_id="N3", ref_id="T3", notice_date="2026-10-08", core_obligation_failed="待定",
                             direct_loss=1000)])
    items = items_of(r)
    assert (items["T1"]["severity"], items["T2"]["severity"], items["T3"]["severity"]) == ("minor", "major", "major")
    got = [w for w in r.doc["warnings"] if w["code"] == "severity_uncertain"]
    assert got == [{"code": "severity_uncertain", "table": "Notices", "column": "severity",
                    "message": "Notices N1（按轻微） 的违约等级或核心义务未履行一栏无法识别，违约等级由其他栏推定，"
                               "整改期限、减免与赔偿可能不同：请核对并更正（见数据问题）"}]
