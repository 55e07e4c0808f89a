"""The breach register (违约登记) of docs/DEFINITIONS.md §7: items, notices, severity, deadline, status, remedies."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..core import contracts
from ..core.period import Period
from ..inputs.tables import Loaded
from ..core.worktime import add_days

STATUSES = ("unnotified", "open", "overdue", "remedied", "remedied_late")
COLUMNS = ["ref_id", "source", "reasons", "due_from_source", "related_ids", "opened_at", "severity", "notice_id",
           "notice_date", "deadline", "remedied_on", "status", "service_fee", "direct_loss", "fee_reduction",
           "compensation", "customer", "contract"]


def _flag_bits(flags: dict, in_period: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Per row, which flags are set within the period, as the bits of one integer (flag k = bit k)."""
    bits, idx = np.zeros(len(in_period), dtype=np.int64), in_period.index
    for k, v in enumerate(flags.values()):
        f = v & in_period
        bits = bits | (f.to_numpy(dtype=bool, na_value=False).astype(np.int64) << k)
        idx = f.index
    return bits, idx


def _tuples(values: list) -> np.ndarray:
    """An object array holding the given tuples as its elements (not as a 2-D array)."""
    out = np.empty(len(values), dtype=object)
    for k, v in enumerate(values):
        out[k] = v
    return out


def _lists(bits: np.ndarray, names: list) -> np.ndarray:
    """Per row, the tuple of the names whose bit is set, in the order of `names` (decided once per distinct
    combination, not per row; rows with the same combination share one tuple: tuples never change in place,
    and no Python object is made per row)."""
    uniq, inv = np.unique(bits, return_inverse=True)
    combos = _tuples([tuple(n for k, n in enumerate(names) if c >> k & 1) for c in uniq.tolist()])
    return combos[inv.ravel()]


def _reasons(flags: dict, in_period: pd.Series, lean: bool = False) -> tuple[pd.Series, pd.Series]:
    """Rows of the period with at least one reason, and their reasons in a fixed order (lean: no reasons,
    an empty tuple per row, for figures that only count the items)."""
    bits, idx = _flag_bits(flags, in_period)
    hit = bits != 0
    names = _tuples([()])[np.zeros(int(hit.sum()), dtype=np.intp)] if lean else _lists(bits[hit], list(flags))
    return pd.Series(hit, index=idx), pd.Series(names, index=idx[hit], dtype=object)


def _codes(df: pd.DataFrame, hit: pd.Series) -> np.ndarray:
    """contracts.codes of the rows `hit` only (not of the whole table)."""
    h = hit.to_numpy()
    return contracts.codes(df.loc[h, ["contract"]]) if "contract" in df else contracts.codes(df)[h]


def _breached(rows: dict, metric: str) -> pd.Series:
    return rows[metric].breached


def _due_from_source(rows: dict, metrics, hit: pd.Series, in_period: pd.Series) -> pd.Series:
    """Per item row: the breached metrics judged against the source system's own due time (its due column)."""
    flags = {m: _breached(rows, m) & rows[m].rows.get("due_used", False) for m in metrics}
    bits, idx = _flag_bits(flags, in_period)
    h = hit.to_numpy()
    mine = bits[h] if idx.equals(hit.index) else pd.Series(bits, index=idx).reindex(hit.index[h], fill_value=0).to_numpy()
    return pd.Series(_lists(mine, list(flags)), index=hit.index[h], dtype=object)


def _ticket_items(tickets: Loaded, rows: dict, period: Period, lean: bool = False) -> pd.DataFrame:
    df = tickets.df
    in_p = period.contains(df["opened_at"]) & tickets.usable("ticket_id", "opened_at")
    quality_not_met = (df["quality_ok"] == False).fillna(False).astype(bool)  # noqa: E712 (nullable)
    hit, reasons = _reasons({"response": _breached(rows, "response"),
                             "initial_solution": _breached(rows, "initial_solution"),
                             "quality": quality_not_met}, in_p, lean)
    due = reasons if lean else _due_from_source(rows, ("response", "initial_solution"), hit, in_p)
    return pd.DataFrame({"ref_id": df.loc[hit, "ticket_id"], "source": "ticket", "reasons": reasons,
                         "due_from_source": due, "opened_at": df.loc[hit, "opened_at"], "customer": df.loc[hit, "customer"],
                         "contract": _codes(df, hit)})


