"""The report rendered the way people see it: LibreOffice headless -> PDF -> PNG pages.

Two conversions only (one zh through the CLI's --pdf, one en through pdf.export_pdf), ~10-30 s each.
When LibreOffice is missing, scripts/install-render-deps.sh installs it (root + apt-get); the
tests skip, saying why, only where it cannot be installed.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from servicepledge import cli
from servicepledge.outputs import pdf
from servicepledge.outputs.labels import t
from servicepledge.outputs.output import write_report
from servicepledge.inputs.reader import read_workbook
from servicepledge.report import compute
from servicepledge.inputs.tables import InputError

ROOT = Path(__file__).resolve().parents[1]
AS_OF = "2026-10-31 18:00"
SHEETS = 6


@pytest.fixture(scope="session")
def soffice():
    found = pdf.find_soffice()
    if found is None or shutil.which("pdftoppm") is None:
        script = ROOT / "scripts" / "install-render-deps.sh"
        proc = subprocess.run(["sh", str(script)], capture_output=True, text=True, timeout=900)
        found = pdf.find_soffice()
        if found is None or shutil.which("pdftoppm") is None:
            pytest.skip("LibreOffice/poppler cannot be installed here: "
                        + (proc.stderr.strip().splitlines() or [f"exit code {proc.returncode}"])[-1])
    return found


def check_rendering(pdf_path: Path, lang: str, tmp: Path) -> list[Path]:
    assert pdf_path.is_file() and pdf_path.read_bytes()[:5] == b"%PDF-"
    pages = pdf.render_pngs(pdf_path, tmp / "png", dpi=60)
    assert SHEETS <= len(pages) <= 16, len(pages)   # the register prints in three A4 parts
    from PIL import Image
    for p in pages:
        im = Image.open(p)
        assert im.width > im.height                      # A4 landscape
        assert im.convert("L").getextrema()[0] < 128      # something is drawn on every page
    # the dashboard's page 1 carries the pictures: a lot of non-white, coloured pixels
    import numpy as np
    first = np.asarray(Image.open(pages[0]).convert("RGB"), dtype=int)
    colourful = int(((first.max(axis=2) - first.min(axis=2)) > 60).sum())
    assert colourful > 2000, colourful
    images = subprocess.run(["pdfimages", "-list", str(pdf_path)], capture_output=True, text=True)
    if images.returncode == 0:
        assert len(images.stdout.splitlines()[2:]) >= 4   # the four chart pictures
    text = subprocess.run(["pdftotext", "-layout", str(pdf_path), "-"], capture_output=True, text=True).stdout
    for key in ("title.report", "title.breaches", "title.disclosure", "page_of"):
        word = t(key, lang).replace("&P", "1").replace("&N", str(len(pages)))
        assert word in text, word
    return pages


@pytest.mark.not_in_pyodide("renders through LibreOffice, a native program")
def test_render_zh_through_cli(soffice, tmp_path, capsys):
    out = tmp_path / "月报.xlsx"
    rc = cli.main(["report", "--as-of", AS_OF, "-o", str(out), "--lang", "zh", "--pdf"])
    assert rc == 0, capsys.readouterr().err
    made = out.with_suffix(".pdf")
    assert f"PDF：{made}" in capsys.readouterr().out
    check_rendering(made, "zh", tmp_path)


@pytest.mark.not_in_pyodide("renders through LibreOffice, a native program")
def test_render_en_through_api(soffice, tmp_path):
    book = read_workbook(cli.sample_path())
    r = compute(book.tables, book.issues, as_of=AS_OF, lang="en")
    xlsx = write_report(r, tmp_path / "report.xlsx")
    (tmp_path / "out").mkdir()                   # an output folder is never created on the user's behalf
    made = pdf.export_pdf(xlsx, tmp_path / "out" / "monthly.pdf")
    assert made == tmp_path / "out" / "monthly.pdf"
    check_rendering(made, "en", tmp_path)


# ---------------------------------------------------------------- without LibreOffice (no conversion)

def test_no_libreoffice_is_one_clear_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(pdf, "find_soffice", lambda: None)
    out = tmp_path / "r.xlsx"
    rc = cli.main(["report", "--as-of", AS_OF, "-o", str(out), "--pdf"])
    err = capsys.readouterr().err.strip()
    assert rc == cli.EXIT_INPUT and out.is_file()            # the workbook is still written
    assert len(err.splitlines()) == 1 and "LibreOffice" in err and "install" in err


def test_libreoffice_timeout_and_failure_are_input_errors(tmp_path, monkeypatch):
    xlsx = tmp_path / "x.xlsx"
    xlsx.write_bytes(b"PK")
    monkeypatch.setattr(pdf, "find_soffice", lambda: "/bin/true")

    def slow(*a, **k):
        raise subprocess.TimeoutExpired(a[0], 1)
    monkeypatch.setattr(pdf.subprocess, "run", slow)
    with pytest.raises(InputError, match="did not finish"):
        pdf.export_pdf(xlsx, timeout=1)
    monkeypatch.setattr(pdf.subprocess, "run",
                        lambda *a, **k: subprocess.CompletedProcess(a[0], 1, "", "Error: source file could not be loaded"))
    with pytest.raises(InputError, match="could not be loaded"):
        pdf.export_pdf(xlsx)
    with pytest.raises(InputError, match="no such workbook"):
        pdf.export_pdf(tmp_path / "missing.xlsx")
