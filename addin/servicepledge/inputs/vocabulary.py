"""The words users type in yes/no, approval, priority and severity cells, one table per kind.

Chinese finance and service teams write 已审核/未审核, 通过/不通过, 达标/不达标, 一级/二级 … instead of
yes/no or P1/P2; these tables say what each word means. Matching ignores case, spaces and full-width
forms (``ＹＥＳ`` = ``yes``). A word that is in no table is *unknown*: it is a data issue and the row is
left out of every figure that needs the cell (never counted on the yes side or the no side).

Decisions (where the commitment is silent):
- approval: pending words (待审核, 审核中, pending) and rejections (驳回, rejected) are "not approved";
  a blank approval cell is "not approved" too. Only finance's explicit approval counts as approved.
- priority: 特急 and 紧急 are both P1 (the commitment fixes 紧急 = P1, and nothing ranks above P1);
  高 = P2, 中/一般/普通 = P3, 低 = P4; 一级…四级 = P1…P4; ``P1 - 紧急`` and ``1 - Critical`` read their
  leading P1/1.
- severity: 轻微/一般 = minor, 重大/严重 = major (一般违约 and 严重违约 as in Chinese contract practice).
- ``x``/``X`` is ambiguous (a tick in a box, or a cross meaning no) and is therefore unknown.
"""
from __future__ import annotations

import re
import unicodedata

import numpy as np

YES_WORDS = ("是", "有", "对", "✓", "✔", "√", "☑", "y", "yes", "true", "t", "1", "1.0")
NO_WORDS = ("否", "无", "没有", "不", "不是", "错", "✗", "✘", "×", "☐", "n", "no", "false", "f", "0", "0.0")


def _yes_no(yes=(), no=()) -> dict:
    return {True: YES_WORDS + tuple(yes), False: NO_WORDS + tuple(no)}


# kind -> {meaning: words}. The kinds are the column kinds of schema.py.
TABLES: dict[str, dict] = {
    "yesno": _yes_no(),
    "approval": _yes_no(
        yes=("已审核", "审核通过", "审核已通过", "通过", "已通过", "已批准", "批准", "同意", "已同意", "已审",
             "已审批", "审批通过", "核准", "已核准", "approved", "approve", "ok"),
        no=("未审核", "审核未通过", "审核不通过", "不通过", "未通过", "未批准", "不批准", "驳回", "已驳回", "退回",
            "已退回", "拒绝", "不同意", "未同意", "未审", "未审批", "审批未通过", "待审核", "待审", "待审批", "审核中",
            "审批中", "待批准", "rejected", "reject", "declined", "pending", "notapproved", "unapproved")),
    "complex": _yes_no(yes=("复杂", "复杂问题"), no=("简单", "一般问题", "不复杂")),
    "quality": _yes_no(yes=("达标", "合格", "质量达标", "通过"), no=("不达标", "未达标", "不合格", "质量不达标", "不通过")),
    "certified": _yes_no(yes=("已认证", "持证", "已持证", "合格", "已取证"),
                         no=("未认证", "无证", "未持证", "不合格", "未取证")),
    "workday": _yes_no(yes=("工作日", "上班", "班", "补班", "调休上班"), no=("休息日", "休息", "休", "节假日", "假日", "放假")),
    "priority": {
        "P1": ("p1", "1", "一级", "1级", "特急", "紧急", "critical", "urgent", "highest"),
        "P2": ("p2", "2", "二级", "2级", "高", "high"),
        "P3": ("p3", "3", "三级", "3级", "中", "一般", "普通", "正常", "medium", "normal"),
        "P4": ("p4", "4", "四级", "4级", "低", "low", "lowest"),
    },
    "severity": {
        "minor": ("minor", "轻微", "一般", "轻", "轻度", "轻微违约", "一般违约"),
        "major": ("major", "重大", "严重", "重", "重度", "重大违约", "严重违约"),
    },
}

BOOL_KINDS = ("yesno", "approval", "complex", "quality", "certified", "workday")

# What a user is told when a cell of that kind holds an unknown word (data-issue problem text).
PROBLEMS = {
    "approval": "unknown approval word (use 已审核/未审核, 通过/不通过, 已批准/驳回 or 是/否); the entry is left out "
                "of the approved and the unapproved totals",
    "complex": "not yes/no (use 是/否 or 复杂/简单); the ticket is left out of the initial-solution figures",
    "quality": "not yes/no (use 达标/不达标, 合格/不合格 or 是/否); the ticket's quality is not judged",
    "certified": "not yes/no (use 是/否, 已认证/未认证 or 持证/无证); the person is left out of the certified share",
    "workday": "not yes/no (use 是/否, 工作日/休息日 or 班/休); the day keeps its usual calendar",
}

PROBLEMS_ZH = {
    "approval": "无法识别的审核状态（请填写 已审核/未审核、通过/不通过、已批准/驳回 或 是/否）；该笔支出既不计入已审核合计，"
                "也不计入未审核合计",
    "complex": "不是“是/否”（请填写 是/否 或 复杂/简单）；该工单不计入复杂问题初步方案指标",
    "quality": "不是“是/否”（请填写 达标/不达标、合格/不合格 或 是/否）；该工单的服务质量不作判断",
    "certified": "不是“是/否”（请填写 是/否、已认证/未认证 或 持证/无证）；该人员不计入持证上岗率",
    "workday": "不是“是/否”（请填写 是/否、工作日/休息日 或 班/休）；该日按通常日历计算",
}


def key(value) -> str:
    """Case-, space- and width-insensitive form of a word (full-width ＹＥＳ = yes)."""
    return "".join(unicodedata.normalize("NFKC", str(value)).split()).casefold()


def _flat(kind: str) -> dict:
    out: dict = {}
    for meaning, words in TABLES[kind].items():
        for w in words:
            k = key(w)
            if out.get(k, meaning) != meaning:
                raise ValueError(f"vocabulary '{kind}': '{w}' means two things")
            out[k] = meaning
    return out


WORDS: dict[str, dict] = {kind: _flat(kind) for kind in TABLES}


def meaning(kind: str, value):
    """The meaning of one cell value for `kind` (True/False, 'P1'…, 'minor'/'major'), or None if unknown."""
    words = WORDS[kind]
    if isinstance(value, (bool, np.bool_)):
        return bool(value) if kind in BOOL_KINDS else None
    if isinstance(value, (int, float, np.integer, np.floating)):
        f = float(value)
        if not f.is_integer():
            return None
        value = str(int(f))
    k = key(value)
    if k in words:
        return words[k]
    if kind == "priority":
        return _priority_text(k, words)
    if kind == "severity" and k.endswith("违约"):
        return words.get(k[:-2])
    return None


_LEADING_PRIORITY = re.compile(r"^p?([1-4])(?:\.0)?(?![0-9.])")
_SEP = re.compile(r"[-–—:/|()（）\[\]【】,，、]")


def _priority_text(k: str, words: dict):
    """`P1 - 紧急`, `1 - Critical`, `紧急(P1)`: the leading level, else the first word."""
    m = _LEADING_PRIORITY.match(k)
    if m:
        return f"P{m.group(1)}"
    first = _SEP.split(k, maxsplit=1)[0]
    return words.get(first) if first and first != k else None
