"""The house plan, checked: no cycles between packages, the core imports no domain, and the fee
engine is used through its public face only.

The graph is read from the source with `ast`: a node is a first-level package or a top-level
module under consortium/ (consortium/__init__.py, the app factory, is the node "consortium");
an edge is any `import consortium.X` or `from consortium.X import ...` anywhere in a file,
inside functions too. Imports under `if TYPE_CHECKING:` only name types and are left out.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "consortium"

# The modules every domain may use, which import no domain themselves (and none of the shared
# modules still to come: CSV, periods, numbers).
CORE = {
    "config",
    "db",
    "errors",
    "extensions",
    "forms",
    "i18n",
    "identifiers",
    "once",
    "permissions",
    "security",
    "text",
    "transactions",
    "web",
    "csvio",
    "numbers",
    "periods",
    "pdf",
}

# The pure fee engine: only this face may be imported from outside its own folder.
ENGINE = "consortium.fees.engine"
ENGINE_DIR = PACKAGE / "fees" / "engine"


def _is_type_checking(node: ast.AST) -> bool:
    test = getattr(node, "test", None)
    return isinstance(node, ast.If) and (
        (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING")
        or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")
    )


def _imported_modules(tree: ast.AST):
    """Every consortium module a file imports, as (module, line)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if _is_type_checking(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from consortium.x import y` may import the module consortium.x.y.
            for alias in node.names:
                yield f"{node.module}.{alias.name}", node.lineno
        stack.extend(ast.iter_child_nodes(node))


def _node(parts: tuple[str, ...]) -> str | None:
    """The graph node of a dotted module path under consortium."""
    if len(parts) < 2 or parts[0] != "consortium":
        return None
    return parts[1]


def _source_files():
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE.parent).with_suffix("")
        node = "consortium" if relative.parts == ("consortium", "__init__") else relative.parts[1]
        yield path, node


def import_graph() -> dict[str, dict[str, list[str]]]:
    """{importer: {imported: ["file:line", ...]}} between different nodes."""
    graph: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for path, source in _source_files():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for module, line in _imported_modules(tree):
            target = _node(tuple(module.split(".")))
            if target is None or target == source or not _exists(target):
                continue
            where = f"{path.relative_to(PACKAGE.parent)}:{line}"
            if where not in graph[source][target]:
                graph[source][target].append(where)
    return graph


def _exists(node: str) -> bool:
    # `from consortium import db` names the module consortium.db; a name that is no module
    # (such as `from consortium import create_app`) makes no edge.
    return (PACKAGE / node).is_dir() or (PACKAGE / f"{node}.py").is_file()


def cycles(graph) -> list[list[str]]:
    """One cycle through each group of nodes that reach each other, as a path."""
    return [_cycle_in(graph, group) for group in tangles(graph)]


def tangles(graph) -> list[set[str]]:
    """The groups of two or more nodes that each reach every other one (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, {}):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(set(graph) | {t for targets in graph.values() for t in targets}):
        if node not in index:
            visit(node)
    return groups


def _cycle_in(graph, group: set[str]) -> list[str]:
    """A path start -> ... -> start inside a group of nodes that reach each other."""
    start = min(group)
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for target in sorted(graph.get(node, {})):
            if target == start:
                return [*paths[node], start]
            if target in group and target not in paths:
                paths[target] = [*paths[node], target]
                queue.append(target)
    return sorted(group)


def _describe(graph, cycle: list[str]) -> str:
    steps = []
    for source, target in zip(cycle, cycle[1:], strict=False):
        steps.append(f"  {source} -> {target}: {', '.join(graph[source][target][:3])}")
    return " -> ".join(cycle) + "\n" + "\n".join(steps)


def test_no_cycles_between_packages():
    graph = import_graph()
    found = tangles(graph)
    assert not found, "import cycles between packages:\n" + "\n".join(
        f"packages that import each other: {', '.join(sorted(group))}\n"
        + _describe(graph, _cycle_in(graph, group))
        for group in found
    )


def test_the_core_imports_no_domain():
    graph = import_graph()
    wrong = [
        f"{source} -> {target}: {', '.join(places)}"
        for source in sorted(CORE)
        for target, places in sorted(graph.get(source, {}).items())
        if target not in CORE
    ]
    assert not wrong, "core modules that import a domain:\n" + "\n".join(wrong)


def test_the_fee_engine_is_imported_through_its_face_only():
    wrong = []
    for path, _node_name in _source_files():
        if path.is_relative_to(ENGINE_DIR):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for module, line in _imported_modules(tree):
            if module.startswith(ENGINE + ".") and _is_engine_module(module):
                wrong.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {module}")
    assert not wrong, f"import {ENGINE} itself, not its modules:\n" + "\n".join(wrong)


def _is_engine_module(module: str) -> bool:
    """Whether a dotted name is a module inside the engine's package (not a name it exports)."""
    inside = module[len(ENGINE) + 1 :].split(".")[0]
    return (ENGINE_DIR / inside).is_dir() or (ENGINE_DIR / f"{inside}.py").is_file()


def test_the_checks_see_what_they_are_meant_to():
    # The reader itself: a cycle and a core import written here are found.
    graph = {"a": {"b": ["a.py:1"]}, "b": {"c": ["b.py:1"]}, "c": {"a": ["c.py:1"]}}
    assert cycles(graph) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b": ["a.py:1"]}}) == []
    tree = ast.parse(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from consortium.auth.models import User\n"
        "def f():\n    from consortium.members import models\n"
    )
    assert sorted(module for module, _line in _imported_modules(tree)) == [
        "consortium.members.models",
        "typing.TYPE_CHECKING",
    ]


# Pure modules outside the fee engine: no Flask, no SQLAlchemy, no other consortium module, no
# I/O; the application gives them plain values and stores what they return.
PURE_MODULES = ("consortium.backlog.counting",)
WEB_AND_DATABASE = ("flask", "sqlalchemy", "flask_sqlalchemy", "flask_babel", "werkzeug", "click")
INPUT_OUTPUT = ("open", "print", "input", "exec", "eval", "__import__")


def test_the_pure_modules_import_no_application_code():
    for dotted in PURE_MODULES:
        path = PACKAGE.parent / (dotted.replace(".", "/") + ".py")
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for module, line in _imported_modules(tree):
            top = module.split(".")[0]
            assert top not in WEB_AND_DATABASE, f"{path}:{line} imports {module}"
            assert top != "consortium", f"{path}:{line} imports {module}"
            assert top not in ("os", "io", "pathlib", "subprocess", "socket", "shutil"), (
                f"{path}:{line} imports {module}"
            )
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in INPUT_OUTPUT, (
                    f"{path}:{node.lineno} calls {node.func.id}"
                )
            assert not (isinstance(node, ast.Constant) and isinstance(node.value, float)), (
                f"{path}:{getattr(node, 'lineno', '?')} uses a float"
            )
            assert not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("float", "round")
            ), f"{path}:{node.lineno} calls {node.func.id}"


def test_the_pure_modules_load_without_the_application():
    # Stand-in empty packages for consortium and its domains (their __init__ may import Flask),
    # then import each pure module by name: whatever else it pulls in shows in sys.modules.
    import subprocess
    import sys

    code = f"""
import sys, types
for dotted in {PURE_MODULES!r}:
    parts = dotted.split(".")
    for depth in range(1, len(parts)):
        name = ".".join(parts[:depth])
        if name not in sys.modules:
            package = types.ModuleType(name)
            package.__path__ = [{str(PACKAGE.parent)!r} + "/" + "/".join(parts[:depth])]
            sys.modules[name] = package
    __import__(dotted)
bad = sorted(
    name for name in sys.modules
    if name.split(".")[0] in {WEB_AND_DATABASE!r}
    or (name.startswith("consortium.") and name not in {PURE_MODULES!r}
        and not any(pure.startswith(name + ".") for pure in {PURE_MODULES!r}))
)
print(bad)
sys.exit(1 if bad else 0)
"""
    result = subprocess.run(  # noqa: S603 - the interpreter running the tests
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
