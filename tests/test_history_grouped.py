"""The 12-month compliance history in one grouped pass (issue 12) counts what one pass per month counts."""
from __future__ import annotations

import numpy as np
import pandas as pd

from servicepledge.kpi import sla
from servicepledge.core.period import Period


def per_month(st, when, months):
    """The definition, month by month: rows whose `when` lies in the month and that have a status."""
    out = []
    for p in months:
        s = st.loc[(p.contains(when) & st["status"].notna()).to_numpy()]
        met, br, pe = ((s["status"] == k).sum() for k in (sla.MET, sla.BREACHED, sla.PENDING))
        out.append({"period": p.label, "total": int(met + br + pe), "met": int(met), "breached": int(br),
                    "pending": int(pe), "compliance": None if met + br == 0 else met / (met + br)})
    return out


def test_grouped_history_equals_month_by_month():
    rng = np.random.default_rng(12)
    n = 5000
    when = pd.Series(pd.Timestamp("2025-06-01") + pd.to_timedelta(rng.integers(0, 600 * 86400, n), unit="s"))
    when[rng.random(n) < 0.05] = pd.NaT                       # no start: in no month
    status = rng.choice(np.array([sla.MET, sla.BREACHED, sla.PENDING, None], dtype=object), n)
    st = pd.DataFrame({"status": status})
    months = Period.of_month(2026, 10).window(12)
    got = sla.by_month(st, when.astype("datetime64[us]"), months)
    assert got == per_month(st, when, months)
    assert sum(m["total"] for m in got) > 0
    # month edges: 2026-09-30 23:59:59 is September, 2026-10-01 00:00 is October
    edge = pd.Series(pd.to_datetime(["2026-09-30 23:59:59", "2026-10-01 00:00:00", "2026-11-01 00:00:00"]))
    e = sla.by_month(pd.DataFrame({"status": [sla.MET, sla.BREACHED, sla.MET]}), edge.astype("datetime64[us]"),
                     months)
    assert (e[-2]["met"], e[-1]["breached"], e[-1]["met"]) == (1, 1, 0)
    assert sla.by_month(pd.DataFrame({"status": []}, dtype=object), pd.Series([], dtype="datetime64[us]"),
                        months)[0]["total"] == 0
