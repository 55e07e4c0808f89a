"""A realistic, deterministic sample input workbook (docs/DEFINITIONS.md §1).

`build_sample(path)` writes one sheet per input table (Chinese sheet name, first Chinese alias of
each column as header, each range also an Excel Table named in English) for a mid-size after-sales
team over 2025-11-01 .. 2026-10-31, as seen at AS_OF = 2026-10-31 18:00. Same seed, same bytes.
"""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import numpy as np
from chinese_calendar import is_workday as _cn_workday
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table as XlTable, TableStyleInfo
from openpyxl.writer.excel import ExcelWriter

from .inputs.schema import TABLES

START, END = dt.date(2025, 11, 1), dt.date(2026, 10, 31)
AS_OF = dt.datetime(2026, 10, 31, 18, 0)
FIXED_TIME = dt.datetime(2026, 11, 1, 8, 0)
SEED = 20261031
H, D = dt.timedelta(hours=1), dt.timedelta(days=1)
HOLIDAY_OVERRIDES = {dt.date(2026, 1, 31): True,    # 年终盘点, Saturday worked
                     dt.date(2026, 6, 18): False}   # 公司周年庆, day off
TERMS = [("response_hours", 2), ("response_hours_P1", 1), ("complex_solution_hours", 24),
         ("complaint_accept_hours", 2), ("complaint_progress_hours", 24), ("complaint_final_hours", 72),
         ("time_basis", "calendar"), ("turnover_threshold", 0.2), ("minor_rectify_days", 3),
         ("major_solution_days", 7), ("day_basis", "calendar"), ("lang", "zh")]

# Staff leaving in the year (clustered 2026-03..06: the rolling-12 turnover exceeds 20% from 2026-04 on)
# and the replacements hired some weeks later; two more left before the year (2025-08-15, 2025-09-30).
LEAVERS = "2025-12-31 2026-03-13 2026-03-31 2026-04-17 2026-04-30 2026-05-15 2026-05-29 2026-06-30 2026-08-14 2026-10-16"
REPLACEMENTS = "2026-01-05 2026-04-07 2026-05-06 2026-05-18 2026-06-08 2026-07-01 2026-07-13 2026-09-01"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余杜叶程魏苏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚英华建国志红玉梅鹏飞宇浩然晨阳欣怡涵思雨俊文博婷凯琳"
CITIES = "北京 上海 广州 深圳 杭州 南京 苏州 成都 武汉 西安 天津 重庆 长沙 青岛 宁波 合肥 郑州 厦门".split()
WORDS = "华信 鼎盛 恒通 瑞丰 博远 中科 金桥 宏达 天成 新锐 联创 海川 智源 万象 启明 安泰 永泰 汇通".split()
SUFFIXES = "科技有限公司 信息技术有限公司 制造有限公司 医疗器械有限公司 物流股份有限公司 电子有限公司".split()
PHONE_PREFIX = [133, 135, 136, 137, 138, 139, 150, 151, 152, 158, 159, 177, 180, 181, 186, 187, 188, 189]
PRIO_SPELLINGS = (("P1", "P2", "P3", "P4"), ("紧急", "高", "中", "低"),
                  ("1 - Critical", "2 - High", "3 - Medium", "4 - Low"))
PRODUCTS = ("硬件设备", "软件系统", "定制化解决方案")
FEES = {"硬件设备": (300, 5000), "软件系统": (200, 3000), "定制化解决方案": (800, 5000)}
FIELD_ROLES = ("服务工程师", "技术支持")
GROUPS = [("华东服务组", 7), ("华南服务组", 6), ("华北服务组", 6), ("技术支持组", 8), ("客服中心", 7)]
TRAINING = [("资质认证培训", 8000, 25000), ("产品技术培训", 3000, 12000), ("新员工入职培训", 2000, 6000),
            ("外部讲师课程", 5000, 20000)]
GEAR = ["便携式检测仪", "维修工具套装", "备件周转库存", "测试服务器", "服务车辆保养", "远程诊断软件许可"]


def is_workday(d: dt.date) -> bool:
    """China's official calendar (holidays and make-up days) with the company's own overrides."""
    return HOLIDAY_OVERRIDES[d] if d in HOLIDAY_OVERRIDES else _cn_workday(d)


