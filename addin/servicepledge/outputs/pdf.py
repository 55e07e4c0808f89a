"""PDF of the report workbook through LibreOffice (soffice --headless --convert-to pdf).

Every sheet is printed as its page setup says (A4 landscape, fit to width, header and footer).
LibreOffice runs with a private, throw-away profile (so it works beside a user's open LibreOffice
and in CI) and a timeout. Problems raise tables.InputError with one readable line.
"""
from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .outfile import claim
from ..inputs.tables import InputError
from .atomic import write_file

TIMEOUT = 180  # seconds; a first start of LibreOffice can take ~30 s on a slow machine
_CANDIDATES = (
    "/usr/bin/soffice", "/usr/local/bin/soffice", "/usr/lib/libreoffice/program/soffice",
    "/opt/libreoffice*/program/soffice", "/snap/bin/libreoffice",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    r"C:\Program Files\LibreOffice\program\soffice.exe", r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
)
ENV_VAR = "SERVICEPLEDGE_SOFFICE"


def find_soffice() -> str | None:
    """Path of LibreOffice's soffice: $SERVICEPLEDGE_SOFFICE, PATH, then the usual install places."""
    env = os.environ.get(ENV_VAR)
    if env and Path(env).is_file():
        return env
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for pattern in _CANDIDATES:
        for p in sorted(glob.glob(pattern), reverse=True):
            if Path(p).is_file():
                return p
    return None


def not_installed_message(what: Path | str) -> tuple[str, str]:
    """(en, zh): LibreOffice is missing; the workbook itself was written."""
    return (f"PDF export needs LibreOffice (soffice), which was not found; the workbook {what} was written. "
            "Install LibreOffice (e.g. apt-get install libreoffice-calc-nogui, or scripts/install-render-deps.sh) "
            f"or set {ENV_VAR}, or print the workbook to PDF from Excel",
            f"导出 PDF 需要 LibreOffice（soffice），但未找到；工作簿 {what} 已写入。"
            "请安装 LibreOffice（如 apt-get install libreoffice-calc-nogui 或 scripts/install-render-deps.sh）"
            f"或设置 {ENV_VAR}，或在 Excel 中将工作簿打印为 PDF")


def export_pdf(path, out: Path | None = None, timeout: int = TIMEOUT, lang: str = "zh", *, force: bool = False,
               inputs=()) -> Path:
    """Convert the workbook `path` to PDF (default: same name, .pdf, beside it); return the PDF path.

    The PDF obeys the rule of every output (outfile.claim): never over `path` or any of `inputs`, an
    existing PDF is kept (the new one is 'name (2).pdf') unless `force`, the folder must exist; a PDF
    that cannot be written raises outfile.WriteError naming it (in `lang`).
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such workbook to export as PDF", zh=f"{path}：没有可导出为 PDF 的工作簿")
    soffice = find_soffice()
    if soffice is None:
        en, zh = not_installed_message(path)
        raise InputError(en, zh=zh)
    inputs = [path, *inputs]
    out = claim(Path(out) if out else path.with_suffix(".pdf"), force=force, lang=lang, inputs=inputs)
    with tempfile.TemporaryDirectory(prefix="servicepledge-lo-") as tmp:
        profile = Path(tmp, "profile").as_uri()
        cmd = [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--nologo",
               "--nodefault", "--nolockcheck", "--convert-to", "pdf", "--outdir", tmp, str(path.resolve())]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                                  stdin=subprocess.DEVNULL, env=_env())
        except subprocess.TimeoutExpired:
            raise InputError(f"{path}: LibreOffice did not finish the PDF within {timeout} s; "
                             "close other LibreOffice windows and try again",
                             zh=f"{path}：LibreOffice 未在 {timeout} 秒内完成 PDF；请关闭其他 LibreOffice 窗口后重试"
                             ) from None
        except OSError as e:
            raise InputError(f"{path}: LibreOffice could not be started ({e})",
                             zh=f"{path}：无法启动 LibreOffice（{e}）") from None
        made = Path(tmp, path.stem + ".pdf")
        if proc.returncode != 0 or not made.is_file() or made.stat().st_size == 0:
            said = _last_line(proc.stderr) or _last_line(proc.stdout)
            raise InputError(f"{path}: LibreOffice could not export the PDF ({said or f'exit code {proc.returncode}'})",
                             zh=f"{path}：LibreOffice 无法导出 PDF（{said or f'退出码 {proc.returncode}'}）")
        write_file(out, lambda part: shutil.copyfile(made, part), lang, inputs)
    return out


def _env() -> dict:
    env = dict(os.environ)
    env.setdefault("SAL_USE_VCLPLUGIN", "svp")     # headless: never look for a display
    if sys.platform.startswith("linux"):
        env.pop("DISPLAY", None)
    return env


def _last_line(text: str | None) -> str:
    lines = [ln.strip() for ln in (text or "").splitlines()
             if ln.strip() and "javaldx" not in ln and not ln.startswith("convert ")]
    return lines[-1] if lines else ""


def render_pngs(pdf, outdir, dpi: int = 60, prefix: str = "page") -> list[Path]:
    """Pages of `pdf` as PNG files (poppler's pdftoppm), for looking at and for tests."""
    exe = shutil.which("pdftoppm")
    if exe is None:
        raise InputError("pdftoppm (poppler-utils) is needed to render PDF pages as PNG",
                         zh="将 PDF 页面渲染为 PNG 需要 pdftoppm（poppler-utils）")
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    subprocess.run([exe, "-r", str(dpi), "-png", str(pdf), str(outdir / prefix)], check=True,
                   capture_output=True, timeout=120)
    return sorted(outdir.glob(f"{prefix}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
