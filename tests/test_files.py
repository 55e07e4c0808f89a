"""Output files as a new user gets them wrong: a missing or read-only folder, a target open in Excel, a full
disk, `-o` naming a folder or another extension, and a reader that stops reading (`| head -1`).

Every case runs the real command line in a subprocess (`python -m servicepledge.cli …`). Faults the machine
cannot produce for root are injected in that subprocess before the CLI starts (FAULT below: os.open refusing
to create files in one folder, os.replace refusing to replace the target as Windows does for a file open in
Excel, writes of the temporary file failing with ENOSPC). Where the kernel allows it, the same cases also run
for real in a private mount namespace (a read-only tmpfs, a 16 KiB tmpfs).
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

pytestmark = pytest.mark.needs_subprocess     # every test runs the command line in a subprocess

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "servicepledge-sample.xlsx"
ARGS = ("--period", "2026-10", "--as-of", "2026-10-31 18:00")

# Runs before the CLI in the subprocess; SP_FAULT = "kind:path".
FAULT = r'''
import builtins, errno, io, os, runpy, sys
kind, _, where = os.environ.get("SP_FAULT", ":").partition(":")

class _Full:
    """A file that takes 1000 bytes, then fails as a full disk does."""
    def __init__(self, f):
        self._f, self._n = f, 0
    def write(self, b):
        self._n += len(b)
        if self._n > 1000:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return self._f.write(b)
    def fileno(self):                      # no sendfile shortcut: shutil.copyfile writes through write()
        raise io.UnsupportedOperation("fileno")
    def __enter__(self):
        return self
    def __exit__(self, *a):
        self._f.close()
    def __getattr__(self, name):
        return getattr(self._f, name)

if kind == "enospc":
    _open = io.open
    def _full_open(file, mode="r", *a, **k):
        f = _open(file, mode, *a, **k)
        name = os.path.basename(os.fspath(file)) if isinstance(file, (str, bytes, os.PathLike)) else ""
        return _Full(f) if "w" in mode and str(name).startswith(".~") else f
    io.open = builtins.open = _full_open
elif kind == "eacces":                     # the folder `where` is read-only for this user (chmod a-w)
    _osopen, _replace = os.open, os.replace
    def _deny_open(path, flags, *a, **k):
        if flags & os.O_CREAT and os.path.dirname(os.path.abspath(path)) == where:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), path)
        return _osopen(path, flags, *a, **k)
    os.open = _deny_open
elif kind == "locked":                     # the file `where` is open in Excel (Windows refuses to replace it)
    _replace = os.replace
    def _locked(src, dst, *a, **k):
        if os.path.abspath(dst) == where:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), src, None, dst)
        return _replace(src, dst, *a, **k)
    os.replace = _locked
elif kind == "unreadable":                 # the input `where` cannot be read by this user
    _open2 = io.open
    def _deny_read(file, mode="r", *a, **k):
        if isinstance(file, (str, os.PathLike)) and os.path.abspath(file) == where:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fspath(file))
        return _open2(file, mode, *a, **k)
    io.open = builtins.open = _deny_read
sys.argv[0] = "servicepledge"
runpy.run_module("servicepledge.cli", run_name="__main__", alter_sys=True)
'''


def sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


@pytest.fixture
def book(tmp_path):
    """The user's input workbook (a copy of the sample) and its SHA-256 before the run."""
    src = tmp_path / "input" / "服务台账.xlsx"
    src.parent.mkdir()
    shutil.copyfile(SAMPLE, src)
    return src, sha(src)


def cli(*args, fault: str = "", env=None, prefix=()):
    env = {**os.environ, **(env or {}), "SP_FAULT": fault}
    return subprocess.run([*prefix, sys.executable, "-c", FAULT, *args], capture_output=True, text=True,
                          env=env, timeout=300)


def assert_refused(p, line: str, book, folder: Path):
    """Exit 2, exactly `line` on stderr, input unchanged, no temporary file left in `folder`."""
    assert (p.returncode, p.stderr) == (2, line + "\n"), p.stderr
    assert p.stdout == ""
    src, before = book
    assert sha(src) == before
    if folder.is_dir():
        assert not [f.name for f in folder.iterdir() if f.name.startswith(".~")]


