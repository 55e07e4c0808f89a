"""The report's four charts (matplotlib, Agg), one module for the headless workbook and for Excel.

- `chart_data(kind, report)` -> DataFrame: the numbers behind a chart, taken from the report as
  computed by the engine (report.history, report.staffing, report.doc) — nothing is recomputed.
- `figure(kind, report, lang=None, size=None)` -> matplotlib Figure, built from `chart_data` only.
  SP_CHART returns it (xlwings Lite/Server show it in the cell); classic xlwings passes it to
  `sheet.pictures.add(fig, name=..., update=True, anchor=...)`.
- `add_to_workbook(wb, report, models)`: the pictures on the dashboard, where xlsx reserved room.

Kinds: 'compliance', 'turnover', 'fund', 'breaches'. Colours live in PALETTE (also used by the
sheet writer): met green, breached red, pending grey; targets and thresholds are dashed lines
labelled with their value. matplotlib is imported only when a chart is drawn, never via pyplot.
"""
from __future__ import annotations

import math
from io import BytesIO

import numpy as np
import pandas as pd

from . import fonts
from .labels import t

KINDS = ("compliance", "turnover", "fund", "breaches")
ALIASES = {"sla": "compliance", "达标率": "compliance", "时效": "compliance", "流失率": "turnover",
           "人员": "turnover", "基金": "fund", "违约": "breaches"}
METRICS = ("response", "initial_solution", "accept", "progress", "final")
STATUS_ORDER = ("overdue", "open", "unnotified", "remedied_late", "remedied")

PALETTE = {
    "met": "#2E9E5B", "breached": "#D9443C", "pending": "#9E9E9E",
    "met_light": "#DDF2E3", "breached_light": "#F9DCDA", "pending_light": "#EDEDED",
    "primary": "#1F4E78", "secondary": "#9DC3E6", "line": "#404040", "grid": "#E6E6E6",
    "late": "#E6A23C", "late_light": "#FBE9CC", "unnotified": "#C8C8C8", "muted": "#595959",
}
STATUS_COLORS = {"remedied": PALETTE["met"], "remedied_late": PALETTE["late"], "open": PALETTE["pending"],
                 "overdue": PALETTE["breached"], "unnotified": PALETTE["unnotified"]}
SIZES = {"compliance": (10.0, 4.6), "turnover": (5.6, 3.6), "fund": (5.6, 3.6), "breaches": (5.6, 3.6)}
DPI = 110            # pictures in the workbook: sharp on screen and in print, small files
SCREEN_DPI = 96      # Excel/LibreOffice pixels per inch of a picture's displayed size


def kind_of(kind) -> str:
    """'compliance' | 'turnover' | 'fund' | 'breaches' (also Chinese aliases); ValueError otherwise."""
    k = str(kind or "").strip()
    k = ALIASES.get(k, ALIASES.get(k.lower(), k.lower()))
    if k not in KINDS:
        from ..inputs.tables import InputError      # a ValueError that knows both wordings
        raise InputError(f"unknown chart '{kind}'; use one of {', '.join(KINDS)}",
                         zh=f"无法识别的图表“{kind}”；请用 {'、'.join(KINDS)}（达标率、流失率、基金、违约）")
    return k


# ---------------------------------------------------------------- data behind each chart

def chart_data(kind, report) -> pd.DataFrame:
    """The numbers a chart shows, one row per plotted point/bar (language-independent keys)."""
    return _DATA[kind_of(kind)](report)


def _nan(x):
    return np.nan if x is None else x


def _compliance_data(r) -> pd.DataFrame:
    cols = ["metric", "period", "total", "met", "breached", "pending", "compliance", "target"]
    rows = [[m, h["period"], h["total"], h["met"], h["breached"], h["pending"], _nan(h["compliance"]), 1.0]
            for m in METRICS for h in r.history.get(m, [])]
    df = pd.DataFrame(rows, columns=cols)
    return df.astype({"compliance": float, "target": float})


def _turnover_data(r) -> pd.DataFrame:
    df = r.staffing[["period", "separations", "average_headcount", "rate", "rolling_rate", "threshold"]]
    df = df.astype({"rate": float, "rolling_rate": float, "threshold": float}).reset_index(drop=True)
    df["exceeded"] = df["rolling_rate"] > df["threshold"]
    return df


