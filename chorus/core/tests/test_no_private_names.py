"""Speed from design, not from libraries' internals (ARCHITECTURE.md).

No module of the project (``chorus/`` and ``config/``; not tests, not ``bench/``) may
import or read a private name (one leading underscore, not a dunder) of Django, Wagtail,
psycopg, redis-py, django-tasks or any other library, override one in a subclass, call
``gc.freeze``, or subclass a database backend or SQL compiler. Each such use is a hazard
at every upgrade of the library.

The scan reads each module's syntax tree:

- ``from lib import _x``, ``import lib._x``, ``from lib._x import y``;
- ``obj._x`` (and ``getattr(obj, "_x")``) where ``_x`` is not a name the project
  defines itself, or where ``obj`` is a name imported from a library: a private name the
  project does not define is someone else's;
- in a class with a library class among its ancestors, any private name it defines or
  reads through ``self``/``cls`` that a library ancestor also defines or uses (checked
  on the imported class's method resolution order and the ancestors' source);
- ``gc.freeze``; classes based on ``django.db.backends`` or on SQL compiler, database
  wrapper or operations classes; ``compiler_module`` set in any class.

Django documents a few names with a leading underscore as public API, and those are
allowed: ``Model._meta`` (the Options API), ``Model._default_manager`` and
``Model._base_manager`` (topics/db/managers).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[3]
PROJECT_PACKAGES = ("chorus", "config")
DOCUMENTED_UNDERSCORE_NAMES = frozenset({"_meta", "_default_manager", "_base_manager"})
DATABASE_CLASS_NAMES = re.compile(
    r"^(SQL\w*Compiler|DatabaseWrapper|DatabaseOperations|DatabaseFeatures|DatabaseSchemaEditor"
    r"|DatabaseIntrospection|DatabaseCreation|DatabaseClient|DatabaseValidation)$"
)

# Known offenders being removed would be listed here, each with why; none is left.
# test_the_allow_list_names_only_what_still_offends fails on any entry that no longer
# offends, so nothing stays here by accident.
TEMPORARILY_ALLOWED_FILES: dict[str, str] = {}
TEMPORARILY_ALLOWED_NAMES: dict[tuple[str, str], str] = {}
TEMPORARILY_ALLOWED_STATEMENT_USERS: set[str] = set()


@dataclass(frozen=True)
class Offence:
    path: str
    line: int
    name: str
    why: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.name} ({self.why})"


def is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def project_modules() -> list[Path]:
    found = []
    for package in PROJECT_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "tests" in relative.parts or path.name.startswith("test_") or path.name == "conftest.py":
                continue
            found.append(path)
    return found


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def is_project(module: str) -> bool:
    return module.split(".")[0] in PROJECT_PACKAGES


@cache
def parsed(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


def imported_names(tree: ast.Module, path: Path) -> dict[str, str]:
    """Local name -> the dotted name it was imported as (relative imports made absolute)."""
    names: dict[str, str] = {}
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                names[alias.asname or alias.name.split(".")[0]] = (
                    alias.name if alias.asname else alias.name.split(".")[0]
                )
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            for alias in node.names:
                names[alias.asname or alias.name] = f"{base}.{alias.name}"
    return names


def dotted(node: ast.expr, imports: dict[str, str]) -> str | None:
    """``a.b.C`` as the dotted name it refers to, through the module's imports."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    head = imports.get(node.id, node.id)
    return ".".join([head, *reversed(parts)])


