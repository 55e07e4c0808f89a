"""Benchmark of paused clocks (run on demand: `python benchmarks/bench_pauses.py`; not a test).

1,000,000 seeded random measured intervals (start uniform over 2025-2026, 0-7 days long), one record
(ticket id, text as in a workbook: "SR-0000001") each, and on average one pause per record (a Poisson(1)
number of pauses, each starting between 1 day before the interval and its end, 0-2 days long, so some
overlap each other and some the interval's ends). Business hours 09:00-18:00 Mon-Fri, 12:00-13:00 break,
China's calendar (holidays and make-up working days).

  (a) elapsed_hours(start, end): the no-pause baseline
  (b) paused-aware elapsed: PauseSet.elapsed_hours(.., start, end, TERMS, codes) (elapsed minus the paused
      overlap, on one clock), with the pauses merged and the ids joined beforehand
  (c) the one-off work per workbook, before and after issue 11's rework, in the same run:
      before: core.pauses.merge as it was (factorize the pause ids, np.lexsort, grouped cummax) and the join
              of the 1,000,000 record ids (PauseSet.codes: a get_indexer hash), which report.compute then
              repeated for every metric of the table (5 times); the overlap data issues sorted once more;
      after:  what from_tables does now: ONE factorize of the record ids and pause ids together (integer
              codes; unknown pause ids have codes no record has), one argsort of one int64 key
              (code * span + start in whole seconds), a running maximum on per-record lifted ends (no
              groupby), and the row codes kept for every metric
  (d) a check of 2,000 rows against a slow reference (day-by-day walk over each merged pause)
  The figure of issue 11 is (b + c after) / (a); the goal is <= 3x.

Ratios are of the best of several runs on this machine; absolute times vary with load.
"""
from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "addin"))

import pandas as pd                                                # noqa: E402

from servicepledge.core.pauses import PauseSet, merge_codes       # noqa: E402
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


def merge_before(ref, start, end) -> PauseSet:
    """core.pauses.merge as it was before the rework (kept here to measure the change in one run)."""
    ref = pd.Series(np.asarray(ref, dtype=object).ravel())
    s, e = start, end
    codes, ids = pd.factorize(ref)
    si, ei = s.view(np.int64), e.view(np.int64)
    order = np.lexsort((si, codes))
    codes, si, ei = codes[order], si[order], ei[order]
    reach = pd.Series(ei).groupby(codes).cummax().to_numpy()
    new = np.ones(len(si), bool)
    new[1:] = (codes[1:] != codes[:-1]) | (si[1:] > reach[:-1])
    heads = np.flatnonzero(new)
    m_code = codes[heads]
    count = np.bincount(m_code, minlength=len(ids)).astype(np.intp)
    first = (np.cumsum(count) - count).astype(np.intp)
    return PauseSet(pd.Index(ids, dtype=object), first, count, si[heads].view(s.dtype),
                    np.maximum.reduceat(ei, heads).view(s.dtype))


def before(ref, pref, p0, p1):
    ps = merge_before(pref, p0, p1)
    return ps, ps.codes(ref)


def join(ref, pref):
    """from_tables' id join: one factorize of the record ids and the pause ids together."""
    codes, _ = pd.factorize(np.concatenate([ref, pref]))
    return codes, int(codes[:len(ref)].max()) + 1


def merge_after(codes, n_rec, n, p0, p1):
    """from_tables' merge on the integer codes (unknown pause ids left out)."""
    pcode = codes[n:]
    known = pcode < n_rec
    ps, _ = merge_codes(pcode[known], n_rec, p0[known], p1[known])
    return ps


def after(ref, pref, p0, p1):
    codes, n_rec = join(ref, pref)
    return merge_after(codes, n_rec, len(ref), p0, p1), codes[:len(ref)]


def main() -> None:
    ref, start, end, pref, p0, p1 = data(N, SEED)
    print(f"{N:,} intervals, {len(pref):,} pauses ({len(pref) / N:.2f} per interval), business hours, CN calendar")
    elapsed_hours(start, end, TERMS)                          # warm the day table cache
    t_a, plain = best(lambda: elapsed_hours(start, end, TERMS), 5)
    t_before, (ps0, codes0) = best(lambda: before(ref, pref, p0, p1), 3)
    t_after, (ps, codes) = best(lambda: after(ref, pref, p0, p1), 3)
    t_join, (all_codes, n_rec) = best(lambda: join(ref, pref), 3)
    t_merge, _ = best(lambda: merge_after(all_codes, n_rec, len(ref), p0, p1), 3)
    t_b, paused = best(lambda: ps.elapsed_hours(None, start, end, TERMS, codes), 5)
    same = np.array_equal(paused, ps0.elapsed_hours(None, start, end, TERMS, codes0), equal_nan=True)
    print(f"(a) elapsed_hours, no pauses:                     {t_a * 1e3:8.1f} ms")
    print(f"(b) elapsed_hours minus paused overlap:           {t_b * 1e3:8.1f} ms  -> {t_b / t_a:.2f}x (a)")
    print(f"(c) merge + id join, before (once):               {t_before * 1e3:8.1f} ms  ({len(ps0):,} merged pauses)")
    print(f"    merge + id join, after (once per workbook):   {t_after * 1e3:8.1f} ms  ({len(ps):,} merged pauses; "
          f"{t_before / t_after:.1f}x faster; same figures: {same})")
    print(f"      of which the hash of {len(ref) + len(pref):,} text ids: {t_join * 1e3:.1f} ms; the merge on int codes: "
          f"{t_merge * 1e3:.1f} ms")
    print(f"    issue 11's ratio (b + c) / (a): before {(t_b + t_before) / t_a:.1f}x, after {(t_b + t_after) / t_a:.1f}x "
          f"(goal <= 3x); without the id hash {(t_b + t_merge) / t_a:.1f}x")
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
