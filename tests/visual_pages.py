"""The pages a reviewer looks at, rendered the way people see them, and compared with reviewed references.

Pages: the sample report in zh and en (dashboard pages 1 and 2, breach register first page, fund
disclosure, data issues) and the input template in zh and en (instructions, KPI sheet), rendered
LibreOffice → PDF → PNG at a low resolution in grayscale (DPI below), so each reference is a few
tens of KB. References live in tests/visual/<name>.png; scripts/update-visual-refs.sh writes them.

The report's input is the bundled sample with three cells broken as a user might break them (a word
in a time column, a negative amount, an unknown priority), so the data-issues page has rows to show.

How pages are compared (`compare`): both pages are blurred a little (3×3 box) and every pixel is
compared with the best-matching pixel of the other page within one pixel (both ways), which absorbs
font hinting and anti-aliasing differences and a one-pixel shift. A page fails when more than
MAX_DIFF_FRACTION of its pixels differ by more than PIXEL_TOLERANCE grey levels, or the mean
difference is over MAX_MEAN — a moved, missing or re-wrapped block exceeds both by far
(tests/test_visual.py proves it on perturbed pages).

Run as a script to (re)write the references: python tests/visual_pages.py --update [--out DIR]
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
REFS = ROOT / "tests" / "visual"
DPI = 40                     # A4 landscape → 468 × 331 px: blocks and lines visible, files small
AS_OF = "2026-10-31 18:00"
PIXEL_TOLERANCE = 48         # grey levels (of 255) a pixel may differ after blur and 1-px matching
MAX_DIFF_FRACTION = 0.002    # 0.2 % of a page's pixels (≈ 310 px of 155,000)
MAX_MEAN = 4.0               # mean difference, grey levels (±10 levels of noise on every pixel: 2.2)

# (reference name, workbook, sheet index, page of that sheet)
REPORT_PAGES = [("dashboard", 0, 0), ("dashboard-2", 0, 1), ("register", 1, 0), ("fund", 2, 0), ("issues", 4, 0)]
TEMPLATE_PAGES = [("template-instructions", 0, 0), ("template-kpi", 1, 0)]


def broken_sample(out: Path) -> Path:
    """The bundled sample with three cells a user might get wrong (written with openpyxl, as Excel would)."""
    from openpyxl import load_workbook
    from servicepledge.cli import sample_path
    wb = load_workbook(sample_path())
    tickets, ledger = wb["服务工单"], wb["基金台账"]
    tickets.cell(5, 5).value = "明天上午"          # 首次响应时间: a word where a time belongs
    tickets.cell(9, 3).value = "特急"              # 优先级: not a priority word
    ledger.cell(4, 4).value = -1200                # 金额: a negative expense
    wb.save(out)
    return out


def _texts(pdf: Path) -> list[str]:
    """Each page's text, all whitespace removed (pdftotext may space out CJK text)."""
    n = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True,
                                                       text=True, check=True).stdout).group(1))
    out = []
    for i in range(1, n + 1):
        txt = subprocess.run(["pdftotext", "-f", str(i), "-l", str(i), str(pdf), "-"], capture_output=True,
                             text=True, check=True).stdout
        out.append(re.sub(r"\s+", "", txt))
    return out


def sheet_first_pages(xlsx: Path, pdf: Path) -> list[int]:
    """0-based page where each printed sheet starts: the first page, after the previous sheet's, that
    shows the sheet's title (cell A1; the report also prints it in every page header)."""
    from openpyxl import load_workbook
    wb = load_workbook(xlsx, read_only=True)
    titles = [re.sub(r"\s+", "", str(next(ws.iter_rows(max_row=1, max_col=1, values_only=True))[0] or ""))
              for ws in wb.worksheets]
    wb.close()
    texts, starts, at = _texts(pdf), [], 0
    for title in titles:
        found = next((i for i in range(at, len(texts)) if title and title[:20] in texts[i]), None)
        starts.append(found)
        if found is not None:
            at = found + 1
    return starts