def _after(t: dt.datetime | dt.date, hours: float) -> dt.datetime:
    """`hours` after `t` (a date means its midnight), whole minutes."""
    start = dt.datetime.combine(t, dt.time()) if type(t) is dt.date else t
    return start + dt.timedelta(minutes=int(round(hours * 60)))


def _workday_on_or_after(d: dt.date) -> dt.date:
    return next(d + D * i for i in range(40) if is_workday(d + D * i))


def _names(rng, n: int, taken: set) -> list[str]:
    out = []
    while len(out) < n:
        name = SURNAMES[rng.integers(len(SURNAMES))] + "".join(
            GIVEN[i] for i in rng.integers(len(GIVEN), size=rng.choice([1, 2], p=[0.4, 0.6])))
        if name not in taken:
            taken.add(name)
            out.append(name)
    return out


def _staff(rng, taken) -> list[dict]:
    roles = ["服务主管"] * 3 + ["客服专员"] * 7 + ["技术支持"] * 8 + ["服务工程师"] * 18
    rng.shuffle(roles)
    days = (dt.date(2025, 9, 30) - dt.date(2019, 3, 1)).days
    hired = sorted(_workday_on_or_after(dt.date(2019, 3, 1) + D * int(x)) for x in rng.integers(days, size=36))
    rows = [dict(role=r, hired_on=h, left_on=None) for r, h in zip(["服务工程师", "技术支持"] + roles, hired)]
    rows[0]["left_on"], rows[1]["left_on"] = dt.date(2025, 8, 15), dt.date(2025, 9, 30)  # before the year
    movable = [r for r in rows[2:] if r["role"] != "服务主管"]
    for i, d in zip(rng.choice(len(movable), size=len(LEAVERS.split()), replace=False), LEAVERS.split()):
        movable[i]["left_on"] = dt.date.fromisoformat(d)
    leavers = sorted((r for r in movable if r["left_on"]), key=lambda r: r["left_on"])
    rows += [dict(role=lv["role"], hired_on=dt.date.fromisoformat(h), left_on=None)
             for lv, h in zip(leavers, REPLACEMENTS.split())]
    rows.sort(key=lambda r: r["hired_on"])
    for i, (r, name) in enumerate(zip(rows, _names(rng, len(rows), taken)), 1):
        cert = rng.random() < (0.5 if r["hired_on"] >= START else 0.84) and (END - r["hired_on"]).days > 45
        trained = min(r["hired_on"] + D * int(rng.integers(20, 60)), END) if cert else None
        r.update(staff_id=f"E{i:03d}", name=name, certified="是" if cert else "否", trained_on=trained)
    return rows


def _customers(rng, taken) -> list[tuple[str, str]]:
    companies = sorted({c + w + s for c in CITIES for w in WORDS for s in SUFFIXES})
    names = [companies[i] for i in rng.choice(len(companies), size=300, replace=False)]
    names += ["张伟"] + _names(rng, 99, taken)
    phones = sorted({f"{PHONE_PREFIX[a]}{b:08d}" for a, b in zip(rng.integers(len(PHONE_PREFIX), size=500),
                                                                  rng.integers(10**8, size=500))})
    return [(names[i], p) for i, p in zip(rng.permutation(len(names)), phones)]


def response_breached(t: dict) -> bool:
    """First response later than its target (1 h for P1, else 2 h), or still missing at AS_OF."""
    return ((t["first_response_at"] or AS_OF) - t["opened_at"]) / H > (1.0 if t["_k"] == 0 else 2.0)


