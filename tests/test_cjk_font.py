"""Chinese charts without system fonts: the bundled "ServicePledge Sans SC" (a GB2312 subset of Noto
Sans CJK SC) is what xlwings Lite (Pyodide, no fonts at all) draws with.

"No system fonts" is simulated by cutting matplotlib's font list down to the fonts matplotlib ships
(DejaVu etc.), exactly what Pyodide has. Glyph coverage is checked independently of matplotlib's own
missing-glyph warnings: the font file's character map (FreeType) must have every character drawn.
"""
from __future__ import annotations

import logging
import re
import warnings
from pathlib import Path

import pytest

from excel_helpers import AS_OF, PERIOD, as_arg, sample_grids, server_mode

xw = server_mode()

from servicepledge.outputs import charts, fonts  # noqa: E402
from servicepledge.outputs.labels import L  # noqa: E402
from servicepledge.report import compute  # noqa: E402

CJK = re.compile(r"[\u3400-\u9fff]")
RARE = "堃"   # U+5803: a name character outside GB2312, so outside the bundled subset


def _clear_caches():
    from matplotlib import font_manager as fm
    fm.FontManager._findfont_cached.cache_clear()
    for f in (fonts.cjk_font, fonts.bundled_font, fonts._system_fallback):
        f.cache_clear()


@pytest.fixture
def no_system_fonts(monkeypatch):
    """matplotlib sees only its own fonts (as in Pyodide); the bundled font registers itself."""
    import matplotlib
    from matplotlib import font_manager as fm
    own = Path(matplotlib.get_data_path()).resolve()
    keep = [f for f in fm.fontManager.ttflist if Path(f.fname).resolve().is_relative_to(own)]
    assert keep and not any(CJK.search(f.name) or "CJK" in f.name for f in keep)
    monkeypatch.setattr(fm.fontManager, "ttflist", keep)
    monkeypatch.setattr(fonts, "_warned_chars", set())
    monkeypatch.delenv(fonts.ENV_VAR, raising=False)
    _clear_caches()
    yield
    _clear_caches()


def ledger_report(categories, lang="zh"):
    """The sample report, with the fund ledger/budget extended by user categories (Chinese headers,
    dates as serial numbers: the grids Excel passes)."""
    from servicepledge.inputs.reader import read_workbook
    from servicepledge.cli import sample_path
    from servicepledge.inputs import tables as T
    book = read_workbook(sample_path())
    grids = sample_grids()
    ledger, budget = grids["FundLedger"], grids["FundBudget"]
    head = ledger[0]
    for i, cat in enumerate(categories):
        row = dict(zip(head, ledger[1]))
        row.update({head[0]: f"X-{i}", head[2]: cat, head[3]: 1234.5 + i})
        ledger = ledger + [[row[h] for h in head]]
        budget = budget + [[2026, cat, 50000.0]]
    tables = dict(book.tables)
    tables["FundLedger"] = T.from_grid("FundLedger", as_arg(ledger), issues=book.issues)
    tables["FundBudget"] = T.from_grid("FundBudget", as_arg(budget), issues=book.issues)
    return compute(tables, book.issues, period=PERIOD, as_of=AS_OF, lang=lang)


