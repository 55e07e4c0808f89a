"""tables.load on columns that arrive typed (what the Parquet reader hands it; no pyarrow needed here).

Independent method: the same cells as a plain object grid (the workbook / Excel path). Timestamps and
floats taken as stored, text as a pandas Categorical converted once per distinct value, must give the same
typed frame, the same unusable cells and the same data issues.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from servicepledge.inputs.tables import Issues, load

HEAD = ["工单编号", "受理时间", "优先级", "复杂问题", "首次响应时间", "服务费用", "质量达标", "客户"]
ROWS = [
    ["SR-1", pd.Timestamp("2026-10-01 09:00"), "P1", "是", pd.Timestamp("2026-10-01 09:30"), 100.0, "达标", "甲"],
    ["SR-2", pd.Timestamp("2026-10-02 10:00"), "紧急", "否", None, 250.5, "不达标", "乙"],
    ["SR-3", None, "P9", "也许", pd.Timestamp("2026-10-03 11:00"), np.inf, "达标", "  "],   # blank required, bad words, inf
    ["SR-1", pd.Timestamp("2026-10-04 08:00"), None, None, pd.Timestamp("1800-01-01"), None, None, None],  # dup id, 1800
    [None, None, None, None, None, None, None, None],                                           # empty row: skipped
    ["SR-5", pd.Timestamp("2026-10-05 08:00"), " p2 ", "是", None, 0.0, "合格", "甲"],
]


def grid_frame() -> pd.DataFrame:
    return pd.DataFrame(ROWS, dtype=object)


def typed_frame() -> pd.DataFrame:
    cols = list(zip(*ROWS))
    out = {}
    for i, c in enumerate(cols):
        if i in (1, 4):
            out[i] = pd.Series(pd.to_datetime(pd.Series(c, dtype=object)), dtype="datetime64[us]")
        elif i == 5:
            out[i] = pd.Series([np.nan if v is None else v for v in c], dtype="float64")
        else:
            out[i] = pd.Series(pd.Categorical([v for v in c]))
    return pd.DataFrame(out)


def test_typed_columns_type_as_the_grid_does():
    want_i, got_i = Issues(), Issues()
    want = load("Tickets", HEAD, grid_frame(), first_row=1, issues=want_i)
    got = load("Tickets", HEAD, typed_frame(), first_row=1, issues=got_i)
    pd.testing.assert_frame_equal(got.df, want.df, check_dtype=False)
    pd.testing.assert_frame_equal(got.bad, want.bad)
    key = lambda i: (i["row"], i["column"], i["problem"])  # noqa: E731
    assert sorted(map(key, got_i.rows)) == sorted(map(key, want_i.rows))
    # by hand: 5 records (the empty one skipped); SR-3's opened_at blank (required), P9 and 也许 unknown,
    # inf unusable; the second SR-1 a duplicate; 1800-01-01 outside 1900…9999
    assert len(got.df) == 5 and list(got.df["priority"]) == ["P1", "P1", None, None, "P2"]
    assert got.df["service_fee"].isna().tolist() == [False, False, True, True, False]
    assert {(r, c) for r, c, _ in map(key, got_i.rows)} >= {(3, "受理时间"), (3, "优先级"), (3, "复杂问题"),
                                                            (3, "服务费用"), (4, "首次响应时间")}
