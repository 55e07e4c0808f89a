"""The report buttons as xlwings Server serves them (project/custom_scripts imports this).

- build_report (生成报告 Build report): writes the fund disclosure and the whole report;
  needs the `finance` role (SERVICEPLEDGE_ROLE_FINANCE).
- refresh_kpis (刷新KPI公式 Refresh KPI sheet): rewrites the KPI formulas with the names this server
  registers (`settings.function_prefix()`); needs the `manager` role.

Both run in a worker thread. Input problems come back as one readable line (HTTP 400).
"""
from __future__ import annotations

import os

import xlwings as xw
from xlwings import script

from ..excel import scripts as _S
from . import offload, settings

ROLE_FINANCE = os.environ.get("SERVICEPLEDGE_ROLE_FINANCE", "finance")
ROLE_MANAGER = os.environ.get("SERVICEPLEDGE_ROLE_MANAGER", "manager")
__all__ = ["build_report", "refresh_kpis"]


def _roles(role: str):
    return [role] if settings.roles_enforced() else None


def _report(book, period, as_of):
    try:
        _S.build_report_into(book, period or None, as_of or None)
    except xw.XlwingsError:
        raise
    except Exception as e:      # one line, never a traceback (the add-in shows it in a dialog)
        raise xw.XlwingsError(f"servicepledge 无法生成报告 / could not build the report: "     # language unknown here
                              f"{type(e).__name__}: {e}") from None


def _refresh(book):
    _S.refresh_kpis_in(book, prefix=settings.function_prefix())


@script(name="生成报告 Build report", required_roles=_roles(ROLE_FINANCE))
async def build_report(book: xw.Book, period: str = "", as_of: str = ""):
    """Build the report (dashboard, breach register, fund disclosure, staffing, data issues,
    audit) into this workbook. Period and as-of: empty = the KPI sheet's cells, else the latest month
    and now."""
    await offload.run(_report, book, period, as_of)


@script(name="刷新KPI公式 Refresh KPI sheet", required_roles=_roles(ROLE_MANAGER))
async def refresh_kpis(book: xw.Book):
    """Rewrite the live SP_ formulas of the KPI sheet with the names this server registers and
    recalculate (use after adding the add-in or when cells show #NAME?)."""
    await offload.run(_refresh, book)
