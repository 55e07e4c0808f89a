"""`servicepledge template`: the input workbook a manager starts from.

Sheets: a short instructions sheet, the KPI sheet (live SP_ formulas over the Tables, see
excel/kpisheet.py), then one Excel Table per input kind (docs/DEFINITIONS.md §1) named Tickets, Complaints,
Staff, FundLedger, FundBudget, Notices, Terms, Holidays, with their headers (Chinese or English),
number formats and drop-down lists for priority, yes/no, fund category and severity. The Terms
table is filled with the defaults and a one-line explanation per key. `--with-sample` fills the
Tables with the bundled sample data.

The file is reproducible: same options, same bytes (fixed document times and zip member times).
Formulas are stored as dynamic-array formulas, so Excel spills their tables instead of showing @.
"""
from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.worksheet.table import Table as XlTable
from openpyxl.worksheet.table import TableStyleInfo
from openpyxl.writer.excel import ExcelWriter

from . import __version__
from .outputs import outfile
from .excel import kpisheet
from .inputs.schema import TABLES, Table
from .inputs.tables import InputError, match_headers
from .template_text import INSTRUCTIONS, LISTS, PROMPTS, TERMS_HEAD
from .core.terms import DEFAULTS, EXPLAIN, PRIORITIES, parse_terms
from .outputs.atomic import write_file
from .outputs.xlsx import FONT_NAME

FIXED_TIME = dt.datetime(2026, 1, 1, 0, 0, 0)
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
FORMATS = {"datetime": "yyyy-mm-dd hh:mm", "date": "yyyy-mm-dd", "service_fee": "#,##0.00",
           "amount": "#,##0.00", "budget": "#,##0.00", "direct_loss": "#,##0.00", "customer_phone": "@",
           "ratio": "0%"}
VALID_ROWS = 5000          # rows below the header that get the drop-down lists (more rows keep them in a Table)
# (table, column) -> drop-down list (see template_text.LISTS) and what a value outside the list does
VALIDATIONS = {("Tickets", "priority"): ("priority", "warning"), ("Tickets", "complex"): ("yesno", "warning"),
               ("Tickets", "quality_ok"): ("yesno", "warning"), ("Staff", "certified"): ("yesno", "warning"),
               ("FundLedger", "approved"): ("yesno", "warning"),
               ("FundLedger", "category"): ("category", "information"),
               ("FundBudget", "category"): ("category", "information"),
               ("Notices", "severity"): ("severity", "warning"),
               ("Notices", "core_obligation_failed"): ("yesno", "warning"),
               ("Holidays", "workday"): ("yesno", "warning")}


def write_template(path, lang: str = "zh", with_sample: bool = False, force: bool = False) -> Path:
    """Write the template workbook; never over an existing file unless `force` (then 'name (2).xlsx')."""
    if lang not in ("zh", "en"):
        raise InputError(f"language '{lang}' is not available; use zh or en", zh=f"语言“{lang}”不可用；请用 zh 或 en")
    path = outfile.xlsx_target(path, "servicepledge-template.xlsx", lang)
    out = outfile.claim(path, force=force, lang=lang)
    data = _reproducible_bytes(build_template(lang, with_sample))
    return _write_atomic(data, out, lang)


def build_template(lang: str = "zh", with_sample: bool = False) -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    data = _sample_rows() if with_sample else {}
    _instructions(wb.create_sheet(INSTRUCTIONS["sheet"][lang]), lang)
    _kpi_sheet(wb, lang)
    for name, table in TABLES.items():
        ws = wb.create_sheet(table.zh if lang == "zh" else table.name)
        if name == "Terms":
            _terms_sheet(ws, lang, data.get("Terms"))
        else:
            _table_sheet(ws, table, lang, data.get(name, []))
    for ws in wb.worksheets:
        print_setup(ws)
    wb.properties.creator = "servicepledge"
    wb.properties.title = "servicepledge template" + (" (sample data)" if with_sample else "")
    wb.properties.description = f"servicepledge {__version__} input template"
    wb.properties.created = wb.properties.modified = FIXED_TIME
    wb.calculation.fullCalcOnLoad = True
    wb.active = 1
    return wb


