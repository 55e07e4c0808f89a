"""Headers the report does not use are never dropped silently.

After a table's headers are matched to its columns (`tables.match_headers`), every header left over
is reported, with the row Excel shows for the header row:

- a near miss of a column the table lacks (首次响应时问 for 首次响应时间, 离职时间 for 离职日期,
  first_respons_at for first_response_at): a data issue "did you mean …?" and a warning that names
  both spellings and the figures that cannot be computed without the column;
- a header of the user's own (备注): a data issue and one calm warning per table saying the column is
  not used, nothing to fix if it is their own;
- a column repeated (the first one is read) and values under an empty header: a data issue and a
  warning each.

`suggest` is the did-you-mean: a small edit distance over the case/space-insensitive header forms of
the canonical names and the Chinese aliases, with 时间/日期/时刻 treated as one word.
"""
from __future__ import annotations

from . import coerce
from ..core.availability import consequence
from .schema import Column, Table, header_key

# columns the template itself writes that no figure uses (never reported)
TEMPLATE_EXTRA = {"Terms": {header_key("说明"), header_key("explanation")}}

# words that mean "when" in Chinese headers: 离职时间 is read as a near miss of 离职日期
_WHEN = ("时间", "日期", "时刻", "时点")


def _norm(key: str) -> str:
    for w in _WHEN:
        key = key.replace(w, "\x00")
    return key


def _distance(a: str, b: str) -> int:
    """Edit distance with adjacent transpositions (optimal string alignment), small strings only."""
    if a == b:
        return 0
    prev2, prev = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if prev2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