def _fund_data(r) -> pd.DataFrame:
    cols = ["category", "budget", "spent_period", "spent_ytd", "utilization", "flagged"]
    rows = [[c["category"], _nan(c["budget"]), c["spent_period"], c["spent_ytd"], _nan(c["utilization"]),
             bool(c["flagged"])] for c in r.doc["fund"]["categories"]]
    return pd.DataFrame(rows, columns=cols).astype({"budget": float, "spent_ytd": float, "utilization": float})


def _breaches_data(r) -> pd.DataFrame:
    items = r.doc["breaches"]["items"]
    rows = []
    for s in STATUS_ORDER:
        minor = sum(1 for i in items if i["status"] == s and i["severity"] == "minor")
        major = sum(1 for i in items if i["status"] == s and i["severity"] == "major")
        rows.append([s, minor, major, minor + major])
    return pd.DataFrame(rows, columns=["status", "minor", "major", "total"])


_DATA = {"compliance": _compliance_data, "turnover": _turnover_data, "fund": _fund_data,
         "breaches": _breaches_data}


# ---------------------------------------------------------------- figures

def _mpl():
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    return matplotlib, Figure, FigureCanvasAgg


def figure(kind, report, lang: str | None = None, size: tuple | None = None):
    """The chart `kind` of `report` as a matplotlib Figure (Agg canvas, no pyplot state).

    lang: 'zh' | 'en' (default: the report's); Chinese falls back to English with one warning
    line when no CJK font is installed. size: (width, height) in inches.
    """
    kind = kind_of(kind)
    lang = fonts.chart_lang(lang or report.lang)
    mpl, Figure, Canvas = _mpl()
    fam = fonts.families(lang)
    rc = {"font.family": fam, "font.size": 8.5, "axes.unicode_minus": False, "axes.spines.top": False,
          "axes.spines.right": False, "axes.edgecolor": "#8C8C8C", "axes.titlesize": 9.5,
          "axes.titleweight": "bold", "axes.titlecolor": "#262626", "legend.frameon": False,
          "legend.fontsize": 7.5, "xtick.labelsize": 7.5, "ytick.labelsize": 7.5,
          "xtick.color": "#404040", "ytick.color": "#404040", "svg.fonttype": "none"}
    with mpl.rc_context(rc):
        fig = Figure(figsize=size or SIZES[kind], dpi=100, layout="constrained", facecolor="white")
        Canvas(fig)
        _DRAW[kind](fig, chart_data(kind, report), report, lang)
    _literal(fig)
    from matplotlib.text import Text
    fam = fonts.cover(_shown_text(fig), fam)   # + installed fonts for characters the list lacks (or a warning)
    for ax in fig.axes:   # tick labels are made at draw time, after the rc context: fix their font
        ax.tick_params(labelfontfamily=fam)
    for txt in fig.findobj(Text):
        txt.set_fontfamily(fam)
    fig.sp_kind, fig.sp_lang = kind, lang
    return fig


def _dollars(text) -> str:
    return str(text).replace("$", r"\$")


def _literal(fig) -> None:
    """Every text of the figure is drawn as written, never as math markup: a fund category '成本$x^2$'
    shows its dollar signs. The one place for it: titles, annotations, legends and axis labels (Text
    objects) and the tick labels (category and month names, made again from the axis' formatter when
    drawn) get each '$' escaped as matplotlib reads it (an escaped '$' is drawn as '$')."""
    from matplotlib.text import Text
    from matplotlib.ticker import FixedFormatter, FuncFormatter
    for txt in fig.findobj(Text):
        s = txt.get_text()
        if "$" in s:
            txt.set_text(_dollars(s))
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for fmt in (axis.get_major_formatter(), axis.get_minor_formatter()):
                if isinstance(fmt, FixedFormatter):
                    fmt.seq = [_dollars(v) for v in fmt.seq]
                elif isinstance(fmt, FuncFormatter) and not getattr(fmt.func, "sp_literal", False):
                    fmt.func = _escaped(fmt.func)


def _escaped(func):
    def literal(*a, **k):
        return _dollars(func(*a, **k))
    literal.sp_literal = True
    return literal


def _shown_text(fig) -> str:
    """Every text the figure will draw: titles, annotations, legends and the fixed tick labels
    (category and month names, which exist as Text objects only once drawn)."""
    from matplotlib.text import Text
    from matplotlib.ticker import FixedFormatter
    parts = [t.get_text() for t in fig.findobj(Text)]
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            fmt = axis.get_major_formatter()
            if isinstance(fmt, FixedFormatter):
                parts.extend(map(str, fmt.seq))
    return "".join(parts)


def png_bytes(fig, dpi: int = DPI) -> bytes:
    buf = BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, facecolor="white")
    return buf.getvalue()