# ---------------------------------------------------------------- sheets
def header_of(col, lang: str) -> str:
    return col.aliases[0] if lang == "zh" and col.aliases else col.name


def _table_sheet(ws, table: Table, lang: str, rows: list[dict]) -> None:
    cols = table.columns
    ws.append([header_of(c, lang) for c in cols])
    for r in rows:
        ws.append([r.get(c.name) for c in cols])
    for j, c in enumerate(cols, 1):
        letter = get_column_letter(j)
        fmt = FORMATS.get(c.name) or FORMATS.get(c.kind)
        if fmt:
            ws.column_dimensions[letter].number_format = fmt
            for (cell,) in ws.iter_rows(min_row=2, max_row=len(rows) + 1, min_col=j, max_col=j):
                cell.number_format = fmt
        ws.column_dimensions[letter].width = _width(c, rows, lang)
    _add_table(ws, table.name, len(cols), len(rows))
    for (tname, cname), (kind, style) in VALIDATIONS.items():
        if tname == table.name:
            j = table.names.index(cname) + 1
            _validation(ws, get_column_letter(j), kind, style, lang, max(VALID_ROWS, len(rows) + 1000))
    ws.freeze_panes = "A2"


PORTRAIT_WIDTH = 110     # column-width units an A4 portrait page holds at 85% or more (wider: landscape)
LANDSCAPE_WIDTH = 140    # … and an A4 landscape page at 100%
MIN_SCALE = 60           # percent: smaller print is not readable; wider tables go on to a second page across


def print_setup(ws) -> None:
    """A4; portrait when the sheet's columns fit a portrait page at 85% or more, else landscape; fit to the
    page width (as many pages down as needed) unless that would print below 60% (the 29-column Contracts
    table): then 60% on pages side by side, the first column repeated; a table sheet repeats its header row
    on every page. (Without a setting, Excel and LibreOffice may use Letter portrait, which cuts the tables.)"""
    from openpyxl.utils import get_column_letter as letter
    last = max(ws.max_column, 1)
    dims = [ws.column_dimensions.get(letter(j)) for j in range(1, last + 1)]
    widths = sum(d.width if d is not None and d.customWidth else 8.43 for d in dims)
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "portrait" if widths <= PORTRAIT_WIDTH else "landscape"
    ws.print_options.horizontalCentered = widths <= PORTRAIT_WIDTH
    if widths * MIN_SCALE / 100 <= LANDSCAPE_WIDTH:
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    else:
        ws.page_setup.scale = MIN_SCALE
        ws.page_setup.pageOrder = "overThenDown"
        ws.print_title_cols = "A:A"
    if ws.tables:                      # an input table: its header on every printed page
        ws.print_title_rows = "1:1"


def _width(col, rows, lang) -> float:
    if col.kind == "datetime":
        return 18
    if col.kind == "date":
        return 13
    head = _display(header_of(col, lang))
    longest = max([_display(r.get(col.name)) for r in rows[:400] if r.get(col.name) is not None] + [0])
    return min(max(head, longest, 8) + 3, 42)


