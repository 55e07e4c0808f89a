"""The SP_ functions' contract filter (issue 11) through xlwings' custom_functions_call, with arguments shaped as
Excel sends them (2-D lists, dates as serial numbers, empty cells ""): each contract's figures equal the
command line's per-contract JSON of the same workbook (tests/test_contracts.py works them out by hand)."""
from __future__ import annotations

import json

import pytest

from excel_helpers import date_system  # noqa: F401 (pytest fixture)
from excel_helpers import as_arg, call, server_mode
from helpers import cli
from test_contracts import AS_OF, COMPLAINTS, CONTRACTS, NOTICES, PERIOD, TICKETS, _book

xw = server_mode()
from servicepledge.excel import functions as F  # noqa: E402

T, C, N, K = (as_arg(g) for g in (TICKETS, COMPLAINTS, NOTICES, CONTRACTS))


@pytest.fixture(scope="module")
def by_contract(tmp_path_factory):
    path = _book(tmp_path_factory.mktemp("cx") / "contracts.xlsx")
    res = cli("report", str(path), "--period", PERIOD, "--as-of", AS_OF, "--json")
    assert res.returncode == 0, res.stderr
    return {e["contract"] or "default": e for e in json.loads(res.stdout)["contracts"]}


@pytest.mark.parametrize("contract", ["A", "B", "default"])
def test_compliance_per_contract_equals_the_cli(by_contract, contract):
    got = call(F, "SP_COMPLIANCE", T, [[PERIOD]], [[""]], [[AS_OF]], [[""]], [[contract]], K)
    assert got[0][0] == pytest.approx(by_contract[contract]["response"]["compliance"])
    assert got[0][0] == pytest.approx({"A": 1 / 2, "B": 2 / 3, "default": 1 / 2}[contract])   # by hand


def test_compliance_without_a_contract_is_the_whole_report():
    got = call(F, "SP_COMPLIANCE", T, [[PERIOD]], [[""]], [[AS_OF]], [[""]], [[""]], K)
    assert got[0][0] == pytest.approx(4 / 7)


def test_complaints_per_contract_equals_the_cli(by_contract):
    got = call(F, "SP_COMPLAINTS", C, [[PERIOD]], [[AS_OF]], [[""]], [["B"]], K)
    want = by_contract["B"]["complaints"]
    # header, then accept / progress / final with total, met, breached, pending, compliance, ...
    for row, m in zip(got[1:], ("accept", "progress", "final")):
        assert row[1:6] == [want[m]["total"], want[m]["met"], want[m]["breached"], want[m]["pending"],
                            pytest.approx(want[m]["compliance"])]
    assert got[1][1:4] == [2, 1, 1]               # K1 accepted in 0.83 business hours, K3 in 1.5 (> 1 h)


def test_complaint_without_contract_or_customer_needs_its_ticket():
    """K2 names neither a contract nor a customer: the report follows its ticket T2 to contract A, but
    SP_COMPLAINTS has no tickets argument, so there K2 is the default contract's (documented rule)."""
    a = call(F, "SP_COMPLAINTS", C, [[PERIOD]], [[AS_OF]], [[""]], [["A"]], K)
    d = call(F, "SP_COMPLAINTS", C, [[PERIOD]], [[AS_OF]], [[""]], [["default"]], K)
    assert a[1][1:4] == [0, 0, 0] and d[1][1:4] == [1, 1, 0]


@pytest.mark.parametrize("contract", ["A", "B"])
def test_breaches_per_contract_equals_the_cli(by_contract, contract):
    got = call(F, "SP_BREACHES", T, C, N, [[PERIOD]], [[AS_OF]], [[""]], [[contract]], K)
    ids = sorted(r[0] for r in got[1:])
    assert ids == {"A": ["T2"], "B": ["K3", "T4"]}[contract]
    assert len(got) - 1 == by_contract[contract]["breaches"]["total"]


def test_kpis_per_contract(by_contract):
    got = call(F, "SP_KPIS", T, C, "", "", "", N, [[PERIOD]], [[AS_OF]], [[""]], [["B"]], K)
    first = got[1]                               # the first response compliance row
    assert first[1] == pytest.approx(by_contract["B"]["response"]["compliance"])


def test_unknown_contract_is_one_line():
    got = call(F, "SP_COMPLIANCE", T, [[PERIOD]], [[""]], [[AS_OF]], [[""]], [["Z-9"]], K)
    assert got[0][0] == "#SP! 合同“Z-9”不在合同表（Contracts）中；请用其中之一：A、B"      # no terms lang: zh
    got = call(F, "SP_COMPLIANCE", T, [[PERIOD]], [[""]], [[AS_OF]], [[""]], [["A"]], "")
    assert got[0][0].startswith("#SP! 合同“A”：请在其后传入合同表（Contracts）")
