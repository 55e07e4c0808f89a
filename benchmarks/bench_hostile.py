"""Benchmark (issue 14): peak memory and time of reading hostile workbooks, before and after.

    PYTHONPATH=addin .venv/bin/python benchmarks/bench_hostile.py [--before REV] [--limit-gb 3] [--rows 400000]

Each case is read by `servicepledge.inputs.reader.read_workbook` in a fresh child process, with each reader
(python-calamine; openpyxl alone, as without the [fast] extra); the child's peak resident memory
(ru_maxrss, from wait4) and wall time are printed. "before" is the reader of git revision REV
(default: main), extracted to a temporary folder; "after" is the tree on PYTHONPATH. Children run under
an address-space limit (default 3 GB) so a runaway read fails at the limit instead of taking the
machine: such a run prints its exit status ("abort" = exit 134, python-calamine's "memory allocation
failed"; "MemoryError") and "> limit".

Cases: a tiny workbook with one value at XFD1048576; the sample with its Tickets row 2 filled to
column XFD; two rows and one stray value at XFD10000; the ROWS-row Tickets sheet of bench_read.py.
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(HERE))

CHILD = ("import sys\n"
         "if sys.argv[2] == 'openpyxl': sys.modules['python_calamine'] = None\n"
         "from servicepledge.inputs.reader import read_workbook\n"
         "from servicepledge.inputs.tables import InputError\n"
         "try:\n"
         "    w = read_workbook(sys.argv[1]); print(len(w['Tickets'].df), len(w.issues))\n"
         "except InputError as e:\n"
         "    print('refused:', e)\n")


def cases(folder: Path, rows: int) -> dict:
    import fuzz as F
    base = F.small_workbook(folder / "base.xlsx")
    out = {
        "tiny + value at XFD1048576": F.far_cell(base, folder / "far.xlsx"),
        "sample + row 2 filled to XFD": F.wide_row(REPO / "samples" / "servicepledge-sample.xlsx",
                                                   folder / "wide.xlsx", 2, first_col=20),
        "2 rows + value at XFD10000": F.far_cell(base, folder / "far10k.xlsx", "XFD10000"),
    }
    big = Path(f"/tmp/servicepledge-bench-{rows}.xlsx")
    if not big.exists():
        argv, sys.argv = sys.argv, [sys.argv[0], str(rows)]     # bench_read reads ROWS from argv
        import bench_read
        sys.argv = argv
        t = time.perf_counter()
        bench_read.build()
        print(f"built {big} in {time.perf_counter() - t:.0f} s")
    out[f"{rows:,}-row Tickets sheet"] = big
    return out


def extract(rev: str, into: Path) -> Path:
    """The addin/ folder of git revision `rev`."""
    tar = subprocess.run(["git", "-C", str(REPO), "archive", rev, "addin"], capture_output=True, check=True).stdout
    import io
    with tarfile.open(fileobj=io.BytesIO(tar)) as t:
        t.extractall(into, filter="data")
    return into / "addin"


def measure(addin: Path, file: Path, reader: str, limit: int, timeout: float):
    env = {**os.environ, "PYTHONPATH": str(addin), "RUST_BACKTRACE": "0"}

    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    t = time.perf_counter()
    p = subprocess.Popen([sys.executable, "-c", CHILD, str(file), reader], env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, preexec_fn=cap)
    deadline = t + timeout
    while True:
        pid, status, usage = os.wait4(p.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            p.kill()
            pid, status, usage = os.wait4(p.pid, 0)
            return time.perf_counter() - t, usage.ru_maxrss / 1024, "timeout"
        time.sleep(0.05)
    secs = time.perf_counter() - t
    out, err = p.stdout.read().decode(), p.stderr.read().decode()
    code = os.waitstatus_to_exitcode(status)
    if code == 0:
        what = out.strip().splitlines()[-1][:70] if out.strip() else "ok"
        what = what if what.startswith("refused") else f"ok ({what.split()[0]} tickets, {what.split()[1]} issues)"
    elif code in (-6, 134) or "memory allocation" in err:
        what = "abort (memory allocation failed)"
    elif "MemoryError" in err:
        what = "MemoryError"
    elif "PanicException" in err:
        what = "panic"
    else:
        what = f"exit {code}: {err.strip().splitlines()[-1][:60] if err.strip() else ''}"
    return secs, usage.ru_maxrss / 1024, what


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--before", default="main", help="git revision of the 'before' reader (default main)")
    ap.add_argument("--limit-gb", type=float, default=3.0)
    ap.add_argument("--rows", type=int, default=400_000)
    ap.add_argument("--timeout", type=float, default=180)
    a = ap.parse_args()
    limit = int(a.limit_gb * 1024**3)
    after = Path(os.environ.get("PYTHONPATH", str(REPO / "addin")).split(os.pathsep)[0])
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        before = extract(a.before, d / "before")
        files = cases(d, a.rows)
        print(f"{'case':32} {'reader':9} {'version':7} {'seconds':>8} {'peak MB':>8}  outcome")
        for name, f in files.items():
            readers = ["calamine"] if "Tickets sheet" in name else ["calamine", "openpyxl"]
            for reader in readers:
                for label, addin in (("before", before), ("after", after)):
                    secs, mb, what = measure(addin, f, reader, limit, a.timeout)
                    peak = f"{mb:8.0f}" if what.startswith(("ok", "refused")) else f"> {a.limit_gb:.0f} GB"[:8].rjust(8) \
                        if "abort" in what or "Memory" in what else f"{mb:8.0f}"
                    print(f"{name:32} {reader:9} {label:7} {secs:8.1f} {peak}  {what}", flush=True)


if __name__ == "__main__":
    main()
