"""Hostile workbooks for the reader: targeted ones (far cells, odd Table ranges, huge counts) and
seeded random mutations (byte flips, truncations, XML edits of one part). Built on demand, no binaries.

Each builder takes the path of a small valid workbook (`small_workbook`) and writes a variant.
"""
from __future__ import annotations

import datetime as dt
import random
import re
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.worksheet.table import Table

SHEET = "xl/worksheets/sheet1.xml"
TABLE = "xl/tables/table1.xml"


def small_workbook(path: Path, rows: int = 2, ref: str | None = None, table: bool = True) -> Path:
    """A Tickets sheet (服务工单) of `rows` tickets, as an Excel Table named Tickets unless `table` is False."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "服务工单"
    ws.append(["工单编号", "受理时间", "首次响应时间"])
    for i in range(rows):
        ws.append([f"T{i + 1}", dt.datetime(2026, 10, 5, 9), dt.datetime(2026, 10, 5, 9) + dt.timedelta(hours=i + 1)])
    if table:
        ws.add_table(Table(displayName="Tickets", ref=ref or f"A1:C{rows + 1}"))
    wb.save(path)
    return path


def rewrite(src: Path, dst: Path, edits: dict, extra: dict | None = None) -> Path:
    """Copy the zip `src` to `dst`, passing the bytes of each part named in `edits` through its function."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for i in zin.infolist():
            data = zin.read(i)
            zout.writestr(i, edits[i.filename](data) if i.filename in edits else data)
        for name, data in (extra or {}).items():
            zout.writestr(name, data)
    return dst


def add_cells(src: Path, dst: Path, cells: str) -> Path:
    """Append raw `<row>` XML (e.g. a far cell) at the end of the sheet's data."""
    return rewrite(src, dst, {SHEET: lambda d: d.replace(b"</sheetData>", cells.encode() + b"</sheetData>")})


def far_cell(src: Path, dst: Path, ref: str = "XFD1048576", value: str = "1") -> Path:
    row = re.sub(r"[A-Z]", "", ref)
    return add_cells(src, dst, f'<row r="{row}"><c r="{ref}"><v>{value}</v></c></row>')


def wide_row(src: Path, dst: Path, row: int, first_col: int = 4, last_col: int = 16384) -> Path:
    """Row `row` holds the number 1 in every column from `first_col` to `last_col` (Excel's last: XFD)."""
    from openpyxl.utils import get_column_letter as L
    cells = "".join(f'<c r="{L(c)}{row}"><v>1</v></c>' for c in range(first_col, last_col + 1))
    def edit(d: bytes) -> bytes:
        m = re.search(rb'<row r="%d"[^>]*>' % row, d)
        if m:     # the row exists: append to it
            end = d.index(b"</row>", m.end())
            return d[:end] + cells.encode() + d[end:]
        return d.replace(b"</sheetData>", f'<row r="{row}">{cells}</row>'.encode() + b"</sheetData>")
    return rewrite(src, dst, {SHEET: edit})


def table_ref(src: Path, dst: Path, ref: str) -> Path:
    """Set the Table's ref (and its autoFilter's) to `ref`: 'A1', 'C3:A1', 'A1:C1' …"""
    return rewrite(src, dst, {TABLE: lambda d: re.sub(rb'ref="[^"]*"', f'ref="{ref}"'.encode(), d)})


def cell_value(src: Path, dst: Path, old: str, new: str, count: int = 1) -> Path:
    return rewrite(src, dst, {SHEET: lambda d: d.replace(old.encode(), new.encode(), count)})


def merge_all(src: Path, dst: Path, ref: str = "A5:XFD1048576") -> Path:
    return rewrite(src, dst, {SHEET: lambda d: d.replace(
        b"</sheetData>", b'</sheetData><mergeCells count="1"><mergeCell ref="' + ref.encode() + b'"/></mergeCells>')})


