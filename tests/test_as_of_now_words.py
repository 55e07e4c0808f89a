"""as_of typed as "now", "today", "现在", "今天" or =NOW() as text: its own message saying to leave as_of empty
for the current moment — on the command line (leave out --as-of) and in Excel (SP_AsOf empty, or =NOW() as
a formula). Empty as_of is the current moment; a date/time with 上午/下午 is read.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from excel_helpers import as_arg, call, sample_grids, serial, server_mode
from helpers import cli
from servicepledge.core.period import parse_as_of
from servicepledge.inputs.tables import InputError

SAMPLE = str(Path(__file__).resolve().parents[1] / "samples" / "servicepledge-sample.xlsx")
ZH_HINT = "要按当前时刻出报告，请让截至时间留空（命令行：不写 --as-of；Excel：SP_AsOf 单元格留空，或输入公式 =NOW()，而不是文字）"
EN_HINT = ("for the current moment leave as_of empty (command line: leave out --as-of; Excel: leave the SP_AsOf "
           "cell empty, or enter =NOW() as a formula, not as text)")


@pytest.mark.parametrize("word", ["now", "today", "NOW", " Today ", "现在", "今天", "NOW()", "=NOW()", "=today()",
                                  "当前时间"])
def test_now_words_get_their_own_message(word):
    with pytest.raises(InputError) as e:
        parse_as_of(word)
    zh, en = e.value.say("zh"), e.value.say("en")
    assert zh == (f"截至时间“{word.strip()}”是文字，不是日期时间：{ZH_HINT}；"
                  f"要指定某一时刻，请写成 2026-10-31 18:00 这样的日期时间（或日期）")
    assert en == (f"as_of '{word.strip()}' is a word, not a date/time: {EN_HINT}; "
                  f"for a given moment, write it as a date/time such as 2026-10-31 18:00 (or a date)")


@pytest.mark.parametrize("text", ["nowhere", "2026-10-31 now", "tomorrow", "昨天"])
def test_other_text_keeps_the_general_message(text):
    with pytest.raises(InputError) as e:
        parse_as_of(text)
    assert e.value.say("zh") == f"截至时间“{text}”不是日期时间：请写成 2026-10-31 18:00 这样的日期时间（或日期）"


def test_empty_as_of_is_the_current_moment():
    before = pd.Timestamp.now().floor("s")
    got = parse_as_of("")
    assert before <= got <= pd.Timestamp.now()


def test_cli_as_of_now_says_leave_it_out():
    p = cli("report", SAMPLE, "--as-of", "now", "--json")
    assert p.returncode == 2
    assert ZH_HINT in p.stderr and "Traceback" not in p.stderr
    assert p.stdout == ""
    p = cli("report", SAMPLE, "--as-of", "today", "--json", "--lang", "en")
    assert p.returncode == 2 and EN_HINT in p.stderr


def test_cli_as_of_with_a_twelve_hour_clock():
    a = cli("report", SAMPLE, "--as-of", "2026-10-31 下午6:00", "--period", "2026-10", "--json")
    b = cli("report", SAMPLE, "--as-of", "2026-10-31 18:00", "--period", "2026-10", "--json")
    assert a.returncode == 0, a.stderr
    da, db = json.loads(a.stdout), json.loads(b.stdout)
    assert da["as_of"] == db["as_of"] and da["as_of"] == "2026-10-31 18:00:00"
    da.pop("generated_at", None), db.pop("generated_at", None)
    assert da == db


def test_sp_kpis_as_of_now_says_leave_the_cell_empty():
    server_mode()
    from servicepledge.excel import functions as F
    grids = sample_grids()
    tables = [as_arg(grids[n]) for n in ("Tickets", "Complaints", "Staff", "FundLedger", "FundBudget", "Notices")]
    out = call(F, "SP_KPIS", *tables, "2026-10", "now")
    assert len(out) == 1 and len(out[0]) == 1
    assert out[0][0].startswith("#SP! ") and ZH_HINT in out[0][0]
    out = call(F, "SP_KPIS", *tables, "2026-10", "now", [["lang", "en"]])
    assert EN_HINT in out[0][0]
    # the SP_AsOf cell holding =NOW() as a formula sends its serial number: read as that moment
    moment = dt.datetime(2026, 10, 31, 18, 0)
    assert call(F, "SP_KPIS", *tables, "2026-10", serial(moment)) == \
        call(F, "SP_KPIS", *tables, "2026-10", "2026-10-31 18:00")
