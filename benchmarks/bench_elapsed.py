"""Benchmark of servicepledge.elapsed_hours (run on demand: `python benchmarks/bench_elapsed.py`).

1,000,000 seeded random intervals over 2025-2026 (start uniform, duration uniform 0-7 days),
business hours 09:00-18:00 Mon-Fri with a 12:00-13:00 lunch break and China's calendar.

  (a) servicepledge.core.worktime.elapsed_hours on datetime64[ns] arrays (also [s], [us], calendar basis)
  (b) the floor: (end - start) in hours with NumPy on the same arrays (no calendar at all)
  (c) businesstimedelta, fastest exact set-up: WorkDayRule 09-12 + WorkDayRule 13-18 + HolidayRule
      over a set of CN holiday dates; timed on a sample and extrapolated to 1e6.

businesstimedelta has no rule for working on specific dates (its WorkDayRule is per weekday), so
it cannot express China's make-up working days (调休). For a fair check, (a) is also run on the same
calendar (make-up days forced to non-working via Terms.overrides) and compared interval by interval.
"""
from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "addin"))

import businesstimedelta as btd                                   # noqa: E402
from chinese_calendar import constants as cn                     # noqa: E402

from servicepledge.core.terms import parse_terms                      # noqa: E402
from servicepledge.core.worktime import elapsed_hours                 # noqa: E402

N, SAMPLE, SEED = 1_000_000, 2_000, 20260101
TERMS = {"time_basis": "business", "work_start": "09:00", "work_end": "18:00",
         "break_start": "12:00", "break_end": "13:00", "workdays": "Mon-Fri", "holidays": "CN"}


def intervals(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """n random (start, end) datetime64[ns] pairs, start in 2025-01-01..2026-12-20, 0-7 days long."""
    rng = np.random.default_rng(seed)
    lo = np.datetime64("2025-01-01", "s").astype(np.int64)
    hi = np.datetime64("2026-12-20", "s").astype(np.int64)
    start = rng.integers(lo, hi, n)
    end = start + rng.integers(0, 7 * 86400, n)
    return (start * 10**9).view("M8[ns]"), (end * 10**9).view("M8[ns]")


def best(fn, repeat: int) -> float:
    """Best wall time of `repeat` runs, seconds."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def btd_rules():
    """businesstimedelta rules: morning and afternoon work blocks minus CN holiday dates."""
    morning = btd.WorkDayRule(start_time=dt.time(9), end_time=dt.time(12), working_days=[0, 1, 2, 3, 4])
    afternoon = btd.WorkDayRule(start_time=dt.time(13), end_time=dt.time(18), working_days=[0, 1, 2, 3, 4])
    # A set for O(1) membership tests. HolidayRule fails when no holiday lies within 5 years ahead
    # (the CN data ends in 2026), so New Year 2027, after every sampled interval, closes the list.
    holidays = btd.HolidayRule(set(cn.holidays) | {dt.date(2027, 1, 1)})
    return btd.Rules([morning, afternoon, holidays])


def main() -> None:
    start, end = intervals(N, SEED)
    terms = parse_terms(TERMS)
    no_makeup = parse_terms(TERMS, overrides={d: False for d in cn.workdays})

    rows = []
    t_ours = best(lambda: elapsed_hours(start, end, terms), 20)
    rows.append(("(a) elapsed_hours, business, datetime64[ns]", t_ours, "measured"))
    s_s, e_s = start.astype("M8[s]"), end.astype("M8[s]")
    rows.append(("(a) elapsed_hours, business, datetime64[s]", best(lambda: elapsed_hours(s_s, e_s, terms), 20),
                 "measured"))
    s_us, e_us = start.astype("M8[us]"), end.astype("M8[us]")
    rows.append(("(a) elapsed_hours, business, datetime64[us]",
                 best(lambda: elapsed_hours(s_us, e_us, terms), 20), "measured"))
    rows.append(("(a) elapsed_hours, calendar basis", best(lambda: elapsed_hours(start, end), 20), "measured"))
    rows.append(("(b) floor: (end - start) / np.timedelta64(1, 'h')",
                 best(lambda: (end - start) / np.timedelta64(1, "h"), 20), "measured"))
    si, ei = start.view(np.int64), end.view(np.int64)
    rows.append(("(b) floor: int64 (end - start) / 3.6e12", best(lambda: (ei - si) / 3.6e12, 20), "measured"))

    # (c) businesstimedelta on a sample, as Python datetimes (conversion not timed)
    idx = np.random.default_rng(SEED + 1).choice(N, SAMPLE, replace=False)
    pairs = [(a, b) for a, b in zip(start[idx].astype("M8[us]").tolist(), end[idx].astype("M8[us]").tolist())]
    rules = btd_rules()
    got = []

    def run_btd():
        got.clear()
        for a, b in pairs:
            got.append(rules.difference(a, b).timedelta.total_seconds())

    t_btd = best(run_btd, 3)
    rows.append((f"(c) businesstimedelta ({SAMPLE:,} sampled, x{N // SAMPLE})", t_btd * N / SAMPLE,
                 "extrapolated"))

    ours_same = elapsed_hours(start[idx], end[idx], no_makeup) * 3600
    ours_cn = elapsed_hours(start[idx], end[idx], terms) * 3600
    diff = np.abs(np.rint(ours_same) - np.array(got))    # both are whole seconds here
    print(f"Intervals: {N:,} (seed {SEED}), 2025-01-01..2026-12-27, 0-7 days long; "
          f"09:00-18:00 Mon-Fri, lunch 12:00-13:00, CN holidays.")
    print("businesstimedelta cannot express make-up working days (调休): it has no date-specific "
          "working rule,\nso it is compared with elapsed_hours on the same calendar "
          "(make-up days forced off via Terms.overrides).")
    print(f"Agreement on the {SAMPLE:,} sampled intervals: max |ours - businesstimedelta| = {diff.max():.6f} s "
          f"({int((diff > 0).sum())} intervals differ)\n"
          f"Sum over the sample: ours {ours_same.sum() / 3600:.4f} h, businesstimedelta {sum(got) / 3600:.4f} h")
    print(f"Sampled intervals touching a make-up day (ours with 调休 vs without): "
          f"{int((ours_cn != ours_same).sum())} of {SAMPLE:,}")
    print()
    width = max(len(r[0]) for r in rows)
    print(f"{'method':<{width}}  {'time for 1e6':>13}  {'ratio vs ours':>13}  note")
    for name, secs, note in rows:
        print(f"{name:<{width}}  {secs * 1e3:>10.1f} ms  {secs / t_ours:>12.2f}x  {note}")


if __name__ == "__main__":
    main()