def _display(v) -> int:
    return sum(2 if "\u2e80" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" else 1 for ch in str(v))


def _text_width(v) -> float:
    """Width of a text in Calibri-11 character units: CJK 2, Latin about 0.8 (proportional)."""
    text = str(v)
    wide = sum(1 for ch in text if "\u2e80" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef")
    return 2 * wide + 0.8 * (len(text) - wide)


def _add_table(ws, name: str, n_cols: int, n_rows: int) -> None:
    ref = f"A1:{get_column_letter(n_cols)}{max(n_rows, 1) + 1}"
    t = XlTable(displayName=name, ref=ref)
    t.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(t)


def _validation(ws, letter: str, kind: str, style: str, lang: str, last_row: int) -> None:
    items = LISTS[kind][lang]
    dv = DataValidation(type="list", formula1='"' + ",".join(items) + '"', allow_blank=True,
                        showDropDown=False, showErrorMessage=True, errorStyle=style,
                        showInputMessage=True, promptTitle=PROMPTS[kind][lang][0][:32],
                        prompt=PROMPTS[kind][lang][1][:255], errorTitle=PROMPTS[kind][lang][0][:32],
                        error=PROMPTS[kind][lang][1][:225])
    dv.add(f"{letter}2:{letter}{last_row}")
    ws.add_data_validation(dv)


def terms_rows(lang: str, given: dict | None = None) -> list[list]:
    """Terms table rows: every key (per-priority overrides after their general target), the default
    or the given value as a person types it, and its one-line explanation."""
    shown = parse_terms({"lang": lang}).display()
    order = []
    for k in DEFAULTS:
        if re.search(r"_P\d$", k):
            continue
        order.append(k)
        if k in ("response_hours", "complex_solution_hours"):
            order += [f"{k}_{p}" for p in PRIORITIES]
    values = {k: shown.get(k) for k in order}
    for k, v in (given or {}).items():
        values[k] = v
    values["lang"] = lang
    rows = []
    for k in list(values):
        v = values[k]
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        rows.append([k, v, EXPLAIN.get(k, ("", ""))[0 if lang == "zh" else 1]])
    return rows


def _terms_sheet(ws, lang: str, given: dict | None) -> None:
    ws.append(TERMS_HEAD[lang])
    rows = terms_rows(lang, given)
    for r in rows:
        ws.append(r)
        if r[0] in ("turnover_threshold", "minor_fee_reduction_ratio", "major_compensation_ratio",
                    "followup_target") and isinstance(r[1], (int, float)):
            ws.cell(ws.max_row, 2).number_format = FORMATS["ratio"]
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 14
    ws.column_dimensions["C"].width = 60
    _add_table(ws, "Terms", 3, len(rows))
    ws.freeze_panes = "A2"


def _instructions(ws, lang: str) -> None:
    """The instructions sheet: enough on its own to install and use the template (zh and en).
    Code is one line per cell (copying a range of cells gives the lines as they are)."""
    code_font = Font(name="Consolas", size=10, color="1F4E78")
    code_fill = PatternFill("solid", fgColor="F2F2F2")
    for kind, text in INSTRUCTIONS["rows"][lang]:
        if kind == "gap":
            ws.append([None])
            continue
        for line in (text.split("\n") if kind == "code" else [text]):
            ws.append([line])
            cell = ws.cell(ws.max_row, 1)
            if kind == "title":
                cell.font = Font(bold=True, size=14, name=FONT_NAME)
                ws.row_dimensions[cell.row].height = 24
            elif kind == "head":
                cell.font = Font(bold=True, size=12, color="1F4E78", name=FONT_NAME)
                ws.row_dimensions[cell.row].height = 22
                cell.alignment = Alignment(vertical="bottom")
            elif kind == "code":
                cell.font, cell.fill = code_font, code_fill
                cell.data_type = "s"
            elif kind == "text":
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                lines = math.ceil(_text_width(cell.value) / 98)   # wrapped lines at this column width
                ws.row_dimensions[cell.row].height = 15 * max(lines, 1) + 3
    ws.column_dimensions["A"].width = 100


def _kpi_sheet(wb, lang: str) -> None:
    ws = wb.create_sheet(kpisheet.sheet_name(lang))
    title = f"'{ws.title}'"
    for c in kpisheet.layout(lang):
        cell = ws.cell(c.row, c.col)
        if c.kind == "formula":
            cell.value = ArrayFormula(cell.coordinate, c.value)
        elif c.kind == "input":
            cell.number_format = "@"
            cell.fill = INPUT_FILL
            wb.defined_names[c.name] = DefinedName(c.name, attr_text=f"{title}!${cell.column_letter}${c.row}")
        elif c.kind in ("title", "text"):
            cell.value = c.value
            cell.data_type = "s"
        if c.kind == "format" or (c.fmt and c.kind == "formula"):
            for row in ws.iter_rows(min_row=c.row, max_row=c.row + c.rows - 1, min_col=c.col,
                                    max_col=c.col + c.cols - 1):
                for x in row:
                    x.number_format = c.fmt
        if c.bold:
            cell.font = Font(bold=True, size=14 if c.row == 1 else 11)
    ws.merge_cells("A2:L2")                       # the note: wrapped across the sheet
    ws["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[2].height = 34
    ws.defined_names[kpisheet.MARK] = DefinedName(kpisheet.MARK, attr_text=f"{title}!$A$1")
    ws.column_dimensions["A"].width = 30
    for j in range(2, 16):
        ws.column_dimensions[get_column_letter(j)].width = 15
    ws.freeze_panes = "A7"


# ---------------------------------------------------------------- sample data
def _sample_rows() -> dict:
    """table name -> rows keyed by canonical column (Terms: key -> value) from the bundled sample."""
    from .cli import sample_path
    from .inputs.reader import _Grids        # the reader's fast path (python-calamine, else openpyxl)
    src = _Grids(sample_path())
    out: dict = {}
    for name, table in TABLES.items():
        if name not in src.table_names:
            continue
        header, body, _, _ = src.table(name)
        found = match_headers(table, header)
        body = [[None if v == "" else v for v in r] for r in body]
        rows = [{c: r[i] for c, i in found.items()} for r in body if any(v is not None for v in r)]
        out[name] = {r["key"]: r.get("value") for r in rows if r.get("key")} if name == "Terms" else rows
    return out


# ---------------------------------------------------------------- writing
_METADATA = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<metadata xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:xda="http://schemas.microsoft.com/office/spreadsheetml/2017/dynamicarray">'
    '<metadataTypes count="1"><metadataType name="XLDAPR" minSupportedVersion="120000" copy="1" pasteAll="1" '
    'pasteValues="1" merge="1" splitFirst="1" rowColShift="1" clearFormats="1" clearComments="1" assign="1" '
    'coerce="1" cellMeta="1"/></metadataTypes><futureMetadata name="XLDAPR" count="1"><bk><extLst>'
    '<ext uri="{bdbb8cdc-fa1e-496e-a857-3c3f30c029c3}"><xda:dynamicArrayProperties fDynamic="1" '
    'fCollapsed="0"/></ext></extLst></bk></futureMetadata><cellMetadata count="1"><bk><rc t="1" v="0"/></bk>'
    '</cellMetadata></metadata>')
_ARRAY_CELL = re.compile(r'(<c r="[A-Z]+[0-9]+"(?: [a-zA-Z]+="[^"]*")*)(><f t="array")')


def _dynamic_arrays(name: str, data: bytes) -> bytes:
    """Mark array formulas as dynamic arrays (Excel's cell metadata), so results spill."""
    if name.startswith("xl/worksheets/sheet") and b'<f t="array"' in data:
        return _ARRAY_CELL.sub(r'\1 cm="1"\2', data.decode("utf-8")).encode("utf-8")
    if name == "[Content_Types].xml":
        part = ('<Override PartName="/xl/metadata.xml" ContentType='
                '"application/vnd.openxmlformats-officedocument.spreadsheetml.sheetMetadata+xml"/>')
        return data.replace(b"</Types>", part.encode() + b"</Types>")
    if name == "xl/_rels/workbook.xml.rels":
        rel = ('<Relationship Id="rIdSpMeta" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
               'relationships/sheetMetadata" Target="metadata.xml"/>')
        return data.replace(b"</Relationships>", rel.encode() + b"</Relationships>")
    return data


def _reproducible_bytes(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    ExcelWriter(wb, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED)).save()   # no 'modified = now' stamp
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            member.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(member, _dynamic_arrays(info.filename, src.read(info.filename)))
        member = zipfile.ZipInfo("xl/metadata.xml", date_time=FIXED_TIME.timetuple()[:6])
        member.compress_type = zipfile.ZIP_DEFLATED
        dst.writestr(member, _METADATA)
    return out.getvalue()


def _write_atomic(data: bytes, out: Path, lang: str = "zh") -> Path:
    return write_file(out, lambda tmp: Path(tmp).write_bytes(data), lang)
