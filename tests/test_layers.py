"""The layers are a checked contract (shared/design.md): `make lint` runs lint-imports with the
contracts in pyproject.toml. These tests hold the contract itself to account: it names every
app, it passes on the tree, and it fails when a lower layer imports a higher one, even from
inside a function."""

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "samskab"
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _contract(contract_id: str) -> dict:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    return next(c for c in config["contracts"] if c["id"] == contract_id)


def _layer_names() -> set[str]:
    names = set()
    for layer in _contract("layers")["layers"]:
        for part in re.split(r"[|:]", layer):
            names.add(part.strip().strip("()"))
    return names


def _lint(root: Path) -> subprocess.CompletedProcess:
    """lint-imports on the package under `root` (`root/samskab`), with the project's contracts."""
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", "pyproject.toml", "--no-cache"],
        cwd=root, env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=120,
    )


def _copy(tmp_path: Path) -> Path:
    shutil.copytree(SRC, tmp_path / "samskab",
                    ignore=shutil.ignore_patterns("static", "templates", "locale", "__pycache__"))
    return tmp_path


def test_every_package_of_the_project_is_in_the_layers_contract():
    packages = {p.parent.name for p in SRC.glob("*/__init__.py")}
    missing = packages - _layer_names()
    assert not missing, f"add {sorted(missing)} to the layers contract in pyproject.toml"


def test_the_tree_keeps_every_contract(tmp_path):
    result = _lint(_copy(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("module, line, broken", [
    # a backwards import hidden in a function still counts
    ("core/roles.py", "def _late():\n    from samskab.workspace import views  # noqa\n",
     "samskab.core is not allowed to import samskab.workspace"),
    ("consultations/selectors.py", "from samskab.publishing import models  # noqa\n",
     "samskab.consultations is not allowed to import samskab.publishing"),
    ("analysis/text.py", "import django  # noqa\n",
     "samskab.analysis is not allowed to import django"),
    ("analysis/text.py", "from samskab.core import models  # noqa\n",
     "samskab.analysis is not allowed to import samskab.core"),
    ("extraction/__init__.py", "def _late():\n    from django.conf import settings  # noqa\n",
     "samskab.extraction is not allowed to import django"),
    ("extraction/__init__.py", "from samskab.consultations import models  # noqa\n",
     "samskab.extraction is not allowed to import samskab.consultations"),
    ("workspace/selectors.py", "from samskab.workspace import services  # noqa\n",
     "samskab.workspace.selectors is not allowed to import samskab.workspace.services"),
])
def test_a_backwards_import_breaks_the_contract(tmp_path, module, line, broken):
    root = _copy(tmp_path)
    with open(root / "samskab" / module, "a", encoding="utf-8") as handle:
        handle.write("\n\n" + line)
    result = _lint(root)
    assert result.returncode != 0
    assert broken in result.stdout


def test_no_app_asks_whether_another_of_ours_is_installed():
    guards = [str(path.relative_to(SRC)) for path in SRC.rglob("*.py")
              if re.search(r"is_installed\(\s*[\"']samskab", path.read_text(encoding="utf-8"))]
    assert guards == []


def test_make_lint_runs_the_import_contracts():
    makefile = (ROOT / "Makefile").read_text()
    lint = makefile[makefile.index("\nlint:"):].split("\n\n")[0]
    assert "lint-imports" in lint