def render(fig):
    """PNG bytes, and matplotlib's missing-glyph warnings raised while drawing."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = charts.png_bytes(fig)
    return png, [str(w.message) for w in caught if "missing from" in str(w.message)]


def font_file_of(text_artist) -> str:
    from matplotlib import font_manager as fm
    return str(Path(fm.findfont(text_artist.get_fontproperties())).resolve())


def test_bundled_font_is_chosen_and_has_every_label(no_system_fonts):
    from matplotlib.ft2font import FT2Font
    assert fonts.system_cjk_font() is None
    assert fonts.cjk_font() == fonts.BUNDLED_FAMILY == "ServicePledge Sans SC"
    path = fonts.bundled_font_path()
    assert Path(path).name == "ServicePledgeSansSC-Regular.otf" and Path(path).stat().st_size < 2_000_000
    font = FT2Font(path)
    label_chars = {ch for zh, _ in L.values() for ch in zh if CJK.search(ch)}
    assert len(label_chars) > 100
    assert not [ch for ch in sorted(label_chars) if font.get_char_index(ord(ch)) == 0]
    # GB2312 level 1 and 2 (6763 hanzi) are all there; the rare name character is not
    gb = {bytes((hi, lo)).decode("gb2312") for hi in range(0xB0, 0xF8) for lo in range(0xA1, 0xFF)
          if (hi, lo) not in {(0xD7, x) for x in range(0xFA, 0xFF)}}
    assert len(gb) == 6763 and not [ch for ch in gb if font.get_char_index(ord(ch)) == 0]
    assert font.get_char_index(ord(RARE)) == 0
    licence = Path(path).with_name("OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence and "Noto Sans CJK SC" in licence


def test_chinese_charts_draw_with_the_bundled_font_only(no_system_fonts, caplog):
    rep = ledger_report(["备件更换"])
    bundled = str(Path(fonts.bundled_font_path()).resolve())
    with caplog.at_level(logging.WARNING, logger="servicepledge"):
        for kind in charts.KINDS:
            fig = charts.figure(kind, rep)
            assert fig.sp_lang == "zh"
            png, missing = render(fig)
            assert png[:8] == b"\x89PNG\r\n\x1a\n" and not missing, (kind, missing[:3])
            if kind == "fund":
                labels = [t for t in fig.axes[0].get_yticklabels() if t.get_text()]
                assert "备件更换" in [t.get_text() for t in labels]
                assert {font_file_of(t) for t in labels} == {bundled}
            title = fig._suptitle                        # bold: the bundled bold face
            assert CJK.search(title.get_text()) and font_file_of(title) == bundled.replace("Regular", "Bold")
    assert not [r for r in caplog.records if "font" in r.getMessage()]


def test_sp_chart_figure_uses_the_bundled_font(no_system_fonts):
    from servicepledge.excel import functions as F
    g = sample_grids()
    a = [as_arg(g[n]) for n in ("Tickets", "Complaints", "Staff", "FundLedger", "FundBudget", "Notices")]
    fig = F.SP_CHART("基金", *a, PERIOD, AS_OF, as_arg(g["Terms"]))
    assert fig.sp_lang == "zh"
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert "差旅" in labels                          # a sample category with no budget line
    bundled = str(Path(fonts.bundled_font_path()).resolve())
    assert font_file_of(fig._suptitle) == bundled.replace("Regular", "Bold")
    _, missing = render(fig)
    assert not missing, missing[:3]


def test_character_outside_the_subset_warns_once(no_system_fonts, caplog):
    rep = ledger_report([f"{RARE}记维修"])
    with caplog.at_level(logging.WARNING, logger="servicepledge"):
        for _ in range(2):
            fig = charts.figure("fund", rep)
    lines = [r.getMessage() for r in caplog.records if RARE in r.getMessage()]
    assert len(lines) == 1, lines
    assert "记" not in lines[0].split("“")[1].split("”")[0]        # only the character that has no glyph
    assert "方框" in lines[0] and "boxes" in lines[0] and "\n" not in lines[0]
    assert fig.sp_lang == "zh"      # the chart stays Chinese; the label keeps its other characters


def test_character_outside_the_subset_falls_back_to_an_installed_font(monkeypatch, caplog):
    """With the bundled font first (as if no Chinese system font had been recognised), a character it
    lacks is drawn by an installed font that has it, through matplotlib's per-glyph fallback list."""
    from matplotlib import font_manager as fm
    from matplotlib.ft2font import FT2Font
    if not any(FT2Font(f.fname).get_char_index(ord(RARE)) for f in fm.fontManager.ttflist
               if f.fname.lower().endswith((".otf", ".ttc", ".ttf")) and "CJK" in f.name):
        pytest.skip("no installed font has the character (Pyodide: no system fonts)")
    monkeypatch.setattr(fonts, "system_cjk_font", lambda: None)
    monkeypatch.setattr(fonts, "_warned_chars", set())
    _clear_caches()
    try:
        rep = ledger_report([f"{RARE}记维修"])
        with caplog.at_level(logging.WARNING, logger="servicepledge"):
            fig = charts.figure("fund", rep)
            _, missing = render(fig)
        fam = fig._suptitle.get_fontfamily()
        assert fam[0] == fonts.BUNDLED_FAMILY and len(fam) > 2, fam
        assert not missing, missing[:3]
        assert not [r for r in caplog.records if RARE in r.getMessage()]
    finally:
        _clear_caches()