def _tickets(rng, staff, customers) -> list[dict]:
    weights = 1.0 / (np.arange(len(customers)) + 8.0)
    weights /= weights.sum()
    month_p = {m: rng.uniform(0.03, 0.09) for m in range(1, 13)}
    hours_w = np.array([1, 3, 4, 3.5, 1.5, 2.5, 3.5, 3.5, 3, 2], float)
    tickets = []

    def make(opened: dt.datetime, k: int) -> dict:
        off = not is_workday(opened.date()) or opened.hour >= 18
        T = 1.0 if k == 0 else 2.0
        late = rng.random() < month_p[opened.month] + (0.05 if off else 0)    # response: 90-97% on time
        resp = _after(opened, T * (1 + rng.exponential(0.6)) + 0.05 if late else max(T * rng.beta(2, 3.5), 0.04))
        cx, init, resolved, followed, sat = rng.random() < 0.2, None, None, None, None
        if cx:   # initial solution: ~90% within 24 h
            init = max(_after(opened, rng.uniform(2, 23.5) if rng.random() < 0.9 else 24.5 + rng.exponential(14)),
                       resp + dt.timedelta(minutes=20))
        if rng.random() > 0.012:
            resolved = _after(init, 24 * rng.uniform(1, 10)) if cx else _after(resp, rng.lognormal(np.log(5), 0.9))
        if resolved and rng.random() < 0.92:
            followed = _after(resolved.date() + D * int(rng.integers(1, 6)), rng.uniform(9, 17.5))
            if rng.random() < 0.9:
                p = [.5, .35, .1, .03, .02] if (resp - opened) / H <= T else [.25, .35, .25, .1, .05]
                sat = int(rng.choice([5, 4, 3, 2, 1], p=p))
        spelling = PRIO_SPELLINGS[int(rng.choice(3, p=[.8, .12, .08]))][k]
        cust, phone = customers[int(rng.choice(len(customers), p=weights))]
        line = PRODUCTS[int(rng.choice(3, p=[.5, .3, .2]))]
        fee = 0 if rng.random() < 0.45 else int(round(rng.uniform(*FEES[line]), -1))   # 0: under warranty
        d = opened.date()
        pool = [s["name"] for s in staff if s["role"] in FIELD_ROLES and s["hired_on"] <= d <= (s["left_on"] or d)]
        return dict(_k=k, opened_at=opened, priority=spelling, complex="是" if cx else "否",
                    first_response_at=resp, initial_solution_at=init, resolved_at=resolved,
                    quality_ok=None if resolved is None else ("否" if rng.random() < 0.02 else "是"),
                    service_fee=fee, followed_up_at=followed, satisfaction=sat, customer=cust,
                    customer_phone=phone, product_line=line, engineer=pool[int(rng.integers(len(pool)))])

    for d in (START + D * i for i in range((END - START).days + 1)):
        work = is_workday(d)          # more on Mondays, few on weekends and holidays, some evenings
        for _ in range(rng.poisson((17 if d.weekday() == 0 else 12.5) if work else 2.5)):
            h = (rng.uniform(9, 20) if not work else rng.uniform(18, 22) if rng.random() < 0.12
                 else 8 + int(rng.choice(10, p=hours_w / hours_w.sum())) + rng.random())
            if _after(d, h) < AS_OF - 2.5 * H:
                tickets.append(make(_after(d, h), int(rng.choice(4, p=[.08, .22, .45, .25]))))
    # the last hours before AS_OF: responses not yet recorded (two breached, five pending of which three at risk)
    for when in ("2026-10-30 21:40 2", "2026-10-31 10:15 1", "2026-10-31 16:05 1", "2026-10-31 16:25 2",
                 "2026-10-31 17:05 0", "2026-10-31 17:30 3", "2026-10-31 17:48 2"):
        tickets.append(make(dt.datetime.fromisoformat(when[:16]), int(when[-1])))
        tickets[-1].update(first_response_at=None, initial_solution_at=None, resolved_at=None)
    for i in rng.choice(len(tickets) - 300, size=6, replace=False):   # older: response never recorded
        tickets[i]["first_response_at"] = None
    for t in tickets:        # nothing may lie after AS_OF
        t.update({c: None for c in ("first_response_at", "initial_solution_at", "resolved_at", "followed_up_at")
                  if t[c] is not None and t[c] > AS_OF})
        if t["resolved_at"] is None:
            t.update(quality_ok=None, followed_up_at=None)
        if t["followed_up_at"] is None:
            t["satisfaction"] = None
    tickets.sort(key=lambda t: t["opened_at"])
    _number(tickets, "opened_at", "ticket_id", "SR-{y}-{n:05d}")
    return tickets


