"""Output safety by construction (issue 14): every output — the report workbook, its --pdf, the template —
is decided by one rule (outfile.claim) before anything is created, and the input's bytes never change.

- the input is refused however `-o` spells it: through a folder that does not exist (`nosuchdir/../in.xlsx`),
  a symbolic link to it, a hard link to it — with or without --force;
- an existing file is kept (`name (2).ext`) unless --force, the PDF included; a read-only file is not replaced
  even with --force (one line says so);
- SIGTERM, SIGHUP and Ctrl-C during the write: one line, exit 128 + signal, no `.~…` file, no target.

Every case runs the real command line in a subprocess (helpers.cli; skipped in the Pyodide lane).
"""
from __future__ import annotations

import hashlib
import itertools
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest

from helpers import cli

pytestmark = pytest.mark.needs_subprocess

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "servicepledge-sample.xlsx"
ARGS = ("--period", "2026-10", "--as-of", "2026-10-31 18:00")


def sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def leftovers(folder: Path) -> list[str]:
    return sorted(f.name for f in folder.iterdir() if f.name.startswith(".~"))


@pytest.fixture
def book(tmp_path):
    """The user's input workbook (a copy of the sample) in its own folder, and its SHA-256."""
    src = tmp_path / "in" / "台账.xlsx"
    src.parent.mkdir()
    shutil.copyfile(SAMPLE, src)
    return src, sha(src)


@pytest.fixture
def soffice(tmp_path):
    """An 'soffice' stand-in that writes a small PDF where LibreOffice would (--outdir DIR FILE)."""
    if os.name != "posix":
        pytest.skip("shell stand-in for soffice")
    exe = tmp_path / "bin" / "soffice"
    exe.parent.mkdir()
    exe.write_text('#!/bin/sh\nwhile [ $# -gt 1 ]; do [ "$1" = --outdir ] && out=$2; shift; done\n'
                   'printf "%%PDF-1.4 new\\n" > "$out/$(basename "$1" .xlsx).pdf"\n')
    exe.chmod(0o755)
    return str(exe)


def run(*args, cwd=None, soffice=None):
    """helpers.cli with the stand-in soffice (through the environment the subprocess inherits)."""
    old = os.environ.get("SERVICEPLEDGE_SOFFICE")
    if soffice:
        os.environ["SERVICEPLEDGE_SOFFICE"] = soffice
    try:
        return cli(*args, cwd=cwd)
    finally:
        if soffice:
            if old is None:
                os.environ.pop("SERVICEPLEDGE_SOFFICE", None)
            else:
                os.environ["SERVICEPLEDGE_SOFFICE"] = old


def refused(p, line: str):
    assert (p.returncode, p.stdout, p.stderr) == (2, "", f"servicepledge: {line}\n"), p.stderr


def input_line(o, src, lang="en"):
    if lang == "en":
        return (f"cannot write {o}: it is the input file {src}; an output is never written over its input "
                "(not even with --force); choose another -o")
    return f"无法写入 {o}：这就是输入文件 {src}；输出绝不写在输入文件上（--force 也不会）；请用 -o 指定其他位置"


# ------------------------------------------------------------------ the input, however spelled

def test_output_through_a_missing_folder_back_to_the_input(book):
    src, before = book
    o = "nosuchdir/../台账.xlsx"                   # the kernel would say 'no such folder'; the rule says 'input'
    for extra in ((), ("--force",), ("--force", "--pdf")):
        p = cli("report", src.name, *ARGS, "--lang", "en", "-o", o, *extra, cwd=src.parent)
        refused(p, input_line(o, src.name))
    p = cli("report", src.name, *ARGS, "-o", o, cwd=src.parent)
    refused(p, input_line(o, src.name, "zh"))
    assert sha(src) == before and sorted(os.listdir(src.parent)) == ["台账.xlsx"]    # no folder created


def test_output_via_a_symlink_or_hard_link_to_the_input(book):
    src, before = book
    sym, hard = src.parent / "link.xlsx", src.parent / "hard.xlsx"
    sym.symlink_to(src.name)
    os.link(src, hard)
    for o in (sym, hard, src.parent / "x" / ".." / "link.xlsx"):
        for extra in ((), ("--force",)):
            p = cli("report", str(src), *ARGS, "--lang", "en", "-o", str(o), *extra)
            refused(p, input_line(o, src))
    assert sha(src) == before and os.readlink(sym) == src.name and os.stat(hard).st_ino == os.stat(src).st_ino
    assert sorted(os.listdir(src.parent)) == ["hard.xlsx", "link.xlsx", "台账.xlsx"]


