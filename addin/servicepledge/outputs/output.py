"""Outputs of a report: the JSON document and the report workbook file."""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from . import outfile, sheets
from ..report import Report


_PLAIN = (str, int, bool, type(None))


def _clean(x):
    if type(x) in _PLAIN:            # most of a document: nothing to do
        return x
    if type(x) is list and all(type(v) in _PLAIN for v in x):
        return list(x)
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
    """The report document (docs/REPORT_JSON.md): blank figures are null, rates are fractions.

    Written by orjson when it is installed (extra `fast`: a million breach items in well under a second,
    where json's indented encoder takes seconds), else by json; the two texts read back the same.
    """
    if indent == 2:
        try:
            import orjson
        except ImportError:
            orjson = None
        if orjson is not None:
            try:
                return orjson.dumps(doc, default=_clean, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS
                                    | orjson.OPT_SERIALIZE_NUMPY).decode()
            except orjson.JSONEncodeError:    # e.g. an integer past 64 bits: json writes it
                pass
    return json.dumps(_clean(doc), ensure_ascii=False, indent=indent, allow_nan=False)


def free_path(out: Path, force: bool, lang: str = "zh") -> Path:
    """`out`, or with --force the same; otherwise the first 'name (2).xlsx' that does not exist."""
    return Path(out) if force else outfile.free_name(out, lang)


def report_target(r: Report, out, *, force: bool = False, input_path=None) -> Path:
    """The file the report workbook will be written to (outfile.claim: never the input, an existing
    file kept unless --force, the folder must exist); nothing is created."""
    out = outfile.xlsx_target(out, outfile.report_name(r.period), r.lang)
    return outfile.claim(out, force=force, lang=r.lang, inputs=[input_path] if input_path else [])


def write_report(r: Report, out: Path, *, mask: bool = True, force: bool = False, input_path=None,
                 charts: bool = True) -> Path:
    """Write the report workbook; never over the input file, never half-written, never into a folder
    that does not exist. `out` without extension gets '.xlsx'; problems raise outfile.WriteError."""
    from . import xlsx    # openpyxl (~0.05 s to import) only when a workbook is written: not for --json
    out = report_target(r, out, force=force, input_path=input_path)
    models = sheets.build(r, mask=mask)
    wb = xlsx.new_workbook(models)
    if charts:
        from . import charts as ch
        ch.add_to_workbook(wb, r, models)
    return xlsx.save_atomic(wb, out, r.lang, inputs=[input_path] if input_path else [])
