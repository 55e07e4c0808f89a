"""From raw cells (a header row and data rows) to typed tables with canonical column names.

Both fronts use this: the workbook reader (files) and the Excel functions (2-D lists from Excel).
Unusable cells are recorded as data issues with the row number Excel shows and marked in
`Loaded.bad`, so each KPI leaves out only the rows it cannot serve.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import coerce, vocabulary
from ..core.language import Bilingual
from .headers import check as check_headers
from .schema import TABLES, Table, header_key


class InputError(Bilingual, ValueError):
    """Input that cannot be used at all (missing table column, unreadable file). One readable line;
    `InputError(en, zh=...)` when both wordings are known (`say(lang)` picks one)."""

    @classmethod
    def not_found(cls, path) -> "InputError":
        """The one line for an input path that does not exist (workbook, CSV or Parquet alike)."""
        return cls(f"{path}: file not found", zh=f"{path}：找不到该文件")


@dataclass
class Warning:
    """Something the reader must know before trusting a figure (a near-miss header, an empty table, a KPI
    that cannot be computed). Shown on the dashboard, in the console summary and in the JSON `warnings`."""
    code: str                  # stable identifier, e.g. "unknown_header", "empty_population"
    table: str | None
    column: str | None
    zh: str                    # the message in Chinese
    en: str                    # the message in English

    def as_dict(self, lang: str) -> dict:
        return {"code": self.code, "table": self.table, "column": self.column,
                "message": self.zh if lang == "zh" else self.en}


@dataclass
class Issues:
    """Data issues: (table, Excel row, column, problem); and the warnings found on the way.

    `problem` is English in `rows`; a problem given as a (zh, en) pair also records its Chinese wording in
    `zh` (English text -> Chinese text), which `problem_in(row, lang)` uses for a Chinese report."""
    rows: list = field(default_factory=list)
    warnings: list = field(default_factory=list)   # [Warning]
    zh: dict = field(default_factory=dict)         # English problem text -> Chinese problem text

    def warn(self, code: str, table: str | None, column: str | None, zh: str, en: str) -> None:
        w = Warning(code, table, column, zh, en)
        if w not in self.warnings:
            self.warnings.append(w)

    def add(self, table: str, row, column: str | None, problem) -> None:
        """One data issue; `problem` is English text or a (zh, en) pair."""
        problem = self._text(problem)
        self.rows.append({"table": table, "row": None if row is None else int(row),
                          "column": column, "problem": problem})

    def add_many(self, table: str, rows, column: str | None, problem) -> None:
        problem = self._text(problem)
        for r in rows:
            self.add(table, r, column, problem)

    def _text(self, problem) -> str:
        if isinstance(problem, tuple):
            zh, en = problem
            self.zh[en] = zh
            return en
        return problem

    def problem_in(self, row: dict, lang: str) -> str:
        """The row's problem text in `lang` (English when no Chinese wording was recorded)."""
        return self.zh.get(row["problem"], row["problem"]) if lang == "zh" else row["problem"]

    def extend(self, other: "Issues") -> None:
        self.rows.extend(other.rows)
        self.warnings.extend(w for w in other.warnings if w not in self.warnings)
        self.zh.update(other.zh)

    def __len__(self):
        return len(self.rows)


_PROBLEM = {     # kind -> (zh, en)
    "datetime": ("不是日期时间（请写成 2026-10-05 14:30、日期单元格，或 1900 至 9999 年之间的 Excel 序列号）",
                 "not a date/time (use 2026-10-05 14:30, a date cell or an Excel serial number between 1900 and 9999)"),
    "date": ("不是日期（请写成 2026-10-05、日期单元格，或 1900 至 9999 年之间的 Excel 序列号）",
             "not a date (use 2026-10-05, a date cell or an Excel serial number between 1900 and 9999)"),
    "yesno": ("不是“是/否”（请填写 是/否、Y/N、yes/no、true/false 或 1/0）",
              "not yes/no (use 是/否, Y/N, yes/no, true/false or 1/0)"),
    "number": ("不是数字", "not a number"),
    "priority": ("无法识别的优先级（请填写 P1–P4、1–4、一级–四级 或 紧急/高/中/低）；按默认时限计算",
                 "unknown priority (use P1–P4, 1–4, 一级–四级 or 紧急/高/中/低); the default target applies"),
    **{k: (vocabulary.PROBLEMS_ZH[k], v) for k, v in vocabulary.PROBLEMS.items()},
}


