"""Outputs of a report: the JSON document and the report workbook file."""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from . import outfile, sheets, xlsx
from .report import Report
from .tables import InputError


def _clean(x):
    if isinstance(x, dict):
        return {k: _clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_clean(v) for v in x]
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (np.floating, float)):
        x = float(x)
        return None if math.isnan(x) or math.isinf(x) else x
    if isinstance(x, (np.bool_,)):
        return bool(x)
    if hasattr(x, "isoformat"):
        return x.isoformat()
    return x


def to_json(doc: dict, indent: int | None = 2) -> str:
    """The report document (docs/REPORT_JSON.md): blank figures are null, rates are fractions."""
    return json.dumps(_clean(doc), ensure_ascii=False, indent=indent, allow_nan=False)


def free_path(out: Path, force: bool) -> Path:
    """`out`, or with --force the same; otherwise the first 'name (2).xlsx' that does not exist."""
    if force or not out.exists():
        return out
    for i in range(2, 1000):
        cand = out.with_name(f"{out.stem} ({i}){out.suffix}")
        if not cand.exists():
            return cand
    raise InputError(f"{out}: too many earlier reports with this name; pass --force or another -o")


def write_report(r: Report, out: Path, *, mask: bool = True, force: bool = False, input_path=None,
                 charts: bool = True) -> Path:
    """Write the report workbook; never over the input file, never half-written, never into a folder
    that does not exist. `out` without extension gets '.xlsx'; problems raise outfile.WriteError."""
    out = outfile.xlsx_target(out, f"servicepledge-report-{r.period.label}.xlsx", r.lang)
    outfile.check_target(out, r.lang)
    if input_path and out.exists() and out.resolve() == Path(input_path).resolve():
        raise InputError(f"{out}: is the input workbook; the report is never written over its input")
    out = free_path(out, force)
    models = sheets.build(r, mask=mask)
    wb = xlsx.new_workbook(models)
    if charts:
        from . import charts as ch
        ch.add_to_workbook(wb, r, models)
    return xlsx.save_atomic(wb, out, r.lang)
