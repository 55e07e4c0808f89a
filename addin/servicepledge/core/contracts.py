"""Several contracts (合同), each with its own terms (docs/DEFINITIONS.md §12).

A provider signs the commitment with many customers, often with other hours. The optional **Contracts**
table (合同) has one row per contract: 合同编号 (contract), 客户 (customer) and any Terms key as a column
(named as the key, or by its Chinese name: 首次响应时限, 计时方式, 上班时间 …). A blank cell keeps the
Terms sheet's value. Tickets and complaints name their contract in 合同编号; a row without one takes the
contract of its customer (when that customer has exactly one contract), a complaint without either takes
its linked ticket's. Every other row — a contract the table does not list, or none at all — is measured
by the Terms sheet's terms (the *default contract*) and counted in a warning.

With no Contracts rows there is one contract, the Terms sheet, and nothing changes.

How the figures use it: `ContractTerms` is the Terms sheet's `Terms` (so every provider-wide figure reads
it as before) that also carries each contract's `Terms`; `assign` writes the resolved contract id into
the tickets' and complaints' `contract` column; `groups` splits a table's rows by contract (one groupby,
never a loop over rows), and each group is measured with its own hours, time basis and calendar.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ..inputs.tables import Issues, Loaded
from .terms import CONTRACT_KEYS, Terms, TermsError, _check_consistency, _is_blank, parse_value

DEFAULT = ""          # id of the default contract (the Terms sheet)
_SHOWN = 5            # contract ids named in a warning, at most


@dataclass(frozen=True, eq=False)
class ContractTerms(Terms):
    """The Terms sheet's terms (read as usual: `terms["response_hours"]`) plus each contract's own."""
    contracts: tuple = ()       # ((contract id, Terms), ...): the default contract first, then the table's order

    def __hash__(self):
        return hash((Terms.__hash__(self), tuple((c, hash(t)) for c, t in self.contracts)))

    @property
    def ids(self) -> list[str]:
        return [c for c, _ in self.contracts]

    def of(self, contract) -> Terms:
        """The terms of one contract id; the default contract's for an unknown or blank one."""
        for c, t in self.contracts:
            if c == contract:
                return t
        return self.contracts[0][1]


def terms_of(terms, contract) -> Terms:
    """The terms that apply to `contract` (any Terms: a plain one applies to every contract)."""
    return terms.of(contract) if isinstance(terms, ContractTerms) else terms


def several(terms) -> bool:
    """True when the report has a Contracts table with at least one contract."""
    return isinstance(terms, ContractTerms) and len(terms.contracts) > 1


def build(table: Loaded | None, base: Terms) -> Terms:
    """`base` (the Terms sheet) with the contracts of the Contracts table; `base` itself without any.

    A Terms value a contract row gives that cannot be used stops the report, as in the Terms sheet:
    TermsError naming the table, the Excel row and the column."""
    if table is None or not len(table.df):
        return base
    df = table.df.loc[table.usable("contract") & table.df["contract"].notna()]
    if not len(df):
        return base
    out = [(DEFAULT, base)]
    for rec in df.to_dict("records"):        # one pass per contract (tens of rows), never per ticket
        values, given = dict(base.values), set(base.given)
        where = f"Contracts (合同) row {rec['_row']}"
        where_zh = f"合同表（Contracts）第 {rec['_row']} 行"
        for k in CONTRACT_KEYS:
            v = rec.get(k)
            if _is_blank(v):
                continue
            try:
                values[k] = parse_value(k, v)
            except TermsError as e:
                raise TermsError(f"{where}, column '{table.header(k)}': {e.say('en').replace('Terms ', '', 1)}",
                                 zh=f"{where_zh}，列“{table.header(k)}”：{e.say('zh').replace('承诺参数', '', 1)}") \
                    from None
            given.add(k)
        try:
            _check_consistency(values)
        except TermsError as e:
            raise TermsError(f"{where} (contract {rec['contract']}): {e.say('en')}",
                             zh=f"{where_zh}（合同 {rec['contract']}）：{e.say('zh')}") from None
        out.append((str(rec["contract"]), Terms(values, dict(base.overrides), frozenset(given))))
    return ContractTerms(dict(base.values), dict(base.overrides), base.given, tuple(out))


def _customers(table: Loaded | None) -> dict:
    """customer -> contract, for the customers the Contracts table names on exactly one contract."""
    if table is None or not len(table.df):
        return {}
    df = table.df.loc[table.usable("contract") & table.df["contract"].notna() & table.df["customer"].notna()]
    once = df.drop_duplicates("customer", keep=False)
    return dict(zip(once["customer"], once["contract"].astype(str)))