@dataclass
class Loaded:
    """A typed table: `df` has the canonical columns (missing optional ones all-blank) and `_row`."""
    table: Table
    df: pd.DataFrame
    bad: pd.DataFrame          # bool, same index, one column per canonical column
    headers: dict              # canonical name -> header as the user wrote it
    source: str = ""
    near: dict = field(default_factory=dict)   # canonical name -> unrecognised header that nearly spells it

    def usable(self, *cols: str) -> pd.Series:
        """Rows whose cells in `cols` are all usable (blank is usable; unparseable is not)."""
        if not cols:
            return ~self.bad.any(axis=1)
        m = self.bad[cols[0]].to_numpy(dtype=bool)      # column by column in numpy (no frame is built)
        for c in cols[1:]:
            m = m | self.bad[c].to_numpy(dtype=bool)
        return pd.Series(~m, index=self.bad.index)

    def header(self, col: str) -> str:
        return self.headers.get(col, col)

    @property
    def present(self) -> bool:
        return bool(self.headers)


def empty(table_name: str) -> Loaded:
    """The table a workbook lacks: no rows, all columns."""
    t = TABLES[table_name]
    df = pd.DataFrame({c.name: pd.Series(dtype=_dtype(c.kind)) for c in t.columns})
    df["_row"] = pd.Series(dtype="int64")
    return Loaded(t, df, pd.DataFrame(False, index=df.index, columns=list(t.names)), {}, "")


def _dtype(kind: str):
    if kind in vocabulary.BOOL_KINDS:
        return "boolean"
    return {"datetime": coerce.DT, "date": coerce.DT, "number": "float64"}.get(kind, object)


def match_headers(table: Table, header: list) -> dict[str, int]:
    """canonical column -> position in `header` (first match wins)."""
    wanted = {}
    for c in table.columns:
        for name in (c.name, *c.aliases):
            wanted.setdefault(header_key(name), c.name)
    found: dict[str, int] = {}
    for i, h in enumerate(header):
        if h is None:
            continue
        col = wanted.get(header_key(h))
        if col and col not in found:
            found[col] = i
    return found


