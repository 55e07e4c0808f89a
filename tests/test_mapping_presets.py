"""Column mappings and the ticketing-system presets (issue 11, item 2).

For each preset, five tickets written as that system's export (its documented column names, its
priority words and date format) give the same report as the equivalent template workbook built with
openpyxl. Hand-worked response figures (Terms: response_hours 2, response_hours_P1 1, calendar time):
  T1 P1 09:00→09:45 = 0.75 h ≤ 1 met      T2 P1 10:00→11:30 = 1.5 h > 1 breached
  T3 P3 14:00→15:30 = 1.5 h ≤ 2 met       T4 P4 09:00→12:00 = 3 h > 2 breached
  T5 P2 16:00→17:00 = 1 h ≤ 2 met         → total 5, met 3, breached 2, compliance 0.6
"""
from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from servicepledge.inputs import mapping as M
from servicepledge.inputs import presets
from servicepledge.inputs.sources import read_inputs
from servicepledge.inputs.tables import InputError
from servicepledge.report import compute

AS_OF = "2026-10-31 18:00"
D = dt.datetime
TICKETS = [  # id, opened, priority, first response, resolved, customer, engineer
    ("T1", D(2026, 10, 5, 9), "P1", D(2026, 10, 5, 9, 45), D(2026, 10, 5, 15), "甲公司", "王工"),
    ("T2", D(2026, 10, 6, 10), "P1", D(2026, 10, 6, 11, 30), D(2026, 10, 7, 10), "乙公司", "李工"),
    ("T3", D(2026, 10, 7, 14), "P3", D(2026, 10, 7, 15, 30), D(2026, 10, 9, 9), "甲公司", "王工"),
    ("T4", D(2026, 10, 8, 9), "P4", D(2026, 10, 8, 12), None, "丙公司", "张工"),
    ("T5", D(2026, 10, 20, 16), "P2", D(2026, 10, 20, 17), D(2026, 10, 21, 10), "乙公司", "李工"),
]
TERMS = [["参数", "值"], ["response_hours", "2"], ["response_hours_P1", "1"]]