def _number(rows: list[dict], date_key: str, id_key: str, pattern: str) -> None:
    """Ids numbered from 1 within each year of `date_key` (rows already sorted)."""
    for y in sorted({r[date_key].year for r in rows}):
        for n, r in enumerate((r for r in rows if r[date_key].year == y), 1):
            r[id_key] = pattern.format(y=y, n=n)


def _complaints(rng, tickets, customers) -> list[dict]:
    bad = [t for t in tickets if response_breached(t) or t["quality_ok"] == "否" or (t["satisfaction"] or 5) <= 2]
    links = [bad[i] for i in rng.choice(len(bad), size=70, replace=False)]
    links += [tickets[i] for i in rng.choice(len(tickets), size=16, replace=False)] + [None] * 14
    rows = []
    for t in links:
        if t is None:
            d = START + D * int(rng.integers((END - START).days))
            cust = customers[int(rng.integers(len(customers)))][0]
        else:
            d, cust = t["opened_at"].date() + D * int(rng.integers(1, 11)), t["customer"]
        received = _after(d, rng.uniform(8.5, 20))
        if received < AS_OF - 2 * H:
            rows.append(dict(received_at=received, ticket_id=t and t["ticket_id"], customer=cust))
    oct_tickets = [t for t in tickets if t["opened_at"] >= dt.datetime(2026, 10, 8)]
    for when in ("2026-10-29 14:30", "2026-10-30 10:10", "2026-10-31 16:30"):
        t = oct_tickets[int(rng.integers(len(oct_tickets) - 10))]
        rows.append(dict(received_at=dt.datetime.fromisoformat(when), ticket_id=t["ticket_id"], customer=t["customer"]))
    for r in rows:
        a = r["received_at"]
        acc = _after(a, rng.uniform(0.1, 1.9) if rng.random() < 0.92 else rng.uniform(2.2, 8))
        prog = max(_after(a, rng.uniform(3, 23.5) if rng.random() < 0.92 else rng.uniform(25, 60)), acc + H)
        final = max(_after(a, rng.uniform(24, 71.5) if rng.random() < 0.92 else rng.uniform(75, 150)), prog + 4 * H)
        final = final if a < dt.datetime(2026, 10, 29) else AS_OF + H        # the last ones: no final answer yet
        r.update({k: (v if v <= AS_OF else None) for k, v in
                  (("accepted_at", acc), ("progress_at", prog), ("final_reply_at", final))})
    rows.sort(key=lambda r: r["received_at"])
    for i, r in enumerate(rows, 1):
        r["complaint_id"] = f"CP-{i:04d}"
    oct_rows = [r for r in rows if dt.datetime(2026, 10, 8) <= r["received_at"] < dt.datetime(2026, 10, 15)]
    late = oct_rows[0]                                   # an October complaint whose progress came late
    late["progress_at"] = _after(late["received_at"], 31.5)
    late["final_reply_at"] = max(late["final_reply_at"], late["progress_at"] + 20 * H)
    return rows


def complaint_breached(c: dict) -> bool:
    return any(((c[k] or AS_OF) - c["received_at"]) / H > lim for k, lim in
               (("accepted_at", 2), ("progress_at", 24), ("final_reply_at", 72)))