# ------------------------------------------------------------------ missing folder, -o mistakes

def test_missing_folder_is_an_error_not_created(book, tmp_path):
    out = tmp_path / "月报" / "r.xlsx"
    p = cli("report", str(book[0]), *ARGS, "-o", str(out))
    assert_refused(p, f"servicepledge: 无法写入 {out}：文件夹 {out.parent} 不存在；请先创建该文件夹，或用 -o 指定其他位置",
                   book, tmp_path)
    assert not out.parent.exists()
    p = cli("report", str(book[0]), *ARGS, "--lang", "en", "-o", str(out))
    assert_refused(p, f"servicepledge: cannot write {out}: the folder {out.parent} does not exist; "
                      "create it first or choose another -o", book, tmp_path)
    assert not out.parent.exists()


def test_missing_folder_for_the_template(tmp_path):
    out = tmp_path / "nope" / "t.xlsx"
    p = cli("template", "-o", str(out), "--lang", "en")
    assert (p.returncode, p.stderr) == (2, f"servicepledge: cannot write {out}: the folder {out.parent} does not "
                                           "exist; create it first or choose another -o\n")
    assert not out.parent.exists()


def test_output_naming_a_folder(book, tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    p = cli("report", str(book[0]), *ARGS, "--lang", "en", "-o", str(folder))
    assert_refused(p, f"servicepledge: cannot write {folder}: it is a folder; give a file name, "
                      f"e.g. -o {folder / 'servicepledge-report-2026-10.xlsx'}", book, folder)
    assert list(folder.iterdir()) == []
    # a folder named like the report: --force does not replace a folder
    named = tmp_path / "r.xlsx"
    named.mkdir()
    for extra in ((), ("--force",)):
        p = cli("report", str(book[0]), *ARGS, "-o", str(named), *extra)
        assert_refused(p, f"servicepledge: 无法写入 {named}：已有同名文件夹；请用 -o 指定其他位置", book, tmp_path)
    assert named.is_dir() and list(named.iterdir()) == []
    p = cli("template", "-o", str(folder))
    assert p.returncode == 2 and p.stderr == (f"servicepledge: 无法写入 {folder}：这是一个文件夹；请写出文件名，"
                                              f"例如 -o {folder / 'servicepledge-template.xlsx'}\n")


def test_trailing_slash_means_a_folder_even_when_missing(book, tmp_path):
    out = str(tmp_path / "new") + os.sep
    p = cli("report", str(book[0]), *ARGS, "--lang", "en", "-o", out)
    want = tmp_path / "new" / "servicepledge-report-2026-10.xlsx"
    assert_refused(p, f"servicepledge: cannot write {tmp_path / 'new'}: it is a folder; give a file name, "
                      f"e.g. -o {want}", book, tmp_path)
    assert not (tmp_path / "new.xlsx").exists() and not (tmp_path / "new").exists()


def test_folder_that_is_a_file(book, tmp_path):
    (tmp_path / "notes").write_text("x")
    out = tmp_path / "notes" / "r.xlsx"
    p = cli("report", str(book[0]), *ARGS, "--lang", "en", "-o", str(out))
    assert_refused(p, f"servicepledge: cannot write {out}: {tmp_path / 'notes'} is a file, not a folder; "
                      "choose another -o", book, tmp_path)


def test_name_without_extension_gets_xlsx_other_extensions_refused(book, tmp_path):
    p = cli("report", str(book[0]), *ARGS, "-o", str(tmp_path / "十月报告"))
    made = tmp_path / "十月报告.xlsx"
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip().endswith(f"报告已写入 {made}")
    assert openpyxl.load_workbook(made).sheetnames[0] == "KPI仪表板"
    assert not (tmp_path / "十月报告").exists()
    p = cli("template", "-o", str(tmp_path / "模板"))
    assert p.returncode == 0 and p.stdout == f"模板已写入 {tmp_path / '模板.xlsx'}\n"
    csv = tmp_path / "r.csv"
    p = cli("report", str(book[0]), *ARGS, "--lang", "en", "-o", str(csv))
    assert_refused(p, f"servicepledge: cannot write {csv}: it can only be written as an .xlsx workbook; "
                      "give a file name ending in .xlsx", book, tmp_path)
    assert not csv.exists()


def test_name_too_long(book, tmp_path):
    out = tmp_path / ("报" * 100 + ".xlsx")            # 300 bytes of UTF-8: over the 255 a file name may have
    p = cli("report", str(book[0]), *ARGS, "-o", str(out))
    assert_refused(p, f"servicepledge: 无法写入 {out}：文件名或路径过长；请用 -o 指定较短的名称", book, tmp_path)
    p = cli("template", "--lang", "en", "-o", str(tmp_path / ("x" * 300) / "t.xlsx"))
    assert p.returncode == 2 and p.stderr == (f"servicepledge: cannot write {tmp_path / ('x' * 300) / 't.xlsx'}: "
                                              "the name or path is too long; choose a shorter -o\n")


# ------------------------------------------------------------------ read-only folder, locked target, full disk

def test_read_only_folder(book, tmp_path):
    folder = tmp_path / "共享"
    folder.mkdir()
    out = folder / "r.xlsx"
    p = cli("report", str(book[0]), *ARGS, "-o", str(out), fault=f"eacces:{folder}")
    assert_refused(p, f"servicepledge: 无法写入 {out}：没有文件夹 {folder} 的写入权限；请用 -o 指定其他位置，或申请写入权限",
                   book, folder)
    assert list(folder.iterdir()) == []
    p = cli("template", "-o", str(out), "--lang", "en", fault=f"eacces:{folder}")
    assert p.returncode == 2 and p.stderr == (f"servicepledge: cannot write {out}: no permission to write in the "
                                              f"folder {folder}; choose another -o or ask for write access\n")
    assert list(folder.iterdir()) == []


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="needs a non-root POSIX user: root writes into read-only folders")
def test_read_only_folder_for_real(book, tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    out = folder / "r.xlsx"
    try:
        p = cli("report", str(book[0]), *ARGS, "--lang", "en", "-o", str(out))
    finally:
        folder.chmod(0o755)
    assert_refused(p, f"servicepledge: cannot write {out}: no permission to write in the folder {folder}; "
                      "choose another -o or ask for write access", book, folder)


def test_target_open_in_excel(book, tmp_path):
    out = tmp_path / "r.xlsx"
    out.write_bytes(b"last month's report")
    p = cli("report", str(book[0]), *ARGS, "--force", "-o", str(out), fault=f"locked:{out}")
    assert_refused(p, f"servicepledge: 无法写入 {out}：该文件正被其他程序（如 Excel）打开或为只读；请关闭后重试，或用 -o 指定其他位置",
                   book, tmp_path)
    assert out.read_bytes() == b"last month's report"
    p = cli("template", "--force", "--lang", "en", "-o", str(out), fault=f"locked:{out}")
    assert p.returncode == 2 and p.stderr == (f"servicepledge: cannot write {out}: the file is open in another "
                                              "program (e.g. Excel) or read-only; close it and run again, "
                                              "or choose another -o\n")
    assert out.read_bytes() == b"last month's report"
    assert not [f for f in tmp_path.iterdir() if f.name.startswith(".~")]


def test_full_disk(book, tmp_path):
    out = tmp_path / "r.xlsx"
    p = cli("report", str(book[0]), *ARGS, "-o", str(out), fault="enospc:")
    assert_refused(p, f"servicepledge: 无法写入 {out}：磁盘空间已满；请清理空间，或用 -o 指定其他位置", book, tmp_path)
    assert not out.exists()
    p = cli("template", "--lang", "en", "-o", str(out), fault="enospc:")
    assert p.returncode == 2 and p.stderr == (f"servicepledge: cannot write {out}: the disk is full; "
                                              "free some space or choose another -o\n")
    assert not out.exists() and not [f for f in tmp_path.iterdir() if f.name.startswith(".~")]


def _private_mount(folder: Path, options: str) -> tuple:
    """Command prefix: mount a tmpfs on `folder` in a private mount namespace (gone with the process), run
    the command, then list what it left on that tmpfs on stderr (nothing, when all went well)."""
    script = f'mount -t tmpfs -o {options} tmpfs "$0" && {{ "$@"; rc=$?; ls -A "$0" >&2; exit $rc; }}'
    return ("unshare", "-m", "sh", "-c", script, str(folder))


def _can_mount(tmp_path) -> bool:
    if not sys.platform.startswith("linux") or not shutil.which("unshare"):
        return False
    d = tmp_path / "probe"
    d.mkdir()
    return subprocess.run([*_private_mount(d, "size=16k"), "true"], capture_output=True).returncode == 0


def test_full_disk_and_read_only_drive_for_real(book, tmp_path):
    if not _can_mount(tmp_path):
        pytest.skip("needs unshare -m and mount (a private tmpfs)")
    folder = tmp_path / "u盘"
    folder.mkdir()
    out = folder / "r.xlsx"
    # a 16 KiB drive: neither the report (~190 KB) nor the template (~30 KB) fits
    p = cli("report", str(book[0]), *ARGS, "--lang", "en", "-o", str(out), prefix=_private_mount(folder, "size=16k"))
    assert (p.returncode, p.stderr) == (2, f"servicepledge: cannot write {out}: the disk is full; "
                                           "free some space or choose another -o\n")    # and nothing left on it
    assert sha(book[0]) == book[1]
    p = cli("template", "-o", str(out), prefix=_private_mount(folder, "size=16k"))
    assert (p.returncode, p.stderr) == (2, f"servicepledge: 无法写入 {out}：磁盘空间已满；请清理空间，或用 -o 指定其他位置\n")
    p = cli("template", "-o", str(out), prefix=_private_mount(folder, "ro"))
    assert (p.returncode, p.stderr) == (2, f"servicepledge: 无法写入 {out}：文件夹 {folder} 位于只读磁盘；请用 -o 指定其他位置\n")
    assert list(folder.iterdir()) == []


# ------------------------------------------------------------------ --pdf (a stand-in for LibreOffice)

@pytest.fixture
def fake_soffice(tmp_path):
    """An 'soffice' that writes a small PDF where LibreOffice would (--outdir DIR FILE)."""
    exe = tmp_path / "bin" / "soffice"
    exe.parent.mkdir()
    exe.write_text('#!/bin/sh\nwhile [ $# -gt 1 ]; do [ "$1" = --outdir ] && out=$2; shift; done\n'
                   'printf "%%PDF-1.4 stand-in\\n" > "$out/$(basename "$1" .xlsx).pdf"\n')
    exe.chmod(0o755)
    return {"SERVICEPLEDGE_SOFFICE": str(exe)}


@pytest.mark.skipif(os.name != "posix", reason="shell stand-in for soffice")
def test_pdf_open_in_a_viewer_or_disk_full(book, tmp_path, fake_soffice):
    out = tmp_path / "r.xlsx"
    pdf = tmp_path / "r.pdf"
    p = cli("report", str(book[0]), *ARGS, "--lang", "en", "--pdf", "-o", str(out), env=fake_soffice)
    assert p.returncode == 0 and pdf.read_bytes() == b"%PDF-1.4 stand-in\n", p.stderr
    pdf.write_bytes(b"old")
    p = cli("report", str(book[0]), *ARGS, "--lang", "en", "--pdf", "--force", "-o", str(out),
            env=fake_soffice, fault=f"locked:{pdf}")
    assert p.returncode == 2 and p.stderr == (f"servicepledge: cannot write {pdf}: the file is open in another "
                                              "program (e.g. Excel) or read-only; close it and run again, "
                                              "or choose another -o\n")
    assert pdf.read_bytes() == b"old" and sha(book[0]) == book[1]
    pdf.unlink()
    out.unlink()
    p = cli("report", str(book[0]), *ARGS, "--pdf", "-o", str(out), env=fake_soffice, fault="enospc:")
    # the workbook is the first file written: the disk is full for it already
    assert p.returncode == 2 and p.stderr == f"servicepledge: 无法写入 {out}：磁盘空间已满；请清理空间，或用 -o 指定其他位置\n"
    assert not out.exists() and not pdf.exists()
    assert not [f for f in tmp_path.iterdir() if f.name.startswith(".~")]


# ------------------------------------------------------------------ a reader that stops reading

def _small_pipe() -> tuple[int, int]:
    r, w = os.pipe()
    import fcntl   # (POSIX only; the module is skipped where there are no subprocesses)
    fcntl.fcntl(w, getattr(fcntl, "F_SETPIPE_SZ", 1031), 4096)
    assert fcntl.fcntl(w, getattr(fcntl, "F_GETPIPE_SZ", 1032)) == 4096
    return r, w


def _env(unbuffered: bool) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    return {**env, "PYTHONUNBUFFERED": "1"} if unbuffered else env


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="F_SETPIPE_SZ")
@pytest.mark.parametrize("unbuffered", [False, True], ids=["buffered", "PYTHONUNBUFFERED"])
def test_json_into_head_exits_quietly(book, unbuffered):
    # the document (~14 KB) is larger than the 4 KiB pipe plus the 2 bytes read below, so the write must break
    size = len(cli("report", str(book[0]), *ARGS, "--json").stdout.encode())
    assert size > 2 * 4096
    r, w = _small_pipe()
    proc = subprocess.Popen([sys.executable, "-m", "servicepledge.cli", "report", str(book[0]), *ARGS, "--json"],
                            stdout=w, stderr=subprocess.PIPE, env=_env(unbuffered))
    os.close(w)
    assert os.read(r, 2) == b"{\n"        # the first line, as `head -1` reads it
    os.close(r)
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0 and err == ""