def _csv(path: Path, rows, encoding="utf-8"):
    with open(path, "w", encoding=encoding, newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def _template(path: Path, with_response: bool) -> Path:
    """The equivalent template workbook: canonical Chinese headers, date cells, P1–P4."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "服务工单"
    head = ["工单编号", "受理时间", "优先级"] + (["首次响应时间"] if with_response else []) + ["解决时间", "客户", "工程师"]
    ws.append(head)
    for tid, o, p, fr, res, cust, eng in TICKETS:
        ws.append([tid, o, p] + ([fr] if with_response else []) + [res, cust, eng])
    t = wb.create_sheet("承诺参数")
    for r in TERMS:
        t.append([r[0], float(r[1]) if r[1][0].isdigit() else r[1]])
    wb.save(path)
    return path


def _doc(wb):
    return compute(wb.tables, wb.issues, period="2026-10", as_of=AS_OF, source={"inputs": wb.inputs}).doc


_TEXT_KEYS = {"unavailable", "satisfaction_unavailable", "message", "why", "problem", "column"}


def _figures_only(x):
    """The document without its explanatory texts: they name columns as the user's headers do (the export's
    English names vs the template's Chinese ones), which is the point of them; the figures must not differ."""
    if isinstance(x, dict):
        return {k: (v if k == "unavailable" and isinstance(v, dict) and not v else
                    bool(v) if k in _TEXT_KEYS and isinstance(v, str) else
                    sorted(v) if k == "unavailable" and isinstance(v, dict) else _figures_only(v))
                for k, v in x.items()}
    if isinstance(x, list):
        return [_figures_only(v) for v in x]
    return x


def _same_figures(export_doc, template_doc):
    """Equal reports, apart from the inputs list, the export's own extra columns (listed as not used) and the
    wording that names columns by the user's own headers."""
    a, b = dict(export_doc), dict(template_doc)
    for d in (a, b):
        d.pop("inputs")
        d["warnings"] = [w for w in d["warnings"] if w["code"] != "unused_columns"]
        d["data_issues"] = [i for i in d["data_issues"]
                            if "not used by the report" not in i["problem"] and "不参与计算" not in i["problem"]]
    a, b = _figures_only(a), _figures_only(b)
    if a != b:     # say which keys differ (the docs are long)
        diff = {k: (a.get(k), b.get(k)) for k in set(a) | set(b) if a.get(k) != b.get(k)}
        raise AssertionError(f"reports differ in {sorted(diff)}: {diff}")


def _folder(tmp_path, name, rows, encoding):
    f = tmp_path / "export"
    f.mkdir()
    _csv(f / name, rows, encoding)
    _csv(f / "承诺参数.csv", TERMS, "utf-8-sig")
    return f


def _hand_response(doc):
    r = doc["response"]
    assert (r["total"], r["met"], r["breached"], r["compliance"]) == (5, 3, 2, 0.6)


def test_servicenow_gbk_export_with_a_custom_field_map(tmp_path):
    """ServiceNow incident list export, GBK (Chinese Excel); the instance's own first-response field
    u_first_response comes from the user's --map on top of the preset."""
    prio = {"P1": "1 - Critical", "P2": "2 - High", "P3": "3 - Moderate", "P4": "5 - Planning"}
    rows = [["Number", "Short description", "Opened", "Priority", "State", "Resolved", "Company", "Assigned to",
             "u_first_response"]]
    for tid, o, p, fr, res, cust, eng in TICKETS:
        rows.append([f"INC00{tid[1:]}", "打印机故障", f"{o:%Y-%m-%d %H:%M:%S}", prio[p],
                     "Resolved" if res else "On Hold", f"{res:%Y-%m-%d %H:%M:%S}" if res else "", cust, eng,
                     f"{fr:%Y-%m-%d %H:%M:%S}"])
    rows = [rows[0]] + [[r[0].replace("INC00", "T")] + r[1:] for r in rows[1:]]
    folder = _folder(tmp_path, "incident.csv", rows, "gbk")
    extra = tmp_path / "extra.toml"
    extra.write_text('[Tickets.columns]\nfirst_response_at = "u_first_response"\n', encoding="utf-8")
    wb = read_inputs([folder], preset="servicenow", map_file=extra)
    assert wb.found["Tickets"] == "incident.csv (GBK, comma)"          # the preset's file name
    doc = _doc(wb)
    _hand_response(doc)
    _same_figures(doc, _doc(read_inputs([_template(tmp_path / "t.xlsx", True)])))
    assert not [w for w in doc["warnings"] if w["code"] == "priority_unknown"]    # 5 - Planning → P4
    unused = next(w for w in doc["warnings"] if w["code"] == "unused_columns")
    assert "『Short description』" in unused["message"] and "『State』" in unused["message"]
    assert {"file": "preset servicenow + extra.toml", "format": "mapping"} in doc["inputs"]


def test_jira_service_management_export_with_bom_and_jira_dates(tmp_path):
    prio = {"P1": "Highest", "P2": "High", "P3": "Medium", "P4": "Lowest"}
    fmt = "%d/%b/%y %I:%M %p"                                      # 05/Oct/26 09:00 AM
    rows = [["Summary", "Issue key", "Issue id", "Status", "Priority", "Assignee", "Created", "Resolved",
             "Custom field (Organizations)"]]
    for i, (tid, o, p, fr, res, cust, eng) in enumerate(TICKETS):
        rows.append(["VPN 无法连接", tid, str(10000 + i), "Resolved" if res else "Waiting for customer", prio[p], eng,
                     o.strftime(fmt), res.strftime(fmt) if res else "", cust])
    folder = _folder(tmp_path, "jira.csv", rows, "utf-8-sig")
    doc = _doc(read_inputs([folder], preset="jira"))
    assert doc["response"]["unavailable"]                            # no first-response column in the export
    _same_figures(doc, _doc(read_inputs([_template(tmp_path / "t.xlsx", False)])))
    assert doc["inputs"][0]["encoding"] == "UTF-8-BOM"


def test_zendesk_export_first_response_from_first_reply_minutes(tmp_path):
    prio = {"P1": "Urgent", "P2": "High", "P3": "Normal", "P4": "Low"}
    rows = [["Id", "Requester", "Assignee", "Subject", "Status", "Priority", "Created at", "Solved at",
             "Organization", "First reply time in minutes"]]
    for tid, o, p, fr, res, cust, eng in TICKETS:
        rows.append([tid, "客户联系人", eng, "设备报修", "Solved" if res else "Pending", prio[p], f"{o:%Y-%m-%d %H:%M}",
                     f"{res:%Y-%m-%d %H:%M}" if res else "", cust, str(int((fr - o).total_seconds() // 60))])
    folder = _folder(tmp_path, "export-2026-10.csv", rows, "utf-8")     # no table name: the headers decide
    doc = _doc(read_inputs([folder], preset="zendesk"))
    _hand_response(doc)
    _same_figures(doc, _doc(read_inputs([_template(tmp_path / "t.xlsx", True)])))


def test_freshdesk_export(tmp_path):
    prio = {"P1": "Urgent", "P2": "High", "P3": "Medium", "P4": "Low"}
    rows = [["Ticket ID", "Subject", "Status", "Priority", "Agent", "Created time", "Initial response time",
             "Resolved time", "Company Name"]]
    for tid, o, p, fr, res, cust, eng in TICKETS:
        rows.append([tid, "安装调试", "Resolved" if res else "Pending", prio[p], eng, f"{o:%Y-%m-%d %H:%M:%S}",
                     f"{fr:%Y-%m-%d %H:%M:%S}", f"{res:%Y-%m-%d %H:%M:%S}" if res else "", cust])
    folder = _folder(tmp_path, "tickets.csv", rows, "gb18030")
    doc = _doc(read_inputs([folder], preset="freshdesk"))
    _hand_response(doc)
    _same_figures(doc, _doc(read_inputs([_template(tmp_path / "t.xlsx", True)])))


def test_every_preset_loads_and_names_real_columns():
    for name in presets.names():
        m = presets.load(name)
        tm = m.tables["Tickets"]
        assert {"ticket_id", "opened_at", "priority"} <= set(tm.columns), name
        assert not m.strict                       # a preset's columns may be missing from an export
        assert presets.text(name).startswith("#"), "each preset cites its documentation first"


# ------------------------------------------------------------------------------------------------ errors
def test_user_map_naming_a_column_the_file_lacks_names_both(tmp_path):
    f = _csv(tmp_path / "export.csv", [["Ticket", "Opened"], ["T1", "2026-10-05 09:00"]])
    m = tmp_path / "map.toml"
    m.write_text('[Tickets.columns]\nticket_id = "Ticket Number"\nopened_at = "Opened"\n', encoding="utf-8")
    with pytest.raises(InputError) as e:
        read_inputs([f], map_file=m, table="Tickets")
    assert e.value.en == ("map.toml: column 'Ticket Number' (mapped to Tickets ticket_id) is not in export.csv; "
                          "the file's columns are: Ticket, Opened")
    assert e.value.zh == "map.toml：映射到 服务工单 ticket_id 的列“Ticket Number”不在 export.csv 中；该文件的列：Ticket, Opened"


def test_mapping_errors_are_one_line_naming_the_mapping(tmp_path):
    cases = {
        '[Tickets.columns]\nfirst_responce_at = "x"\n':
            "map.toml: 'first_responce_at' is not a column of Tickets (服务工单) (did you mean first_response_at?)",
        '[Tikets.columns]\nticket_id = "x"\n': "map.toml: 'Tikets' is not an input table",
        '[Tickets]\ncolumn = 1\n': "map.toml: [Tickets] has unknown key(s) column",
        '[Tickets.columns\n': "map.toml: is not a valid TOML mapping",
    }
    for text, start in cases.items():
        p = tmp_path / "map.toml"
        p.write_text(text, encoding="utf-8")
        with pytest.raises(InputError) as e:
            M.from_toml(p)
        assert e.value.en.startswith(start), e.value.en
        assert e.value.zh.startswith("map.toml："), e.value.zh        # and a Chinese line (--lang zh)
    with pytest.raises(InputError, match=r"there is no preset 'remedy'; use one of servicenow, jira, zendesk, freshdesk"):
        presets.load("remedy")
    with pytest.raises(InputError) as e:
        presets.load("remedy")
    assert e.value.zh.startswith("没有名为“remedy”的预设；请使用 servicenow、jira、zendesk、freshdesk 之一")


# ------------------------------------------------------------------------------------- Mapping table
def test_mapping_sheet_in_a_workbook_renames_columns_and_maps_values(tmp_path):
    """A home-grown system's workbook: 单号/报修日期/紧急程度/响应时间, with its own words for priority."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "服务工单"
    ws.append(["单号", "报修日期", "紧急程度", "响应时间", "备注"])
    ws.append(["A1", D(2026, 10, 5, 9), "紧急故障", D(2026, 10, 5, 10, 30), ""])   # P1: 1.5 h > 1 breached
    ws.append(["A2", D(2026, 10, 5, 9), "一般故障", D(2026, 10, 5, 10, 30), ""])   # P3: 1.5 h ≤ 2 met
    ws.append(["A3", D(2026, 10, 6, 9), " 紧急 故障 ", "昨天", ""])                  # unusable response cell
    m = wb.create_sheet("映射")
    m.append(["表", "源列", "标准列", "源值", "标准值"])
    for src, canon in (("单号", "工单编号"), ("报修日期", "受理时间"), ("紧急程度", "priority"),
                       ("响应时间", "first_response_at")):
        m.append(["服务工单", src, canon, None, None])
    m.append(["Tickets", "紧急程度", None, "紧急故障", "P1"])
    m.append(["Tickets", "紧急程度", None, "一般故障", "P3"])
    t = wb.create_sheet("承诺参数")
    t.append(["参数", "值"])
    t.append(["response_hours_P1", 1])
    wb.save(tmp_path / "home.xlsx")
    doc = _doc(read_inputs([tmp_path / "home.xlsx"]))
    r = doc["response"]
    assert (r["met"], r["breached"], r["excluded"]) == (1, 1, 1)
    issue = next(i for i in doc["data_issues"] if i["row"] == 4)
    assert issue["column"] == "响应时间"                             # the user's own header, not first_response_at
    assert not [w for w in doc["warnings"] if w["code"] == "priority_unknown"]   # " 紧急 故障 " matched too


def test_mapping_csv_in_a_folder_and_a_missing_source_column(tmp_path):
    f = tmp_path / "exp"
    f.mkdir()
    _csv(f / "工单.csv", [["单号", "报修日期"], ["A1", "2026-10-05 09:00"]], "gbk")
    _csv(f / "Mapping.csv", [["table", "source column", "canonical column"], ["Tickets", "单号", "ticket_id"],
                             ["Tickets", "报修日期", "opened_at"]], "utf-8-sig")
    wb = read_inputs([f])
    assert wb.tables["Tickets"].df["ticket_id"].tolist() == ["A1"]
    assert any(i["table"] == "Mapping" and i["file"] == "Mapping.csv" for i in wb.inputs)
    _csv(f / "Mapping.csv", [["table", "source column", "canonical column"], ["Tickets", "编号", "ticket_id"]],
         "utf-8")
    with pytest.raises(InputError) as e:
        read_inputs([f])
    assert e.value.en.startswith("Mapping.csv: column '编号' (mapped to Tickets ticket_id) is not in 工单.csv")
    assert e.value.zh.startswith("Mapping.csv：映射到 服务工单 ticket_id 的列“编号”不在 工单.csv 中")


def test_value_maps_are_generic_the_status_hook():
    m = M.from_dict({"Tickets": {"values": {"State": {"Awaiting User Info": "paused", "In Progress": "open"}}}}, "t")
    header, raw, labels = M.apply(m, "Tickets", ["Number", "State"],
                                  [["T1", "awaiting  user info"], ["T2", "ＩＮ ＰＲＯＧＲＥＳＳ"], ["T3", "Closed"]], "x.csv")
    assert raw[1].tolist() == ["paused", "open", "Closed"]        # unlisted values kept as written
    assert header == labels == ["Number", "State"]


def test_zendesk_minutes_that_are_not_a_number_are_a_data_issue_not_a_blank(tmp_path):
    rows = [["Id", "Created at", "Priority", "First reply time in minutes"],
            ["1", "2026-10-05 09:00", "Urgent", "45"], ["2", "2026-10-05 09:00", "Urgent", "n/a"],
            ["3", "2026-10-05 09:00", "Urgent", ""]]
    doc = _doc(read_inputs([_csv(tmp_path / "zendesk.csv", rows)], preset="zendesk"))
    r = doc["response"]
    # 1: 45 min met; 2: minutes unreadable → excluded, never "not yet responded"; 3: no reply yet, past 2 h → breached
    assert (r["total"], r["met"], r["breached"], r["excluded"]) == (2, 1, 1, 1)
    assert not [i for i in doc["data_issues"] if "not used" in i["problem"]]     # the minutes column is used
    issue = next(i for i in doc["data_issues"] if i["row"] == 3)
    assert issue["column"] == "Created at + First reply time in minutes"