def _notices(rng, tickets, complaints) -> list[dict]:
    tests = {"resp": (tickets, "opened_at", response_breached),
             "qual": (tickets, "opened_at", lambda t: t["quality_ok"] == "否"),
             "comp": (complaints, "received_at", complaint_breached)}
    used: set = set()

    def pick(kind, lo, hi):
        """A breached record of `kind` dated in [lo, hi) (widened backwards if there is none)."""
        rows, key, test = tests[kind]
        lo, hi, pool = dt.datetime.fromisoformat(lo), dt.datetime.fromisoformat(hi), []
        while not pool:
            pool = [r for r in rows if lo <= r[key] < hi and test(r) and id(r) not in used]
            lo -= 7 * D
        pool = [r for r in pool if r.get("service_fee")] or pool     # rather a paid service: a fee to reduce
        r = pool[int(rng.integers(len(pool)))]
        used.add(id(r))
        return r.get("complaint_id") or r["ticket_id"]

    # (notice date, ref, severity, core obligation failed, direct loss, remedied on) -> status at AS_OF
    plan = [
        ("2026-01-20", pick("resp", "2026-01-01", "2026-01-15"), "轻微", "否", None, "2026-01-22"),  # remedied
        ("2026-03-16", pick("qual", "2026-01-01", "2026-03-01"), None, "否", 12000, "2026-03-21"),  # major; remedied
        ("2026-05-12", pick("comp", "2026-03-01", "2026-05-01"), "minor", None, None, "2026-05-18"),  # remedied_late
        ("2026-07-09", pick("resp", "2026-06-01", "2026-07-01"), "重大", "是", None, "2026-07-19"),  # remedied_late
        ("2026-09-21", pick("resp", "2026-09-01", "2026-09-15"), None, "否", None, None),          # minor; overdue
        ("2026-10-08", pick("qual", "2026-06-01", "2026-09-25"), "重大", "是", 50000, "2026-10-13"),  # remedied
        ("2026-10-12", pick("resp", "2026-10-01", "2026-10-11"), "轻微", "否", 0, "2026-10-14"),     # remedied
        ("2026-10-20", pick("comp", "2026-10-01", "2026-10-18"), None, "否", None, None),          # minor; overdue
        ("2026-10-23", "SR-2026-0815", "轻微", None, None, "2026-10-28"),   # typo: matches nothing; remedied_late
        ("2026-10-27", pick("resp", "2026-10-12", "2026-10-26"), None, "是", None, None),          # major; open
        ("2026-10-29", pick("resp", "2026-10-19", "2026-10-28"), "minor", "否", None, None),        # open
    ]
    return [dict(notice_id=f"BN-{i:03d}", ref_id=ref, notice_date=dt.date.fromisoformat(nd), severity=sev,
                 core_obligation_failed=core, direct_loss=loss,
                 remedied_on=rem and dt.date.fromisoformat(rem))
            for i, (nd, ref, sev, core, loss, rem) in enumerate(plan, 1)]


