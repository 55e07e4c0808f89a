"""One process-wide cache for the SP_ functions: each table typed once per content, each report computed once.

Excel recalculates every formula of the KPI sheet on its own and hands each one the whole table again
(Tickets[#All] goes to five of them). Without a cache every formula re-types the same 100,000 rows.
Here a table argument is identified by a fingerprint of its content (`fingerprint`: BLAKE2b of the
values with their types, so 1, 1.0, TRUE and "1" are different cells), never by the list object: a
changed cell changes the key, so a stale result is never served.

What is kept, least recently used first out:
- typed tables: (table, argument name, date system, fingerprint) -> the Loaded table and what typing
  it found (data issues, warnings), replayed into each caller's Issues on a hit;
- reports and other results: keys built from the fingerprints of every argument that matters.

Memory bound: the estimated size of all entries stays within `budget()` bytes (default 256 MB,
SERVICEPLEDGE_CACHE_MB to change, 0 turns the cache off), and at most MAX_ENTRIES entries. A
typed table is estimated from its DataFrames' memory (pointers, numbers and ~50 bytes per text
cell); a result from the same estimate over the frames it holds. An entry larger than the whole
budget is not kept. Cached values are shared: callers must not modify them (the engine never does:
`as_of.clip` and every KPI work on copies; tests check a cached table is unchanged after use).
"""
from __future__ import annotations

import hashlib
import marshal
import os
import pickle
import threading
from collections import OrderedDict

MAX_ENTRIES = 64
_TEXT_CELL = 50                      # bytes assumed per text/object cell besides its pointer
_lock = threading.RLock()
_entries: OrderedDict = OrderedDict()   # key -> (value, nbytes)
_bytes = 0
stats = {"hits": 0, "misses": 0}


def budget() -> int:
    """The cache's byte budget: SERVICEPLEDGE_CACHE_MB (megabytes, default 256; 0 = no caching)."""
    try:
        mb = float(os.environ.get("SERVICEPLEDGE_CACHE_MB", "256"))
    except ValueError:
        mb = 256.0
    return max(0, int(mb * 1024 * 1024))


def fingerprint(value) -> bytes | None:
    """A 16-byte digest of an argument's content and types; None when it cannot be serialised
    (e.g. a Pyodide proxy object): such an argument is simply not cached. Different content always
    gives different bytes to digest (both serialisations are faithful), so a stale hit would need a
    BLAKE2b collision."""
    try:
        # JSON-shaped values (xlwings Lite / Server). Version 2: no back-references or interning flags, so the
        # bytes depend on the content alone, not on how many references an object has (versions 3-4 do)
        data = b"m" + marshal.dumps(value, 2)
    except (ValueError, TypeError):
        try:
            data = b"p" + pickle.dumps(value, 5)  # datetime cells (classic xlwings)
        except Exception:                          # noqa: BLE001  (proxies, unpicklable objects: not cached)
            return None
    return hashlib.blake2b(data, digest_size=16).digest()


def clear() -> None:
    """Forget everything (tests, benchmarks, or to free memory)."""
    global _bytes
    with _lock:
        _entries.clear()
        _bytes = 0
        stats.update(hits=0, misses=0)


def size() -> tuple[int, int]:
    """(number of entries, estimated bytes held)."""
    with _lock:
        return len(_entries), _bytes


def get(key):
    """The cached value for `key` (and marks it recently used), or None."""
    if key is None:
        return None
    with _lock:
        hit = _entries.get(key)
        if hit is None:
            stats["misses"] += 1
            return None
        _entries.move_to_end(key)
        stats["hits"] += 1
        return hit[0]


def put(key, value, nbytes: int) -> None:
    """Keep `value` under `key`, evicting the least recently used entries to stay within the budget."""
    global _bytes
    cap = budget()
    if key is None or nbytes > cap:
        return
    with _lock:
        old = _entries.pop(key, None)
        if old is not None:
            _bytes -= old[1]
        _entries[key] = (value, nbytes)
        _bytes += nbytes
        while _entries and (_bytes > cap or len(_entries) > MAX_ENTRIES):
            _, (_, n) = _entries.popitem(last=False)
            _bytes -= n


def frame_bytes(*frames) -> int:
    """Estimated bytes of DataFrames/Series: their buffers, plus _TEXT_CELL per object cell."""
    import pandas as pd
    total = 0
    for f in frames:
        if f is None:
            continue
        if isinstance(f, pd.Series):
            f = f.to_frame()
        total += int(f.memory_usage(index=True, deep=False).sum())
        n_obj = sum(1 for d in f.dtypes if d == object)
        total += n_obj * len(f) * _TEXT_CELL
    return total


def loaded_bytes(loaded) -> int:
    return frame_bytes(loaded.df, loaded.bad) + 4096