def test_a_symlink_to_another_file_is_written_through(book, tmp_path):
    """-o naming a link to last month's report: kept without --force; with --force the file it points to
    is replaced and the link still points to it."""
    src, before = book
    real = tmp_path / "reports" / "2026-09.xlsx"
    real.parent.mkdir()
    real.write_bytes(b"last month")
    link = tmp_path / "latest.xlsx"
    link.symlink_to(real)
    p = cli("report", str(src), *ARGS, "-o", str(link))
    assert p.returncode == 0 and p.stdout.endswith(f"报告已写入 {tmp_path / 'latest (2).xlsx'}\n"), p.stderr
    assert real.read_bytes() == b"last month"
    p = cli("report", str(src), *ARGS, "-o", str(link), "--force")
    assert p.returncode == 0, p.stderr
    assert link.is_symlink() and openpyxl.load_workbook(real).sheetnames[0] == "KPI仪表板"
    assert leftovers(tmp_path) == leftovers(real.parent) == [] and sha(src) == before


# ------------------------------------------------------------------ --pdf: the same keep / (2) / --force rule

def test_pdf_over_an_existing_pdf_is_kept_unless_force(book, tmp_path, soffice):
    src, before = book
    out, pdf = tmp_path / "r.xlsx", tmp_path / "r.pdf"
    pdf.write_bytes(b"%PDF last month")
    p = run("report", str(src), *ARGS, "--pdf", "-o", str(out), soffice=soffice)
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines()[-2:] == [f"报告已写入 {out}", f"PDF：{tmp_path / 'r (2).pdf'}"]
    assert pdf.read_bytes() == b"%PDF last month" and (tmp_path / "r (2).pdf").read_bytes() == b"%PDF-1.4 new\n"
    # the workbook exists now too: the next run writes 'r (2).xlsx' and, since 'r (2).pdf' is taken, 'r (2) (2).pdf'
    p = run("report", str(src), *ARGS, "--pdf", "-o", str(out), soffice=soffice)
    assert p.stdout.splitlines()[-2:] == [f"报告已写入 {tmp_path / 'r (2).xlsx'}",
                                          f"PDF：{tmp_path / 'r (2) (2).pdf'}"], p.stderr
    p = run("report", str(src), *ARGS, "--pdf", "--force", "-o", str(out), soffice=soffice)
    assert p.returncode == 0 and p.stdout.splitlines()[-1] == f"PDF：{pdf}", p.stderr
    assert pdf.read_bytes() == b"%PDF-1.4 new\n" and sha(src) == before and leftovers(tmp_path) == []


def test_input_named_pdf_is_never_replaced_by_the_pdf(tmp_path, soffice):
    """An .xlsx saved as 'r.pdf' and `-o r.xlsx --pdf`: the PDF would be r.pdf, the input. Refused before
    anything is written (not even the workbook), with or without --force."""
    src = tmp_path / "r.pdf"
    shutil.copyfile(SAMPLE, src)
    before = sha(src)
    for extra in ((), ("--force",)):
        p = run("report", str(src), *ARGS, "--lang", "en", "--pdf", "-o", str(tmp_path / "r.xlsx"), *extra,
                soffice=soffice)
        refused(p, input_line(tmp_path / "r.pdf", src))
    assert sha(src) == before and sorted(os.listdir(tmp_path)) == ["bin", "r.pdf"]


def test_a_folder_named_like_an_output(book, tmp_path, soffice):
    src, before = book
    (tmp_path / "x.xlsx").mkdir()
    (tmp_path / "y.pdf").mkdir()
    for extra in ((), ("--force",)):
        p = run("report", str(src), *ARGS, "--lang", "en", "-o", str(tmp_path / "x.xlsx"), *extra)
        refused(p, f"cannot write {tmp_path / 'x.xlsx'}: a folder has this name; choose another -o")
        # the PDF's target is a folder: refused before the workbook y.xlsx is written
        p = run("report", str(src), *ARGS, "--lang", "en", "--pdf", "-o", str(tmp_path / "y.xlsx"), *extra,
                soffice=soffice)
        refused(p, f"cannot write {tmp_path / 'y.pdf'}: a folder has this name; choose another -o")
        p = cli("template", "-o", str(tmp_path / "x.xlsx"), *extra)
        refused(p, f"无法写入 {tmp_path / 'x.xlsx'}：已有同名文件夹；请用 -o 指定其他位置")
    assert not (tmp_path / "y.xlsx").exists() and not list((tmp_path / "x.xlsx").iterdir())
    assert sha(src) == before


# ------------------------------------------------------------------ a read-only target

def test_read_only_target_is_kept_and_not_replaced_even_with_force(book, tmp_path):
    src, before = book
    out = tmp_path / "r.xlsx"
    out.write_bytes(b"signed-off report")
    out.chmod(0o444)
    try:
        p = cli("report", str(src), *ARGS, "-o", str(out))       # without --force: kept, as every existing file
        assert p.returncode == 0 and p.stdout.endswith(f"报告已写入 {tmp_path / 'r (2).xlsx'}\n"), p.stderr
        p = cli("report", str(src), *ARGS, "-o", str(out), "--force")
        refused(p, f"无法写入 {out}：该文件是只读的，--force 也不会替换只读文件；请先取消其只读属性，或用 -o 指定其他位置")
        p = cli("template", "--lang", "en", "-o", str(out), "--force")
        refused(p, f"cannot write {out}: the file is read-only and --force does not replace a read-only file; "
                   "make it writable first or choose another -o")
        assert out.read_bytes() == b"signed-off report" and leftovers(tmp_path) == []
    finally:
        out.chmod(0o644)
    assert sha(src) == before