@cache
def project_private_names() -> frozenset[str]:
    """Private names the project defines: module-level names, and names defined in or on
    classes (``def _x``, ``_x = …``, ``self._x = …``). Whether one of them is really a
    library's, overridden in a subclass, is checked per class (library_private_uses)."""
    names: set[str] = set()
    for path in project_modules():
        for node in ast.walk(parsed(path)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and is_private(node.name):
                names.add(node.name)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and is_private(node.id):
                names.add(node.id)
            elif (
                isinstance(node, ast.Attribute)
                and isinstance(node.ctx, ast.Store)
                and isinstance(node.value, ast.Name)
                and node.value.id in {"self", "cls"}
                and is_private(node.attr)
            ):
                names.add(node.attr)
    return frozenset(names)


def private_attribute_uses(tree: ast.AST) -> Iterator[tuple[ast.expr, str, int]]:
    """(object, private name, line) for ``obj._x`` and ``getattr/setattr/hasattr(obj, "_x")``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and is_private(node.attr):
            yield node.value, node.attr, node.lineno
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in {"getattr", "setattr", "hasattr", "delattr"}
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
            and is_private(node.args[1].value)
        ):
            yield node.args[0], node.args[1].value, node.lineno


def library_ancestors(path: Path, class_name: str) -> list[type]:
    module = importlib.import_module(module_name(path))
    found = getattr(module, class_name, None)
    if not isinstance(found, type):
        return []  # defined inside a function, or not a class at run time
    return [
        ancestor for ancestor in found.__mro__[1:] if not is_project(ancestor.__module__) and ancestor is not object
    ]


def library_uses(ancestor: type, name: str) -> bool:
    if name in vars(ancestor):
        return True
    try:
        source = inspect.getsource(ancestor)
    except (OSError, TypeError):
        return False
    return re.search(rf"\b(self|cls)\.{re.escape(name)}\b", source) is not None


def class_private_names(node: ast.ClassDef) -> dict[str, int]:
    """Private names a class defines or reads through ``self``/``cls`` (first line of each)."""
    names: dict[str, int] = {}
    for child in ast.walk(node):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) and is_private(child.name):
            names.setdefault(child.name, child.lineno)
        elif isinstance(child, ast.Name) and isinstance(child.ctx, ast.Store) and is_private(child.id):
            names.setdefault(child.id, child.lineno)
    for owner, name, line in private_attribute_uses(node):
        if isinstance(owner, ast.Name) and owner.id in {"self", "cls"}:
            names.setdefault(name, line)
    return names


def offences_in(path: Path, tree: ast.Module | None = None) -> Iterator[Offence]:
    tree = tree or parsed(path)
    where = relative(path)
    imports = imported_names(tree, path)
    ours = project_private_names()

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if not is_project(alias.name) and any(is_private(part) for part in alias.name.split(".")):
                    yield Offence(where, node.lineno, alias.name, "imports a library's private module")
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            if is_project(node.module) or node.module == "__future__":
                continue
            if any(is_private(part) for part in node.module.split(".")):
                yield Offence(where, node.lineno, node.module, "imports from a library's private module")
            for alias in node.names:
                if is_private(alias.name):
                    yield Offence(
                        where, node.lineno, f"{node.module}.{alias.name}", "imports a library's private name"
                    )
            if node.module == "gc" and any(alias.name == "freeze" for alias in node.names):
                yield Offence(where, node.lineno, "gc.freeze", "freezes the garbage collector")

    for owner, name, line in private_attribute_uses(tree):
        if name in DOCUMENTED_UNDERSCORE_NAMES:
            continue
        if isinstance(owner, ast.Name) and owner.id in {"self", "cls"}:
            continue  # checked against the class's ancestors below
        source = dotted(owner, imports)
        if source is not None and source.split(".")[0] in imports and not is_project(imports[source.split(".")[0]]):
            yield Offence(where, line, name, f"read on {source}, which comes from a library")
        elif name not in ours:
            yield Offence(where, line, name, "a private name the project does not define")

    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "freeze" and dotted(node.value, imports) == "gc":
            yield Offence(where, node.lineno, "gc.freeze", "freezes the garbage collector")
        if not isinstance(node, ast.ClassDef):
            continue
        for base in node.bases:
            name = dotted(base, imports) or ""
            if name.startswith(("django.db.backends.", "django.db.models.sql.")) or DATABASE_CLASS_NAMES.match(
                name.rsplit(".", 1)[-1]
            ):
                yield Offence(where, node.lineno, name, "subclasses a database backend or SQL compiler")
        for child in node.body:
            if isinstance(child, ast.Assign) and any(
                isinstance(target, ast.Name) and target.id == "compiler_module" for target in child.targets
            ):
                yield Offence(where, child.lineno, "compiler_module", "points Django at other SQL compilers")
        private = class_private_names(node)
        if not private or where.startswith("config/settings/"):
            continue
        ancestors = library_ancestors(path, node.name)
        for name, line in private.items():
            if name in DOCUMENTED_UNDERSCORE_NAMES:
                continue
            users = [a for a in ancestors if library_uses(a, name)]
            if users:
                yield Offence(where, line, name, f"a private name of {users[0].__module__}.{users[0].__qualname__}")


def all_offences() -> list[Offence]:
    return [offence for path in project_modules() for offence in offences_in(path)]


def is_temporarily_allowed(offence: Offence) -> bool:
    return offence.path in TEMPORARILY_ALLOWED_FILES or (offence.path, offence.name) in TEMPORARILY_ALLOWED_NAMES


def statement_users() -> set[str]:
    users = set()
    for path in project_modules():
        imports = imported_names(parsed(path), path).values()
        if any(name == "chorus.core.statements" or name.startswith("chorus.core.statements.") for name in imports):
            users.add(relative(path))
    return users


def test_no_module_uses_a_private_name_of_a_library() -> None:
    found = [str(offence) for offence in all_offences() if not is_temporarily_allowed(offence)]
    assert found == [], "Use the library's public API (ARCHITECTURE.md):\n" + "\n".join(found)


def test_the_allow_list_names_only_what_still_offends() -> None:
    offences = all_offences()
    offending_files = {offence.path for offence in offences}
    offending_names = {(offence.path, offence.name) for offence in offences}
    stale = [path for path in TEMPORARILY_ALLOWED_FILES if path not in offending_files]
    stale += [f"{path} {name}" for path, name in TEMPORARILY_ALLOWED_NAMES if (path, name) not in offending_names]
    stale += sorted(TEMPORARILY_ALLOWED_STATEMENT_USERS - statement_users())
    assert stale == [], "These no longer offend: take them off the allow-list in this test."


def test_no_module_uses_prebuilt_sql_in_place_of_the_orm() -> None:
    users = statement_users() - TEMPORARILY_ALLOWED_STATEMENT_USERS
    assert users == set(), f"Use the ORM (QuerySet.update, bulk_update, create): {sorted(users)}"


def test_every_database_uses_one_of_djangos_own_backends() -> None:
    for alias, database in settings.DATABASES.items():
        assert database["ENGINE"].startswith("django.db.backends."), alias


# The scan itself: each kind of use it must catch, in a module written for the purpose.
CAUGHT = {
    "from django.db.backends.postgresql.base import _psycopg_version\n": (
        "django.db.backends.postgresql.base._psycopg_version"
    ),
    "import wagtail._private\n": "wagtail._private",
    "from redis._parsers import Encoder\n": "redis._parsers",
    "from django.core.cache import cache\nclient = cache._cache\n": "_cache",
    "def f(response):\n    response._csp_config = None\n": "_csp_config",
    "def f(backend):\n    return getattr(backend, '_get_connection_pool')\n": "_get_connection_pool",
    "import gc\ngc.freeze()\n": "gc.freeze",
    "from gc import freeze\n": "gc.freeze",
    "from django.db.backends.postgresql import base\nclass DatabaseWrapper(base.DatabaseWrapper):\n    pass\n": (
        "django.db.backends.postgresql.base.DatabaseWrapper"
    ),
    "from django.db.models.sql.compiler import SQLInsertCompiler\nclass C(SQLInsertCompiler):\n    pass\n": (
        "django.db.models.sql.compiler.SQLInsertCompiler"
    ),
    "class Ops:\n    compiler_module = 'chorus.compiler'\n": "compiler_module",
}


@pytest.mark.parametrize(("source", "name"), CAUGHT.items())
def test_the_scan_catches(source: str, name: str) -> None:
    probe = ROOT / "chorus" / "probe.py"  # never written: the scan reads the tree given
    assert name in {offence.name for offence in offences_in(probe, ast.parse(source))}


def test_the_scan_catches_an_override_of_a_library_classs_private_method() -> None:
    # Django's RedisCache keeps its client class in self._class: setting it is an override.
    from django.core.cache.backends.redis import RedisCache

    assert library_uses(RedisCache, "_class")
    assert not library_uses(RedisCache, "_chorus_own_name")


def test_documented_underscore_names_and_the_projects_own_are_allowed() -> None:
    assert "_meta" in DOCUMENTED_UNDERSCORE_NAMES
    assert "_refuse_what_is_not_an_id" in project_private_names()  # chorus.core.forms
