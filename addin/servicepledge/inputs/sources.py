"""Every input source becomes the same typed tables: a workbook, one or several CSV files, a folder of CSVs.

`read_inputs` is what the command line calls. A workbook goes to `reader.read_workbook`; CSV files
are read by `csvfile`, each is one table, and together they make a workbook's worth of tables. A
mapping (`--preset`, a Mapping table / Mapping.csv, `--map`) renames the export's columns and values
before the rows are typed (`mapping.apply`), so every later step sees canonical tables only.

Which table a CSV holds (docs/DEFINITIONS.md §18), first rule that decides:
1. ``--table NAME`` (one CSV file only);
2. the file name: the table's English or Chinese name (``Tickets.csv``, ``服务工单.csv``), a short
   Chinese name (``工单.csv``, ``投诉.csv`` …), or a name the mapping lists under ``files``
   (``incident.csv`` for ServiceNow), also with a suffix (``工单_2026-10.csv``, ``Tickets-Oct.csv``);
3. the headers: the one table whose required columns are all there (after the mapping); if several
   tables fit, the one matching most columns; a tie, or no fit, is an error asking for ``--table``.
Two files for one table are an error naming both (no silent concatenation).
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

from . import mapping as M
from . import tables as T
from .csvfile import CsvTable, read_csv
from .schema import TABLES, table_for_name

# short Chinese file names users give to one table's CSV
SHORT_NAMES = {"工单": "Tickets", "投诉": "Complaints", "人员": "Staff", "员工": "Staff", "台账": "FundLedger",
               "基金": "FundLedger", "预算": "FundBudget", "通知": "Notices", "违约": "Notices", "参数": "Terms",
               "假日": "Holidays", "节假日": "Holidays"}
CSV_SUFFIXES = (".csv", ".tsv", ".txt")


def _is_workbook(p: Path) -> bool:
    """Anything not named .csv/.tsv/.txt goes to the workbook reader (whose checks name what it is)."""
    return p.suffix.lower() not in CSV_SUFFIXES


def expand(paths) -> list[Path]:
    """The files named: a folder stands for its CSV files (sorted by name, not its subfolders)."""
    out = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(q for q in p.iterdir() if q.is_file() and q.suffix.lower() in CSV_SUFFIXES
                           and not q.name.startswith((".", "~$")))
            if not found:
                raise T.InputError(f"{p}: the folder holds no .csv file; put the exported tables there "
                                   f"(Tickets.csv, Complaints.csv …) or name the files",
                                   zh=f"{p}：文件夹中没有 .csv 文件；请把导出的表放进去（服务工单.csv、客户投诉.csv……），"
                                      f"或直接写出文件名")
            out += found
        else:
            out.append(p)
    return out


def table_of_name(stem: str, m: M.Mapping | None) -> str | None:
    """The table a file name names (rule 2), or None."""
    parts = [stem, re.split(r"[-_ .（(\[【]|\d", stem.strip(), maxsplit=1)[0]]
    for cand in dict.fromkeys(p for p in parts if p):
        t = table_for_name(cand)
        if t is not None:
            return t.name
        if cand in SHORT_NAMES:
            return SHORT_NAMES[cand]
        if m and m.table_for_file(cand):
            return m.table_for_file(cand)
    return None


def table_of_headers(csv: CsvTable, m: M.Mapping | None) -> str:
    """The table the headers say (rule 3), or InputError asking for --table."""
    fits = []
    for name, t in TABLES.items():
        try:
            header, _, _ = M.apply(_lenient(m), name, csv.header, csv.rows.head(0), csv.path.name)
        except T.InputError:
            continue
        found = T.match_headers(t, header)
        if all(c.name in found for c in t.columns if c.required):
            fits.append((len(found), name))
    fits.sort(reverse=True)
    if fits and (len(fits) == 1 or fits[0][0] > fits[1][0]):
        return fits[0][1]
    tables = ", ".join(f"{t.name}.csv/{t.zh}.csv" for t in TABLES.values())
    if fits:
        zh0, zh1 = TABLES[fits[0][1]].zh, TABLES[fits[1][1]].zh
        raise T.InputError(f"{csv.path.name}: its columns fit the {fits[0][1]} and the {fits[1][1]} tables; "
                           f"name the file after its table ({tables}) or give --table",
                           zh=f"{csv.path.name}：其列既符合{zh0}（{fits[0][1]}）也符合{zh1}（{fits[1][1]}）；"
                              f"请按表名命名文件（{tables}）或使用 --table")
    from .headers import shown
    cols = shown(TABLES['Tickets'], csv.header, {'x': 0})[:200]
    raise T.InputError(f"{csv.path.name}: cannot tell which table it holds (its columns: "
                       f"{cols}); name the file after its table "
                       f"({tables}), give --table, or use --preset/--map for a ticketing system's export",
                       zh=f"{csv.path.name}：无法判断它是哪张表（其列：{cols}）；请按表名命名文件（{tables}）、"
                          f"使用 --table，工单系统的导出文件请用 --preset/--map")


def _lenient(m):
    if not m:
        return m
    return M.Mapping(m.tables, m.origin, strict=False)


def _digest(parts) -> str:
    """One sha256 for several files: of the lines 'name sha256' sorted by name."""
    h = hashlib.sha256()
    for name, sha in sorted(parts):
        h.update(f"{name} {sha}\n".encode("utf-8"))
    return h.hexdigest()


def read_csvs(files: list[Path], *, table: str | None = None, preset: M.Mapping | None = None,
              user: M.Mapping | None = None, progress=None, encoding: str | None = None):
    """CSV files → reader.Workbook (each file one table)."""
    from .reader import Workbook
    csvs = [read_csv(f, encoding) for f in (progress(files, desc="reading") if progress else files)]
    maps = [c for c in csvs if M.is_mapping_name(c.path.stem)]
    csvs = [c for c in csvs if c not in maps]
    m = M.merge(preset, *(M.from_rows(c.header, c.rows, c.path.name) for c in maps), user)
    if not csvs:
        names = ", ".join(f.name for f in files)
        raise T.InputError(f"{names}: only a mapping, no table to read", zh=f"{names}：只有映射，没有可读取的数据表")
    if table and len(csvs) > 1:
        raise T.InputError(f"--table names the table of one CSV file; {len(csvs)} files were given "
                           f"(name each file after its table instead)",
                           zh=f"--table 只能指定单个 CSV 文件的表；现在给了 {len(csvs)} 个文件（请改为按表名命名各文件）")
    which = {}
    for c in csvs:
        if table:
            t = table_for_name(table) or (TABLES.get(SHORT_NAMES.get(table, "")) if table in SHORT_NAMES else None)
            if t is None:
                known = ", ".join(f"{x.name}/{x.zh}" for x in TABLES.values())
                raise T.InputError(f"--table {table}: not an input table; use one of {known}",
                                   zh=f"--table {table}：不是输入表；请使用其中之一：{known}")
            name = t.name
        else:
            name = table_of_name(c.path.stem, m) or table_of_headers(c, m)
        if name in which:
            raise T.InputError(f"{which[name].path.name} and {c.path.name} both hold the {name} table "
                               f"({TABLES[name].zh}); put its rows in one file",
                               zh=f"{which[name].path.name} 和 {c.path.name} 都是{TABLES[name].zh}（{name}）；"
                                  f"请把它的行放在一个文件里")
        which[name] = c
    issues, loaded, found, inputs = T.Issues(), {}, {}, []
    for name in TABLES:
        c = which.get(name)
        if c is None:
            loaded[name] = T.empty(name)
            continue
        header, rows, labels = M.apply(m, name, c.header, c.rows, c.path.name)
        loaded[name] = T.load(name, header, rows, first_row=2, source=c.path.name, issues=issues, labels=labels)
        found[name] = f"{c.path.name} ({c.encoding}, {c.delimiter_name})"
        inputs.append({"file": c.path.name, "format": "csv", "table": name, "encoding": c.encoding,
                       "delimiter": c.delimiter_name, "rows": int(len(loaded[name].df)), "sha256": c.sha256})
    for c in maps:
        inputs.append({"file": c.path.name, "format": "csv", "table": "Mapping", "encoding": c.encoding,
                       "delimiter": c.delimiter_name, "rows": int(len(c.rows)), "sha256": c.sha256})
    if m:
        inputs.append({"file": m.origin, "format": "mapping"})
    where = files[0].parent if len(files) > 1 else files[0]
    sha = csvs[0].sha256 if len(files) == 1 else _digest([(c.path.name, c.sha256) for c in csvs + maps])
    wb = Workbook(loaded, issues, str(where), sha, False, found)
    wb.inputs = inputs
    return wb


def read_inputs(paths, *, table: str | None = None, map_file=None, preset: str | None = None, progress=None,
                encoding: str | None = None):
    """The tables of what the user named: one workbook, or CSV files and folders of them. `encoding`: the
    --encoding option, for every CSV file named (None: detected per file)."""
    from .reader import read_workbook
    from . import presets
    paths = [Path(p) for p in paths]
    pre = presets.load(preset) if preset else None
    user = M.from_toml(map_file) if map_file else None
    files = expand(paths)
    books = [f for f in files if _is_workbook(f)]
    if books:
        if len(files) > 1:
            raise T.InputError(f"{books[0].name}: a workbook is read on its own; give either one workbook or "
                               f"CSV files (save the workbook's tables as CSV to combine them)",
                               zh=f"{books[0].name}：工作簿只能单独读取；请只给一个工作簿，或只给 CSV 文件"
                                  f"（要合并，请把工作簿的表另存为 CSV）")
        if table:
            raise T.InputError("--table is for a CSV file; a workbook's tables are found by their sheet names",
                               zh="--table 只用于 CSV 文件；工作簿的表按工作表名称识别")
        if encoding:
            raise T.InputError("--encoding is for CSV files; a workbook (.xlsx) stores its own text encoding",
                               zh="--encoding 只用于 CSV 文件；工作簿（.xlsx）自带文本编码")
        return read_workbook(files[0], progress=progress, mapping=M.merge(pre, user))
    return read_csvs(files, table=table, preset=pre, user=user, progress=progress, encoding=encoding)
