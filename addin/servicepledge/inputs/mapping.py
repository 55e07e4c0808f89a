"""A column mapping: an export's column names and values → the canonical ones of docs/DEFINITIONS.md §1.

A ticketing system's export calls the ticket number ``Number`` or ``Issue key`` and the priority
``1 - Critical``; a mapping says which column is which and what its words mean, before the rows
are typed, so the KPI code never learns where the rows came from. A mapping comes from

- a ``Mapping`` (映射) table in the workbook, or a ``Mapping.csv`` among the CSV files, with the
  columns 表/table, 源列/source column, 标准列/canonical column, 源值/source value,
  标准值/canonical value, 格式/format;
- ``--map FILE.toml``;
- ``--preset NAME`` (``presets``: ServiceNow, Jira Service Management, Zendesk, Freshdesk).

The TOML form, one section per table (English or Chinese table name)::

    [Tickets]
    files = ["incident"]                       # file names (without .csv) that hold this table
    [Tickets.columns]                          # canonical column = source column(s), first present wins
    ticket_id = "Number"
    opened_at = ["Opened", "opened_at"]
    [Tickets.values.Priority]                  # values of a source column (or of a canonical one)
    "1 - Critical" = "P1"
    [Tickets.formats]                          # how a date column is written, strptime codes
    opened_at = "%d/%b/%y %I:%M %p"

Rules (§18): a column named by the user's own mapping (Mapping table or --map) that the file lacks
is an error naming both; a preset lists a system's standard columns and the export may hold any of
them (a missing one only makes its figures unavailable, as for any missing column). Values are
compared ignoring case, spaces and full-width forms; a value the map does not list is kept as
written (and read as usual: an unknown priority word is reported). Columns the mapping does not
name are read by their own header as usual and, if they match no column, listed as not used.
Value maps are generic: a status column mapped to the words of the paused-clock rules (e.g.
``State: "Awaiting User Info" → paused``) is the hook the pauses rules read.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from . import coerce, vocabulary
from .schema import TABLES, header_key, table_for_name
from .tables import InputError


@dataclass
class TableMap:
    columns: dict = field(default_factory=dict)   # canonical column -> tuple of source header spellings
    values: dict = field(default_factory=dict)    # column (source or canonical, header_key) -> {value key: value}
    formats: dict = field(default_factory=dict)   # canonical column -> strptime format
    after: dict = field(default_factory=dict)     # canonical column -> (canonical start, source minutes column)
    files: tuple = ()                             # file stems holding this table (header_key)


@dataclass
class Mapping:
    tables: dict = field(default_factory=dict)    # table name -> TableMap
    origin: str = "mapping"                       # what the user calls it: "map.toml", "preset servicenow"
    strict: bool = True                           # a named column the file lacks is an error
    required: dict = field(default_factory=dict)  # (table, column) -> origin that names it (merged mappings)

    def __bool__(self) -> bool:
        return bool(self.tables)

    def table_for_file(self, stem: str) -> str | None:
        k = header_key(stem)
        return next((t for t, tm in self.tables.items() if k in tm.files), None)


def _table(name, origin: str, origin_zh: str | None = None) -> str:
    t = table_for_name(str(name))
    if t is None:
        known = ", ".join(f"{x.name}/{x.zh}" for x in TABLES.values())
        raise InputError(f"{origin}: '{name}' is not an input table; use one of {known}",
                         zh=f"{origin_zh or origin}：“{name}”不是输入表；请使用其中之一：{known}")
    return t.name


def _canonical(table: str, name, origin: str, origin_zh: str | None = None) -> str:
    """The canonical column `name` means (its English name or Chinese header), or InputError."""
    t = TABLES[table]
    k = header_key(name)
    for c in t.columns:
        if k in {header_key(x) for x in (c.name, *c.aliases)}:
            return c.name
    from .headers import suggest
    near = suggest(t, str(name))
    hint = f" (did you mean {near.name}?)" if near is not None else ""
    hint_zh = f"（是否指 {near.name}？）" if near is not None else ""
    raise InputError(f"{origin}: '{name}' is not a column of {t.name} ({t.zh}){hint}; the columns are "
                     f"{', '.join(t.names)}",
                     zh=f"{origin_zh or origin}：“{name}”不是{t.zh}（{t.name}）的列{hint_zh}；可用的列：{', '.join(t.names)}")


def _add_values(tm: TableMap, column: str, pairs: dict) -> None:
    vm = tm.values.setdefault(header_key(column), {})
    for src, dst in pairs.items():
        vm[vocabulary.key(src)] = str(dst)


def from_dict(doc: dict, origin: str, strict: bool = True) -> Mapping:
    """A mapping from parsed TOML (one section per table); InputError naming `origin` when wrong."""
    m = Mapping(origin=origin, strict=strict)
    for tname, sec in doc.items():
        if tname in ("name", "source", "description"):
            continue
        if not isinstance(sec, dict):
            raise InputError(f"{origin}: '{tname}' must be a section [{tname}] with columns, values or formats",
                             zh=f"{origin}：“{tname}”应是一个 [{tname}] 小节，包含 columns、values 或 formats")
        table = _table(tname, origin)
        tm = m.tables.setdefault(table, TableMap())
        unknown = set(sec) - {"files", "columns", "values", "formats", "after"}
        if unknown:
            keys = ", ".join(sorted(unknown))
            raise InputError(f"{origin}: [{tname}] has unknown key(s) {keys}; use files, columns, values, formats, after",
                             zh=f"{origin}：[{tname}] 中有无法识别的键 {keys}；可用的键：files、columns、values、formats、after")
        files = sec.get("files", [])
        tm.files += tuple(header_key(f) for f in ([files] if isinstance(files, str) else files))
        for canon, src in sec.get("columns", {}).items():
            srcs = [src] if isinstance(src, str) else list(src)
            if not srcs or not all(isinstance(s, str) and s.strip() for s in srcs):
                raise InputError(f"{origin}: [{tname}.columns] {canon} must name a source column",
                                 zh=f"{origin}：[{tname}.columns] {canon} 必须写出导出文件中的列名")
            c = _canonical(table, canon, origin)
            tm.columns[c] = tuple(dict.fromkeys((*tm.columns.get(c, ()), *srcs)))
        for col, pairs in sec.get("values", {}).items():
            if not isinstance(pairs, dict):
                raise InputError(f"{origin}: [{tname}.values.{col}] must list \"source value\" = \"canonical value\"",
                                 zh=f"{origin}：[{tname}.values.{col}] 应逐行写 \"源值\" = \"标准值\"")
            _add_values(tm, col, pairs)
        for canon, fmt in sec.get("formats", {}).items():
            tm.formats[_canonical(table, canon, origin)] = str(fmt)
        for canon, pair in sec.get("after", {}).items():
            if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(x, str) for x in pair)):
                raise InputError(f"{origin}: [{tname}.after] {canon} must be [\"start column\", \"minutes column\"]",
                                 zh=f"{origin}：[{tname}.after] {canon} 应写成 [\"起始时间列\", \"分钟数列\"]")
            tm.after[_canonical(table, canon, origin)] = (_canonical(table, pair[0], origin), pair[1])
    return m


def from_toml(path) -> Mapping:
    """The mapping in a TOML file (--map)."""
    import tomllib
    from pathlib import Path
    path = Path(path)
    try:
        with open(path, "rb") as f:
            doc = tomllib.load(f)
    except FileNotFoundError:
        raise InputError(f"{path}: mapping file not found", zh=f"{path}：找不到映射文件") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        detail = " ".join(str(e).split())[:120]
        raise InputError(f"{path.name}: is not a valid TOML mapping ({detail})",
                         zh=f"{path.name}：不是有效的 TOML 映射文件（{detail}）") from None
    return from_dict(doc, path.name, strict=True)


# the Mapping table's columns, as users may write them
_MAP_COLUMNS = {
    "table": ("table", "表", "表名"),
    "source_column": ("source column", "source_column", "源列", "源列名", "导出列"),
    "canonical_column": ("canonical column", "canonical_column", "标准列", "标准列名"),
    "source_value": ("source value", "source_value", "源值"),
    "canonical_value": ("canonical value", "canonical_value", "标准值"),
    "format": ("format", "格式"),
}
MAPPING_NAMES = ("Mapping", "映射", "列映射")


def is_mapping_name(name: str) -> bool:
    return header_key(name) in {header_key(n) for n in MAPPING_NAMES}


def from_rows(header: list, rows, origin: str) -> Mapping:
    """The mapping in a Mapping table (header + rows of cells, e.g. a sheet or Mapping.csv)."""
    keys = {header_key(a): c for c, al in _MAP_COLUMNS.items() for a in al}
    pos = {}
    for i, h in enumerate(header):
        c = keys.get(header_key("" if h is None else h))
        if c and c not in pos:
            pos[c] = i
    for need in ("table", "source_column"):
        if need not in pos:
            raise InputError(f"{origin}: missing column {_MAP_COLUMNS[need][0]} ({_MAP_COLUMNS[need][2]}); "
                             f"the Mapping table needs 表/table, 源列/source column, 标准列/canonical column "
                             f"and, for value maps, 源值/source value and 标准值/canonical value",
                             zh=f"{origin}：缺少列 {_MAP_COLUMNS[need][0]}（{_MAP_COLUMNS[need][2]}）；映射表需要"
                                f"表/table、源列/source column、标准列/canonical column 这几列，值映射还需要"
                                f"源值/source value 和 标准值/canonical value")
    m = Mapping(origin=origin, strict=True)
    rows = rows.values.tolist() if isinstance(rows, pd.DataFrame) else rows

    def cell(r, c):
        i = pos.get(c)
        v = r[i] if i is not None and i < len(r) else None
        return "" if v is None or (isinstance(v, float) and v != v) else str(v).strip()

    for n, r in enumerate(rows, 2):
        tname, src, canon = cell(r, "table"), cell(r, "source_column"), cell(r, "canonical_column")
        sval, cval, fmt = cell(r, "source_value"), cell(r, "canonical_value"), cell(r, "format")
        if not any((tname, src, canon, sval, cval, fmt)):
            continue
        where, wzh = f"{origin}, row {n}", f"{origin} 第 {n} 行"
        if not tname:
            raise InputError(f"{where}: 表/table is blank; name the table the row maps (e.g. Tickets or 服务工单)",
                             zh=f"{wzh}：表/table 为空；请写出这一行映射的表（如 Tickets 或 服务工单）")
        table = _table(tname, where, wzh)
        tm = m.tables.setdefault(table, TableMap())
        if sval or cval:
            if not (src or canon) or not cval:
                raise InputError(f"{where}: a value map needs 源列/source column, 源值/source value and "
                                 f"标准值/canonical value",
                                 zh=f"{wzh}：值映射需要 源列/source column、源值/source value 和 标准值/canonical value")
            _add_values(tm, src or canon, {sval: cval})
        if canon and fmt:
            tm.formats[_canonical(table, canon, where, wzh)] = fmt
        if src and canon and not (sval or cval):
            c = _canonical(table, canon, where, wzh)
            tm.columns[c] = tuple(dict.fromkeys((*tm.columns.get(c, ()), src)))
        elif src and not canon and not (sval or cval):
            raise InputError(f"{where}: 标准列/canonical column is blank for source column '{src}'",
                             zh=f"{wzh}：源列“{src}”的 标准列/canonical column 为空")
    return m


def merge(*maps) -> Mapping | None:
    """Several mappings as one; the later wins for a column or value both name. A user's mapping is
    strict for the columns it names even when merged with a preset."""
    maps = [m for m in maps if m]
    if not maps:
        return None
    if len(maps) == 1:
        return maps[0]
    out = Mapping(origin=" + ".join(m.origin for m in maps), strict=False)
    for m in maps:
        for t, tm in m.tables.items():
            o = out.tables.setdefault(t, TableMap())
            o.columns.update(tm.columns)
            for k, vm in tm.values.items():
                o.values.setdefault(k, {}).update(vm)
            o.formats.update(tm.formats)
            o.after.update(tm.after)
            o.files += tm.files
            if m.strict:
                out.required.update({(t, c): m.origin for c in tm.columns})
            out.required.update(m.required)
    return out


def apply(m: Mapping | None, table: str, header: list, rows, file: str):
    """(header, rows, labels) with the mapping applied: mapped headers renamed to canonical names, values
    mapped, dates read with the mapping's formats. `labels` keeps each column's header as the file
    writes it (data issues name the user's column). `rows`: a 2-D list or DataFrame (columns by position)."""
    header = ["" if h is None else str(h).strip() for h in header]
    labels = list(header)
    tm = m.tables.get(table) if m else None
    if tm is None:
        return header, rows, labels
    raw = rows.copy() if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows), dtype=object)
    raw = raw.reindex(columns=range(len(header)))
    keys = [header_key(h) for h in header]
    for canon, srcs in tm.columns.items():
        i = next((keys.index(header_key(s)) for s in srcs if header_key(s) in keys), None)
        if i is None:
            origin = m.required.get((table, canon)) or (m.origin if m.strict else None)
            if origin:
                shown = ", ".join(h for h in header if h) or "none"
                raise InputError(f"{origin}: column '{srcs[0]}' (mapped to {table} {canon}) is not in {file}; "
                                 f"the file's columns are: {shown[:300]}",
                                 zh=f"{origin}：映射到 {TABLES[table].zh} {canon} 的列“{srcs[0]}”不在 {file} 中；"
                                    f"该文件的列：{shown[:300]}")
            continue
        header[i] = canon
    for col, vm in tm.values.items():
        for i in [j for j, (k, h) in enumerate(zip(keys, header)) if k == col or header_key(h) == col]:
            raw[i] = _map_values(raw[i], vm)
    for canon, fmt in tm.formats.items():
        if canon in header:
            i = header.index(canon)
            s = raw[i].astype(object)
            txt = pd.Series(coerce._is_str(s.to_numpy(dtype=object)), index=s.index)
            got = pd.to_datetime(s.where(txt, None), format=fmt, errors="coerce")
            ok = got.notna()
            raw[i] = s.where(~ok, got.astype(object))
    used = []
    for canon, (start, minutes) in tm.after.items():
        if canon in header or start not in header or header_key(minutes) not in keys:
            continue        # the export's own column wins; without both columns nothing is derived
        t0, _ = coerce.to_datetime(raw[header.index(start)].astype(object))
        mins = pd.to_numeric(raw[keys.index(header_key(minutes))], errors="coerce")
        stop = t0 + pd.to_timedelta(mins.round(6), unit="m")
        cells = stop.astype(object).where(stop.notna(), None)
        # a minutes cell that is not a number stays visible: the derived cell is unusable (a data issue), never blank
        bad = mins.isna() & ~coerce.blank_mask(raw[keys.index(header_key(minutes))].astype(object))
        raw[len(header)] = cells.where(~bad, "not a number of minutes")
        header.append(canon)
        labels.append(f"{labels[header.index(start)]} + {minutes}")
        used.append(keys.index(header_key(minutes)))
    if used:        # the minutes columns are consumed by the derived ones: not listed as unused
        raw = raw.drop(columns=used)
        raw.columns = range(raw.shape[1])
        header = [h for j, h in enumerate(header) if j not in used]
        labels = [h for j, h in enumerate(labels) if j not in used]
    return header, raw, labels


def _map_values(s: pd.Series, vm: dict) -> pd.Series:
    """Values of `s` replaced by the map (compared by vocabulary.key), others kept; one key per distinct value."""
    s = s.astype(object)
    uniq = pd.unique(s.to_numpy())
    table = {}
    for v in uniq:
        if v is None or (isinstance(v, float) and v != v):
            continue
        k = vocabulary.key(v)
        if k in vm:
            table[v] = vm[k]
    if not table:
        return s
    mapped = s.map(table)
    return s.where(mapped.isna(), mapped)