def _pct(v, decimals=0) -> str:
    return f"{v:.{decimals}%}"


def _month_labels(periods, lang, every: int = 1) -> list[str]:
    """Tick labels of the months `periods` ('2026-10', …): the month's name, and under the first label and
    the first of each new year the year (a 12-month window crosses a new year; a longer range repeats month
    names). `every`: label one month in `every`, the last month always among them (others are blank)."""
    n = len(periods)
    out, year = [], None
    for i, p in enumerate(periods):
        if (n - 1 - i) % every:
            out.append("")
            continue
        lab = t(f"month.{int(p[5:7])}", lang)
        if p[:4] != year:
            year = p[:4]
            lab += f"\n{year}年" if lang == "zh" else f"\n{year}"
        out.append(lab)
    return out


def _style(ax, grid_axis="y"):
    ax.grid(axis=grid_axis, color=PALETTE["grid"], lw=0.8)
    ax.set_axisbelow(True)


def _title(fig, text):
    """The chart's title across the whole picture, left-aligned (more room than above the axes)."""
    size = 11 if fig.get_figwidth() >= 7 else 10
    fig.suptitle(text, fontsize=size, fontweight="bold", x=0.015, ha="left", color="#262626")


def _no_data(ax, lang):
    ax.text(0.5, 0.5, t("no_data_chart", lang), ha="center", va="center", transform=ax.transAxes,
            color=PALETTE["muted"], fontsize=9)


def _dashed(ax, y, text, gid, horizontal=True):
    """A target/threshold: dashed dark line with its value written at the right end."""
    ax.axhline(y, ls="--", lw=1.1, color=PALETTE["line"], gid=gid, zorder=1.5)
    ax.annotate(text, xy=(1, y), xycoords=("axes fraction", "data"), xytext=(-2, 3.5), textcoords="offset points",
                ha="right", va="bottom", fontsize=7, color=PALETTE["line"])


def period_span(labels, r) -> tuple[int, int] | None:
    """First and last index of the report period's months among the chart's month labels (None: not shown)."""
    mine = {p.label for p in r.period.months()}
    idx = [i for i, lab in enumerate(labels) if lab in mine]
    return (idx[0], idx[-1]) if idx else None


def _mark_period(ax, labels, r):
    """The report period as a shaded span over its months (a month: one column; a quarter: three …)."""
    span = period_span(list(labels), r)
    if span is not None:
        ax.axvspan(span[0] - 0.5, span[1] + 0.5, color=PALETTE["secondary"], alpha=0.18, lw=0, zorder=0,
                   gid="period")


def compliance_ylim(y) -> tuple[float, float]:
    """The y-range of a 12-month compliance panel: from the data, never a fixed floor. The lowest month
    sits at least 12% of the range above the axis (room for its label) and the bottom is a 10% step
    (a 50% month: 40%..109.6%); above 100% there is room for the target's label."""
    y = np.asarray(y, float)
    low = float(np.nanmin(y)) if np.isfinite(y).any() else 0.8
    low = min(low, 0.9)
    span = 1.0 - low
    bottom = max(0.0, math.floor((low - max(0.12 * span, 0.04)) * 10 + 1e-9) / 10)
    return bottom, 1.0 + max(0.16 * (1.0 - bottom), 0.08)