def load(table_name: str, header: list, rows, *, first_row: int = 2, date1904: bool = False,
         source: str = "", issues: Issues | None = None, skip_blank_rows: bool = True,
         first_col: int = 1, labels: list | None = None, cells=None, ids: dict | None = None) -> Loaded:
    """Type a raw table. `rows` is a 2-D list or a DataFrame of raw values (columns in header order).

    Raises InputError when a required column is missing. Cell problems go to `issues`; so do headers
    that match no column (`headers.check`; `first_col` = Excel column number of the first header).
    `labels`: the headers as the file writes them when a mapping renamed them (data issues name these).
    `cells` = (plain types, function): every cell whose type is not one of the plain types is first replaced by
    function(cell) (the Excel layer's Office.js entities and Pyodide nulls), found from the cells' types that
    typing looks up anyway, so cells that need nothing cost no pass of their own.
    `ids`: a dict filled with {unique column: (rows with an id, rows repeating an earlier id)} as numpy masks.
    """
    t = TABLES[table_name]
    issues = issues if issues is not None else Issues()
    header = ["" if h is None else str(h).strip() for h in header]
    found = match_headers(t, header)
    missing = [c for c in t.columns if c.required and c.name not in found]
    if missing:
        names = ", ".join(f"'{c.name}' ({'/'.join(c.aliases)})" for c in missing)
        where = f" in {source}" if source else ""
        from .headers import quotable, shown, suggest
        used = set(found.values())
        hints = [f"'{h}' → {c.aliases[0] if c.aliases else c.name}" for i, h in enumerate(header)
                 if h and i not in used and quotable(h) for c in [suggest(t, h, missing)] if c is not None]
        raise InputError(f"{t.name} ({t.zh}){where}: missing column {names}. "
                         f"Headers found: {shown(t, header, found)}"
                         + (f". Did you mean: {'; '.join(hints)}?" if hints else ""),
                         zh=f"{t.zh}（{t.name}）{_where_zh(source)}：缺少列 "
                         + "、".join(f"“{'/'.join(c.aliases) or c.name}”（{c.name}）" for c in missing)
                         + f"。找到的表头：{shown(t, header, found, 'zh')}"
                         + (f"。是否想写：{'；'.join(hints)}？" if hints else ""))
    raw = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows), dtype=object)
    raw = raw.reindex(columns=range(len(header))) if not isinstance(rows, pd.DataFrame) else raw
    raw.columns = range(raw.shape[1])
    # each column looked at once: the type of every object cell, then its blank cells from those types
    types = {c: coerce._types(raw[i].to_numpy()) for c, i in found.items() if raw[i].dtype == object}
    if cells is not None:
        _plain_cells(raw, found, header, types, *cells)
    near = check_headers(t, header, found, raw, header_row=first_row - 1, first_col=first_col, issues=issues)
    raw["_row"] = np.arange(first_row, first_row + len(raw), dtype="int64")
    kinds = {c.name: c.kind for c in t.columns}
    text = {c: p for c, ta in types.items() if (p := coerce.text_cells(kinds[c], raw[found[c]].to_numpy(), ta))}
    blanks = {c: pd.Series(text[c].blank, index=raw.index) if c in text else _blank(raw[i], types.get(c))
              for c, i in found.items()}
    if skip_blank_rows and len(raw) and blanks:
        keep = ~np.logical_and.reduce([b.to_numpy() for b in blanks.values()])
        if not keep.all():                    # rows where every known column is blank: left out
            raw = raw[keep]
            blanks = {c: b[keep] for c, b in blanks.items()}
            types = {c: ta[keep] for c, ta in types.items()}
            text = {c: p.take(keep) for c, p in text.items()}
    raw = raw.reset_index(drop=True)
    blanks = {c: b.reset_index(drop=True) for c, b in blanks.items()}
    n = len(raw)
    rows_of = raw["_row"].to_numpy()
    cols, bad = {}, np.zeros((n, len(t.names)), dtype=bool)     # assembled once (not a frame grown column by column)
    headers = {c: (labels[i] if labels and i < len(labels) and labels[i] else header[i]) for c, i in found.items()}
    for k, c in enumerate(t.columns):
        if c.name not in found:
            cols[c.name] = pd.Series(index=raw.index, dtype=_dtype(c.kind))
            continue
        vals, b = _convert(c.kind, raw[found[c.name]], blanks[c.name], date1904, types.get(c.name), text.get(c.name))
        cols[c.name] = vals
        b = b.to_numpy()
        if b.any():
            bad[:, k] = b
            issues.add_many(t.name, rows_of[b], headers[c.name], _PROBLEM.get(c.kind, ("无法使用的值", "unusable value")))
        if c.required:
            miss = vals.isna().to_numpy() & ~b
            if miss.any():
                bad[miss, k] = True
                issues.add_many(t.name, rows_of[miss], headers[c.name], ("必填项为空", "required value is blank"))
    cols["_row"] = rows_of
    df = pd.DataFrame(cols, index=raw.index, copy=False)      # (every column a new array: nothing to copy)
    bad = pd.DataFrame(bad, index=raw.index, columns=list(t.names), copy=False)
    for c in t.columns:
        if c.unique and c.name in found:
            has = df[c.name].notna().to_numpy()
            dup = has & df[c.name].duplicated(keep="first").to_numpy()
            if ids is not None:
                ids[c.name] = (has, dup)
            if dup.any():
                bad.loc[dup, :] = True    # the first occurrence is used: a repeated row counts nowhere
                for r, v in zip(df.loc[dup, "_row"], df.loc[dup, c.name]):
                    issues.add(t.name, r, headers[c.name], (f"编号“{v}”重复（使用第一次出现的记录）",
                                                             f"duplicate id '{v}' (the first occurrence is used)"))
    loaded = Loaded(t, df, bad, headers, source, near)
    from .checks import run_checks
    run_checks(loaded, issues)
    return loaded


def _plain_cells(raw: pd.DataFrame, found: dict, header: list, types: dict, plain_types, fn) -> None:
    """Replace, in place, the cells of `raw` whose type is not in `plain_types` by fn(cell): in the known columns
    (their `types` updated) and in the columns without a header (headers.check looks whether they hold values)."""
    unnamed = [i for i, h in enumerate(header) if not h and i in raw.columns and raw[i].dtype == object]
    for c, i in [*found.items(), *((None, i) for i in unnamed)]:
        if c is not None and c not in types:
            continue
        ta = types[c] if c is not None else coerce._types(raw[i].to_numpy())
        odd = [k for k in coerce._kinds(ta) if k not in plain_types]
        if not odd:
            continue
        a = raw[i].to_numpy(dtype=object).copy()
        sel = np.logical_or.reduce([coerce._is_type(ta, k) for k in odd])
        a[sel] = coerce._objs([fn(x) for x in a[sel]])
        raw[i] = a
        if c is not None:
            types[c] = coerce._types(a)


