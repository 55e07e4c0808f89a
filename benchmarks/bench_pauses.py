"""Benchmark of paused clocks (run on demand: `python benchmarks/bench_pauses.py`; not a test).

1,000,000 seeded random measured intervals (start uniform over 2025-2026, 0-7 days long), one record
(ticket id, text as in a workbook: "SR-0000001") each, and on average one pause per record (a Poisson(1)
number of pauses, each starting between 1 day before the interval and its end, 0-2 days long, so some
overlap each other and some the interval's ends). Business hours 09:00-18:00 Mon-Fri, 12:00-13:00 break,
China's calendar (holidays and make-up working days).

  (a) elapsed_hours(start, end): the no-pause baseline
  (b) paused-aware elapsed: PauseSet.elapsed_hours(.., start, end, TERMS, codes) (elapsed minus the paused
      overlap, on one clock), with
      the pauses merged and the ids joined beforehand (once per workbook and table, as report.compute does)
      — the ratio to (a) is the figure of issue 11 (goal <= 3x)
  (c) merging the pause table per record (core.pauses.merge), once per workbook
  (e) the join of the 1,000,000 text ids to the records with pauses (PauseSet.codes), once per table: a
      hash of every id, which costs what it costs (reading those ids from the workbook costs far more)
  (d) a check of 2,000 rows against a slow reference (day-by-day walk over each merged pause)

Ratios are of the best of several runs on this machine; absolute times vary with load.
"""
from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "addin"))

from servicepledge.core.pauses import merge                       # noqa: E402
from servicepledge.core.terms import parse_terms                  # noqa: E402
from servicepledge.core.worktime import elapsed_hours             # noqa: E402

N, CHECK, SEED = 1_000_000, 2_000, 20261126
TERMS = parse_terms({"time_basis": "business", "work_start": "09:00", "work_end": "18:00",
                     "break_start": "12:00", "break_end": "13:00", "workdays": "Mon-Fri", "holidays": "CN"})


def data(n: int, seed: int):
    rng = np.random.default_rng(seed)
    lo = np.datetime64("2025-01-01", "s").astype(np.int64)
    hi = np.datetime64("2026-12-20", "s").astype(np.int64)
    start = rng.integers(lo, hi, n)
    end = start + rng.integers(0, 7 * 86400, n)
    ref = np.array([f"SR-{i:07d}" for i in range(n)], dtype=object)
    k = rng.poisson(1.0, n)                                   # pauses per record, mean 1
    owner = np.repeat(np.arange(n), k)
    p0 = start[owner] - 86400 + (rng.random(owner.size) * (end[owner] - start[owner] + 86400)).astype(np.int64)
    p1 = p0 + rng.integers(0, 2 * 86400, owner.size)
    as_ns = lambda x: (x * 10**9).view("M8[ns]")              # noqa: E731
    return ref, as_ns(start), as_ns(end), ref[owner], as_ns(p0), as_ns(p1)


def best(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def ref_seconds(a: dt.datetime, b: dt.datetime) -> float:
    """Working seconds of [a, b), walking day by day (the slow reference)."""
    from chinese_calendar import is_workday
    total, d = 0.0, a.date()
    while d <= b.date():
        if is_workday(d):
            for w0, w1 in ((dt.time(9), dt.time(12)), (dt.time(13), dt.time(18))):
                lo, hi = max(a, dt.datetime.combine(d, w0)), min(b, dt.datetime.combine(d, w1))
                total += max(0.0, (hi - lo).total_seconds())
        d += dt.timedelta(days=1)
    return total


def main() -> None:
    ref, start, end, pref, p0, p1 = data(N, SEED)
    print(f"{N:,} intervals, {len(pref):,} pauses ({len(pref) / N:.2f} per interval), business hours, CN calendar")
    t_merge, ps = best(lambda: merge(pref, p0, p1), 3)
    print(f"(c) merge the pauses per record:         {t_merge * 1e3:8.1f} ms  ({len(ps):,} merged pauses)")
    elapsed_hours(start, end, TERMS)                          # warm the day table cache
    t_a, plain = best(lambda: elapsed_hours(start, end, TERMS), 5)
    t_codes, codes = best(lambda: ps.codes(ref), 3)
    t_b, paused = best(lambda: ps.elapsed_hours(None, start, end, TERMS, codes), 5)
    print(f"(a) elapsed_hours, no pauses:            {t_a * 1e3:8.1f} ms")
    print(f"(b) elapsed_hours minus paused overlap:  {t_b * 1e3:8.1f} ms  -> ratio {t_b / t_a:.2f}x (goal <= 3x)")
    print(f"(e) the id join (ps.codes), once per table: {t_codes * 1e3:8.1f} ms  -> with it, ratio {(t_b + t_codes) / t_a:.2f}x")
    print(f"    rows with a paused overlap: {(plain - paused > 0).sum():,}; total paused hours {np.nansum(plain - paused):,.0f}")
    # (d) correctness on a sample
    rng = np.random.default_rng(1)
    rows = rng.choice(N, CHECK, replace=False)
    by_ref: dict = {}
    for r, a, b in zip(pref.tolist(), p0.astype("M8[s]").tolist(), p1.astype("M8[s]").tolist()):
        by_ref.setdefault(r, []).append((a, b))
    worst = 0.0
    for i in rows.tolist():
        a, b = start[i].astype("M8[s]").item(), end[i].astype("M8[s]").item()
        merged = []
        for x, y in sorted(by_ref.get(ref[i], [])):
            if merged and x <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], y)
            else:
                merged.append([x, y])
        want = ref_seconds(a, b) - sum(ref_seconds(max(a, x), min(b, y)) for x, y in merged if min(b, y) > max(a, x))
        worst = max(worst, abs(paused[i] * 3600 - want))
    print(f"(d) {CHECK:,} rows against the day-by-day reference: largest difference {worst:.3g} s")


if __name__ == "__main__":
    main()