def shared_strings(src: Path, dst: Path, unique: int, count: int = 1) -> Path:
    """Move cell A2's text into a shared-strings part declaring `uniqueCount`/`count`."""
    sst = (f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml'
           f'/2006/main" count="{count}" uniqueCount="{unique}"><si><t>T1</t></si></sst>').encode()
    rel = (b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"'
           b' Target="sharedStrings.xml" Id="rIdSST"/></Relationships>')
    ct = (b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
          b'spreadsheetml.sharedStrings+xml"/></Types>')
    return rewrite(src, dst, {
        "xl/_rels/workbook.xml.rels": lambda d: d.replace(b"</Relationships>", rel),
        "[Content_Types].xml": lambda d: d.replace(b"</Types>", ct),
        SHEET: lambda d: d.replace(b'<c r="A2" t="inlineStr"><is><t>T1</t></is></c>', b'<c r="A2" t="s"><v>0</v></c>'),
    }, {"xl/sharedStrings.xml": sst})


def corrupt_deflate(src: Path, dst: Path, part: str = SHEET) -> Path:
    """Flip bytes inside the compressed data of `part` (the zip directory stays intact)."""
    data = bytearray(src.read_bytes())
    with zipfile.ZipFile(src) as z:
        i = z.getinfo(part)
    start = i.header_offset + 30 + len(i.filename.encode()) + len(i.extra)
    for k in range(8, min(40, i.compress_size)):
        data[start + k] ^= 0xFF
    dst.write_bytes(bytes(data))
    return dst


def declare_encoding(src: Path, dst: Path, encoding: str = "GBK", part: str = SHEET) -> Path:
    return rewrite(src, dst, {part: lambda d: f'<?xml version="1.0" encoding="{encoding}"?>'.encode()
                              + re.sub(rb"^<\?xml[^>]*\?>", b"", d)})


# --- seeded random mutations -----------------------------------------------------------------------
_XML_EDITS = [
    (rb'r="([A-Z]+)(\d+)"', lambda rnd, m: b'r="%s%d"' % (rnd.choice([b"XFD", b"A", b"ZZ", b"AAA"]),
                                                         rnd.choice([1, 2, 10000, 1048576, 9999999]))),
    (rb'ref="[^"]*"', lambda rnd, m: b'ref="%s"' % rnd.choice([b"A1", b"C3:A1", b"A1:C1", b"A1:XFD1048576",
                                                              b"", b"ZZZ9:A1", b"A0:B2"])),
    (rb"<v>[^<]*</v>", lambda rnd, m: b"<v>%s</v>" % rnd.choice([b"-inf", b"nan", b"1e308", b"-1e308", b"",
                                                                b"99999999999", b"-1", b"abc"])),
    (rb'(unique)?[cC]ount="\d+"', lambda rnd, m: b'count="%d"' % rnd.choice([0, 2**31 - 1, 2**32, 10**12])),
    (rb'<row r="\d+"', lambda rnd, m: b'<row r="%d"' % rnd.choice([0, 1048576, 1048577, 5])),
    (rb"</[a-zA-Z]+>", lambda rnd, m: b""),
    (rb'encoding="[^"]*"', lambda rnd, m: b'encoding="%s"' % rnd.choice([b"GBK", b"UTF-16", b"latin-1", b"x"])),
]


def mutate(src: Path, dst: Path, rnd: random.Random) -> str:
    """Write one random variant of `src` to `dst`; returns what was done (for failure messages)."""
    data = src.read_bytes()
    kind = rnd.choice(["flip", "truncate", "xml", "xml", "xml"])
    if kind == "flip":
        b = bytearray(data)
        for _ in range(rnd.randint(1, 8)):
            b[rnd.randrange(len(b))] = rnd.randrange(256)
        dst.write_bytes(bytes(b))
        return "flip"
    if kind == "truncate":
        n = rnd.randrange(1, len(data))
        dst.write_bytes(data[:n])
        return f"truncate {n}"
    with zipfile.ZipFile(src) as z:
        parts = [n for n in z.namelist() if n.endswith((".xml", ".rels"))]
    part = rnd.choice(parts)
    pattern, repl = rnd.choice(_XML_EDITS)

    def edit(d: bytes) -> bytes:
        hits = list(re.finditer(pattern, d))
        if not hits:
            return d
        m = rnd.choice(hits)
        return d[:m.start()] + repl(rnd, m) + d[m.end():]
    rewrite(src, dst, {part: edit})
    return f"xml {part} {pattern!r}"
