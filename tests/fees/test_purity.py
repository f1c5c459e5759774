"""The engine is pure: no Flask, no SQLAlchemy, nothing of consortium outside consortium.fees."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MODULES = ("engine", "explain", "inputs", "money", "partyear", "rules", "split")


def test_the_engine_imports_nothing_of_the_web_application():
    # consortium/__init__ imports Flask, so stand in an empty package for it and import the
    # engine's modules by their names: any import of a sibling package would show.
    code = f"""
import sys, types
package = types.ModuleType("consortium")
package.__path__ = [{str(ROOT / "consortium")!r}]
sys.modules["consortium"] = package
for name in {MODULES!r}:
    __import__("consortium.fees." + name)
bad = sorted(
    name for name in sys.modules
    if name.split(".")[0] in ("flask", "sqlalchemy", "flask_sqlalchemy", "flask_babel", "werkzeug")
    or (name.startswith("consortium.") and not name.startswith("consortium.fees"))
)
print(bad)
sys.exit(1 if bad else 0)
"""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_float_in_the_engine_source():
    for name in MODULES:
        tree = ast.parse((ROOT / "consortium" / "fees" / f"{name}.py").read_text())
        for node in ast.walk(tree):
            assert not (isinstance(node, ast.Constant) and isinstance(node.value, float)), name
            assert not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("float", "round")
            ), name
