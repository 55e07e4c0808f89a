"""One process-wide cache for the SP_ functions: each table typed once per content, each report computed once.

Excel recalculates every formula of the KPI sheet on its own and hands each one the whole table again
(Tickets[#All] goes to five of them). Without a cache every formula re-types the same 100,000 rows.
Here a table argument is identified by a fingerprint of its content (`fingerprint`: a 128-bit digest,
XXH3 or BLAKE2b, of the values with their types, so 1, 1.0, TRUE and "1" are different cells), never by
the list object: a changed cell changes the key, so a stale result is never served.

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

import functools
import hashlib
import io
import marshal
import os
import pickle
import threading
from collections import OrderedDict

MAX_ENTRIES = 64
_TEXT_CELL = 50                      # bytes assumed per text/object cell besides its pointer


class ByteLRU:
    """A thread-safe store that forgets its least recently used values first, bounded by their estimated
    bytes (`capacity`: a number, or a function read on every put) and optionally by their count; a value
    larger than `max_share` of the capacity is not kept (it would flush everything else). Also the
    server's per-user result cache (servicepledge.server.offload)."""

    def __init__(self, capacity, max_entries: int | None = None, max_share: float = 1.0):
        self._capacity = capacity
        self.max_entries, self.max_share = max_entries, max_share
        self._lock = threading.RLock()
        self._items: OrderedDict = OrderedDict()   # key -> (value, nbytes)
        self.nbytes = 0
        self.stats = {"hits": 0, "misses": 0}

    @property
    def max_bytes(self) -> int:
        return self._capacity() if callable(self._capacity) else self._capacity

    def get(self, key):
        """The value kept under `key` (now the most recently used), or None."""
        if key is None:
            return None
        with self._lock:
            hit = self._items.get(key)
            if hit is None:
                self.stats["misses"] += 1
                return None
            self._items.move_to_end(key)
            self.stats["hits"] += 1
            return hit[0]

    def put(self, key, value, nbytes: int) -> None:
        """Keep `value` under `key`, forgetting the least recently used values to stay within the bounds."""
        cap = self.max_bytes
        if key is None or nbytes > cap * self.max_share:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.nbytes -= old[1]
            self._items[key] = (value, nbytes)
            self.nbytes += nbytes
            while self._items and (self.nbytes > cap or
                                   (self.max_entries is not None and len(self._items) > self.max_entries)):
                _, (_, n) = self._items.popitem(last=False)
                self.nbytes -= n

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.nbytes = 0
            self.stats.update(hits=0, misses=0)

    def __len__(self) -> int:
        return len(self._items)


def budget() -> int:
    """The cache's byte budget: SERVICEPLEDGE_CACHE_MB (megabytes, default 256; 0 = no caching)."""
    try:
        mb = float(os.environ.get("SERVICEPLEDGE_CACHE_MB", "256"))
    except ValueError:
        mb = 256.0
    return max(0, int(mb * 1024 * 1024))


_store = ByteLRU(budget, MAX_ENTRIES)
stats = _store.stats                   # {"hits": n, "misses": n}
get = _store.get                       # get(key) -> the cached value (now most recently used), or None
put = _store.put                       # put(key, value, nbytes): keep it, evicting to stay within budget()


def clear() -> None:
    """Forget everything (tests, benchmarks, or to free memory)."""
    _store.clear()
    with _store._lock:
        _BLOCKS.clear()


def size() -> tuple[int, int]:
    """(number of entries, estimated bytes held)."""
    return len(_store), _store.nbytes


BLOCK_ROWS = 8192        # a table argument with more data rows is fingerprinted (and typed) in blocks of rows:
MAX_BLOCKS = 8           # a multiple of BLOCK_ROWS rows each, at most about MAX_BLOCKS blocks (each block typed
                         # on its own costs a little more than its share of the whole: ~12 ms fixed per block)
_BLOCKS: OrderedDict = OrderedDict()    # fingerprint -> (BLOCK_ROWS, header digest, [block digests]); last 16
_BLOCKS_KEPT = 16