def _complaint_items(complaints: Loaded, rows: dict, period: Period, lean: bool = False) -> pd.DataFrame:
    df = complaints.df
    in_p = period.contains(df["received_at"]) & complaints.usable("complaint_id", "received_at")
    hit, reasons = _reasons({m: _breached(rows, m) for m in ("accept", "progress", "final")}, in_p, lean)
    due = reasons if lean else _due_from_source(rows, ("accept", "progress", "final"), hit, in_p)
    return pd.DataFrame({"ref_id": df.loc[hit, "complaint_id"], "source": "complaint", "reasons": reasons,
                         "due_from_source": due, "opened_at": df.loc[hit, "received_at"], "customer": df.loc[hit, "customer"],
                         "ticket_link": df.loc[hit, "ticket_id"],
                         "contract": _codes(df, hit)})


def register(tickets: Loaded, complaints: Loaded, notices: Loaded, rows: dict, period: Period,
             as_of: pd.Timestamp, terms, lean: bool = False) -> pd.DataFrame:
    """One row per breach item (columns COLUMNS), ordered by source and id.

    One item per service order: a complaint about a ticket that is itself an item (both breached, or a
    notice on the ticket) is merged into the ticket's item, and complaints about the same ticket merge
    into one item (see `_one_per_order`), so the service fee is reduced once and one notice governs.

    `lean=True` (the comparison's other periods, which only count and total the items): the same items,
    severities, statuses and amounts, but `reasons` and `due_from_source` are not worked out (not for showing).
    """
    items = pd.concat([_ticket_items(tickets, rows, period, lean), _complaint_items(complaints, rows, period, lean)],
                      ignore_index=True)
    nd = notices.df.loc[notices.usable("notice_id", "notice_date") & notices.df["notice_date"].notna()]
    # (the items' ids tested against the few notices' ids, not the other way round: no hash of every item id)
    named = items["ref_id"].to_numpy(dtype=object)[items["ref_id"].isin(nd["ref_id"].to_numpy()).to_numpy(dtype=bool)]
    extra = nd[period.contains(nd["notice_date"]) & nd["ref_id"].notna() & ~nd["ref_id"].isin(named)]
    extra = extra.drop_duplicates("ref_id")
    if len(extra):
        ref = extra["ref_id"]
        # the first row of each id the notices name (only those rows: not a copy of the whole table)
        t_ids = _first_rows(tickets.df, "ticket_id", ref)
        c_ids = _first_rows(complaints.df, "complaint_id", ref)

        def look(col: pd.Series) -> pd.Series:   # (Series.map on an empty datetime column fails: reindex)
            return pd.Series(col.reindex(ref.to_numpy()).to_numpy(), index=ref.index)
        is_t, is_c = ref.isin(t_ids.index), ref.isin(c_ids.index)
        src = pd.Series("notice", index=ref.index, dtype=object).mask(is_c, "complaint").mask(is_t, "ticket")
        opened = look(t_ids["opened_at"]).where(is_t, look(c_ids["received_at"]))
        customer = look(t_ids["customer"]).where(is_t, look(c_ids["customer"]))
        link = look(c_ids["ticket_id"]).where(src == "complaint")
        t_con = pd.Series(contracts.codes(t_ids), index=t_ids.index)
        c_con = pd.Series(contracts.codes(c_ids), index=c_ids.index)
        con = look(t_con).where(is_t, look(c_con)).where(is_t | is_c, contracts.DEFAULT)
        items = pd.concat([items, pd.DataFrame({"ref_id": ref.to_numpy(), "source": src.to_numpy(),
                                                "reasons": [("notice",)] * len(extra),
                                                "due_from_source": [()] * len(extra),
                                                "opened_at": opened.to_numpy(), "customer": customer.to_numpy(),
                                                "ticket_link": link.to_numpy(),
                                                "contract": con.to_numpy()})],
                          ignore_index=True)
    for col in ("opened_at", "customer", "ticket_link"):
        if col not in items:
            items[col] = None
    items["contract"] = items["contract"].where(items["contract"].notna(), contracts.DEFAULT) \
        if "contract" in items else contracts.DEFAULT
    items, members = _one_per_order(items)
    n = _governing_notices(items, members, notices)
    items["notice_id"] = n["notice_id"]
    items["notice_date"] = n["notice_date"]
    items["remedied_on"] = n["remedied_on"]
    items["direct_loss"] = n["direct_loss"]
    derived = (n["core_obligation_failed"].fillna(False).astype(bool) | (n["direct_loss"].fillna(0) > 0))
    sev = n["severity"].where(n["severity"].notna(), derived.map({True: "major", False: "minor"}))
    items["severity"] = sev.where(n["notice_id"].notna(), "minor")
    items["deadline"] = _deadlines(items, terms)
    items["status"] = _status(items, as_of)
    items["service_fee"] = _fees(items, tickets)
    minor = items["severity"] == "minor"
    fee_ratio = contracts.per_row(items["contract"], terms, "minor_fee_reduction_ratio")
    loss_ratio = contracts.per_row(items["contract"], terms, "major_compensation_ratio")
    items["fee_reduction"] = (fee_ratio * items["service_fee"]).where(minor, 0.0)
    items["compensation"] = (loss_ratio * items["direct_loss"].fillna(0.0)).where(~minor, 0.0)
    src = items["source"].to_numpy(dtype=object)      # (np.select over the three sources: no per-row mapping)
    order = np.select([src == "ticket", src == "complaint", src == "notice"], [0, 1, 2], 3)
    return items.iloc[_by_source_and_id(order, items["ref_id"])].reset_index(drop=True)[COLUMNS + ["ticket_link"]]


