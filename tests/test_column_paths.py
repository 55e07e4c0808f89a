"""The fast paths of reading (issue 12) give the same answers as the slow, obvious ones.

- scan._quick (numpy over the sheet XML's bytes) against a regex over every cell reference;
- typing decided once per column type: mixed columns of Timestamps, dates, tz-aware datetimes, text and
  serial numbers, typed by hand.
"""
import datetime as dt
import random
import re

import numpy as np
import pandas as pd

from servicepledge.inputs import coerce, scan, textdates

_REF = re.compile(rb'<c r="([A-Z]{1,3})(\d{1,7})"')


def _by_regex(buf: bytes):
    """(largest row, largest column, cells with a value), or None when a `<c ` tag has no plain r="A1"."""
    found = _REF.findall(buf)
    if len(found) != buf.count(b"<c "):
        return None
    if not found:
        return 0, 0, buf.count(b"</c>")
    return (max(int(d) for _, d in found), max(scan.col_number(c.decode()) for c, _ in found),
            buf.count(b"</c>"))


def _cell(rng: random.Random) -> str:
    col = "".join(rng.choice("ABCOXYZ") for _ in range(rng.randint(1, 3)))
    row = str(rng.randint(1, 1_048_576))
    k = rng.random()
    if k < 0.03:
        return f'<c r="{col.lower()}{row}"><v>1</v></c>'         # lower-case reference: irregular
    if k < 0.05:
        return f'<c s="1" r="{col}{row}"><v>1</v></c>'           # r not first: irregular
    if k < 0.07:
        return f'<c r="{col}{row}00000"/>'                        # 8+ digits: irregular
    if k < 0.09:
        return f'<c r="{col}"/>'                                  # no row: irregular
    if k < 0.5:
        return f'<c r="{col}{row}" t="n"><v>{rng.random()}</v></c>'
    return f'<c r="{col}{row}"/>'


def test_quick_scan_agrees_with_a_regex_on_random_chunks():
    rng = random.Random(3)
    for _ in range(2000):
        buf = ("<row>" + "".join(_cell(rng) for _ in range(rng.randint(0, 6))) + "</row>").encode()
        q = scan._quick(buf)
        assert (q[:3] if q else None) == _by_regex(buf), buf


def test_quick_scan_reads_a_regular_sheet():
    buf = b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="O1"><v>2</v></c></row><row r="400001">' \
          b'<c r="B400001"><v>46000.5</v></c><c r="AB7"/></row>'
    bottom, right, n, maybe = scan._quick(buf)
    assert (bottom, right, n) == (400001, 28, 3)     # AB = 1*26 + 2; <c r="AB7"/> holds no value
    assert maybe is False


def test_quick_scan_sends_possible_inf_and_nan_to_the_regex():
    for v in (b"inf", b"-INF", b"NaN", b" nan", b"+inf"):
        assert scan._quick(b'<c r="A1"><v>' + v + b'</v></c>')[3] is True
    assert scan._quick(b'<c r="A1"><v>-12.5</v></c>')[3] is False
    assert scan._nonfinite(b'<c r="C3"><v> nan</v></c>') == "C3"


def test_mixed_date_cells_are_typed_per_type():
    cells = pd.Series([dt.datetime(2026, 10, 5, 14, 30), pd.Timestamp("2026-10-06 08:00"), dt.date(2026, 10, 7),
                       dt.datetime(2026, 10, 8, tzinfo=dt.timezone.utc), dt.time(9, 0), True, None, " ",
                       46300.5, "2026-10-09 10:15", pd.NaT], dtype=object)
    v, bad = coerce.to_datetime(cells)
    # 46300.5 = 2026-10-05 12:00: serial 46023 = 2026-01-01 (45658 = 2025-01-01, + 365); 46300 - 46023 = 277
    # days later = day 278 of 2026 = Oct 5 (Jan..Sep hold 273 days)
    want = ["2026-10-05 14:30", "2026-10-06 08:00", "2026-10-07", None, None, None, None, None,
            "2026-10-05 12:00", "2026-10-09 10:15", None]
    assert [None if pd.isna(x) else x for x in v] == [None if w is None else pd.Timestamp(w) for w in want]
    # a tz-aware datetime, a time of day and TRUE are not dates; blank cells (None, " ", NaT) are not bad
    assert bad.tolist() == [False, False, False, True, True, True, False, False, False, False, False]