def _draw_compliance(fig, df, r, lang):
    from matplotlib.lines import Line2D
    from matplotlib.ticker import PercentFormatter
    axes = fig.subplots(2, 3, sharex=True)
    periods = list(dict.fromkeys(df["period"]))
    x = np.arange(len(periods))
    months = _month_labels(periods, lang, every=2)
    for ax, m in zip(axes.flat, METRICS):
        d = df[df["metric"] == m]
        y = d["compliance"].to_numpy(float)
        _style(ax)
        ax.set_title(t(m, lang), loc="left")
        _mark_period(ax, periods, r)
        ok = np.isfinite(y)
        if not ok.any():
            _no_data(ax, lang)
        ax.plot(x, y, color=PALETTE["primary"], lw=1.6, gid=f"compliance:{m}", zorder=2)
        colors = [PALETTE["met"] if b == 0 else PALETTE["breached"] for b in d["breached"]]
        ax.scatter(x[ok], y[ok], c=[c for c, k in zip(colors, ok) if k], s=20, zorder=3, gid=f"months:{m}",
                   edgecolors="white", linewidths=0.6)
        _dashed(ax, 1.0, t("line.target", lang, v="100%"), f"target:{m}")
        bottom, top = compliance_ylim(y)
        ax.set_ylim(bottom, top)
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        if ok.any():
            last = np.flatnonzero(ok)[-1]
            # below the point (the target's label is above the 100% line), unless the point is in the lower
            # half of the range: then above it, never on the axis
            up = y[last] < (bottom + top) / 2
            ax.annotate(_pct(y[last], 1), (x[last], y[last]), xytext=(0, 6 if up else -6),
                        textcoords="offset points", ha="center", va="bottom" if up else "top", fontsize=7,
                        color=PALETTE["primary"], fontweight="bold", gid=f"last:{m}", zorder=5,
                        bbox=dict(boxstyle="square,pad=0.1", fc="white", ec="none", alpha=0.85))
        ax.set_xticks(x, months)
        ax.tick_params(axis="x", labelbottom=True)
    legend_ax = axes.flat[-1]
    legend_ax.axis("off")
    dot = dict(marker="o", lw=0, markersize=6, markeredgecolor="white")
    handles = [Line2D([], [], color=PALETTE["met"], label=t("month_ok", lang), **dot),
               Line2D([], [], color=PALETTE["breached"], label=t("month_breach", lang), **dot),
               Line2D([], [], color=PALETTE["line"], ls="--", label=t("line.target", lang, v="100%"))]
    legend_ax.legend(handles=handles, loc="center left", fontsize=8.5, title=f"{periods[0]} – {periods[-1]}"
                     if periods else None, title_fontsize=8.5, alignment="left")
    _title(fig, t("chart.compliance", lang, n=len(periods)))      # the window shown: 12, or a longer range


def _draw_turnover(fig, df, r, lang):
    from matplotlib.ticker import PercentFormatter
    ax = fig.subplots()
    _style(ax)
    x = np.arange(len(df))
    n = int(r.terms["turnover_window_months"])
    _mark_period(ax, df["period"], r)
    ax.bar(x, df["rate"].to_numpy(float), width=0.6, color=PALETTE["secondary"], label=t("monthly", lang),
           gid="rate")
    roll = df["rolling_rate"].to_numpy(float)
    ax.plot(x, roll, color=PALETTE["primary"], lw=1.8, label=t("rolling_n", lang, n=n), gid="rolling", zorder=3)
    ax.scatter(x, roll, c=[PALETTE["breached"] if e else PALETTE["met"] for e in df["exceeded"]], s=22,
               zorder=4, edgecolors="white", linewidths=0.6, gid="rolling_points")
    thr = float(df["threshold"].iloc[-1]) if len(df) else float(r.terms["turnover_threshold"])
    _dashed(ax, thr, t("line.threshold", lang, v=_pct(thr)), "threshold")
    rate = df["rate"].to_numpy(float)
    top = np.nanmax(np.r_[roll, rate, thr]) if len(df) else thr
    ax.set_ylim(0, max(top * 1.3, thr * 1.3, 0.05))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_xticks(x, _month_labels(df["period"], lang))
    if len(df) and np.isfinite(roll[-1]):
        # above the higher of the point and the month's bar, on white: never hidden behind the bar
        above = np.nanmax([roll[-1], rate[-1] if np.isfinite(rate[-1]) else 0.0])
        ax.annotate(_pct(roll[-1], 1), (x[-1], above), xytext=(0, 6), textcoords="offset points",
                    ha="center", va="bottom", fontsize=7.5, fontweight="bold", zorder=6, gid="last_rolling",
                    color=PALETTE["breached"] if df["exceeded"].iloc[-1] else PALETTE["met"],
                    bbox=dict(boxstyle="square,pad=0.1", fc="white", ec="none", alpha=0.85))
    if not np.isfinite(roll).any():
        _no_data(ax, lang)
    ax.legend(loc="upper left", ncols=2)
    _title(fig, t("chart.turnover", lang, n=n))


def _money_formatter(lang):
    from matplotlib.ticker import FuncFormatter
    if lang == "zh":
        return FuncFormatter(lambda v, _: f"{v / 1e4:,.0f}{t('unit.wan', lang)}" if v else "0")
    return FuncFormatter(lambda v, _: (f"¥{v / 1e6:,.1f}M" if abs(v) >= 1e6 else f"¥{v / 1e3:,.0f}k") if v else "0")


def category_label(cat, lang, i=0) -> str:
    """A fund category as the chart shows it: the commitment's categories translated, others as
    written (or 'Category n' when they cannot be drawn without a CJK font)."""
    key = f"cat.{cat}"
    label = t(key, lang)
    if label == key:
        label = str(cat)
    return label if fonts.can_draw(label) else t("category_n", lang, n=i + 1)


