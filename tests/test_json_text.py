"""`report --json` text: orjson (extra `fast`) when installed, else json — both must read back as the same
document as json.dumps(_clean(doc)) (issue 12: the same JSON, faster): on a real report document and on
random nested documents with every kind of value a report holds."""
import datetime as dt
import json
import random
import sys

import numpy as np
import pandas as pd
import pytest

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


@pytest.fixture(params=["orjson", "json"])
def writer(request, monkeypatch):
    if request.param == "orjson":
        pytest.importorskip("orjson", reason="orjson (extra fast) is not installed here")
    else:
        monkeypatch.setitem(sys.modules, "orjson", None)     # import fails: json writes
    return request.param


def test_sample_report_json_reads_back_the_same(sample_report, writer):
    doc = sample_report.doc
    assert doc["breaches"]["items"], "the sample has breach items"
    text = to_json(doc)
    assert text.startswith('{\n  "')                     # indented by two
    assert any("\u4e00" <= ch <= "\u9fff" for ch in text)   # Chinese written as is, not \\u escapes
    assert json.loads(text) == json.loads(_reference(doc))
    if writer == "json":
        assert text == _reference(doc)


def _leaf(rng: random.Random):
    return rng.choice([
        None, True, False, 0, -7, 2 ** 70, 0.1, 1e-300, 1e16, 12345.678, float("nan"), float("inf"), -0.0,
        np.int64(42), np.float32(0.5), np.float64("nan"), np.bool_(True), "", "违约登记", 'quote " and \\ \n tab\t',
        "\u2028 \x00 emoji 😀", pd.Timestamp("2026-10-31 18:00"), pd.Timestamp("2026-10-31 18:00:01.5"),
        dt.date(2026, 10, 5), dt.datetime(2026, 1, 2, 3, 4), (1, "a"),
    ])


def _doc(rng: random.Random, depth: int = 0):
    k = rng.random()
    if depth > 3 or k < 0.4:
        return _leaf(rng)
    if k < 0.7:
        return [_doc(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return {rng.choice(["a", "键", "items", "x y", "1"]) + str(i): _doc(rng, depth + 1) for i in range(rng.randint(0, 4))}


def test_random_documents_read_back_the_same(writer):
    rng = random.Random(7)
    for _ in range(500):
        doc = {"root": _doc(rng)}
        assert json.loads(to_json(doc)) == json.loads(_reference(doc)), doc


def test_keys_that_are_not_text_and_values_json_refuses(writer):
    doc = {1: "a", 2.5: [], True: {}, None: [[]]}
    assert json.loads(to_json(doc)) == json.loads(_reference(doc))
    with pytest.raises(TypeError):
        to_json({"a": object()})
