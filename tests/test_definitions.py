"""The definitions documents (docs/DEFINITIONS.md, docs/DEFINITIONS.zh.md) stay true to the code.

- the generated tables are what scripts/gen_definitions.py writes from the code now;
- every input column (canonical name and Chinese header) and every Terms key is in both documents,
  checked straight from schema.py / terms.py, independently of the generator;
- the worked elapsed-hours examples give the hours the engine computes;
- every warning code the add-in raises (`.warn("code", …)` in its source) is listed in §9.1 of both documents,
  and nothing else is;
- every key of the report JSON (the bundled sample's, as `servicepledge report --json` prints it) is described
  in docs/REPORT_JSON.md, and the document's example shows the real values;
- the README and ARCHITECTURE link the documents, every local link resolves, and nothing in the
  project points to the spec folder outside the repository (a clone does not have it).
"""
from __future__ import annotations

import importlib.util
import os
import re
from pathlib import Path

import pandas as pd
import pytest

from servicepledge import elapsed_hours
from servicepledge.inputs.schema import TABLES
from servicepledge.core.terms import DEFAULTS

ROOT = Path(__file__).resolve().parent.parent
EN = ROOT / "docs" / "DEFINITIONS.md"
ZH = ROOT / "docs" / "DEFINITIONS.zh.md"
DOCS = {"en": EN, "zh": ZH}