def _ledger(rng, taken) -> list[dict]:
    vendors = [c + w + s for c, w, s in zip(CITIES, WORDS, ["仪器设备有限公司", "职业培训中心", "商旅服务有限公司"] * 6)]
    leads, rows = _names(rng, len(GROUPS), taken), []

    def add(date, category, description, amount, payee=None):
        rows.append(dict(date=date, category=category, description=description, amount=round(float(amount), 2),
                         payee=payee or vendors[int(rng.integers(6)) * 3 + ("设备", "培训", "差旅").index(category)]))

    for m in range(12):
        first = dt.date(2025 + (m + 10) // 12, (m + 10) % 12 + 1, 1)
        y, mo, days = first.year, first.month, ((first + 32 * D).replace(day=1) - first).days
        day = lambda: first + D * int(rng.integers(days))   # noqa: E731
        for (g, n), lead in zip(GROUPS, leads):             # salaries: one line per team, paid to its lead
            add(_workday_on_or_after(first + 9 * D), "薪酬", f"{y}年{mo}月 {g}薪酬（{n}人）",
                n * 9800 * rng.uniform(0.96, 1.04), lead)
        extra = y == 2026 and mo in (5, 6, 7)           # turnover above threshold: supplementary training
        for i in range(int(rng.poisson(2)) + 1 + extra):
            name, lo, hi = TRAINING[int(rng.integers(len(TRAINING)))]
            add(day(), "培训", "补充培训（人员流失率超标）" if extra and i == 0 else name, round(rng.uniform(lo, hi), -2))
        for _ in range(int(rng.poisson(3)) + 1):         # equipment: mostly small, now and then a big item
            big = rng.random() < 0.1
            add(day(), "设备", GEAR[int(rng.integers(3, 6) if big else rng.integers(3))],
                rng.uniform(30000, 90000) if big else rng.uniform(500, 5000))
        if y == 2026 and mo % 2 == 0:                    # a category without a budget line
            add(day(), "差旅", "客户现场服务差旅费", rng.uniform(1500, 8000))
    rows.sort(key=lambda r: r["date"])
    late = [i for i, r in enumerate(rows) if r["date"] >= dt.date(2026, 9, 1)]
    odd = dict.fromkeys(rng.choice(late, size=6, replace=False).tolist(), "否")   # 2 rejected, 4 not reviewed
    odd.update((i, None) for i in list(odd)[2:])
    _number(rows, "date", "entry_id", "FV-{y}-{n:04d}")
    for i, r in enumerate(rows):
        on = _workday_on_or_after(r["date"] + D * int(rng.integers(1, 7)))
        ok = None if on > END else odd.get(i, "是")
        r.update(approved=ok, approved_on=ok and on)
    return rows


def _budget(ledger) -> list[dict]:
    """Budgets that put YTD utilization at ~74-93% (2025: the fund started in November)."""
    util = {2025: {"薪酬": 0.93, "培训": 0.81, "设备": 0.88}, 2026: {"薪酬": 0.82, "培训": 0.74, "设备": 0.91}}
    return [dict(year=y, category=cat, budget=float(round(sum(
        r["amount"] for r in ledger if r["category"] == cat and r["date"].year == y) / u, -3)))
        for y, cats in util.items() for cat, u in cats.items()]


def build_tables(seed: int = SEED) -> dict[str, list[dict]]:
    """The tables as lists of row dicts keyed by canonical column name: every table but Pauses (the sample's
    clocks never stop; a workbook without the Pauses table has no pauses)."""
    rng = np.random.default_rng(seed)
    taken: set = set()
    staff = _staff(rng, taken)
    customers = _customers(rng, taken)
    tickets = _tickets(rng, staff, customers)
    complaints = _complaints(rng, tickets, customers)
    ledger = _ledger(rng, taken)
    return {"Tickets": tickets, "Complaints": complaints, "Staff": staff, "FundLedger": ledger,
            "FundBudget": _budget(ledger), "Notices": _notices(rng, tickets, complaints),
            "Terms": [dict(key=k, value=v) for k, v in TERMS],
            "Holidays": [dict(date=d, workday="是" if w else "否") for d, w in sorted(HOLIDAY_OVERRIDES.items())]}


def _width(v) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(v))


FORMATS = {"datetime": "yyyy-mm-dd hh:mm", "date": "yyyy-mm-dd", "service_fee": "#,##0.00", "amount": "#,##0.00",
           "budget": "#,##0.00", "direct_loss": "#,##0.00", "customer_phone": "@"}


def build_sample(path, seed: int = SEED) -> Path:
    """Write the sample workbook to `path` (parents created) and return it; same seed, same bytes."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data, wb = build_tables(seed), Workbook()
    wb.remove(wb.active)
    for name, table in TABLES.items():
        if name not in data:        # a table the sample does not fill (Pauses; Contracts: the sample is one contract)
            continue
        ws = wb.create_sheet(table.zh)
        ws.append([c.aliases[0] for c in table.columns])
        for row in data[name]:
            ws.append([row.get(c.name) for c in table.columns])
        for j, col in enumerate(table.columns, 1):
            fmt = FORMATS.get(col.name) or FORMATS.get(col.kind)
            for (cell,) in ws.iter_rows(min_row=2, min_col=j, max_col=j) if fmt else ():
                cell.number_format = fmt
            w = {"datetime": 17, "date": 12}.get(col.kind) or max(
                [_width(r[col.name]) for r in data[name][:400] if r.get(col.name) is not None] + [0])
            ws.column_dimensions[get_column_letter(j)].width = min(max(w, _width(col.aliases[0])) + 3, 42)
        xt = XlTable(displayName=name, ref=f"A1:{get_column_letter(len(table.columns))}{len(data[name]) + 1}")
        xt.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
        ws.add_table(xt)
        ws.freeze_panes = "A2"
    wb.properties.creator, wb.properties.title = "servicepledge", "servicepledge 示例数据 / sample input"
    wb.properties.created = wb.properties.modified = FIXED_TIME
    buf = io.BytesIO()
    ExcelWriter(wb, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED)).save()   # not save_workbook: it stamps now
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:       # fixed member times: same bytes
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            member.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(member, src.read(info.filename))
    return path