# ------------------------------------------------------------------ a signal during the write

# Runs the CLI with the write of the temporary file slowed down: half the bytes, a marker file, then a long sleep.
SLOW = r'''
import os, runpy, sys, time
from pathlib import Path
_write = Path.write_bytes
def slow(self, data):
    if not self.name.startswith(".~"):
        return _write(self, data)
    with open(self, "wb") as f:
        f.write(data[: len(data) // 2])
        f.flush()
        Path(os.environ["SP_MARKER"]).write_text(str(self))
        time.sleep(120)
        f.write(data[len(data) // 2:])
    return len(data)
Path.write_bytes = slow
sys.argv[0] = "servicepledge"
runpy.run_module("servicepledge.cli", run_name="__main__", alter_sys=True)
'''


def _interrupt(args, folder: Path, signum: int):
    if sys.platform == "emscripten":
        pytest.skip("Pyodide: starts a subprocess; Pyodide (xlwings Lite) has none")
    marker = folder.parent / f"marker-{signum}"
    proc = subprocess.Popen([sys.executable, "-c", SLOW, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**os.environ, "SP_MARKER": str(marker)})
    deadline = time.monotonic() + 240
    while not marker.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.1)
    tmp = Path(marker.read_text())
    assert tmp.exists() and tmp.parent == folder                    # the half-written temporary file is there
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=60)
    marker.unlink()
    return proc.returncode, err, tmp


@pytest.mark.skipif(os.name != "posix", reason="POSIX signals")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT], ids=lambda s: s.name)
def test_signal_during_the_write_leaves_nothing(book, tmp_path, signum):
    src, before = book
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "r.xlsx"
    rc, err, tmp = _interrupt(["report", str(src), *ARGS, "-o", str(out)], folder, signum)
    assert (rc, err) == (128 + signum, f"servicepledge: 已中断；{out} 未写入任何内容\n")
    assert not tmp.exists() and list(folder.iterdir()) == [] and sha(src) == before


@pytest.mark.skipif(os.name != "posix", reason="POSIX signals")
def test_sigterm_during_a_forced_template_write_keeps_the_old_file(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "t.xlsx"
    out.write_bytes(b"the old template")
    rc, err, tmp = _interrupt(["template", "--lang", "en", "--force", "-o", str(out)], folder, signal.SIGTERM)
    assert (rc, err) == (143, f"servicepledge: interrupted; nothing was written to {out}\n")
    assert out.read_bytes() == b"the old template" and sorted(os.listdir(folder)) == ["t.xlsx"]


# ------------------------------------------------------------------ the property: the input's bytes never change

def test_input_bytes_never_change_whatever_the_options(tmp_path, soffice):
    """Every spelling of -o that reaches the input × --pdf × --force: exit 2 (the input) and the same bytes.
    Then an input named .pdf, whose PDF would be itself."""
    work = tmp_path / "w"
    (work / "sub").mkdir(parents=True)
    src = work / "in.xlsx"
    shutil.copyfile(SAMPLE, src)
    before = sha(src)
    (work / "sym.xlsx").symlink_to("in.xlsx")
    (work / "sub" / "up.xlsx").symlink_to("../in.xlsx")
    os.link(src, work / "hard.xlsx")
    spellings = ["./in.xlsx", "in", "nosuchdir/../in.xlsx", "sub/../sub/../in", "sym.xlsx", "sub/up.xlsx",
                 "hard.xlsx", f"{work}/nosuchdir/../in.xlsx"]
    names = sorted(os.listdir(work))
    for o, pdf, force in itertools.product(spellings, (False, True), (False, True)):
        args = ["report", "in.xlsx", *ARGS, "-o", o] + ["--pdf"] * pdf + ["--force"] * force
        p = run(*args, cwd=work, soffice=soffice)
        assert p.returncode == 2 and len(p.stderr.splitlines()) == 1, (args, p.stderr)
        assert sha(src) == before, args
    assert sorted(os.listdir(work)) == names and os.listdir(work / "sub") == ["up.xlsx"]
    pdf_input = work / "in.pdf"
    os.replace(src, pdf_input)
    for o, force in itertools.product(["in.xlsx", "in", "sub/../in.xlsx"], (False, True)):
        p = run("report", "in.pdf", *ARGS, "-o", o, "--pdf", *(["--force"] * force), cwd=work, soffice=soffice)
        assert p.returncode == 2 and "in.pdf" in p.stderr and len(p.stderr.splitlines()) == 1, p.stderr
        assert sha(pdf_input) == before
