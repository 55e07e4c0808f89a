"""outputs.json_text writes exactly the text json.dumps(_clean(doc), indent=2) writes (issue 12: the same
JSON, faster): on a real report document and on random nested documents with every kind of value."""
import datetime as dt
import json
import random

import numpy as np
import pandas as pd
import pytest

from servicepledge.outputs import json_text
from servicepledge.outputs.output import _clean, to_json


def _reference(doc, indent=2) -> str:
    return json.dumps(_clean(doc), ensure_ascii=False, indent=indent, allow_nan=False)


@pytest.fixture(scope="module")
def sample_report():
    from servicepledge.cli import sample_path
    from servicepledge.inputs.reader import read_workbook
    from servicepledge.report import compute
    wb = read_workbook(sample_path())
    return compute(wb.tables, wb.issues, as_of="2026-10-31 18:00")


def test_sample_report_json_is_unchanged(sample_report):
    doc = sample_report.doc
    assert doc["breaches"]["items"], "the sample has breach items"
    assert to_json(doc) == _reference(doc)
    assert json_text.dumps(doc, 4) == _reference(doc, 4)


def _leaf(rng: random.Random):
    return rng.choice([
        None, True, False, 0, -7, 2 ** 70, 0.1, 1e-300, 12345.678, float("nan"), float("inf"), -0.0,
        np.int64(42), np.float32(0.5), np.float64("nan"), np.bool_(True), "", "违约登记", 'quote " and \\ \n tab\t',
        "\u2028 \x00 emoji 😀", pd.Timestamp("2026-10-31 18:00"), dt.date(2026, 10, 5), dt.datetime(2026, 1, 2, 3, 4),
        (1, "a"),
    ])


def _doc(rng: random.Random, depth: int = 0):
    k = rng.random()
    if depth > 3 or k < 0.4:
        return _leaf(rng)
    if k < 0.7:
        return [_doc(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return {rng.choice(["a", "键", "items", "x y", "1"]) + str(i): _doc(rng, depth + 1) for i in range(rng.randint(0, 4))}


def test_random_documents_match_json_dumps():
    rng = random.Random(7)
    for _ in range(500):
        doc = {"root": _doc(rng)}
        assert json_text.dumps(doc) == _reference(doc)


def test_keys_that_are_not_text_and_values_json_refuses():
    doc = {1: "a", 2.5: [], True: {}, None: [[]]}
    assert json_text.dumps(doc) == _reference(doc)
    with pytest.raises(TypeError):
        json_text.dumps({"a": object()})
    with pytest.raises(TypeError):
        _reference({"a": object()})
