"""Fuzzing the command line with hostile workbooks (issue 14): a fixed-seed, bounded campaign for CI.

Every variant (targeted: far cells, odd Table ranges, huge counts, damaged parts; random: byte flips,
truncations, XML edits of one part of a small workbook and of the sample) runs through BOTH readers —
python-calamine and openpyxl alone (python_calamine made unimportable, as without the [fast] extra) —
as `python -m servicepledge.cli report FILE --json` in a child with a 2 GB address-space limit and a
timeout. Every run must exit 0 (valid JSON on stdout) or 2 (at most two lines on stderr), never show a
traceback, leave the input's bytes unchanged (SHA-256) and leave no file behind.

SP_FUZZ_N=400 runs a longer campaign (default 24 random variants of the small workbook, 6 of the sample).
"""
from __future__ import annotations

import hashlib
import json
import os
import random
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import fuzz as F

pytestmark = pytest.mark.needs_subprocess

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "servicepledge-sample.xlsx"
SEED = 14
N_SMALL = int(os.environ.get("SP_FUZZ_N", "24"))
N_SAMPLE = max(1, N_SMALL // 4) if "SP_FUZZ_N" in os.environ else 6
LIMIT_AS = 2 << 30
TIMEOUT = 60


def _limit():
    import resource    # (POSIX; the module is skipped in Pyodide, which has no subprocesses)
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT_AS, LIMIT_AS))


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def variants(root: Path) -> list[tuple[str, Path]]:
    """(what, file): each in its own folder, so leftovers can be seen."""
    out = []

    def place(name: str) -> Path:
        d = root / name
        d.mkdir()
        return d / f"{name}.xlsx"

    base = F.small_workbook(root / "base.xlsx")
    sheet = F.small_workbook(root / "base_sheet.xlsx", table=False)
    targeted = {
        "far_XFD1048576": lambda p: F.far_cell(base, p),
        "far_XFD10000": lambda p: F.far_cell(base, p, "XFD10000"),
        "far_on_sheet": lambda p: F.far_cell(sheet, p, "A1048576"),
        "wide_row": lambda p: F.wide_row(base, p, 2),
        "wide_header_on_sheet": lambda p: F.wide_row(sheet, p, 1),
        "ref_single": lambda p: F.table_ref(base, p, "A1"),
        "ref_inverted": lambda p: F.table_ref(base, p, "C3:A1"),
        "ref_header_only": lambda p: F.table_ref(base, p, "A1:C1"),
        "ref_whole_sheet": lambda p: F.table_ref(base, p, "A1:XFD1048576"),
        "minus_inf": lambda p: F.cell_value(base, p, "<v>46300.375</v>", "<v>-inf</v>"),
        "huge_date": lambda p: F.cell_value(base, p, "<v>46300.375</v>", "<v>1e308</v>"),
        "sst_unique_2^31-1": lambda p: F.shared_strings(base, p, 2**31 - 1),
        "sst_count_2^31-1": lambda p: F.shared_strings(base, p, 1, 2**31 - 1),
        "merge_whole_sheet": lambda p: F.merge_all(base, p),
        "deflate_broken": lambda p: F.corrupt_deflate(base, p),
        "encoding_gbk": lambda p: F.declare_encoding(base, p, "GBK"),
        "encoding_utf16": lambda p: F.declare_encoding(base, p, "UTF-16"),
    }
    for name, make in targeted.items():
        out.append((name, make(place(name))))
    rnd = random.Random(SEED)
    for src, n, tag in ((base, N_SMALL, "small"), (SAMPLE, N_SAMPLE, "sample")):
        for i in range(n):
            p = place(f"{tag}{i:03d}")
            what = F.mutate(src, p, rnd)
            out.append((f"{tag}{i:03d} {what}", p))
    return out


def run(file: Path, reader: str, blocker: Path) -> dict:
    folder = file.parent
    tmp = folder.parent / f"tmp-{folder.name}-{reader}"
    tmp.mkdir()
    before, sha = sorted(os.listdir(folder)), _sha(file)
    path = os.environ.get("PYTHONPATH", "")
    if reader == "openpyxl":
        path = f"{blocker}{os.pathsep}{path}"
    env = {**os.environ, "PYTHONPATH": path, "TMPDIR": str(tmp), "RUST_BACKTRACE": "0"}
    try:
        p = subprocess.run([sys.executable, "-m", "servicepledge.cli", "report", file.name, "--json"],
                           cwd=folder, env=env, capture_output=True, text=True, timeout=TIMEOUT, preexec_fn=_limit)
        code, out, err = p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        code, out, err = "timeout", "", ""
    left = sorted(set(os.listdir(folder)) - set(before)) + [f"TMPDIR/{x}" for x in os.listdir(tmp)]
    return {"code": code, "out": out, "err": err, "changed": _sha(file) != sha, "left": left}


@pytest.fixture(scope="module")
def campaign(tmp_path_factory):
    root = tmp_path_factory.mktemp("fuzz")
    blocker = root / "no_calamine"
    blocker.mkdir()
    (blocker / "python_calamine.py").write_text('raise ImportError("python_calamine blocked by the test")\n')
    jobs = variants(root)
    readers = ("calamine", "openpyxl")
    with ThreadPoolExecutor(max_workers=2) as pool:     # the two readers of one file run one after the other
        results = list(pool.map(lambda j: [run(j[1], reader, blocker) for reader in readers], jobs))
    return [(what, reader, r) for (what, _), rs in zip(jobs, results) for reader, r in zip(readers, rs)]


def _bad(r: dict) -> str | None:
    lines = [x for x in r["err"].splitlines() if x.strip()]
    if r["code"] not in (0, 2):
        return f"exit {r['code']}"
    if "Traceback" in r["err"] or "panicked" in r["err"] or len(lines) > 2:
        return f"stderr of {len(lines)} lines"
    if r["code"] == 2 and not lines:
        return "exit 2 without a message"
    if r["code"] == 0:
        try:
            json.loads(r["out"])
        except ValueError:
            return "exit 0 without JSON"
    if r["changed"]:
        return "input changed"
    if r["left"]:
        return f"left {r['left']}"
    return None


def test_every_variant_exits_0_or_2_in_one_or_two_lines(campaign):
    bad = [f"{what} [{reader}]: {why}\n    {r['err'][-600:]}" for what, reader, r in campaign
           if (why := _bad(r))]
    assert not bad, f"{len(bad)} of {len(campaign)} runs misbehaved:\n" + "\n".join(bad)


def test_campaign_covers_both_outcomes_and_both_readers(campaign):
    # a harness where everything fails early (or nothing is hostile) proves nothing
    codes = {(reader, r["code"]) for _, reader, r in campaign}
    assert {("calamine", 0), ("calamine", 2), ("openpyxl", 0), ("openpyxl", 2)} <= codes
    assert len(campaign) == 2 * (17 + N_SMALL + N_SAMPLE)


def test_targeted_variants_that_must_read(campaign):
    # these are readable workbooks with something odd in them: the report is produced (exit 0)
    must = {"far_XFD1048576", "far_XFD10000", "far_on_sheet", "wide_row", "ref_inverted", "ref_header_only",
            "ref_whole_sheet", "sst_unique_2^31-1", "sst_count_2^31-1", "merge_whole_sheet"}
    got = {(what, reader): r["code"] for what, reader, r in campaign if what in must}
    assert got == {(w, rd): 0 for w in must for rd in ("calamine", "openpyxl")}
