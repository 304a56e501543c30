"""The apps form no import circle, and the shared base imports no domain app.

Every import of another Chorus app counts, wherever it is written: at module level,
inside a function (where a circle usually hides), under ``TYPE_CHECKING``, and a dotted
string such as ``"chorus.news.demo"`` that something imports by name. Tests are left
out: a test may build whatever it needs from any app.

- Nothing in ``core`` imports another app: apps reach core, and core reaches them only
  through what they register with it (chorus.core.sections, outbox composers, …).
- ``pages``, the base of the content, imports no domain app: the home page and the
  priority-area pages are filled through the sections registry.
- No two apps import each other, directly or round a longer loop.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import chorus

CHORUS = Path(chorus.__file__).parent
APPS = sorted(path.parent.name for path in CHORUS.glob("*/apps.py"))
# May be imported by any app; neither may import a domain app (core none at all).
SHARED = {"core", "accounts"}
DOTTED = re.compile(r"chorus(\.\w+)+")


@dataclass(frozen=True)
class Reference:
    source: str  # the app whose file imports
    target: str  # the app it reaches
    where: str  # path:line
    how: str  # "import", "import in a function", "dotted string"

    def __str__(self) -> str:
        return f"{self.where}: {self.source} -> {self.target} ({self.how})"


def _module_of(path: Path) -> str:
    parts = list(path.relative_to(CHORUS.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if node.level == 0:
        return node.module or ""
    package = module.split(".") if is_package else module.split(".")[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _docstrings(tree: ast.Module) -> set[int]:
    """The ids of docstring constants, which may mention modules without importing them."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def references_in(source_code: str, *, module: str, is_package: bool = False, where: str = "") -> Iterator[Reference]:
    """The other Chorus apps this module's code reaches, one Reference per import or dotted string."""
    app = module.split(".")[1]
    tree = ast.parse(source_code)
    docstrings = _docstrings(tree)
    in_function: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            in_function.update(id(inner) for inner in ast.walk(node) if inner is not node)
    for node in ast.walk(tree):
        names: list[str] = []
        how = "import in a function" if id(node) in in_function else "import"
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, module, is_package)
            # "from chorus import news" reaches the app named, not chorus itself.
            names = [f"{base}.{alias.name}" for alias in node.names] if base == "chorus" else [base]
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
            and DOTTED.fullmatch(node.value)
        ):
            names, how = [node.value], "dotted string"
        for name in names:
            parts = name.split(".")
            if len(parts) > 1 and parts[0] == "chorus" and parts[1] in APPS and parts[1] != app:
                yield Reference(source=app, target=parts[1], where=f"{where}:{node.lineno}", how=how)


def project_references() -> list[Reference]:
    references = []
    for path in sorted(CHORUS.glob("*/**/*.py")):
        relative = path.relative_to(CHORUS)
        if relative.parts[0] not in APPS or "tests" in relative.parts:
            continue
        references.extend(
            references_in(
                path.read_text(encoding="utf-8"),
                module=_module_of(path),
                is_package=path.name == "__init__.py",
                where=str(path.relative_to(CHORUS.parent)),
            )
        )
    return references


