"""Columns whose every cell is text (ids, names, yes/no words, priorities: most columns of an export and every
column of a CSV) are typed from one look at the cells (coerce.text_cells: stripped once, or their distinct values
once), and give what reading every cell on its own gives.

Independent method: a per-cell loop written here: a cell is blank when it is "" or only white space (Python's
str.isspace, so also the full-width space U+3000, tabs and line breaks); a text cell is the text stripped; a
vocabulary cell is vocabulary.meaning(kind, cell) (None = unknown word, a data issue); a priority likewise.
"""
from __future__ import annotations

import random

import numpy as np
import pytest

from servicepledge.inputs import coerce, vocabulary
from servicepledge.inputs.tables import Issues, load

HEAD = ["工单编号", "受理时间", "优先级", "复杂问题", "质量达标", "客户", "工程师"]
WORDS = ["", " ", "\u3000", "\t", " \n", "是", "否", " 是 ", "Y", "n", "yes", "NO", "也许", "达标", "不达标", "合格",
         "P1", " p2 ", "紧急", "高", "中", "低", "一级", "P9", "x", "甲公司", " 乙 ", "SR-1", "0", "1.0"]


def _blank(v: str) -> bool:
    return v == "" or v.isspace()


def _by_cell(rows: list) -> tuple[dict, list]:
    """{column: expected values}, [(row, column) of cells expected unusable]: one cell at a time."""
    want = {"priority": [], "complex": [], "quality_ok": [], "customer": [], "engineer": []}
    bad = []
    kept = [r for r in rows if not all(_blank(v) for k, v in enumerate(r) if k != 1)]   # (受理时间 empty everywhere)
    for i, r in enumerate(kept):
        for name, j, kind in (("priority", 2, "priority"), ("complex", 3, "complex"), ("quality_ok", 4, "quality")):
            if _blank(r[j]):
                want[name].append(None)
                continue
            m = vocabulary.meaning(kind, r[j])
            want[name].append(m)
            if m is None:
                bad.append((i, name))
        for name, j in (("customer", 5), ("engineer", 6)):
            want[name].append(None if _blank(r[j]) else r[j].strip())
    return want, bad


@pytest.mark.parametrize("seed", range(12))
def test_text_columns_type_as_cell_by_cell(seed):
    rng = random.Random(seed)
    n = rng.choice([1, 7, 60, 400])
    rows = [[f"SR-{i}", "", *(rng.choice(WORDS) for _ in range(5))] for i in range(n)]
    if seed % 3 == 0:
        rows.append(["", "", " ", "", "\u3000", "", "  "])          # a row blank in every column: left out
    got = load("Tickets", HEAD, rows, issues=(issues := Issues()))
    want, bad = _by_cell(rows)
    df = got.df
    for name, values in want.items():
        col = df[name].astype(object).where(df[name].notna(), None).tolist()
        assert col == values, name
    got_bad = sorted((i, c) for c in want for i in np.flatnonzero(got.bad[c].to_numpy()))
    assert got_bad == sorted(bad)
    assert sum(1 for r in issues.rows if r["column"] in ("复杂问题", "质量达标", "优先级")) == len(bad)


def test_text_cells_only_for_columns_of_text():
    """A column with one number among its text is not a column of text: it takes the per-type path, where a
    number and a word that look alike stay apart (the number 1 is P1; a TRUE cell is yes in a yes/no column)."""
    a = np.array(["是", "否", 1.0, True], dtype=object)
    assert coerce.text_cells("complex", a, coerce._types(a)) is None
    t = np.array(["是", " "], dtype=object)
    assert coerce.text_cells("number", t, coerce._types(t)) is None      # not a kind read as text
    cells = coerce.text_cells("complex", t, coerce._types(t))
    assert cells.blank.tolist() == [False, True] and list(cells.uniq) == ["是", " "]
    got = load("Tickets", HEAD, [["SR-1", "", 1.0, "是", True, 7.0, "  "]], issues=Issues())
    assert got.df["priority"].tolist() == ["P1"] and got.df["customer"].tolist() == ["7"]
    assert got.df["quality_ok"].tolist() == [True] and not got.bad.drop(columns="opened_at").any().any() and got.df["engineer"].isna().all()
