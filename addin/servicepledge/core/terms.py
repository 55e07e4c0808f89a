"""Commitment parameters (承诺参数): defaults (docs/DEFINITIONS.md §1.5), parsing and validation.

`parse_terms(mapping)` accepts what a user types into the Terms table (numbers, "20%", "09:00",
Excel time fractions, "Mon-Fri", "是/否" …) and returns a `Terms` with clean Python values.
Unknown keys and bad values raise `TermsError` naming the key and what is accepted.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from .language import Bilingual

PRIORITIES = ("P1", "P2", "P3", "P4")

DEFAULTS: dict[str, object] = {
    "response_hours": 2.0,
    # per-priority overrides default to the general target (None = "use the general one")
    **{f"response_hours_{p}": None for p in PRIORITIES},
    "complex_solution_hours": 24.0,
    **{f"complex_solution_hours_{p}": None for p in PRIORITIES},
    "complaint_accept_hours": 2.0,
    "complaint_progress_hours": 24.0,
    "complaint_final_hours": 72.0,
    "time_basis": "calendar",
    "work_start": dt.time(9, 0),
    "work_end": dt.time(18, 0),
    "break_start": None,
    "break_end": None,
    "workdays": (0, 1, 2, 3, 4),
    "holidays": "CN",
    "turnover_threshold": 0.20,
    "turnover_window_months": 12,
    "minor_rectify_days": 3,
    "major_solution_days": 7,
    "day_basis": "calendar",
    "minor_fee_reduction_ratio": 0.10,
    "major_compensation_ratio": 0.50,
    "followup_target": 0.90,
    "lang": "zh",
    "pause_metrics": ("initial_solution", "final"),
}
_HOURS = {"response_hours", "complex_solution_hours", "complaint_accept_hours",
          "complaint_progress_hours", "complaint_final_hours"} | {
    f"{k}_{p}" for k in ("response_hours", "complex_solution_hours") for p in PRIORITIES}
_RATIOS = {"turnover_threshold", "minor_fee_reduction_ratio", "major_compensation_ratio", "followup_target"}
_COUNTS = {"turnover_window_months", "minor_rectify_days", "major_solution_days"}
_TIMES = {"work_start", "work_end", "break_start", "break_end"}
_CHOICES = {
    "time_basis": {"calendar": "calendar", "business": "business", "日历": "calendar", "工作时间": "business"},
    "day_basis": {"calendar": "calendar", "working": "working", "日历日": "calendar", "工作日": "working",
                  "business": "working"},
    "holidays": {"cn": "CN", "china": "CN", "中国": "CN", "none": "none", "无": "none"},
    "lang": {"zh": "zh", "en": "en", "中文": "zh", "english": "en"},
}

# One-line explanations (shown in the template's Terms sheet and the audit sheet).
EXPLAIN = {
    "response_hours": ("首次响应时限（小时）", "first-response target, hours"),
    "complex_solution_hours": ("复杂问题初步方案时限（小时）", "initial-solution target for complex tickets, hours"),
    "complaint_accept_hours": ("投诉受理时限（小时）", "complaint accepted within, hours"),
    "complaint_progress_hours": ("投诉进展反馈时限（小时）", "complaint progress fed back within, hours"),
    "complaint_final_hours": ("投诉最终答复时限（小时）", "complaint final answer within, hours"),
    "time_basis": ("计时方式：calendar 自然时间 / business 仅工作时间", "calendar (24x7) or business (working hours only)"),
    "work_start": ("上班时间", "start of a working day"),
    "work_end": ("下班时间", "end of a working day"),
    "break_start": ("午休开始（可空）", "optional break start"),
    "break_end": ("午休结束（可空）", "optional break end"),
    "workdays": ("工作日，如 Mon-Fri", "working weekdays, e.g. Mon-Fri"),
    "holidays": ("节假日：CN 中国法定节假日及调休 / none", "CN = China's official holidays and make-up days, or none"),
    "turnover_threshold": ("人员流失率阈值", "staff turnover threshold"),
    "turnover_window_months": ("流失率滚动窗口（月）", "rolling window for the turnover test, months"),
    "minor_rectify_days": ("轻微违约整改期限（天）", "minor breach: days to rectify after written notice"),
    "major_solution_days": ("重大违约方案期限（天）", "major breach: days to submit a solution after notice"),
    "day_basis": ("期限天数：calendar 自然日 / working 工作日", "deadline days: calendar or working"),
    "minor_fee_reduction_ratio": ("轻微违约服务费减免比例", "minor breach: share of the service fee refunded"),
    "major_compensation_ratio": ("重大违约赔偿比例（直接损失）", "major breach: share of direct loss compensated"),
    "followup_target": ("回访率目标", "share of resolved tickets followed up"),
    "lang": ("报告语言 zh / en", "report language zh or en"),
    "pause_metrics": ("挂起时间不计入的时限（逗号分隔；none = 都计入）",
                      "targets whose clock stops during pauses (comma-separated; none = no pause applies)"),
}
for _p in PRIORITIES:
    EXPLAIN[f"response_hours_{_p}"] = (f"{_p} 首次响应时限（可空）", f"{_p} first-response target (optional)")
    EXPLAIN[f"complex_solution_hours_{_p}"] = (f"{_p} 初步方案时限（可空）", f"{_p} initial-solution target (optional)")

# Keys a contract may override (the Contracts table's columns): all but the provider-wide ones (staff turnover is
# measured over the whole team, the report has one language).
CONTRACT_KEYS = tuple(k for k in DEFAULTS if k not in ("turnover_threshold", "turnover_window_months", "lang"))

_DAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6,
         "一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}


# pause_metrics: the words accepted for each metric (docs/DEFINITIONS.md, paused clocks)
METRIC_WORDS = {"response": "response", "首次响应": "response", "响应": "response",
                "initial_solution": "initial_solution", "solution": "initial_solution", "初步方案": "initial_solution",
                "accept": "accept", "投诉受理": "accept", "受理": "accept",
                "progress": "progress", "进展反馈": "progress", "进展": "progress",
                "final": "final", "最终答复": "final", "答复": "final"}
METRIC_ORDER = ("response", "initial_solution", "accept", "progress", "final")


class TermsError(Bilingual, ValueError):
    """A Terms key or value that cannot be used; the message names the key and what is accepted."""


@dataclass(frozen=True)
class Terms(Mapping):
    values: dict
    overrides: dict = field(default_factory=dict)   # date -> is working day (Holidays table)
    given: frozenset = frozenset()                  # keys set explicitly by the user

    def __getitem__(self, key):
        return self.values[key]

    def __iter__(self):
        return iter(self.values)

    def __len__(self):
        return len(self.values)

    def __hash__(self):
        return hash((tuple(sorted((k, str(v)) for k, v in self.values.items())),
                     tuple(sorted(self.overrides.items()))))

    def target(self, kind: str, priority: str | None) -> float:
        """Target hours of `kind` (response_hours / complex_solution_hours) for one priority."""
        if priority in PRIORITIES:
            v = self.values.get(f"{kind}_{priority}")
            if v is not None:
                return float(v)
        return float(self.values[kind])

    def with_overrides(self, overrides: Mapping) -> "Terms":
        return Terms(dict(self.values), {**self.overrides, **dict(overrides)}, self.given)

    def display(self) -> dict[str, object]:
        """JSON-friendly values, as the user would type them."""
        out = {}
        for k, v in self.values.items():
            if isinstance(v, dt.time):
                v = "24:00" if v == dt.time.max else v.strftime("%H:%M" if not v.second else "%H:%M:%S")
            elif k == "workdays":
                v = _format_workdays(v)
            elif k == "pause_metrics":
                v = ",".join(v) or "none"
            out[k] = v
        return out


def _format_workdays(days) -> str:
    names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    days = sorted(days)
    if days and days == list(range(days[0], days[-1] + 1)) and len(days) > 2:
        return f"{names[days[0]]}-{names[days[-1]]}"
    return ",".join(names[d] for d in days)


def _is_blank(v) -> bool:
    if v is None:
        return True
    if isinstance(v, float) and v != v:
        return True
    return isinstance(v, str) and not v.strip()


def _number(key, v) -> float:
    if isinstance(v, bool):
        raise TermsError(f"Terms '{key}': '{v}' is not a number", zh=f"承诺参数“{key}”：“{v}”不是数字")
    if isinstance(v, (int, float)):
        return float(v)
    s = str(v).strip().replace("％", "%")
    pct = s.endswith("%")
    try:
        x = float(s.rstrip("%").strip())
    except ValueError:
        raise TermsError(f"Terms '{key}': '{v}' is not a number", zh=f"承诺参数“{key}”：“{v}”不是数字") from None
    return x / 100 if pct else x


def _time(key, v) -> dt.time:
    if isinstance(v, dt.datetime):
        return v.time()
    if isinstance(v, dt.time):
        return v
    if isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v <= 1:
        secs = round(float(v) * 86400)
        if secs == 86400:
            return dt.time.max          # 24:00, the end of the day
        return dt.time(secs // 3600, secs // 60 % 60, secs % 60)
    m = re.fullmatch(r"\s*(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?\s*", str(v))
    if not m or int(m.group(1)) > 24 or int(m.group(2)) > 59:
        raise TermsError(f"Terms '{key}': '{v}' is not a time of day; write it as HH:MM, e.g. 09:00",
                         zh=f"承诺参数“{key}”：“{v}”不是时刻；请写成 时:分，例如 09:00")
    h, mi, s = int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)
    if h == 24:
        if mi or s:
            raise TermsError(f"Terms '{key}': '{v}' is not a time of day; write it as HH:MM, e.g. 09:00",
                         zh=f"承诺参数“{key}”：“{v}”不是时刻；请写成 时:分，例如 09:00")
        return dt.time.max              # 24:00, the end of the day
    return dt.time(h, mi, s)


def _workdays(key, v) -> tuple[int, ...]:
    s = str(v).strip().lower().replace("周", "").replace("星期", "").replace("至", "-").replace("到", "-")
    s = s.replace("~", "-").replace("–", "-").replace("，", ",").replace("、", ",").replace(" ", "")
    days: set[int] = set()

    def day(tok):
        if tok[:3] in _DAYS:
            return _DAYS[tok[:3]]
        if tok in _DAYS:
            return _DAYS[tok]
        if tok.isdigit() and 1 <= int(tok) <= 7:
            return int(tok) - 1
        raise TermsError(f"Terms '{key}': '{v}' is not a list of weekdays; write e.g. Mon-Fri or Mon,Tue,Wed,Thu,Fri,Sat",
                         zh=f"承诺参数“{key}”：“{v}”不是星期列表；请写成例如 周一至周五 或 Mon-Fri")

    for part in filter(None, s.split(",")):
        if "-" in part:
            a, b = (day(t) for t in part.split("-", 1))
            days.update(range(a, b + 1) if a <= b else list(range(a, 7)) + list(range(0, b + 1)))
        else:
            days.add(day(part))
    if not days:
        raise TermsError(f"Terms '{key}': no weekday given; write e.g. Mon-Fri",
                         zh=f"承诺参数“{key}”：未填写星期；请写成例如 周一至周五 或 Mon-Fri")
    return tuple(sorted(days))


def _metrics(key, v) -> tuple[str, ...]:
    s = str(v).strip().lower()
    if s in ("none", "无", "不适用"):
        return ()
    if s in ("all", "全部"):
        return METRIC_ORDER
    got = set()
    for tok in filter(None, (x.strip() for x in re.split(r"[,，、;；\s]+", s))):
        if tok not in METRIC_WORDS:
            raise TermsError(f"Terms '{key}': '{tok}' is not a metric; use response, initial_solution, accept, "
                             f"progress, final (首次响应/初步方案/投诉受理/进展反馈/最终答复), all or none",
                             zh=f"承诺参数“{key}”：“{tok}”不是指标；请用 首次响应/初步方案/投诉受理/进展反馈/最终答复"
                                f"（response、initial_solution、accept、progress、final）、全部（all）或 无（none）")
        got.add(METRIC_WORDS[tok])
    return tuple(m for m in METRIC_ORDER if m in got)


def parse_value(key: str, v):
    """Parse one Terms value; `None` for a blank optional value."""
    if key not in DEFAULTS:
        known = ", ".join(sorted(k for k in DEFAULTS if not k[-3:-1] == "_P"))
        raise TermsError(f"Terms: unknown key '{key}'. Known keys: {known} (and response_hours_P1…P4, "
                         f"complex_solution_hours_P1…P4)",
                         zh=f"承诺参数：未知参数“{key}”。可用参数：{known}（以及 response_hours_P1…P4、"
                         f"complex_solution_hours_P1…P4）")
    if _is_blank(v):
        return DEFAULTS[key]
    if key in _HOURS:
        x = _number(key, v)
        if not x > 0:
            raise TermsError(f"Terms '{key}': hours must be greater than 0, got '{v}'",
                             zh=f"承诺参数“{key}”：小时数必须大于 0，填写的是“{v}”")
        return x
    if key in _RATIOS:
        x = _number(key, v)
        if not 0 <= x <= 1:
            raise TermsError(f"Terms '{key}': must be a share between 0 and 1 (or 0%–100%), got '{v}'",
                             zh=f"承诺参数“{key}”：必须是 0 到 1 之间的比例（或 0%–100%），填写的是“{v}”")
        return x
    if key in _COUNTS:
        x = _number(key, v)
        if x != int(x) or x < (1 if key == "turnover_window_months" else 0):
            raise TermsError(f"Terms '{key}': must be a whole number of "
                             f"{'months' if 'months' in key else 'days'}, got '{v}'",
                             zh=f"承诺参数“{key}”：必须是整数{'月' if 'months' in key else '天'}数，填写的是“{v}”")
        return int(x)
    if key in _TIMES:
        return _time(key, v)
    if key == "workdays":
        return _workdays(key, v)
    if key == "pause_metrics":
        return _metrics(key, v)
    choices = _CHOICES[key]
    got = choices.get(str(v).strip().lower()) or choices.get(str(v).strip())
    if got is None:
        accepted = " / ".join(dict.fromkeys(choices.values()))
        raise TermsError(f"Terms '{key}': '{v}' is not accepted; use {accepted}",
                         zh=f"承诺参数“{key}”：不接受“{v}”；请填写 {accepted}")
    return got


def normalize_key(key) -> str:
    k = "".join(str(key).split())
    for p in PRIORITIES:          # response_hours_p1 -> response_hours_P1
        if k.lower().endswith("_" + p.lower()):
            return k[:-2].lower() + p
    return k.lower()


def parse_terms(mapping: Mapping | None = None, overrides: Mapping | None = None) -> Terms:
    """Defaults overridden by `mapping` (key -> value as typed). Raises TermsError."""
    if isinstance(mapping, Terms):
        return mapping.with_overrides(overrides or {})
    values = dict(DEFAULTS)
    given = set()
    for raw_key, v in (mapping or {}).items():
        if _is_blank(raw_key):
            continue
        key = normalize_key(raw_key)
        values[key] = parse_value(key, v)
        if not _is_blank(v):
            given.add(key)
    _check_consistency(values)
    return Terms(values, dict(overrides or {}), frozenset(given))


def _check_consistency(v: dict) -> None:
    if v["work_start"] >= v["work_end"]:
        raise TermsError(f"Terms 'work_start' ({v['work_start']:%H:%M}) must be before 'work_end' ({v['work_end']:%H:%M})",
                         zh=f"承诺参数“work_start”（{v['work_start']:%H:%M}）必须早于“work_end”（{v['work_end']:%H:%M}）")
    bs, be = v["break_start"], v["break_end"]
    if (bs is None) != (be is None):
        raise TermsError("Terms 'break_start' and 'break_end' must be given together (or both left blank)",
                         zh="承诺参数“break_start”和“break_end”必须同时填写（或都留空）")
    if bs is not None and not (v["work_start"] <= bs < be <= v["work_end"]):
        raise TermsError("Terms break_start/break_end must lie inside work_start–work_end with start before end",
                         zh="承诺参数 break_start/break_end 必须在 work_start–work_end 之内，且开始早于结束")


DEFAULT_TERMS = parse_terms()