def _gen():
    spec = importlib.util.spec_from_file_location("gen_definitions", ROOT / "scripts" / "gen_definitions.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_generated_tables_match_the_code(lang):
    gen = _gen()
    text = DOCS[lang].read_text(encoding="utf-8")
    assert set(gen.block_names(text)) == set(gen.blocks(lang)), "a generated block is missing or unknown"
    assert gen.render(text, lang) == text, \
        f"{DOCS[lang].name} is out of date with the code: run python scripts/gen_definitions.py"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_column_and_terms_key_is_defined(lang):
    text = DOCS[lang].read_text(encoding="utf-8")
    quoted = set(re.findall(r"`([^`\n]+)`", text))
    missing = []
    for t in TABLES.values():
        for name in (t.name, t.zh):
            if name not in quoted:
                missing.append(name)
        for c in t.columns:
            missing += [n for n in (c.name, *c.aliases) if n not in quoted]
    missing += [k for k in DEFAULTS if k not in quoted]
    assert not missing, f"{DOCS[lang].name} does not define: {missing}"


def test_both_languages_have_the_same_sections():
    ids = {lang: re.findall(r'<a id="([\w-]+)"></a>', p.read_text(encoding="utf-8")) for lang, p in DOCS.items()}
    assert ids["en"] == ids["zh"] and len(ids["en"]) >= 20


_ROW = re.compile(r"^\| \w{3} (\d\d-\d\d \d\d:\d\d) \| \w{3} (\d\d-\d\d \d\d:\d\d) \| ([\d.]+) h \| ([\d.]+) h \|", re.M)


def test_elapsed_hours_examples_are_what_the_engine_computes():
    rows = _ROW.findall(EN.read_text(encoding="utf-8"))
    assert len(rows) == 5
    terms = {"time_basis": "business", "break_start": "12:00", "break_end": "13:00"}
    for a, b, cal, bus in rows:
        start, end = pd.Timestamp(f"2026-{a}"), pd.Timestamp(f"2026-{b}")
        assert elapsed_hours(start, end)[0] == pytest.approx(float(cal)), (a, b)
        assert elapsed_hours(start, end, terms)[0] == pytest.approx(float(bus)), (a, b)
    # the Chinese table states the same figures
    zh = ZH.read_text(encoding="utf-8")
    for _, _, cal, bus in rows:
        assert f"{cal} 小时 | {bus} 小时" in zh


def test_readme_starts_with_setup_and_links_the_definitions():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    lines = readme.splitlines()
    assert lines[2:6] == ["```bash", "bash scripts/setup.sh && .venv/bin/servicepledge report",
                          "bash scripts/setup.sh --test && .venv/bin/python -m pytest", "```"]
    assert "(docs/DEFINITIONS.md)" in readme and "(docs/DEFINITIONS.zh.md)" in readme
    arch = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    assert "(DEFINITIONS.md" in arch


def _project_text_files():
    skip = {".git", ".venv", "node_modules", "__pycache__", ".pytest_cache", ".hypothesis", "build", "dist"}
    for dirpath, dirnames, filenames in os.walk(ROOT):
        dirnames[:] = [d for d in dirnames if d not in skip and not d.endswith(".egg-info")]
        for f in filenames:
            if f.endswith((".md", ".py", ".txt", ".toml", ".sh", ".cfg", ".ini", ".yml", ".yaml", ".json")) \
                    or f in ("run",):
                yield Path(dirpath) / f


def test_nothing_points_outside_the_repository():
    needle = "../" + "shared"          # written in two parts so this file does not match itself
    offenders = [str(p.relative_to(ROOT)) for p in _project_text_files()
                 if needle in p.read_text(encoding="utf-8", errors="replace")]
    assert not offenders, f"these files point to {needle}/, which a clone does not have: {offenders}"


_LINK = re.compile(r"\]\(([^)\s]+)\)")


@pytest.mark.parametrize("doc", ["README.md", "docs/ARCHITECTURE.md", "docs/DEFINITIONS.md",
                                 "docs/DEFINITIONS.zh.md", "docs/REPORT_JSON.md", "docs/EXCEL.md",
                                 "docs/EXCEL.zh.md", "workbook/README.md", "workbook/README.zh.md"])
def test_local_links_resolve(doc):
    path = ROOT / doc
    broken = []
    for target in _LINK.findall(path.read_text(encoding="utf-8")):
        if re.match(r"^[a-z]+:", target):
            continue
        file, _, anchor = target.partition("#")
        dest = (path.parent / file).resolve() if file else path
        if not dest.exists():
            broken.append(target)
            continue
        if anchor and dest.suffix == ".md":
            text = dest.read_text(encoding="utf-8")
            ids = set(re.findall(r'<a id="([\w-]+)"></a>', text))
            ids |= {_slug(h) for h in re.findall(r"^#+ (.+)$", text, re.M)}
            if anchor not in ids:
                broken.append(target)
    assert not broken, f"{doc}: broken links {broken}"


def _slug(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces to dashes."""
    s = heading.strip().lower()
    s = re.sub(r"[^\w\- ]", "", s)
    return s.replace(" ", "-")


_WARN = re.compile(r"""\.warn\(\s*["']([a-z_]+)["']""")


def _warning_codes_in_code() -> set[str]:
    """Every code passed to Issues.warn(...) anywhere in the add-in, read from the source text."""
    codes = set()
    for path in (ROOT / "addin" / "servicepledge").rglob("*.py"):
        codes |= set(_WARN.findall(path.read_text(encoding="utf-8")))
    return codes


def test_the_warning_code_scan_finds_the_codes():
    # the scan itself must work: these codes are known to be raised (tests/test_headers.py, test_as_of.py)
    assert {"unknown_header", "missing_column", "after_as_of", "empty_population"} <= _warning_codes_in_code()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_warning_code_is_defined(lang):
    text = DOCS[lang].read_text(encoding="utf-8")
    section = text[text.index('<a id="warning-codes"></a>'):text.index('<a id="verdicts"></a>')]
    listed = set(re.findall(r"^\| `([a-z_]+)` \|", section, re.M))
    missing = _warning_codes_in_code() - listed
    assert not missing, f"{DOCS[lang].name} §9.1 does not list the warning code(s) {sorted(missing)}"
    stale = listed - _warning_codes_in_code()
    assert not stale, f"{DOCS[lang].name} §9.1 lists code(s) the code never raises: {sorted(stale)}"


REPORT_JSON = ROOT / "docs" / "REPORT_JSON.md"
SAMPLE_AS_OF = "2026-10-31 18:00"


@pytest.fixture(scope="module")
def sample_doc():
    """The JSON of the bundled sample, from the command a user runs (the subprocess inherits PYTHONPATH)."""
    import json

    from helpers import cli       # (skips in the Pyodide lane, which has no subprocesses)
    p = cli("report", "--json", "--as-of", SAMPLE_AS_OF)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def _keys(x, path=""):
    """(path, key) of every dict key, recursively (list items share their list's path)."""
    if isinstance(x, dict):
        for k, v in x.items():
            yield f"{path}.{k}".lstrip("."), k
            yield from _keys(v, f"{path}.{k}".lstrip("."))
    elif isinstance(x, list):
        for item in x:
            yield from _keys(item, path + "[]")


def test_every_key_of_the_report_json_is_documented(sample_doc):
    from servicepledge.inputs.tables import Issues
    issues = Issues()
    issues.warn("x", "Tickets", None, "中", "en")        # warnings/data_issues are empty in the sample
    issues.add("Tickets", 2, "opened_at", "p")
    doc = {**sample_doc, "warnings": [w.as_dict("en") for w in issues.warnings], "data_issues": issues.rows}
    text = REPORT_JSON.read_text(encoding="utf-8")
    quoted = set(re.findall(r"`([^`\n]+)`", text)) | set(re.findall(r"[{,]\s*(\w+)", text))
    quoted |= {q[:-2] for q in quoted if q.endswith("[]")}          # `items[]` documents items
    undocumented = sorted({p for p, k in _keys(doc) if k not in quoted and not p.startswith("terms.")})
    assert not undocumented, f"REPORT_JSON.md does not describe: {undocumented}"
    # terms: every key is a Terms key, and those are defined in DEFINITIONS (test_every_column_and_terms_key_is_defined)
    assert set(doc["terms"]) == set(DEFAULTS)


def _same(example, real, path="") -> list[str]:
    """Paths where the documented example differs from the real output ("..." entries are left out)."""
    if isinstance(example, dict):
        out = []
        for k, v in example.items():
            if k == "...":
                continue
            out += [f"{path}.{k}: not in the output"] if k not in real else _same(v, real[k], f"{path}.{k}")
        return out
    if isinstance(example, list) and example and isinstance(example[0], dict) and "ref_id" in example[0]:
        by_id = {r["ref_id"]: r for r in real}
        return [d for e in example for d in (_same(e, by_id[e["ref_id"]], f"{path}[{e['ref_id']}]")
                                             if e["ref_id"] in by_id else [f"{path}: no item {e['ref_id']}"])]
    return [] if example == real else [f"{path}: documented {example!r}, output {real!r}"]


def test_the_report_json_example_is_the_real_output(sample_doc):
    import json
    text = REPORT_JSON.read_text(encoding="utf-8")
    example = json.loads(re.search(r"```json\n(.*?)```", text, re.S).group(1))
    assert example["as_of"].startswith(SAMPLE_AS_OF)
    diffs = _same(example, sample_doc)
    assert not diffs, diffs