def _close(h: str, k: str) -> int | None:
    """How far header key `h` is from column key `k`, or None when it is not a plausible typo."""
    best = None
    for a, b in ((h, k), (_norm(h), _norm(k))):
        if not a or not b:
            continue
        d = _distance(a, b)
        short, long_ = min(len(a), len(b)), max(len(a), len(b))
        if d < short and d <= max(1, long_ // 4):
            best = d if best is None else min(best, d)
        elif short >= 3 and (a in b or b in a):      # 响应时间 for 首次响应时间
            best = (long_ - short) if best is None else min(best, long_ - short)
    return best


def _is_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def suggest(table: Table, header: str, candidates=None) -> Column | None:
    """The column of `table` the header `header` most likely means (a typo of it), or None.

    `candidates`: the columns to choose from (default: all); the report passes the columns the table lacks.
    """
    h = header_key(header)
    if not h:
        return None
    best, best_d = None, None
    for c in (candidates if candidates is not None else table.columns):
        for name in (c.name, *c.aliases):
            d = _close(h, header_key(name))
            if d is not None and (best_d is None or d < best_d):
                best, best_d = c, d
    return best


def spelled(c: Column) -> str:
    """A column as the user knows it: 首次响应时间 (first_response_at)."""
    return f"{c.aliases[0]} ({c.name})" if c.aliases else c.name


MAX_WARNED = 20      # columns warned about one by one; the rest in one warning


def column_letter(n: int) -> str:
    """1 -> A, 27 -> AA."""
    s = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def check(t: Table, header: list, found: dict, raw, *, header_row: int, first_col: int, issues) -> dict:
    """Report every header of `header` that `found` (canonical -> position) does not use.

    `raw` holds the data cells (DataFrame, columns = positions). Returns {canonical column: header
    as written} for the near misses (so a missing-column warning is not repeated)."""
    used = set(found.values())
    absent = [c for c in t.columns if c.name not in found]
    near, extra, unnamed = {}, [], []
    for i, h in enumerate(header):
        if i in used:
            continue
        if not h:
            if i in raw.columns and not coerce.blank_mask(raw[i].astype(object)).all():
                letter = column_letter(first_col + i)
                issues.add(t.name, header_row, letter, (f"第 {letter} 列有数据但没有列名：未读取（请填写{t.zh}的一个列名）",
                                                        f"column {letter} has values but no header: not read "
                                                        f"(give it one of the {t.name} column names)"))
                unnamed.append(letter)
                if len(unnamed) <= MAX_WARNED:   # a row filled to column XFD: one warning per column at most 20
                    issues.warn("unnamed_column", t.name, letter,
                                f"{t.zh}：第 {letter} 列有数据但没有列名，未读取",
                                f"{t.name}: column {letter} holds values but has no header; it is not read")
            continue
        key = header_key(h)
        if key in TEMPLATE_EXTRA.get(t.name, ()):
            continue
        dup = next((c for c in t.columns if c.name in found and
                    key in {header_key(x) for x in (c.name, *c.aliases)}), None)
        if dup is not None:
            first = header[found[dup.name]]
            issues.add(t.name, header_row, h, (f"列『{h}』重复出现；只读取第一列（"
                                               f"{column_letter(first_col + found[dup.name])} 列）",
                                               f"column '{h}' appears twice; only the first "
                                               f"(column {column_letter(first_col + found[dup.name])}) is read"))
            issues.warn("duplicate_column", t.name, h,
                        f"{t.zh}：列『{h}』重复出现，只读取第一列（{column_letter(first_col + found[dup.name])} 列『{first}』）",
                        f"{t.name}: column '{h}' appears twice; only the first (column "
                        f"{column_letter(first_col + found[dup.name])}) is read")
            continue
        c = suggest(t, h, absent)
        if c is not None and c.name not in near:
            near[c.name] = h
            zh_c, en_c = consequence(t.name, c.name)
            issues.add(t.name, header_row, h, (f"未识别的列『{h}』（未读取）：是否应为"
                                               f"『{c.aliases[0] if c.aliases else c.name}』({c.name})？"
                                               f"请修改列名，以便使用该列",
                                               f"unknown column '{h}' (not read): did you mean {spelled(c)}? "
                                               f"Rename the header so the column is used"))
            issues.warn("unknown_header", t.name, h,
                        f"{t.zh}：列『{h}』未识别，是否应为『{c.aliases[0] if c.aliases else c.name}』"
                        f"({c.name})？{zh_c}",
                        f"{t.name}: column '{h}' is not recognised; did you mean "
                        f"'{c.aliases[0] if c.aliases else c.name}' ({c.name})? {en_c}")
            continue
        extra.append(h)
        issues.add(t.name, header_row, h, (f"列『{h}』不参与计算（如为自用列，无需处理；否则请改用{t.zh}的列名）",
                                           f"column '{h}' is not used by the report "
                                           f"(fine if it is your own column; otherwise use a {t.name} column name)"))
    if extra:
        zh_list, en_list = "、".join(f"『{h}』" for h in extra), ", ".join(f"'{h}'" for h in extra)
        issues.warn("unused_columns", t.name, None,
                    f"{t.zh}：列{zh_list}不参与计算（如为自用列，无需处理）",
                    f"{t.name}: column{'s' if len(extra) > 1 else ''} {en_list} "
                    f"{'are' if len(extra) > 1 else 'is'} not used by the report (nothing to do if "
                    f"{'they are' if len(extra) > 1 else 'it is'} your own)")
    if len(unnamed) > MAX_WARNED:
        more = len(unnamed) - MAX_WARNED
        issues.warn("unnamed_column", t.name, None,
                    f"{t.zh}：另有 {more} 列（{unnamed[MAX_WARNED]}–{unnamed[-1]} 之间）有数据但没有列名，未读取",
                    f"{t.name}: {more} more columns (between {unnamed[MAX_WARNED]} and {unnamed[-1]}) hold values "
                    f"but have no header; they are not read")
    return near


# ---------------------------------------------------------------- quoting a header row in an error

_DATA_LIKE = None


def _looks_like_data(h: str) -> bool:
    """A cell no header looks like: a number, a date or time, a phone or ID number (5+ digits), or
    text longer than 30 characters."""
    global _DATA_LIKE
    if _DATA_LIKE is None:
        import re
        _DATA_LIKE = re.compile(r"[+-]?[\d.,\s%¥$€-]+|.*\d{5,}.*|.*\d{1,4}\s*[-/.年:：]\s*\d{1,2}.*", re.S)
    return len(h) > 30 or bool(_DATA_LIKE.fullmatch(h.strip()))


def _known(t: Table, h: str) -> bool:
    key = header_key(h)
    return any(key in (header_key(c.name), *(header_key(a) for a in c.aliases)) for c in t.columns) \
        or suggest(t, h) is not None


def shown(t: Table, header: list, found: dict, lang: str = "en") -> str:
    """The header row of `t` as an error message may quote it, never quoting data.

    A table passed without its header row puts a data row here (customer names, phone numbers):
    cells that look like data (numbers, dates, phone or ID numbers, long text) are counted, not
    shown; and when no cell of the row is a header of the table (`found` is empty: probably a data
    row), text cells that are neither a column name nor near one are masked (张三 → 张*).
    """
    from ..outputs.privacy import mask_value
    cells = [h for h in header if h]
    keep, hidden = [], 0
    for h in cells:
        if _looks_like_data(h):
            hidden += 1
        elif found or _known(t, h):
            keep.append(h)
        else:
            keep.append(mask_value(h))
    if lang == "zh":
        text = "、".join(keep) or "无"
        return text + (f"（另有 {hidden} 个看起来是数据的值，未显示）" if hidden else "")
    text = ", ".join(keep) or "none"
    if hidden:
        text += f" (and {hidden} value{'s' if hidden > 1 else ''} that look{'' if hidden > 1 else 's'} like data, not shown)"
    return text


def quotable(h: str) -> bool:
    """A header cell an error may quote as a did-you-mean (not data-like)."""
    return not _looks_like_data(h)