def _by_source_and_id(order: np.ndarray, ref: pd.Series) -> np.ndarray:
    """Positions that sort the items by source, then id (a stable sort: equal ids keep their order).

    Ids that are all text (the usual case) are sorted as fixed-width text by numpy, which orders them as
    Python does (by code point) and is several times faster than sorting Python strings; anything else
    (numbers, blanks, ids too long for a compact fixed-width copy) is sorted by pandas, as before."""
    ids = ref.to_numpy(dtype=object)
    if len(ids) and pd.api.types.infer_dtype(ids, skipna=False) == "string" \
            and max(map(len, ids)) * len(ids) <= 16_000_000 \
            and not any(x.endswith("\0") for x in ids):     # (numpy text drops trailing NUL characters)
        return np.lexsort((ids.astype(str), order))
    frame = pd.DataFrame({"_o": order, "ref_id": ref.reset_index(drop=True)})
    return frame.sort_values(["_o", "ref_id"]).index.to_numpy()


def _first_rows(df: pd.DataFrame, id_col: str, ids: pd.Series) -> pd.DataFrame:
    """The first row of each of `ids` in `df`, indexed by the id (ids not in `df` are left out)."""
    return df.loc[df[id_col].isin(ids.to_numpy()).to_numpy(dtype=bool)].drop_duplicates(id_col).set_index(id_col)


REASON_ORDER = ("response", "initial_solution", "quality", "accept", "progress", "final")


