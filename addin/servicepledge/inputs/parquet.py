"""Read Parquet files into the same typed tables as a workbook: for data past Excel's 1,048,576 rows.

`servicepledge report tickets.parquet` or `servicepledge report FOLDER` (a folder of Parquet files).
Each file holds one table and is named after it, in English or Chinese: tickets.parquet / 服务工单.parquet,
complaints.parquet / 客户投诉.parquet, staff, fundledger, fundbudget, notices, terms, holidays. A single
file with another name is read as Tickets when its columns are the Tickets columns. Column names are
the workbook's headers (受理时间, opened_at, …), matched exactly as in a workbook.

Only the columns the table uses are read (pyarrow, one row group at a time, text columns
dictionary-encoded), then typed column by column (tables.load): timestamps and numbers stored as
such are taken as they are; text is converted once per distinct value. Timestamps with a time zone
are read as the wall-clock time of that zone. Data issues name the record number (1 = the first
record) where a workbook names the Excel row.

pyarrow is an optional dependency (`pip install servicepledge[big]`); it is not needed in Excel.
"""
from __future__ import annotations

from pathlib import Path

from . import tables as T
from .reader import Workbook, sha256_of
from .schema import TABLES, table_for_name

_MAGIC = b"PAR1"


def is_parquet(path) -> bool:
    """A .parquet file, or a folder holding at least one."""
    p = Path(path)
    if p.is_dir():
        return any(p.glob("*.parquet"))
    return p.suffix.lower() == ".parquet"


def _pyarrow():
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise T.InputError("reading Parquet needs pyarrow: pip install \"servicepledge[big]\" "
                           "(or pip install pyarrow)",
                           zh="读取 Parquet 需要 pyarrow：pip install \"servicepledge[big]\""
                              "（或 pip install pyarrow）") from None
    return pq


def read_parquet(path, progress=None) -> Workbook:
    """Every table found in the Parquet file or folder at `path`, typed; absent tables are empty."""
    pq = _pyarrow()
    path = Path(path)
    if not path.exists():
        raise T.InputError.not_found(path)
    files = {}
    if path.is_dir():
        for f in sorted(path.glob("*.parquet")):
            t = table_for_name(f.stem)
            if t is not None and t.name not in files:
                files[t.name] = f
        if not files:
            names = ", ".join(f"{t.name.lower()}.parquet/{t.zh}.parquet" for t in TABLES.values())
            raise T.InputError(f"{path.name}: no Parquet file is named after a table; name them {names}",
                               zh=f"{path.name}：没有以表名命名的 Parquet 文件；请命名为 {names.replace(', ', '、')}")
    else:
        t = table_for_name(path.stem)
        files[t.name if t is not None else "Tickets"] = path
    issues = T.Issues()
    loaded, found, inputs = {}, {}, []
    names = list(TABLES)
    for name in (progress(names, desc="reading") if progress else names):
        f = files.get(name)
        if f is None:
            loaded[name] = T.empty(name)
            continue
        header, frame = _read_one(pq, f, name)
        loaded[name] = T.load(name, header, frame, first_row=1, source=f.name, issues=issues)
        found[name] = f"file {f.name}"
        inputs.append({"file": f.name, "format": "parquet", "table": name, "rows": len(frame),
                       "sha256": sha256_of(f)})
    sha = sha256_of(path) if path.is_file() else None
    return Workbook(loaded, issues, str(path), sha, False, found, inputs)


def _read_one(pq, f: Path, name: str):
    """(header, DataFrame of the used columns at their header positions) of one Parquet file."""
    import pandas as pd
    import pyarrow as pa
    with open(f, "rb") as fh:
        if fh.read(4) != _MAGIC:
            raise T.InputError(f"{f.name}: is not a Parquet file; export the table again as Parquet",
                               zh=f"{f.name}：不是 Parquet 文件；请重新将该表导出为 Parquet")
    try:
        pf = pq.ParquetFile(f)
    except Exception as e:  # noqa: BLE001  (a damaged footer: one line)
        raise T.InputError(f"{f.name}: cannot be read as Parquet ({type(e).__name__}: {e}); "
                           f"export the table again",
                           zh=f"{f.name}：无法作为 Parquet 读取（{type(e).__name__}: {e}）；请重新导出该表") from None
    header = list(pf.schema_arrow.names)
    used = sorted(set(T.match_headers(TABLES[name], header).values()))
    text = [header[i] for i in used if pa.types.is_string(pf.schema_arrow.field(header[i]).type)
            or pa.types.is_large_string(pf.schema_arrow.field(header[i]).type)]
    cols = [header[i] for i in used]
    if not cols:     # nothing usable: load() names the missing columns
        return header, pd.DataFrame(index=pd.RangeIndex(pf.metadata.num_rows))
    pf = pq.ParquetFile(f, read_dictionary=text)   # text as dictionary codes: each distinct value once
    try:
        batches = [pf.read_row_group(g, columns=cols) for g in range(pf.num_row_groups)]
    except Exception as e:  # noqa: BLE001
        raise T.InputError(f"{f.name}: cannot be read as Parquet ({type(e).__name__}: {e}); "
                           f"export the table again",
                           zh=f"{f.name}：无法作为 Parquet 读取（{type(e).__name__}: {e}）；请重新导出该表") from None
    table = pa.concat_tables(batches) if batches else pf.schema_arrow.empty_table().select(cols)
    del batches
    if table.num_columns and text:
        table = table.unify_dictionaries()
    out = {}
    for i, c in zip(used, cols):
        arr = table.column(c)
        s = arr.to_pandas()
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            s = s.dt.tz_localize(None)            # the wall-clock time of the stored zone
        out[i] = s
        table = table.drop_columns([c])           # free each Arrow column once converted
    return header, pd.DataFrame(out)
