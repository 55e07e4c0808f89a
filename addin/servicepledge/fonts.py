"""A font that draws Chinese labels in charts, found on the system (matplotlib font list).

Chinese charts need a CJK font; matplotlib's bundled DejaVu Sans has none and would draw boxes.
`cjk_font()` returns the family name of the first installed font from `PREFERRED` (or any font
whose name says CJK / Han / Hei), or None. A font file can also be given in the environment
variable SERVICEPLEDGE_CJK_FONT (e.g. a .ttf/.otf/.ttc shipped with a workbook for xlwings Lite).

When there is none, `chart_lang("zh")` answers "en" and logs one warning line, once: the charts
fall back to English labels rather than drawing boxes.
"""
from __future__ import annotations

import functools
import logging
import os

log = logging.getLogger("servicepledge")

# Simplified-Chinese faces first; the Japanese/Korean/Traditional faces of the same families
# draw every common Chinese label too.
PREFERRED = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
    "Microsoft YaHei", "Microsoft YaHei UI", "PingFang SC", "Hiragino Sans GB",
    "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Sarasa Gothic SC", "SimHei", "Heiti SC", "STHeiti",
    "DengXian", "Noto Sans CJK TC", "Noto Sans CJK JP", "Noto Sans CJK KR", "Noto Sans CJK HK",
    "Source Han Sans", "Noto Serif CJK SC", "SimSun", "Arial Unicode MS",
)
_HINTS = ("cjk", " sc", "yahei", "hei", "han sans", "wenquanyi", "pingfang", "simsun", "song")
ENV_VAR = "SERVICEPLEDGE_CJK_FONT"


@functools.lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """Family name of an installed font with Chinese glyphs, or None."""
    from matplotlib import font_manager as fm

    extra = os.environ.get(ENV_VAR)
    if extra and os.path.isfile(extra):
        try:
            fm.fontManager.addfont(extra)
            return fm.FontProperties(fname=extra).get_name()
        except (OSError, RuntimeError, ValueError) as e:
            log.warning("servicepledge: %s=%s is not a usable font (%s)", ENV_VAR, extra, e)
    names = {f.name for f in fm.fontManager.ttflist}
    for name in PREFERRED:
        if name in names:
            return name
    for name in sorted(names):
        low = name.lower()
        if "mono" not in low and any(h in low for h in _HINTS) and _has_han(name):
            return name
    return None


def _has_han(family: str) -> bool:
    """Whether the font file of `family` has a glyph for 中 (a guessed name is verified)."""
    from matplotlib import font_manager as fm
    from matplotlib.ft2font import FT2Font
    try:
        path = fm.findfont(fm.FontProperties(family=family), fallback_to_default=False)
        return FT2Font(path).get_char_index(ord("中")) != 0
    except (OSError, RuntimeError, ValueError):
        return False


_warned: set = set()


def chart_lang(lang: str) -> str:
    """The language the charts can draw: `lang`, or "en" when Chinese has no font (warned once)."""
    if lang != "zh" or cjk_font() is not None:
        return lang
    if "zh" not in _warned:
        _warned.add("zh")
        log.warning("servicepledge: no Chinese font found (Noto Sans CJK, WenQuanYi, Microsoft YaHei, PingFang); "
                    "charts use English labels (install fonts-noto-cjk or set %s)", ENV_VAR)
    return "en"


def families(lang: str) -> list[str]:
    """font.family for a chart: the CJK font first for Chinese, DejaVu first for English, with the
    other as per-glyph fallback (so Chinese category names still draw in English charts)."""
    cjk = cjk_font()
    base = ["DejaVu Sans"]
    if cjk is None:
        return base
    return [cjk, *base] if lang == "zh" else [*base, cjk]


def can_draw(text: str) -> bool:
    """Whether `text` draws without boxes: ASCII/Latin always, anything else only with a CJK font."""
    return cjk_font() is not None or all(ord(ch) < 0x250 or ch in "¥–—·%" for ch in str(text))
