"""core.pauses.merge_codes (the vectorized merge of each record's pauses) against a plain Python merge.

Both sort paths (one int64 key when code * span fits; np.lexsort otherwise) and both running-maximum paths
(lifted ends when they fit in int64; a grouped cummax otherwise) are exercised: nanosecond times that are
not whole seconds over two years with many records overflow the int64 key, whole seconds do not.
"""
from __future__ import annotations

import numpy as np
import pytest

from servicepledge.core.pauses import _order, merge_codes


def naive(codes, s, e):
    """{code: [(start, end), …] merged}, and per row: starts before an earlier (by start) pause has ended."""
    by: dict = {}
    for i, (c, a, b) in enumerate(zip(codes.tolist(), s.tolist(), e.tolist())):
        by.setdefault(c, []).append((a, b, i))
    merged, over = {}, np.zeros(len(codes), bool)
    for c, items in by.items():
        out, reach = [], None
        for a, b, i in sorted(items, key=lambda x: (x[0], x[2])):      # stable by start
            if reach is not None and a < reach:
                over[i] = True
            if out and a <= out[-1][1]:
                out[-1][1] = max(out[-1][1], b)
            else:
                out.append([a, b])
            reach = b if reach is None else max(reach, b)
        merged[c] = [tuple(x) for x in out]
    return merged, over


@pytest.mark.parametrize("whole_seconds, n_ids", [(True, 3000), (False, 3000), (True, 1)])
def test_merge_codes_equals_a_plain_merge(whole_seconds, n_ids):
    rng = np.random.default_rng(7)
    n = 20000
    codes = rng.integers(0, n_ids, n)
    base = np.datetime64("2025-01-01", "ns").astype(np.int64)
    step = 10**9 if whole_seconds else 1
    start = base + rng.integers(0, 2 * 365 * 86400 * 10**9 // step, n) * step
    end = start + rng.integers(0, 3 * 86400 * 10**9 // step, n) * step
    start[1::50], end[1::50] = start[::50][: len(start[1::50])], end[::50][: len(start[1::50])]   # exact repeats
    s, e = start.view("M8[ns]"), end.view("M8[ns]")
    ps, over = merge_codes(codes, n_ids, s, e)
    want, want_over = naive(codes, start, end)
    got = {c: list(zip(ps.start[ps.first[c]:ps.first[c] + ps.count[c]].view(np.int64).tolist(),
                       ps.end[ps.first[c]:ps.first[c] + ps.count[c]].view(np.int64).tolist()))
           for c in range(n_ids) if ps.count[c]}
    assert got == want
    assert np.array_equal(over, want_over)
    # the sort: by (code, start), stable
    order = _order(codes, start)
    assert np.array_equal(order, np.lexsort((start, codes)))