def _one_per_order(items: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Merge the items of one service order (a ticket and the complaints about it) into one item.

    The service order of a ticket item is the ticket; of a complaint item, the ticket it names (its own id
    when it names none); of an item only a notice on an unknown id created, that id. The merged item is the
    ticket's item when the ticket is an item, else the earliest complaint's (ties: the lower id); it lists
    every reason of its members (in REASON_ORDER; "notice" only when no member has another reason) and
    the other members' ids in `related_ids`. Also returns (item label, member id) pairs, for the notices.
    """
    items = items.reset_index(drop=True)
    src, ref, link = items["source"], items["ref_id"].astype(str), items["ticket_link"]
    key = ("t:" + ref).where(src == "ticket", ("t:" + link.astype(str)).where(link.notna(), "c:" + ref))
    key = key.where(src != "notice", "n:" + ref)
    members = pd.DataFrame({"_item": items.index, "ref_id": items["ref_id"].to_numpy()})
    related, primary = np.empty(len(items), dtype=object), {}
    related.fill(())                      # (one shared empty tuple: tuples never change in place)
    dup = key.duplicated(keep=False)
    if dup.any():
        # only the orders with several items: sort them, then a plain loop over those few rows
        sub = items.loc[dup].assign(_key=key[dup], _rank=src[dup].map({"ticket": 0, "complaint": 1, "notice": 2}),
                                    _opened=pd.to_datetime(items.loc[dup, "opened_at"]))
        sub = sub.sort_values(["_key", "_rank", "_opened", "ref_id"], na_position="last", kind="stable")
        firsts = sub.drop_duplicates("_key")
        primary = dict(zip(firsts["_key"], firsts.index))
        groups: dict = {}
        for k, r, rs, ds in zip(sub["_key"], sub["ref_id"], sub["reasons"], sub["due_from_source"]):
            g = groups.setdefault(k, ([], set(), set()))
            g[0].append(r)
            g[1].update(rs)
            g[2].update(ds)
        reasons, dues = items["reasons"].tolist(), items["due_from_source"].tolist()
        for k, (ids, got, due) in groups.items():
            i = primary[k]
            reasons[i] = tuple(x for x in REASON_ORDER if x in got) or ("notice",)
            dues[i] = tuple(x for x in REASON_ORDER if x in due)
            related[i] = tuple(sorted(ids[1:]))
        items["reasons"] = pd.Series(reasons, index=items.index, dtype=object)
        items["due_from_source"] = pd.Series(dues, index=items.index, dtype=object)
        members.loc[dup.to_numpy(), "_item"] = key[dup].map(primary).to_numpy()
    items["related_ids"] = pd.Series(related, index=items.index, dtype=object)
    keep = ~dup | items.index.isin(list(primary.values()))
    return items.loc[keep], members


def _governing_notices(items: pd.DataFrame, members: pd.DataFrame, notices: Loaded) -> pd.DataFrame:
    """Per item, the notice that governs it: the latest written notice (by notice date, then the later row)
    on any of its members (the ticket or the complaints about it). Columns of Notices, item index."""
    df = notices.df.loc[notices.usable("notice_id", "notice_date") & notices.df["notice_date"].notna()]
    hits = members.merge(df, on="ref_id", how="inner").sort_values(["notice_date", "_row"], kind="stable")
    latest = hits.drop_duplicates("_item", keep="last").set_index("_item")
    return latest.reindex(items.index)


def warn_uncertain_severity(reg: pd.DataFrame, notices: Loaded, issues) -> None:
    """A register item whose severity rests on an unreadable notice cell (违约等级, or 核心义务未履行 when
    the severity is blank and no loss is stated) was derived, not read: name the notices on the dashboard."""
    df, bad = notices.df, notices.bad
    unsure = (bad["severity"] & df["severity"].isna()) | \
        (df["severity"].isna() & bad["core_obligation_failed"] & ~(df["direct_loss"].fillna(0) > 0))
    ids = df.loc[unsure, "notice_id"]
    used = reg.loc[reg["notice_id"].isin(ids), ["notice_id", "severity"]]
    if not len(used):
        return
    zh_sev, en_list = {"minor": "轻微", "major": "重大"}, []
    zh_list = []
    for nid, sev in used.itertuples(index=False):
        zh_list.append(f"{nid}（按{zh_sev.get(sev, sev)}）")
        en_list.append(f"{nid} ({sev})")
    issues.warn("severity_uncertain", "Notices", "severity",
                "违约通知 " + "、".join(zh_list) + " 的违约等级或核心义务未履行一栏无法识别，违约等级由其他栏推定，"
                "整改期限、减免与赔偿可能不同：请核对并更正（见数据问题）",
                "Notices " + ", ".join(en_list) + ": the severity or core-obligation cell could not be read, so the "
                "severity was derived from the other cells and the deadline, reduction and compensation may differ: "
                "check and correct them (see the data issues)")


def _deadlines(items: pd.DataFrame, terms) -> pd.Series:
    """notice_date + the item's contract's days (minor_rectify_days / major_solution_days, in its day_basis)."""
    out = pd.Series(pd.NaT, index=items.index, dtype="datetime64[us]")
    split = contracts.groups(items, terms) or [(terms, np.arange(len(items)))]
    for tm, pos in split:
        sub = pd.Series(False, index=items.index)
        sub.iloc[pos] = True
        for sev, key in (("minor", "minor_rectify_days"), ("major", "major_solution_days")):
            m = sub & (items["severity"] == sev) & items["notice_date"].notna()
            if m.any():
                out[m] = pd.to_datetime(add_days(items.loc[m, "notice_date"], int(tm[key]), tm)).astype(out.dtype)
    return out


def _status(items: pd.DataFrame, as_of: pd.Timestamp) -> pd.Series:
    today = as_of.normalize()
    rem, dl = items["remedied_on"], items["deadline"]
    st = pd.Series("open", index=items.index, dtype=object)
    st[rem.isna() & (today > dl)] = "overdue"
    st[rem.notna() & (rem <= dl)] = "remedied"
    st[rem.notna() & (rem > dl)] = "remedied_late"
    st[items["notice_id"].isna()] = "unnotified"
    return st


def _fees(items: pd.DataFrame, tickets: Loaded) -> pd.Series:
    """service_fee of the item's ticket (a complaint's linked ticket); none -> 0."""
    ticket = items["ref_id"].where(items["source"] == "ticket", items["ticket_link"])
    df = tickets.df
    want = ticket.to_numpy(dtype=object)
    want = want[~pd.isna(want)]
    ok = tickets.usable("ticket_id", "service_fee").to_numpy()
    if len(want) * 4 < len(df):
        # few items (a month's): only the tickets some item names; a membership test against the few item
        # ids is cheaper than hashing every ticket id, and the other rows could never be looked up anyway
        ok = ok & df["ticket_id"].isin(want).to_numpy(dtype=bool)
    ids = df["ticket_id"].to_numpy(dtype=object)[ok]
    fee = df["service_fee"].to_numpy(dtype="float64", na_value=np.nan)[ok]
    # one hash pass over the tickets' ids and the items' together: the same code = the same ticket id
    codes, uniq = pd.factorize(np.concatenate([ids, ticket.to_numpy(dtype=object)]), use_na_sentinel=True)
    mine, theirs = codes[:len(ids)], codes[len(ids):]
    first = np.full(len(uniq) + 1, -1, dtype=np.int64)     # per id, the first usable row with it (-1: none)
    rows = np.arange(len(ids), dtype=np.int64)[mine >= 0]
    first[mine[mine >= 0][::-1]] = rows[::-1]                # written last to first: the first row wins
    pos = first[np.where(theirs >= 0, theirs, len(uniq))]
    out = np.where(pos >= 0, fee[np.maximum(pos, 0)] if len(fee) else np.nan, np.nan)
    return pd.Series(out, index=items.index, dtype="float64").fillna(0.0)


def summary(items: pd.DataFrame) -> dict:
    sev = items["severity"].value_counts()
    st = items["status"].value_counts()
    return {
        "total": int(len(items)),
        "minor": int(sev.get("minor", 0)),
        "major": int(sev.get("major", 0)),
        "open": int(st.get("open", 0)),
        "overdue": int(st.get("overdue", 0)),
        "unnotified": int(st.get("unnotified", 0)),
        "remedied": int(st.get("remedied", 0)),
        "remedied_late": int(st.get("remedied_late", 0)),
        "fee_reduction_total": round(float(items["fee_reduction"].sum()), 2),
        "compensation_total": round(float(items["compensation"].sum()), 2),
    }