def _draw_fund(fig, df, r, lang):
    ax = fig.subplots()
    _style(ax, "x")
    y = np.arange(len(df))[::-1]
    budget, spent = df["budget"].to_numpy(float), df["spent_ytd"].to_numpy(float)
    over = np.isfinite(budget) & (spent > budget)
    ax.barh(y, budget, height=0.72, color=PALETTE["secondary"], label=t("budget", lang), gid="budget")
    ax.barh(y, spent, height=0.36, color=[PALETTE["breached"] if o else PALETTE["primary"] for o in over],
            label=t("spent_ytd", lang), gid="spent_ytd")
    ax.set_yticks(y, [category_label(c, lang, i) for i, c in enumerate(df["category"])])
    ax.xaxis.set_major_formatter(_money_formatter(lang))
    right = np.nanmax(np.r_[budget, spent, 1.0]) if len(df) else 1.0
    ax.set_xlim(0, right * 1.22)
    for yi, b, s, u, f, o in zip(y, budget, spent, df["utilization"], df["flagged"], over):
        text = t("no_budget", lang) if f or not np.isfinite(b) else _pct(u)
        if o:
            text += " " + t("over_budget", lang)
        ax.annotate(text, (np.nanmax([b, s]), yi), xytext=(3, 0), textcoords="offset points", va="center",
                    fontsize=7.5, color=PALETTE["breached"] if (o or f) else PALETTE["line"])
    if not len(df):
        _no_data(ax, lang)
    ax.legend(loc="lower right", ncols=2)
    _title(fig, t("chart.fund", lang, year=r.doc["fund"].get("year", r.period.label[:4])))


def _draw_breaches(fig, df, r, lang):
    from matplotlib.patches import Patch
    from matplotlib.ticker import MaxNLocator
    ax = fig.subplots()
    _style(ax, "x")
    y = np.arange(len(df))[::-1]
    colors = [STATUS_COLORS[s] for s in df["status"]]
    minor, major = df["minor"].to_numpy(int), df["major"].to_numpy(int)
    ax.barh(y, minor, height=0.62, color=colors, gid="minor")
    ax.barh(y, major, left=minor, height=0.62, color=colors, hatch="////", edgecolor="white", lw=0, gid="major")
    ax.set_yticks(y, [t(s, lang) for s in df["status"]])
    for yi, a, b in zip(y, minor, major):
        label = str(a + b) if not b else f"{a + b}  ({t('major', lang)} {b})"
        ax.annotate(label, (a + b, yi), xytext=(3, 0), textcoords="offset points", va="center", fontsize=7.5)
    total = int(df["total"].sum())
    ax.set_xlim(0, max(1, df["total"].max() if len(df) else 1) * 1.3)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(t("items", lang))
    if not total:
        _no_data(ax, lang)
    # every colour used is explained: the status colours of the bars drawn, then the hatching (severity)
    grey = PALETTE["pending"]
    shown = [s for s, n in zip(df["status"], df["total"]) if n]
    handles = [Patch(facecolor=STATUS_COLORS[s], label=t(s, lang)) for s in shown]
    handles += [Patch(facecolor="white", edgecolor=grey, label=t("severity_solid", lang)),
                Patch(facecolor="white", edgecolor=grey, hatch="////", label=t("severity_hatched", lang))]
    fig.legend(handles=handles, loc="outside lower center", ncols=3, fontsize=7,
               handlelength=1.4, columnspacing=1.0)
    _title(fig, t("chart.breaches", lang))


_DRAW = {"compliance": _draw_compliance, "turnover": _draw_turnover, "fund": _draw_fund,
         "breaches": _draw_breaches}


# ---------------------------------------------------------------- workbook pictures

def add_to_workbook(wb, report, models) -> int:
    """Insert the dashboard charts as PNG pictures where the sheet writer reserved room
    (Block.anchors = [(kind, cell, width_px, height_px)]). Returns the number of pictures."""
    from openpyxl.drawing.image import Image
    n = 0
    for m in models:
        for b in m.blocks:
            for kind, cell, w_px, h_px in getattr(b, "anchors", None) or []:
                fig = figure(kind, report, size=(w_px / SCREEN_DPI, h_px / SCREEN_DPI))
                img = Image(BytesIO(png_bytes(fig)))
                img.width, img.height = w_px, h_px
                wb[m.name[:31]].add_image(img, cell)
                n += 1
    return n