def _gray_png(pdf: Path, page: int, dest: Path) -> Path:
    """Page `page` (0-based) of `pdf` as an 8-bit grayscale PNG at DPI."""
    from PIL import Image
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-r", str(DPI), "-gray", "-png", "-f", str(page + 1), "-l", str(page + 1),
                        "-singlefile", str(pdf), str(Path(tmp, "p"))], check=True, capture_output=True, timeout=120)
        Image.open(Path(tmp, "p.png")).convert("L").save(dest, optimize=True)
    return dest


def render_pages(outdir: Path) -> dict[str, Path]:
    """Render every reference page into `outdir`; returns {name: png}. Needs LibreOffice and poppler."""
    from servicepledge.inputs.reader import read_workbook
    from servicepledge.outputs.output import write_report
    from servicepledge.outputs.pdf import export_pdf
    from servicepledge.report import compute
    from servicepledge.template import write_template
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    made: dict[str, Path] = {}
    with tempfile.TemporaryDirectory(prefix="sp-visual-") as tmp:
        tmp = Path(tmp)
        src = broken_sample(tmp / "sample-broken.xlsx")
        for lang in ("zh", "en"):
            book = read_workbook(src)
            r = compute(book.tables, book.issues, as_of=AS_OF, lang=lang)
            xlsx = write_report(r, tmp / f"report-{lang}.xlsx")
            tpl = write_template(tmp / f"template-{lang}.xlsx", lang=lang)
            for wbk, pages, prefix in ((xlsx, REPORT_PAGES, ""), (tpl, TEMPLATE_PAGES, "")):
                pdf = export_pdf(wbk, tmp / f"{Path(wbk).stem}.pdf", lang=lang, force=True)
                starts = sheet_first_pages(wbk, pdf)
                for name, sheet, k in pages:
                    if starts[sheet] is None:
                        raise AssertionError(f"{wbk.name}: sheet {sheet + 1} was not found in the PDF")
                    key = f"{lang}-{prefix}{name}"
                    made[key] = _gray_png(pdf, starts[sheet] + k, outdir / f"{key}.png")
    return made


def _load(p) -> np.ndarray:
    from PIL import Image
    if isinstance(p, np.ndarray):
        return p.astype(np.float32)
    return np.asarray(Image.open(p).convert("L"), dtype=np.float32)


def _blur(a: np.ndarray) -> np.ndarray:
    p = np.pad(a, 1, mode="edge")
    h, w = a.shape
    return sum(p[i:i + h, j:j + w] for i in range(3) for j in range(3)) / 9.0


def _nearest(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """|a - b| at each pixel, taking b's best pixel within one pixel of it."""
    p = np.pad(b, 1, mode="edge")
    h, w = a.shape
    return np.min([np.abs(a - p[i:i + h, j:j + w]) for i in range(3) for j in range(3)], axis=0)


def compare(actual, reference) -> dict:
    """Differences between two grayscale pages: {'ok', 'size', 'fraction', 'mean', 'diff' (array)}."""
    a, b = _load(actual), _load(reference)
    if a.shape != b.shape:
        return {"ok": False, "size": (a.shape, b.shape), "fraction": 1.0, "mean": 255.0, "diff": None}
    a, b = _blur(a), _blur(b)
    d = np.maximum(_nearest(a, b), _nearest(b, a))
    fraction, mean = float((d > PIXEL_TOLERANCE).mean()), float(d.mean())
    return {"ok": fraction <= MAX_DIFF_FRACTION and mean <= MAX_MEAN, "size": a.shape, "fraction": fraction,
            "mean": mean, "diff": d}


def save_diff(result: dict, dest: Path) -> None:
    """The differing pixels in black on white, to look at beside the two pages."""
    from PIL import Image
    if result.get("diff") is not None:
        Image.fromarray(np.where(result["diff"] > PIXEL_TOLERANCE, 0, 255).astype(np.uint8)).save(dest)


def update(out: Path = REFS) -> list[Path]:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        made = render_pages(Path(tmp))
        for old in out.glob("*.png"):
            old.unlink()
        return [Path(shutil.copyfile(p, out / p.name)) for p in made.values()]


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "addin"))
    args = sys.argv[1:]
    target = Path(args[args.index("--out") + 1]) if "--out" in args else REFS
    if "--update" not in args:
        sys.exit("usage: python tests/visual_pages.py --update [--out DIR]")
    for p in update(target):
        print(f"{p}  {p.stat().st_size // 1024} KB")
