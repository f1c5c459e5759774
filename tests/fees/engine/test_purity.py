"""The engine is pure: no Flask, no SQLAlchemy, nothing of consortium outside its own package."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
ENGINE = ROOT / "consortium" / "fees" / "engine"
MODULES = tuple(sorted(path.stem for path in ENGINE.glob("*.py")))


def test_the_engine_imports_nothing_of_the_web_application():
    # consortium/__init__ and consortium/fees/__init__ import Flask, so stand in empty packages
    # for them and import the engine's modules by their names: any import of a sibling package
    # (or of the fees domain around the engine) would show.
    code = f"""
import sys, types
for name, path in (("consortium", {str(ROOT / "consortium")!r}),
                   ("consortium.fees", {str(ROOT / "consortium" / "fees")!r})):
    package = types.ModuleType(name)
    package.__path__ = [path]
    sys.modules[name] = package
__import__("consortium.fees.engine")
for name in {MODULES!r}:
    if name != "__init__":
        __import__("consortium.fees.engine." + name)
bad = sorted(
    name for name in sys.modules
    if name.split(".")[0] in ("flask", "sqlalchemy", "flask_sqlalchemy", "flask_babel", "werkzeug")
    or (
        name.startswith("consortium.")
        and name != "consortium.fees"
        and not name.startswith("consortium.fees.engine")
    )
)
print(bad)
sys.exit(1 if bad else 0)
"""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_engine_imports_only_its_own_modules_of_consortium():
    for name in MODULES:
        tree = ast.parse((ENGINE / f"{name}.py").read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                module = node.module
            elif isinstance(node, ast.Import):
                module = node.names[0].name
            else:
                continue
            if module.split(".")[0] == "consortium":
                assert module.startswith("consortium.fees.engine"), (name, module)


def test_no_float_in_the_engine_source():
    assert "fee_year" in MODULES
    for name in MODULES:
        tree = ast.parse((ENGINE / f"{name}.py").read_text())
        for node in ast.walk(tree):
            assert not (isinstance(node, ast.Constant) and isinstance(node.value, float)), name
            assert not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("float", "round")
            ), name
