"""The PyInstaller spec collects every data file the package loads at run time.

The frozen build itself is checked by ``scripts/frozen_smoke.py`` (run by ``.ci/run``): the
bundle's data files equal the package's, and the packaged programs use them.
"""

from __future__ import annotations

import ast
import sys
from importlib import resources
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
SPEC = ROOT / "packaging" / "safedesk.spec"

sys.path.insert(0, str(ROOT / "packaging"))
from package_data import data_files, pyinstaller_datas  # noqa: E402


def _resource_files(anchor: str, *parts: str) -> set[Path]:
    folder = resources.files(anchor).joinpath(*parts)
    found: set[Path] = set()
    stack = [folder]
    while stack:
        item = stack.pop()
        if item.is_dir():
            stack.extend(item.iterdir())
        elif item.is_file() and not item.name.endswith((".py", ".pyc")):
            found.add(Path(str(item)).relative_to(SRC))
    return found


def test_every_file_the_code_loads_at_run_time_is_collected() -> None:
    collected = set(data_files(SRC))
    # What reports/pdf_base.py, ui/theme.py and the migrations read through importlib.resources.
    loaded = (
        _resource_files("safedesk.reports", "fonts")
        | _resource_files("safedesk.store.migrations")
        | {Path("safedesk/ui/style.qss")}
    )
    assert any(p.suffix == ".ttf" for p in loaded)
    assert any(p.suffix == ".sql" for p in loaded)
    assert loaded <= collected, sorted(loaded - collected)


def test_collected_equals_every_non_python_file_in_the_package() -> None:
    on_disk = {
        p.relative_to(SRC)
        for p in (SRC / "safedesk").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix not in {".py", ".pyc"}
    }
    assert set(data_files(SRC)) == on_disk


def test_a_data_file_added_to_the_package_is_collected_without_naming_it(
    tmp_path: Path,
) -> None:
    package = tmp_path / "safedesk" / "reports" / "icons"
    package.mkdir(parents=True)
    (tmp_path / "safedesk" / "__init__.py").write_text("", "utf-8")
    (tmp_path / "safedesk" / "__pycache__").mkdir()
    (tmp_path / "safedesk" / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"")
    (package / "logo.svg").write_text("<svg/>", "utf-8")
    assert data_files(tmp_path) == [Path("safedesk/reports/icons/logo.svg")]
    assert pyinstaller_datas(tmp_path) == [
        (str(package / "logo.svg"), str(Path("safedesk/reports/icons")))
    ]


def test_the_spec_takes_its_data_files_from_the_package_not_a_hand_list() -> None:
    tree = ast.parse(SPEC.read_text("utf-8"))
    datas_values = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "datas" for t in node.targets)
    ]
    assert len(datas_values) == 1
    call = datas_values[0]
    assert isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
    assert call.func.id == "pyinstaller_datas"
    analyses = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "Analysis"
    ]
    assert analyses, "the spec builds no program"
    for analysis in analyses:
        given = {k.arg: k.value for k in analysis.keywords}
        assert isinstance(given["datas"], ast.Name) and given["datas"].id == "datas"


@pytest.mark.parametrize("script", ["launch_gui.py", "launch_admin.py"])
def test_both_programs_are_in_the_spec(script: str) -> None:
    assert f'"{script}"' in SPEC.read_text("utf-8")
