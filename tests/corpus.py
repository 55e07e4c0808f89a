"""Broken and hostile workbooks, generated on demand (no committed binaries), with expected outcomes."""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import openpyxl


def valid_workbook(path: Path, tickets=None, sheet="服务工单", headers=("工单编号", "受理时间", "首次响应时间")) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(list(headers))
    for row in tickets or [("T1", dt.datetime(2026, 10, 5, 9), dt.datetime(2026, 10, 5, 10))]:
        ws.append(list(row))
    wb.save(path)
    return path


def _rewrite(src: Path, dst: Path, part: str, new: bytes, extra: dict | None = None) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for i in zin.infolist():
            zout.writestr(i, new if i.filename == part else zin.read(i))
        for name, data in (extra or {}).items():
            zout.writestr(name, data)
    return dst


BILLION_LAUGHS = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">
<c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>"""


def build(tmp: Path) -> dict[str, tuple[Path, str]]:
    """name -> (file, expected fragment of the one-line error)."""
    tmp.mkdir(parents=True, exist_ok=True)
    ok = valid_workbook(tmp / "ok.xlsx")
    out = {}

    def add(name, data: bytes, expect):
        p = tmp / f"{name}.xlsx"
        p.write_bytes(data)
        out[name] = (p, expect)

    add("empty", b"", "is empty")
    add("csv_renamed", "工单编号,受理时间\nT1,2026-10-05\n".encode(), "looks like text or CSV")
    add("encrypted", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "password-protected")
    add("truncated", ok.read_bytes()[:300], "damaged")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    add("plain_zip", buf.getvalue(), "not an Excel workbook")
    out["billion_laughs"] = (_rewrite(ok, tmp / "billion_laughs.xlsx", "xl/worksheets/sheet1.xml", BILLION_LAUGHS),
                             "declares a DOCTYPE")
    out["zip_bomb"] = (_rewrite(ok, tmp / "zip_bomb.xlsx", "", b"",
                                {"xl/media/bomb.xml": b"<a>" + b" " * (60 * 1024 * 1024) + b"</a>"}),
                       "decompression bomb")
    out["no_tables"] = (valid_workbook(tmp / "no_tables.xlsx", sheet="Sheet1"), "no input table found")
    out["missing_column"] = (valid_workbook(tmp / "missing_column.xlsx", headers=("工单编号", "客户", "首次响应时间")),
                             "missing column 'opened_at'")
    return out
