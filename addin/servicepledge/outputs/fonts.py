"""A font that draws Chinese labels in charts: the system's, else the one shipped with servicepledge.

Chinese charts need a CJK font; matplotlib's bundled DejaVu Sans has none and would draw boxes.
`cjk_font()` returns the family name of, in this order:
  1. a font file given in the environment variable SERVICEPLEDGE_CJK_FONT (.ttf/.otf/.ttc);
  2. the first installed font from `PREFERRED` (or any font whose name says CJK / Han / Hei and that
     really has Chinese glyphs);
  3. the bundled "ServicePledge Sans SC" (data/fonts/, regular and bold GB2312 subsets of Noto Sans CJK SC,
     1.6 MB each, under the SIL
     Open Font License, see OFL.txt there): what xlwings Lite (Pyodide, no system fonts) uses.
     When the package is imported from a zip (a wheel on sys.path), the font is copied to a temporary
     file once, because matplotlib reads fonts from files.

A character that no font in the chart's font list has (e.g. a rare name outside GB2312 with only the
bundled font) is looked for in the other installed fonts, which are then added to matplotlib's
per-glyph fallback list (`cover`); when none has it, one warning line names the characters, once.
Only when no Chinese font exists at all does `chart_lang("zh")` answer "en" (warned once).
"""
from __future__ import annotations

import functools
import hashlib
import logging
import os
import tempfile
from pathlib import Path

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
BUNDLED_FAMILY = "ServicePledge Sans SC"
BUNDLED_FILE = "ServicePledgeSansSC-Regular.otf"
BUNDLED_FILES = (BUNDLED_FILE, "ServicePledgeSansSC-Bold.otf")
BASE = "DejaVu Sans"


@functools.lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """Family name of a font with Chinese glyphs: SERVICEPLEDGE_CJK_FONT, an installed one, else the
    bundled one; None only when even the bundled font cannot be read."""
    from matplotlib import font_manager as fm

    extra = os.environ.get(ENV_VAR)
    if extra and os.path.isfile(extra):
        try:
            fm.fontManager.addfont(extra)
            return fm.FontProperties(fname=extra).get_name()
        except (OSError, RuntimeError, ValueError) as e:
            log.warning("servicepledge: %s=%s is not a usable font (%s)", ENV_VAR, extra, e)
    return system_cjk_font() or bundled_font()


def system_cjk_font() -> str | None:
    """Family name of an installed (system) font with Chinese glyphs, or None."""
    from matplotlib import font_manager as fm

    names = {f.name for f in fm.fontManager.ttflist} - {BUNDLED_FAMILY}
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
    path = _path_of(family)
    return path is not None and ord("中") in _charmap(path)


def bundled_font_path(file: str = BUNDLED_FILE) -> str | None:
    """A file path of a bundled font file that matplotlib can open (copied out of a zip if need be)."""
    from importlib import resources
    try:
        res = resources.files("servicepledge").joinpath("data", "fonts", file)
        if isinstance(res, Path):
            return str(res) if res.is_file() else None
        data = res.read_bytes()
    except (OSError, ValueError, ModuleNotFoundError):
        return None
    digest = hashlib.sha256(data).hexdigest()[:16]
    dest = Path(tempfile.gettempdir()) / f"servicepledge-{digest}-{file}"
    try:
        if not (dest.is_file() and dest.stat().st_size == len(data)):
            fd, tmp = tempfile.mkstemp(dir=dest.parent, suffix=".otf")
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.chmod(tmp, 0o644)
            os.replace(tmp, dest)
    except OSError as e:
        log.warning("servicepledge: could not copy the bundled Chinese font to %s (%s)", dest.parent, e)
        return None
    return str(dest)


@functools.lru_cache(maxsize=1)
def bundled_font() -> str | None:
    """Register the bundled fonts (regular and bold) with matplotlib; the family name, or None if the
    regular face cannot be read."""
    from matplotlib import font_manager as fm
    family = None
    for file in BUNDLED_FILES:
        path = bundled_font_path(file)
        if path is None:
            continue
        try:
            fm.fontManager.addfont(path)
            family = family or fm.FontProperties(fname=path).get_name()
        except (OSError, RuntimeError, ValueError) as e:
            log.warning("servicepledge: the bundled Chinese font %s cannot be read (%s)", path, e)
    return family