def assign(tables: dict, terms, period, issues: Issues) -> dict:
    """The tables with each ticket's and complaint's contract resolved (`contract` column: a contract id of
    the Contracts table, or DEFAULT). Input tables are never modified. Warns about the period's rows that
    name an unknown contract, and (when there are contracts) about rows that name none."""
    ids = set(terms.ids) - {DEFAULT} if isinstance(terms, ContractTerms) else set()
    by_customer = _customers(tables.get("Contracts"))
    out = dict(tables)
    link = None
    for name, start, customer_col in (("Tickets", "opened_at", "customer"), ("Complaints", "received_at", "customer")):
        t = tables.get(name)
        if t is None or "contract" not in t.df:
            continue
        df = t.df
        if not ids and not by_customer and not df["contract"].notna().any():
            continue     # no contract anywhere: every row is measured by the Terms sheet, nothing to warn about
        typed = df["contract"].astype(object).where(df["contract"].notna(), None)
        known = typed.isin(ids)
        unknown = typed.notna() & ~known
        resolved = typed.where(known, None)
        blank = typed.isna()
        if by_customer:
            resolved = resolved.where(~blank, df[customer_col].map(by_customer))
        if name == "Complaints" and link is not None and "ticket_id" in df:
            resolved = resolved.where(resolved.notna() | ~blank, df["ticket_id"].map(link))
        missing = resolved.isna() & blank
        resolved = resolved.where(resolved.notna(), DEFAULT).astype(object)
        if name == "Tickets" and (ids or by_customer):   # (otherwise no ticket resolves to a contract)
            ok = t.usable("ticket_id") & df["ticket_id"].notna()
            link = pd.Series(resolved[ok].to_numpy(), index=df.loc[ok, "ticket_id"]).replace(DEFAULT, None)
            link = link[~link.index.duplicated()].dropna()
        if len(df) and not (resolved == typed.fillna(DEFAULT)).all():
            out[name] = replace(t, df=df.assign(contract=resolved.to_numpy()))
        in_p = period.contains(df[start]).to_numpy()
        _warn_unknown(t, typed, unknown.to_numpy() & in_p, period, issues)
        if ids:
            _warn_missing(t, missing.to_numpy() & in_p, period, issues)
    return out


def _warn_unknown(t: Loaded, typed: pd.Series, rows: np.ndarray, period, issues: Issues) -> None:
    n = int(rows.sum())
    if not n:
        return
    names = list(dict.fromkeys(typed[rows]))
    shown = names[:_SHOWN]
    more_zh = f" 等 {len(names)} 个" if len(names) > _SHOWN else ""
    more_en = f" and {len(names) - _SHOWN} more" if len(names) > _SHOWN else ""
    col = t.header("contract")
    issues.add_many(t.table.name, t.df.loc[rows, "_row"], col,
                    ("合同编号不在合同表中；按承诺参数表的参数计算",
                     "contract not in the Contracts table; the Terms sheet's terms are used"))
    issues.warn("contract_unknown", t.table.name, "contract",
                f"{t.table.zh}在 {period.label} 有 {n} 行的{col}（{'、'.join(shown)}{more_zh}）不在合同表中，"
                f"按承诺参数表的条款（默认合同）计算：请在合同表中补上这些合同，或更正{col}",
                f"{t.table.name} has {n} {'row' if n == 1 else 'rows'} in {period.label} whose {col} "
                f"({', '.join(shown)}{more_en}) is not in the Contracts table; "
                f"{'it is' if n == 1 else 'they are'} measured by the Terms sheet (the default contract): "
                f"add the contracts to the Contracts table or correct the {col}")


def _warn_missing(t: Loaded, rows: np.ndarray, period, issues: Issues) -> None:
    n = int(rows.sum())
    if not n:
        return
    issues.warn("contract_missing", t.table.name, "contract",
                f"{t.table.zh}在 {period.label} 有 {n} 行没有合同编号，客户也不对应合同表中的唯一合同，"
                f"按承诺参数表的条款（默认合同）计算：如属某一合同，请填写合同编号",
                f"{t.table.name} has {n} {'row' if n == 1 else 'rows'} in {period.label} with no contract, and "
                f"no customer that the Contracts table names on exactly one contract; "
                f"{'it is' if n == 1 else 'they are'} measured by the Terms sheet (the default contract): "
                f"fill in the contract where one applies")


def codes(df: pd.DataFrame) -> np.ndarray:
    """Each row's contract id (DEFAULT when the table has no resolved contract)."""
    if "contract" not in df:
        return np.full(len(df), DEFAULT, dtype=object)
    col = df["contract"]
    vals = col.to_numpy(dtype=object)
    na = pd.isna(vals)
    if na.all():                  # no contract named (no Contracts table): every row the default, no text pass
        return np.full(len(df), DEFAULT, dtype=object)
    return col.where(col.notna(), DEFAULT).astype(str).to_numpy(dtype=object)


def groups(df: pd.DataFrame, terms) -> list[tuple[Terms, np.ndarray]] | None:
    """[(a contract's Terms, positions of its rows)] — one groupby over the contract ids; None when every row
    is measured by the same terms (no Contracts table)."""
    if not several(terms):
        return None
    idx = pd.Series(codes(df)).groupby(codes(df), sort=False).indices
    return [(terms.of(c), np.asarray(pos, dtype=np.int64)) for c, pos in idx.items()]


def per_row(values: pd.Series | np.ndarray, terms, key: str) -> np.ndarray:
    """terms[key] of each row's contract (`values` = contract ids), as a float array."""
    ids = np.asarray(values, dtype=object)
    if not several(terms):
        return np.full(len(ids), float(terms[key]))
    table = {c: float(t[key]) for c, t in terms.contracts}
    return pd.Series(ids).map(table).fillna(float(terms[key])).to_numpy(dtype="float64")