def test_blank_mask_by_type():
    cells = pd.Series([None, "", "  ", "x", float("nan"), 0.0, 0, False, pd.NaT, np.nan, dt.datetime(2026, 1, 1),
                       pd.Timestamp("2026-01-01"), dt.date(2026, 1, 1)], dtype=object)
    assert coerce.blank_mask(cells).tolist() == [True, True, True, False, True, False, False, False, True, True,
                                                 False, False, False]


def test_one_type_columns_take_the_same_answer_as_mixed_ones():
    rng = np.random.default_rng(5)
    words = np.array(["是", "否", " 是 ", "Y", "n", "maybe", ""], dtype=object)
    col = pd.Series(words[rng.integers(0, len(words), 500)], dtype=object)
    mixed = pd.concat([col, pd.Series([None, 1, 0.0], dtype=object)], ignore_index=True)
    v1, b1 = coerce.to_yesno(col)
    v2, b2 = coerce.to_yesno(mixed)
    assert v1.equals(v2.iloc[:500]) and b1.equals(b2.iloc[:500])
    assert v2.iloc[500:].tolist()[1:] == [True, False] and pd.isna(v2.iloc[500])
    t1, _ = coerce.to_text(col)
    assert t1.tolist() == [None if w.strip() == "" else w.strip() for w in col]


_FORMS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M",
          "%Y-%m-%d %H:%M:%S.%f", "%Y-%m", "%Y/%m/%d %H:%M", "%Y/%m/%d", "%Y年%m月%d日 %H:%M", "%Y年%m月%d日",
          "%Y.%m.%d %H:%M", "%Y-%m-%d  %H:%M", "%Y/%m/%d %I:%M %p"]


def _text_date(rng: random.Random, form: str) -> str:
    moment = dt.datetime(2026, 1, 1) + dt.timedelta(minutes=rng.randrange(400 * 1440), microseconds=rng.choice([0, 500000]))
    return moment.strftime(form)


def test_text_dates_in_any_order_of_formats():
    """Long columns try first the formats that read their first cells, and skip the as-written ISO pass when
    none of the first cells is ISO text: the same dates as trying every format in the listed order on every
    cell (textdates._SAMPLE made larger than the column). Columns whose first cells are one form and later cells
    others, with numbers typed as text, 12-hour times, words and blanks among them."""
    rng = random.Random(11)
    extras = ["", "  ", "待定", "46300.5", "now", "2026-13-45", "2026-10-05 下午2:30", "14:30"]
    for k in range(16):
        n = rng.choice([300, 700, 1500])
        first, other = rng.sample(_FORMS, 2)
        cells = [_text_date(rng, first) for _ in range(rng.randrange(0, 100))]
        cells += [rng.choice(extras) if rng.random() < 0.1 else _text_date(rng, rng.choice([first, other] + _FORMS))
                  for _ in range(n - len(cells))]
        s = pd.Series(cells, dtype=object)
        got, got_bad = coerce.to_datetime(s)
        keep = textdates._SAMPLE
        try:
            textdates._SAMPLE = 10 ** 9
            want, want_bad = coerce.to_datetime(s)
        finally:
            textdates._SAMPLE = keep
        pd.testing.assert_series_equal(got, want)
        assert got_bad.tolist() == want_bad.tolist()
        assert got.notna().sum() > n // 2, (first, other)      # the dates were read, not all refused alike