def circles(references: list[Reference]) -> list[list[str]]:
    """Groups of apps that reach each other (strongly connected components of two or more)."""
    graph: dict[str, set[str]] = defaultdict(set)
    for reference in references:
        graph[reference.source].add(reference.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(app: str) -> None:
        index[app] = low[app] = len(index)
        stack.append(app)
        on_stack.add(app)
        for target in sorted(graph[app]):
            if target not in index:
                visit(target)
                low[app] = min(low[app], low[target])
            elif target in on_stack:
                low[app] = min(low[app], index[target])
        if low[app] == index[app]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == app:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for app in sorted(set(graph) | {ref.target for ref in references}):
        if app not in index:
            visit(app)
    return found


# --- the scanner itself -------------------------------------------------------------------


def test_the_scan_sees_imports_wherever_they_are_written() -> None:
    code = '''
"""Docstrings may name chorus.news.models without importing it."""
from typing import TYPE_CHECKING

import chorus.tracker.models
from chorus import support
from chorus.core.audit import log_action
from ..people import selectors

if TYPE_CHECKING:
    from chorus.campaigns.models import ActionPage


def fill() -> None:
    from chorus.news.selectors import latest_articles


MODULES = ["chorus.bulletin.demo"]
'''
    found = {(ref.target, ref.how) for ref in references_in(code, module="chorus.pages.models", where="x.py")}
    assert found == {
        ("core", "import"),
        ("tracker", "import"),
        ("support", "import"),
        ("people", "import"),
        ("campaigns", "import"),
        ("news", "import in a function"),
        ("bulletin", "dotted string"),
    }


def test_circles_are_found_round_loops_of_any_length() -> None:
    loop = [Reference("a", "b", "", ""), Reference("b", "c", "", ""), Reference("c", "a", "", "")]
    assert circles([*loop, Reference("c", "d", "", "")]) == [["a", "b", "c"]]
    assert circles(loop[:2]) == []
    assert circles([Reference("a", "b", "", ""), Reference("b", "a", "", "")]) == [["a", "b"]]


def test_the_scan_reads_the_project() -> None:
    # The scan is not vacuous: well-known, allowed imports show up.
    edges = {(ref.source, ref.target) for ref in project_references()}
    assert ("bulletin", "pages") in edges
    assert ("campaigns", "bulletin") in edges
    assert ("news", "pages") in edges


# --- the project ----------------------------------------------------------------------------


def test_core_imports_no_other_app() -> None:
    offending = [str(ref) for ref in project_references() if ref.source == "core"]
    assert not offending, "core reaches other apps only through their registrations:\n" + "\n".join(offending)


def test_the_shared_apps_and_pages_import_no_domain_app() -> None:
    offending = [
        str(ref) for ref in project_references() if ref.source in {"accounts", "pages"} and ref.target not in SHARED
    ]
    assert not offending, (
        "pages and accounts are the base every app builds on; fill their pages through "
        "chorus.core.sections instead:\n" + "\n".join(offending)
    )


def test_no_two_apps_import_each_other_directly_or_round_a_loop() -> None:
    references = project_references()
    report = []
    for group in circles(references):
        report.append(" <-> ".join(group))
        report.extend(f"    {ref}" for ref in references if ref.source in group and ref.target in group)
    assert not report, "Import circles between apps:\n" + "\n".join(report)


# --- layers within an app ------------------------------------------------------------------


def _project_modules() -> Iterator[tuple[Path, ast.Module]]:
    for path in sorted(CHORUS.glob("*/**/*.py")):
        relative = path.relative_to(CHORUS)
        if relative.parts[0] in APPS and "tests" not in relative.parts:
            yield path, ast.parse(path.read_text(encoding="utf-8"))


def _imported_modules(tree: ast.Module, module: str, is_package: bool) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, module, is_package)
            yield node.lineno, base
            yield from ((node.lineno, f"{base}.{alias.name}") for alias in node.names)


def test_models_import_no_views() -> None:
    """A page's own addresses are served by views the app connects in ready() (campaigns)."""
    offending = []
    for path, tree in _project_modules():
        if path.stem != "models" and path.parent.name != "models":
            continue
        module = _module_of(path)
        for line, name in _imported_modules(tree, module, path.name == "__init__.py"):
            if name.rsplit(".", 1)[-1] in {"views", "admin_views", "viewsets"}:
                offending.append(f"{path.relative_to(CHORUS.parent)}:{line}: {name}")
    assert not offending, "Models import no views:\n" + "\n".join(sorted(set(offending)))


def test_nothing_is_imported_or_enqueued_by_a_dotted_string() -> None:
    """Import what you call: a dotted path in a string fails only when it is used, and hides the dependency."""
    offending = []
    for path, tree in _project_modules():
        where = path.relative_to(CHORUS.parent)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                called = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                if called == "import_string":
                    offending.append(f"{where}:{node.lineno}: import_string()")
            elif (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and re.fullmatch(r"chorus\.\w+\.tasks\.\w+", node.value)
            ):
                offending.append(f"{where}:{node.lineno}: {node.value!r}")
    assert not offending, "\n".join(offending)
