"""Which names a message gives the input tables: the ones the user's workbook uses.

A table whose headers are Chinese is called by its Chinese name (服务工单), one whose headers are English by
its English name (Tickets), whatever the report's language: a manager reading a Chinese report of an
English-headed export looks for a sheet called Tickets, not 服务工单. A table the workbook lacks (or whose
headers say nothing) is called as the report's language calls it. Column names already follow the headers
as written (`Loaded.header`).

`localize` rewrites the texts said in the report's language (warnings, data-issue problems) accordingly; an
English text names a Chinese-headed table as it names a Chinese header: '客户投诉 (Complaints)'.
"""
from __future__ import annotations

import re

from .schema import TABLES

_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")


def header_language(loaded) -> str | None:
    """'zh' when most of the table's recognised headers are written in Chinese, 'en' when most are Latin,
    None when the table has no headers (absent) or as many of each."""
    heads = [str(h) for h in (getattr(loaded, "headers", None) or {}).values()]
    zh = sum(bool(_CJK.search(h)) for h in heads)
    en = sum(bool(_LATIN.search(h)) and not _CJK.search(h) for h in heads)
    return "zh" if zh > en else "en" if en > zh else None


def table_names(tables: dict, lang: str) -> dict:
    """Input table → the name messages give it: TABLES' Chinese or English name, by its headers' language,
    else by `lang`."""
    out = {}
    for name, t in TABLES.items():
        said = header_language(tables.get(name)) or lang
        out[name] = t.zh if said == "zh" else t.name
    return out


def _pattern(t, lang: str) -> re.Pattern:
    if lang == "zh":
        return re.compile(re.escape(t.zh))
    # the English name as a word, not an Excel Table's own name ("Table Tickets", "Tickets[#All]") nor a name
    # already followed by its Chinese one ("Tickets (服务工单)")
    return re.compile(rf"(?<![A-Za-z_ ]Table )(?<!^Table )\b{re.escape(t.name)}\b(?![\[(（]|\s\({re.escape(t.zh)}\))")


def localize(text, lang: str, names: dict, table: str | None):
    """`text` (said in `lang`, about the input table `table`) with that table called by `names` where that
    differs from `lang`'s own name: a zh warning about an English-headed Tickets sheet says 'Tickets' instead
    of '服务工单'. Only the text's own table is renamed (合同, 节假日 are also ordinary words in other texts);
    a Latin name between Chinese characters gets a space on each side."""
    if not isinstance(text, str) or table not in TABLES or table not in names:
        return text
    t, shown = TABLES[table], names[table]
    if shown == (t.zh if lang == "zh" else t.name):
        return text
    if lang == "en":            # Chinese headers in an English text: the workbook's name, then the code, as columns
        return _pattern(t, lang).sub(lambda _m: f"{shown} ({t.name})", text)
    out = _pattern(t, lang).sub(lambda _m: shown, text)
    if lang == "zh":
        out = re.sub(rf"(?<=[\u4e00-\u9fff]){re.escape(shown)}", " " + shown, out)
        out = re.sub(rf"{re.escape(shown)}(?=[\u4e00-\u9fff])", shown + " ", out)
    return out