def _blank(col: pd.Series, ta: np.ndarray | None = None) -> pd.Series:
    """Blank cells of a raw column: object cells by coerce.blank_mask; a categorical column (text read from
    Parquet) by its categories; an already typed column (Parquet timestamps, numbers) where it is missing."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        cat_blank = coerce.blank_mask(pd.Series(col.cat.categories.to_numpy(dtype=object), dtype=object)).to_numpy()
        codes = col.cat.codes.to_numpy()
        return pd.Series(np.where(codes < 0, True, cat_blank[np.maximum(codes, 0)] if len(cat_blank) else True),
                         index=col.index)
    if col.dtype == object:
        return coerce.blank_mask(col, ta)
    return col.isna()


def _convert(kind: str, col: pd.Series, blank: pd.Series, date1904: bool, ta: np.ndarray | None = None,
             text: coerce.TextCells | None = None):
    """One raw column -> (typed values, bad cells) with coerce.CONVERTERS[kind]. Columns that arrive typed
    (Parquet) take a shortcut: datetimes and numbers as they are, a categorical column by converting its
    distinct values only; everything else cell by cell as Excel's cells are."""
    conv = coerce.CONVERTERS[kind]
    dated = kind in ("datetime", "date")
    if dated and pd.api.types.is_datetime64_dtype(col.dtype):
        v = col.astype(coerce.DT)
        v = v.where((v >= coerce._MIN) & (v <= coerce._MAX))
        bad = col.notna() & v.isna()
        return (v.dt.floor("D") if kind == "date" else v), bad
    if kind == "number" and pd.api.types.is_numeric_dtype(col.dtype) and not pd.api.types.is_bool_dtype(col.dtype):
        v = col.astype("float64")
        bad = ~np.isfinite(v.to_numpy()) & col.notna().to_numpy()
        return v.where(~bad), pd.Series(bad, index=col.index)
    if isinstance(col.dtype, pd.CategoricalDtype):
        cats = pd.Series(col.cat.categories.to_numpy(dtype=object), dtype=object)
        cb = coerce.blank_mask(cats)
        cv, cbad = conv(cats, date1904, cb) if dated else conv(cats, cb)
        codes = col.cat.codes.to_numpy()
        miss = codes < 0
        take = np.maximum(codes, 0)
        if not len(cats):
            vals = pd.Series(index=col.index, dtype=cv.dtype)
            return vals, pd.Series(False, index=col.index)
        vals = pd.Series(cv.to_numpy()[take], index=col.index, dtype=cv.dtype)
        if miss.any():
            vals[miss] = None if vals.dtype == object else pd.NA if str(vals.dtype) == "boolean" else np.nan
        return vals, pd.Series(cbad.to_numpy()[take] & ~miss, index=col.index)
    if col.dtype != object:
        col, ta = col.astype(object), None
    if text is not None:                     # a column of text: the work text_cells did is used again
        return conv(col, blank, ta=ta, pre=text)
    return conv(col, date1904, blank, ta=ta) if dated else conv(col, blank, ta=ta)


def _where_zh(source: str) -> str:
    """'（服务台账.xlsx, 工作表 服务工单）': where a table was read, in Chinese (reader sources say
    'sheet X', 'Table X (sheet Y)')."""
    if not source:
        return ""
    zh = source.replace("Table ", "表格 ").replace("(sheet ", "（工作表 ").replace("sheet ", "工作表 ")
    zh = zh.replace("argument ", "参数 ")
    zh = zh.replace(")", "）") if "（" in zh else zh
    return f"（{zh}）"


def order_check(loaded: Loaded, start: str, stops: list[str], issues: Issues) -> None:
    """Mark stop cells that lie before the start cell (a data issue, never a zero)."""
    df = loaded.df
    first = df[start].to_numpy()
    for stop in stops:
        before = df[stop].to_numpy() < first           # NaT on either side compares False
        if before.any():
            loaded.bad.loc[before, stop] = True
            issues.add_many(loaded.table.name, df.loc[before, "_row"], loaded.header(stop),
                            (f"早于{loaded.header(start)}", f"before {loaded.header(start)}"))


def from_grid(table_name: str, grid, *, date1904: bool = False, issues: Issues | None = None,
              source: str = "") -> Loaded:
    """A table passed from Excel as a 2-D list including its header row (e.g. Tickets[#All])."""
    if grid is None or (isinstance(grid, str) and not grid.strip()):
        return empty(table_name)
    if not isinstance(grid, (list, tuple)) or not grid or not isinstance(grid[0], (list, tuple)):
        raise InputError(f"{table_name}: pass the whole table including its header row (e.g. {table_name}[#All])",
                         zh=f"{table_name}：请传入包括表头行在内的整张表（如 {table_name}[#All]）")
    header, rows = list(grid[0]), grid[1:]
    width = len(header)
    if set(map(len, rows)) - {width}:       # ragged rows only: pad / cut to the header's width
        rows = [list(r) + [None] * (width - len(r)) if len(r) < width else list(r)[:width] for r in rows]
    return load(table_name, header, rows, first_row=2, date1904=date1904, source=source, issues=issues)
