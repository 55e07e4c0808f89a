"""Shared test set-up: markers for what the Pyodide lane (xlwings Lite's runtime) cannot do.

The suite runs in two lanes: CPython (the README's test command) and Pyodide under Node
(`bash scripts/pyodide-lane.sh`). A test that needs something Pyodide lacks says so with a marker,
and skips there — only there — with the reason printed by `pytest -rs`:

    @pytest.mark.needs_subprocess                    starts a Python or other process
    @pytest.mark.not_in_pyodide("why")               anything else Pyodide does not have

Chinese chart text needs no marker: the package ships its own CJK font (data/fonts), which is what
draws it in Pyodide, where there are no system fonts.
"""
from __future__ import annotations

import sys

import pytest

IN_PYODIDE = sys.platform == "emscripten"

MARKERS = {
    "needs_subprocess": "starts a subprocess; Pyodide (xlwings Lite) has none",
    "not_in_pyodide(reason)": "skipped in Pyodide (xlwings Lite) for the reason given",
}


def pytest_configure(config):
    for name, text in MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {text}")


def pytest_collection_modifyitems(config, items):
    if not IN_PYODIDE:
        return
    def skip(item, reason):      # first of the item's skip marks, so its reason is the one shown
        item.add_marker(pytest.mark.skipif(True, reason="Pyodide: " + reason), append=False)

    for item in items:
        if item.get_closest_marker("needs_subprocess"):
            skip(item, MARKERS["needs_subprocess"])
        marker = item.get_closest_marker("not_in_pyodide")
        if marker:
            skip(item, marker.args[0] if marker.args else "not available")