def _blake2b(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


try:   # XXH3-128 (extra `fast`): ~1 ms per 20 MB where BLAKE2b takes ~13 ms, a fifth of a 100k table's fingerprint
    from xxhash import xxh3_128_digest as _hash128
except ImportError:     # Pyodide (xlwings Lite) and minimal installs: BLAKE2b from the standard library
    _hash128 = _blake2b


def shared_by_users() -> None:
    """Digest with BLAKE2b from now on: for a process that serves several users (xlwings Server). XXH3 finds
    accidental differences as surely, but it is not built to resist a table made on purpose to collide with
    another user's; one user's figures must never be served to another. Call before the first fingerprint."""
    global _hash128
    _hash128 = _blake2b


def _digest(value) -> bytes | None:
    data = _pickled(value)
    if data is None:
        try:
            # Version 2: no back-references or interning flags, so the bytes depend on the content alone, not
            # on how many references an object has (versions 3-4 do)
            data = b"m" + marshal.dumps(value, 2)
        except (ValueError, TypeError):
            try:
                data = b"p" + pickle.dumps(value, 5)  # datetime cells (classic xlwings)
            except Exception:                          # noqa: BLE001  (proxies, unpicklable objects: not cached)
                return None
    return _hash128(data)


def _pickled(value):
    """The value pickled without pickle's memo ("fast" mode): no back-references, so equal content gives equal
    bytes however its objects are shared, and every type keeps its own opcode (1, 1.0, TRUE, "1", -0.0 differ).
    A sixth faster than marshal on a table of text and numbers; handles the datetimes of classic xlwings too.
    None when this Python's pickler has no fast mode or the value cannot be pickled (marshal decides then)."""
    buf = io.BytesIO()
    buf.write(b"f")
    try:
        pk = pickle.Pickler(buf, 5)
        pk.fast = True
        pk.dump(value)
    except Exception:                                  # noqa: BLE001  (no fast mode, proxies: the other way)
        return None
    return buf.getbuffer()


def fingerprint(value) -> bytes | None:
    """A 16-byte digest of an argument's content and types; None when it cannot be serialised
    (e.g. a Pyodide proxy object): such an argument is simply not cached. Different content always
    gives different bytes to digest (each serialisation is faithful), so a stale hit would need two
    different tables with the same 128-bit digest (XXH3, or BLAKE2b on a server: `shared_by_users`).

    A table of more than BLOCK_ROWS data rows is digested block by block (the header, then each run of
    BLOCK_ROWS rows, or a multiple of it so that there are at most MAX_BLOCKS blocks; the same work as one
    digest of everything) and its fingerprint is the digest of those
    digests, which `blocks(fp)` hands to the typing (excel.blocks): after one changed cell only its block
    is typed again."""
    if not (isinstance(value, list) and len(value) > BLOCK_ROWS + 1 and type(value[0]) is list):
        return _digest(value)
    n = BLOCK_ROWS * -(-(len(value) - 1) // (BLOCK_ROWS * MAX_BLOCKS))
    head = _digest(value[0])
    parts = [_digest(value[i:i + n]) for i in range(1, len(value), n)]
    if head is None or None in parts:
        return None
    fp = _hash128(b"b" + n.to_bytes(4, "little") + head + b"".join(parts))
    with _store._lock:
        _BLOCKS[fp] = (n, head, parts)
        _BLOCKS.move_to_end(fp)
        while len(_BLOCKS) > _BLOCKS_KEPT:
            _BLOCKS.popitem(last=False)
    return fp


def blocks(fp) -> tuple | None:
    """(rows per block, header digest, block digests) of a table fingerprinted in blocks, or None."""
    with _store._lock:
        return _BLOCKS.get(fp)


def frame_bytes(*frames) -> int:
    """Estimated bytes of DataFrames/Series from their dtypes and lengths: each column's values (numbers at
    their size, a nullable column's mask, _TEXT_CELL more per text/object cell besides its pointer) and a
    non-range index (pandas' own memory_usage costs ~2 ms a frame, a tenth of typing a block)."""
    import pandas as pd
    total = 0
    for f in frames:
        if f is None:
            continue
        n = len(f)
        dtypes = [f.dtype] if isinstance(f, pd.Series) else list(f.dtypes)
        total += n * sum(_cell_bytes(d) for d in dtypes)
        if not isinstance(f.index, pd.RangeIndex):
            total += n * 8
    return total


@functools.lru_cache(maxsize=64)
def _cell_bytes(dtype) -> int:
    """Bytes one cell of a column of `dtype` holds in the estimate: numbers at their size (+1 for the mask of a
    nullable column), everything else (text, objects, Arrow strings) a pointer plus _TEXT_CELL."""
    import numpy as np
    if isinstance(dtype, np.dtype):
        return 8 + _TEXT_CELL if dtype.kind == "O" else dtype.itemsize
    numpy_dtype = getattr(dtype, "numpy_dtype", None)        # nullable numbers / booleans: values and a mask
    if numpy_dtype is not None and np.dtype(numpy_dtype).kind in "biuf":
        return np.dtype(numpy_dtype).itemsize + 1
    return 8 + _TEXT_CELL


def loaded_bytes(loaded) -> int:
    return frame_bytes(loaded.df, loaded.bad) + 4096
