"""The released wheel carries every module, the Chinese chart fonts with their licence, and metadata
PyPI accepts; the version is written in one place (servicepledge.__version__)."""
from __future__ import annotations

import re
import tomllib
import zipfile

from wheel_build import ROOT, built_wheel

import servicepledge

PKG = ROOT / "addin" / "servicepledge"


def test_wheel_has_every_module_and_the_fonts():
    wheel = built_wheel()
    assert wheel.name == f"servicepledge-{servicepledge.__version__}-py3-none-any.whl"
    z = zipfile.ZipFile(wheel)
    names = set(z.namelist())
    modules = {f"servicepledge/{p.relative_to(PKG).as_posix()}" for p in PKG.rglob("*.py")}
    assert len(modules) > 30 and not modules - names, sorted(modules - names)
    for font in ("ServicePledgeSansSC-Regular.otf", "ServicePledgeSansSC-Bold.otf", "OFL.txt"):
        assert z.read(f"servicepledge/data/fonts/{font}") == (PKG / "data" / "fonts" / font).read_bytes()
    for preset in ("servicenow", "jira", "zendesk", "freshdesk"):      # --preset works from an installed wheel
        assert z.read(f"servicepledge/data/presets/{preset}.toml") == (PKG / "data" / "presets" / f"{preset}.toml").read_bytes()
    assert not [n for n in names if n.startswith(("tests/", "samples/", "workbook/")) or "__pycache__" in n]
    assert wheel.stat().st_size < 4_000_000          # 2 fonts of ~1.6 MB (compressed ~2.8 MB in all)

    meta = z.read(f"servicepledge-{servicepledge.__version__}.dist-info/METADATA").decode()
    assert re.search(rf"^Version: {re.escape(servicepledge.__version__)}$", meta, re.M)
    assert re.search(r"^License-Expression: .*OFL-1\.1", meta, re.M)
    assert re.search(r"^License-File: .*OFL\.txt$", meta, re.M)
    assert "Classifier: Environment :: WebAssembly :: Emscripten" in meta
    required = {re.split(r"[<>=!~;\[ ]", line[len("Requires-Dist: "):])[0] for line in meta.splitlines()
                if line.startswith("Requires-Dist: ") and "extra ==" not in line}
    assert required == {"pandas", "numpy", "openpyxl", "matplotlib", "chinesecalendar", "defusedxml"}
    entry = z.read(f"servicepledge-{servicepledge.__version__}.dist-info/entry_points.txt").decode()
    assert "servicepledge = servicepledge.cli:main" in entry


def test_version_in_one_place_and_in_the_changelog():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"] and project["project"]["dynamic"] == ["version"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "servicepledge.__version__"}
    assert re.search(rf"^## {re.escape(servicepledge.__version__)}\b", (ROOT / "CHANGELOG.md").read_text(
        encoding="utf-8"), re.M)