@pytest.mark.parametrize("unbuffered", [False, True], ids=["buffered", "PYTHONUNBUFFERED"])
def test_summary_into_a_closed_pipe_still_writes_the_report(book, tmp_path, fake_soffice, unbuffered):
    out = tmp_path / "r.xlsx"
    proc = subprocess.Popen([sys.executable, "-m", "servicepledge.cli", "report", str(book[0]), *ARGS, "-o", str(out),
                             "--pdf"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**_env(unbuffered), **fake_soffice})
    proc.stdout.close()                   # the reader is gone before the summary is printed
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0 and err == ""
    assert openpyxl.load_workbook(out).sheetnames[0] == "KPI仪表板"
    assert out.with_suffix(".pdf").read_bytes() == b"%PDF-1.4 stand-in\n"   # the PDF after the summary too


def test_summary_into_head_through_a_shell(book, tmp_path):
    out = tmp_path / "r.xlsx"
    cmd = (f'"{sys.executable}" -m servicepledge.cli report "{book[0]}" --period 2026-10 '
           f'--as-of "2026-10-31 18:00" -o "{out}" | head -1; echo "exit=${{PIPESTATUS[0]}}"')
    p = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, timeout=120, env=_env(False))
    assert p.stdout.splitlines()[0].startswith("servicepledge ") and p.stdout.splitlines()[1] == "exit=0"
    assert p.stderr == "" and out.is_file()
    p = subprocess.run(["bash", "-c", f'"{sys.executable}" -m servicepledge.cli template -o "{tmp_path / "t.xlsx"}" | true'],
                       capture_output=True, text=True, timeout=120, env=_env(False))
    assert p.returncode == 0 and p.stderr == "" and (tmp_path / "t.xlsx").is_file()


def test_unreadable_input_is_not_called_a_write_error(book, tmp_path):
    p = cli("report", str(book[0]), *ARGS, "-o", str(tmp_path / "r.xlsx"), fault=f"unreadable:{book[0]}")
    assert (p.returncode, p.stderr) == (2, f"servicepledge: 无法打开 {book[0]}：没有访问权限\n")   # no --lang, locale C: zh
    assert not (tmp_path / "r.xlsx").exists()
