"""Visual regression check: the printed pages as people see them, against reviewed reference PNGs.

The sample report (zh, en) and the template (zh, en) go through LibreOffice → PDF → grayscale PNG
(tests/visual_pages.py) and each page is compared with tests/visual/<name>.png with a tolerance that
absorbs font hinting and anti-aliasing but not a moved, missing or re-wrapped block (the perturbation
tests below prove both sides on the committed references, without LibreOffice).

A page that changed on purpose: run `bash scripts/update-visual-refs.sh`, look at the new PNGs, commit them.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

import visual_pages as vp
from servicepledge.outputs import pdf

NAMES = [f"{lang}-{name}" for lang in ("zh", "en") for name, _, _ in vp.REPORT_PAGES + vp.TEMPLATE_PAGES]


def _ref(name: str) -> np.ndarray:
    from PIL import Image
    return np.asarray(Image.open(vp.REFS / f"{name}.png").convert("L"), dtype=np.float32)


# ---------------------------------------------------------------- the references themselves

def test_every_reference_page_is_committed_small_and_grayscale():
    from PIL import Image
    for name in NAMES:
        p = vp.REFS / f"{name}.png"
        assert p.is_file(), f"{p} missing: run scripts/update-visual-refs.sh"
        assert p.stat().st_size < 100_000, (name, p.stat().st_size)
        im = Image.open(p)
        assert im.mode == "L", (name, im.mode)
        if "template" not in name:     # report pages: A4 landscape, 11.69 in × 40 dpi ≈ 468 px wide
            assert abs(im.width - round(11.69 * vp.DPI)) <= 2 and im.height < im.width, (name, im.size)
        assert np.asarray(im).min() < 100, f"{name} is blank"


# ---------------------------------------------------------------- the tolerance, proved on perturbed pages

def test_identical_page_passes_with_no_difference():
    page = _ref("zh-dashboard")
    res = vp.compare(page, page.copy())
    assert res["ok"] and res["fraction"] == 0 and res["mean"] == 0


def test_rendering_noise_passes():
    """A one-pixel shift of the whole page plus ±10 grey levels of noise on every pixel (hinting,
    anti-aliasing) passes: no pixel over the tolerance, mean 2.2 of 4."""
    page = _ref("zh-dashboard")
    shifted = np.roll(page, 1, axis=1)
    shifted[:, 0] = 255
    noisy = np.clip(shifted + np.random.default_rng(7).integers(-10, 11, page.shape), 0, 255)
    res = vp.compare(noisy, page)
    assert res["ok"], res["fraction"]
    assert res["fraction"] < vp.MAX_DIFF_FRACTION / 4        # far inside the tolerance, not just under it


def _rows_with_ink(page) -> np.ndarray:
    return np.flatnonzero((page < 128).any(axis=1))


def test_a_block_moved_down_fails():
    """The headline cards moved 3 px (≈ 2 mm on paper) down: fails (3.9 % of pixels differ)."""
    page = _ref("zh-dashboard")
    ink = _rows_with_ink(page)
    top, bottom = int(ink[len(ink) // 6]), int(ink[len(ink) // 2])       # a band in the upper half: the cards
    moved = page.copy()
    moved[top:bottom] = 255
    moved[top + 3:bottom + 3] = page[top:bottom]
    res = vp.compare(moved, page)
    assert not res["ok"] and res["fraction"] > vp.MAX_DIFF_FRACTION, res["fraction"]


def test_a_missing_block_fails():
    """A chart left out (its area blank): fails."""
    page = _ref("zh-dashboard")
    h, w = page.shape
    gone = page.copy()
    gone[int(h * 0.58):int(h * 0.9), int(w * 0.66):int(w * 0.95)] = 255        # the breach chart
    assert (page[int(h * 0.58):int(h * 0.9), int(w * 0.66):int(w * 0.95)] < 128).sum() > 100   # it was drawn
    res = vp.compare(gone, page)
    assert not res["ok"], res


def test_a_header_wrapped_differently_fails():
    """The disclosure list's header bar drawn 3 px lower, as when its header grows a second line: fails
    (about 2 % of pixels differ, ten times the limit)."""
    page = _ref("zh-fund")
    dark = np.flatnonzero((page < 120).mean(axis=1) > 0.4)            # rows of the dark header bars
    bars = np.split(dark, np.flatnonzero(np.diff(dark) > 1) + 1)
    assert len(bars) >= 3, bars                                       # summary, unapproved, disclosure
    y0, y1 = int(bars[-1][0]), int(bars[-1][-1]) + 1
    changed = page.copy()
    changed[y0:y1] = 255
    changed[y0 + 3:y1 + 3] = page[y0:y1]
    res = vp.compare(changed, page)
    assert not res["ok"] and res["fraction"] > 5 * vp.MAX_DIFF_FRACTION, res["fraction"]


def test_other_page_size_fails():
    page = _ref("zh-dashboard")
    res = vp.compare(page[:, :-20], page)
    assert not res["ok"] and res["size"][0] != res["size"][1]


# ---------------------------------------------------------------- the rendered pages against the references

@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    if pdf.find_soffice() is None or not all(shutil.which(x) for x in ("pdftoppm", "pdftotext", "pdfinfo")):
        pytest.skip("LibreOffice or poppler-utils cannot run here (scripts/install-render-deps.sh installs them)")
    out = tmp_path_factory.mktemp("visual")
    return out, vp.render_pages(out)


@pytest.mark.not_in_pyodide("renders through LibreOffice, a native program")
@pytest.mark.parametrize("name", NAMES)
def test_page_matches_reviewed_reference(rendered, name):
    out, made = rendered
    assert name in made, sorted(made)
    res = vp.compare(made[name], vp.REFS / f"{name}.png")
    if not res["ok"]:
        diff = Path(out, f"{name}-diff.png")
        vp.save_diff(res, diff)
        pytest.fail(f"page {name} differs from tests/visual/{name}.png: {res['fraction']:.2%} of pixels "
                    f"(limit {vp.MAX_DIFF_FRACTION:.2%}), mean {res['mean']:.2f} (limit {vp.MAX_MEAN}); "
                    f"sizes {res['size']}. Rendered: {made[name]}, differing pixels: {diff}. If the change is "
                    "intended, run scripts/update-visual-refs.sh, look at the pages and commit them.")
