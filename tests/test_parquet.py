"""Parquet input (issue 12: past Excel's row limit): `servicepledge report data.parquet` / a folder of them.

The independent method is the workbook path: the sample's tables written to Parquet as a user would
(pandas.DataFrame.to_parquet, dates as timestamps) give the same report document as the sample workbook,
and a table with bad cells gives the same typed frame and data issues as the same cells passed as a grid
(record numbers instead of Excel rows: one less).
"""
from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

import pandas as pd
import pytest

pytest.importorskip("pyarrow")

from excel_helpers import AS_OF, PERIOD, SAMPLE, sample_grids  # noqa: E402
from servicepledge.inputs.parquet import read_parquet  # noqa: E402
from servicepledge.inputs.tables import InputError, Issues, from_grid  # noqa: E402


def frame(grid: list) -> pd.DataFrame:
    """A grid as a user's DataFrame: all-date columns as timestamps, all-number columns as floats, else text."""
    df = pd.DataFrame(grid[1:], columns=grid[0])
    for c in df.columns:
        vals = [v for v in df[c] if v is not None]
        if vals and all(isinstance(v, dt.datetime) for v in vals):
            df[c] = pd.to_datetime(df[c])
        elif vals and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in vals):
            df[c] = df[c].astype("float64")
        else:
            df[c] = pd.Series([None if v is None or v != v else str(v) for v in df[c]], dtype=object)
    return df


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    d = tmp_path_factory.mktemp("pq")
    for name, grid in sample_grids().items():
        frame(grid).to_parquet(d / f"{name}.parquet", index=False, row_group_size=40)   # several row groups
    return d


def run(*args):
    return subprocess.run([sys.executable, "-m", "servicepledge.cli", *args], capture_output=True, text=True,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"}, timeout=300)


def test_a_folder_of_parquet_files_reports_as_the_workbook_does(folder):
    a = run("report", str(SAMPLE), "--json", "--period", PERIOD, "--as-of", AS_OF)
    b = run("report", str(folder), "--json", "--period", PERIOD, "--as-of", AS_OF)
    assert a.returncode == 0 and b.returncode == 0, b.stderr
    da, db = json.loads(a.stdout), json.loads(b.stdout)
    assert da["response"]["total"] > 0 and da["fund"]["categories"]
    # the files read differ (one workbook; one Parquet file per table, each with its rows and SHA-256)
    ia, ib = da.pop("inputs"), db.pop("inputs")
    assert [i["format"] for i in ia] == ["xlsx"] and {i["format"] for i in ib} == {"parquet"}
    assert {i["table"]: i["rows"] for i in ib}["Tickets"] == len(pd.read_parquet(folder / "Tickets.parquet"))
    assert db == da


def test_one_tickets_file_under_any_name(folder, tmp_path):
    one = tmp_path / "2026年工单导出.parquet"
    one.write_bytes((folder / "Tickets.parquet").read_bytes())
    wb = read_parquet(one)
    ref = read_parquet(folder)
    pd.testing.assert_frame_equal(wb["Tickets"].df, ref["Tickets"].df)
    assert not wb["Staff"].present and ref["Staff"].present


def test_bad_cells_give_the_same_issues_as_a_grid(tmp_path):
    grid = [list(r) for r in sample_grids()["Tickets"][:30]]
    head = grid[0]
    opened, resp, prio, fee = (head.index(h) for h in ("受理时间", "首次响应时间", "优先级", "服务费用"))
    grid[3][resp] = "n/a"                         # not a date: a text cell in the date column
    grid[4][opened] = None                        # a required value blank
    grid[5][0] = grid[6][0]                       # a duplicate ticket id
    grid[7][prio] = "超急"                         # an unknown priority word
    grid[8][fee] = "¥1,200.50"                    # money typed as text: accepted as 1200.5
    grid[9] = [None] * len(head)                  # an empty row: skipped
    grid[10][resp] = "2026-10-05 14:30"           # a text date in a date column
    frame(grid).to_parquet(tmp_path / "tickets.parquet", index=False)
    want_issues = Issues()
    want = from_grid("Tickets", grid, issues=want_issues)
    got = read_parquet(tmp_path / "tickets.parquet")
    pd.testing.assert_frame_equal(got["Tickets"].df.drop(columns="_row"), want.df.drop(columns="_row"),
                                  check_dtype=False)
    assert list(got["Tickets"].df["_row"]) == [r - 1 for r in want.df["_row"]]   # record numbers
    pd.testing.assert_frame_equal(got["Tickets"].bad, want.bad)
    expect = sorted((i["column"], i["row"] - 1, i["problem"]) for i in want_issues.rows)
    assert expect and sorted((i["column"], i["row"], i["problem"]) for i in got.issues.rows) == expect
    assert got["Tickets"].df["service_fee"].iloc[7] == 1200.5        # grid row 8 is record 8, index 7 (no skip yet)


def test_problems_are_one_line(tmp_path):
    fake = tmp_path / "tickets.parquet"
    fake.write_text("工单编号,受理时间\nSR-1,2026-10-01\n", encoding="utf-8")
    r = run("report", str(fake), "--json", "--lang", "en")
    assert r.returncode != 0 and "tickets.parquet: is not a Parquet file" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    pd.DataFrame({"编号": ["SR-1"], "受理时间": [pd.Timestamp("2026-10-01")]}).to_parquet(fake, index=False)
    r = run("report", str(fake), "--json", "--lang", "en")
    assert r.returncode != 0 and "missing column 'ticket_id'" in r.stderr and "tickets.parquet" in r.stderr
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "data.parquet").write_bytes(fake.read_bytes())
    with pytest.raises(InputError, match="no Parquet file is named after a table"):
        read_parquet(tmp_path / "other")