_warned: set = set()


def chart_lang(lang: str) -> str:
    """The language the charts can draw: `lang`, or "en" when Chinese has no font (warned once)."""
    if lang != "zh" or cjk_font() is not None:
        return lang
    if "zh" not in _warned:
        _warned.add("zh")
        log.warning("servicepledge: 找不到中文字体，图表改用英文标签 / no Chinese font found (Noto Sans CJK, "
                    "WenQuanYi, Microsoft YaHei, PingFang, nor the bundled one); charts use English labels "
                    "(install fonts-noto-cjk or set %s)", ENV_VAR)
    return "en"


def families(lang: str) -> list[str]:
    """font.family for a chart: the CJK font first for Chinese, DejaVu first for English, with the
    other as per-glyph fallback (so Chinese category names still draw in English charts)."""
    cjk = cjk_font()
    base = [BASE]
    if cjk is None:
        return base
    return [cjk, *base] if lang == "zh" else [*base, cjk]


def can_draw(text: str) -> bool:
    """Whether `text` draws without boxes: ASCII/Latin always, anything else only with a CJK font."""
    return cjk_font() is not None or all(ord(ch) < 0x250 or ch in "¥–—·%" for ch in str(text))


# ---------------------------------------------------------------- glyph coverage

@functools.lru_cache(maxsize=None)
def _charmap(path: str) -> frozenset:
    """The code points a font file has glyphs for (first face of a collection)."""
    from matplotlib.ft2font import FT2Font
    try:
        return frozenset(FT2Font(path).get_charmap())
    except (OSError, RuntimeError, ValueError):
        return frozenset()


def _path_of(family: str) -> str | None:
    from matplotlib import font_manager as fm
    try:
        return fm.findfont(fm.FontProperties(family=family), fallback_to_default=False)
    except (OSError, RuntimeError, ValueError):
        return None


def missing(text: str, fams: list[str]) -> str:
    """The distinct characters of `text` that no font of `fams` has (whitespace ignored), in order."""
    maps = [_charmap(p) for p in map(_path_of, fams) if p]
    return "".join(dict.fromkeys(ch for ch in text if not ch.isspace() and not any(ord(ch) in m for m in maps)))


@functools.lru_cache(maxsize=256)
def _system_fallback(chars: str) -> tuple[str, ...]:
    """Installed font families (other than the chain's) that together draw as many of `chars` as possible."""
    from matplotlib import font_manager as fm
    need, found = set(map(ord, chars)), []
    def rank(f):   # Chinese-looking names first; "Last Resort" fonts draw placeholder boxes, never used
        low = f.name.lower()
        return (not any(h in low for h in _HINTS), "mono" in low, f.name, f.fname)
    for entry in sorted(fm.fontManager.ttflist, key=rank):
        if not need:
            break
        if entry.name in found or entry.name == BUNDLED_FAMILY or "last resort" in entry.name.lower():
            continue
        got = need & _charmap(entry.fname)
        if got:
            found.append(entry.name)
            need -= got
    return tuple(found)


_warned_chars: set = set()


def cover(text: str, fams: list[str]) -> list[str]:
    """The font list for a chart showing `text`: `fams`, plus installed fonts that have characters the
    list lacks (matplotlib falls back glyph by glyph along the list). Characters that no font has are
    warned about once each (one line naming them): they would show as boxes."""
    gap = missing(text, fams)
    if not gap:
        return fams
    extra = [f for f in _system_fallback(gap) if f not in fams]
    fams = [*fams, *extra]
    still = missing(gap, fams) if extra else gap
    new = "".join(ch for ch in still if ch not in _warned_chars)
    if new:
        _warned_chars.update(new)
        log.warning("servicepledge: 图表中的字“%s”没有可用字体，会显示为方框；请安装含这些字的中文字体（如 Noto Sans "
                    "CJK）或用 %s 指定字体文件 / chart characters '%s' are in no available font and show as boxes; "
                    "install a Chinese font that has them (e.g. Noto Sans CJK) or name a font file in %s",
                    new, ENV_VAR, new, ENV_VAR)
    return fams
