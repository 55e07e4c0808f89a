"""The Pyodide lane refuses wheels whose sha256 differs from pyodide-lock.json (scripts/pyodide_verify.py)."""
import hashlib
import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("pyodide_verify", ROOT / "scripts" / "pyodide_verify.py")
verify = importlib.util.module_from_spec(spec)
spec.loader.exec_module(verify)


def layout(tmp_path, numpy_bytes=b"numpy wheel", lock_bytes=b"numpy wheel"):
    core, assets = tmp_path / "core", tmp_path / "assets"
    core.mkdir(), assets.mkdir()
    for name in verify.CORE:
        (core / name).write_bytes(b"core")
    pkgs = {"numpy": {"file_name": "numpy-2.0.2-wasm32.whl", "depends": [],
                      "sha256": hashlib.sha256(lock_bytes).hexdigest()},
            "pandas": {"file_name": "pandas-2.2.3-wasm32.whl", "depends": ["numpy"],
                       "sha256": hashlib.sha256(b"pandas wheel").hexdigest()}}
    (core / "pyodide-lock.json").write_text(json.dumps(
        {"info": {"version": "0.27.7", "python": "3.12.7"}, "packages": pkgs}))
    (assets / "numpy-2.0.2-wasm32.whl").write_bytes(numpy_bytes)
    (assets / "pandas-2.2.3-wasm32.whl").write_bytes(b"pandas wheel")
    return core, assets, tmp_path / "dist"


def test_matching_files_are_assembled_with_their_dependencies(tmp_path, capsys):
    core, assets, dist = layout(tmp_path)
    assert verify.main(core, assets, dist, ["pandas"]) == 0
    assert (dist / "numpy-2.0.2-wasm32.whl").read_bytes() == b"numpy wheel"      # pulled in by pandas
    assert (dist / "pyodide.asm.wasm").is_file()
    assert "2 packages verified" in capsys.readouterr().out


def test_a_tampered_wheel_stops_the_lane(tmp_path, capsys):
    core, assets, dist = layout(tmp_path, numpy_bytes=b"numpy wheel, changed")
    assert verify.main(core, assets, dist, ["pandas"]) == 1
    err = capsys.readouterr().err
    assert "numpy-2.0.2-wasm32.whl does not match the sha256 in pyodide-lock.json" in err and "refusing" in err
    assert not dist.exists()                                                     # nothing assembled


def test_a_tampered_wheel_not_asked_for_still_stops_it(tmp_path):
    core, assets, dist = layout(tmp_path, numpy_bytes=b"other")
    assert verify.main(core, assets, dist, []) == 1


def test_a_missing_package_is_named(tmp_path, capsys):
    core, assets, dist = layout(tmp_path)
    (assets / "numpy-2.0.2-wasm32.whl").unlink()
    assert verify.main(core, assets, dist, ["pandas"]) == 1
    assert "numpy-2.0.2-wasm32.whl (numpy) is missing" in capsys.readouterr().err
