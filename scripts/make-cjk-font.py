"""Rebuild the bundled Chinese chart fonts: addin/servicepledge/data/fonts/ServicePledgeSansSC-{Regular,Bold}.otf.

Subsets of Noto Sans CJK SC Regular and Bold (SIL Open Font License 1.1, see OFL.txt beside the font) so that
charts draw Chinese where no system font has it (xlwings Lite / Pyodide has no fonts at all).
Characters kept:
  - every character of GB2312 (6763 hanzi + its symbols, punctuation and full-width forms);
  - ASCII, Latin-1, general punctuation, CJK symbols and punctuation (U+3000-303F), full-width forms;
  - every non-ASCII character written anywhere in the package's source (labels, headers, terms).
Renamed to "ServicePledge Sans SC" (a Modified Version may not carry the original's name as if it were
the original; the copyright and licence notices stay in the font's name table). Hinting is dropped:
matplotlib auto-hints anyway. Output is deterministic (same input font, same bytes).

Needs fontTools (pip install fonttools) and the Debian package fonts-noto-cjk:
    python scripts/make-cjk-font.py [FONT_DIR]     (default /usr/share/fonts/opentype/noto)
"""
from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

ROOT = Path(__file__).resolve().parents[1]
SOURCE_DIR = "/usr/share/fonts/opentype/noto"
OUT_DIR = ROOT / "addin" / "servicepledge" / "data" / "fonts"
FAMILY = "ServicePledge Sans SC"
WEIGHTS = ("Regular", "Bold")


def gb2312() -> set[int]:
    chars = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.update(map(ord, bytes((hi, lo)).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    return chars


def source_chars() -> set[int]:
    chars = set()
    for path in (ROOT / "addin" / "servicepledge").rglob("*.py"):
        chars.update(ord(c) for c in path.read_text(encoding="utf-8") if ord(c) > 0x7F)
    return chars


def codepoints() -> list[int]:
    cps = gb2312() | source_chars()
    for a, b in ((0x20, 0x7E), (0xA0, 0xFF), (0x2010, 0x2044), (0x3000, 0x303F), (0xFF01, 0xFF65),
                 (0x2160, 0x216B), (0x2460, 0x2473)):
        cps.update(range(a, b + 1))
    cps.update((0x00B7, 0x2103, 0x2116, 0x2030, 0x20AC, 0x2192, 0x2190, 0x2191, 0x2193, 0x2212, 0x2264, 0x2265,
                0x00D7, 0x00F7, 0x2026, 0x2014, 0x2013, 0x25A0, 0x25A1, 0x25CF, 0x25CB, 0x2605, 0x2606, 0x221A))
    return sorted(cps)


def make(src: str, weight: str) -> Path:
    if src.endswith(".ttc"):
        coll = TTCollection(src)
        font = next(f for f in coll.fonts if f["name"].getDebugName(1) == "Noto Sans CJK SC")
    else:
        font = TTFont(src)
    font.recalcTimestamp = False
    ps_name = f"ServicePledgeSansSC-{weight}"
    out = OUT_DIR / f"{ps_name}.otf"
    opts = subset.Options()
    opts.hinting = False
    opts.drop_tables += ["vhea", "vmtx", "VORG", "BASE", "DSIG"]
    opts.layout_features = []          # matplotlib does no shaping (no GSUB/GPOS needed)
    opts.name_IDs = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14]
    opts.name_languages = [0x409]
    opts.notdef_outline = True
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=codepoints())
    sub.subset(font)
    name = font["name"]
    for rec in list(name.names):
        if rec.nameID in (1, 3, 4, 6, 16, 17):
            name.removeNames(nameID=rec.nameID)
    for plat, enc, lang in ((3, 1, 0x409), (1, 0, 0)):
        name.setName(FAMILY, 1, plat, enc, lang)
        name.setName(weight, 2, plat, enc, lang)
        name.setName(f"{ps_name};subset of Noto Sans CJK SC 2.004", 3, plat, enc, lang)
        name.setName(f"{FAMILY} {weight}", 4, plat, enc, lang)
        name.setName(ps_name, 6, plat, enc, lang)
    cff = font["CFF "].cff
    cff.fontNames = [ps_name]
    top = cff.topDictIndex[0]
    top.FullName, top.FamilyName = f"{FAMILY} {weight}", FAMILY
    font["head"].modified = font["head"].created     # deterministic bytes
    out.parent.mkdir(parents=True, exist_ok=True)
    font.save(out, reorderTables=True)
    print(f"{out.relative_to(ROOT)}: {len(font.getGlyphOrder())} glyphs, {out.stat().st_size / 1e6:.2f} MB")
    return out


def main(argv: list[str]) -> int:
    src_dir = Path(argv[1] if len(argv) > 1 else SOURCE_DIR)
    for weight in WEIGHTS:
        make(str(src_dir / f"NotoSansCJK-{weight}.ttc"), weight)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
