"""The library's layers, read from its imports: data → analysis → presentation → running.

A module may import its own layer and the layers below it, never one above: the data layer does not
know there are figures, figures do not know how a server is started. Every import counts, also one
inside a function (an import deferred for speed is still a dependency). A package (``batch/``,
``form/``) is one unit, named by its folder.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "naravard_lib"

#: Each unit of the library (a module, or a package by its folder name) and its layer, lowest first.
LAYERS: dict[str, tuple[str, ...]] = {
    # Reads and checks the data folder; knows nothing of analysis or display.
    "data": ("paths", "errors", "files", "schemas", "data", "formatting", "guide",
             "municipalities", "sources", "periods", "lan"),
    # Computes from the data: allocations, the 2019 → 2023 coding, strategies, the exercises' answers.
    "analysis": ("allocation", "derive", "flows", "reconciliation", "coding", "transition", "strategies", "exercises"),
    # Shows results: figures, widgets, pages and every published file made from them. The form package is here,
    # not in analysis: besides its draft it stores answers and exports them as pages through `pages`' templates.
    "presentation": ("plots", "widgets", "pages", "report", "dashboard", "tables", "spreadsheet", "datapackage",
                     "accessibility", "slides", "deck", "handouts", "downloads", "form"),
    # Runs things: parameter files, the batch, the command line, the dashboard's server, notebook refreshes, kits.
    "running": ("parameters", "batch", "cli", "refresh", "kit", "participant", "dashboard_server", "voila_app"),
}
ORDER = tuple(LAYERS)
LAYER_OF = {unit: layer for layer, units in LAYERS.items() for unit in units}



def unit_of(path: Path, package: Path) -> str | None:
    """The unit a file belongs to: ``x`` for ``x.py``, ``batch`` for anything in ``batch/``; None for ``__init__``."""
    parts = path.relative_to(package).with_suffix("").parts
    return None if parts == ("__init__",) else parts[0]


def _imported_units(node: ast.AST, path: Path, package: Path) -> list[str]:
    """The library units one import statement names (empty for imports from outside the library)."""
    name = package.name
    if isinstance(node, ast.Import):
        return [alias.name.split(".")[1] for alias in node.names
                if alias.name.startswith(name + ".")]
    if not isinstance(node, ast.ImportFrom):
        return []
    if node.level == 0:
        if node.module == name:  # from naravard_lib import x
            return [alias.name for alias in node.names]
        if node.module and node.module.startswith(name + "."):
            return [node.module.split(".")[1]]
        return []
    # relative: the package the file is in, minus (level - 1) folders
    here = path.relative_to(package).parent.parts
    if node.level - 1 > len(here):
        return []
    base = here[:len(here) - (node.level - 1)]
    target = base + tuple(node.module.split(".")) if node.module else base
    if target:
        return [target[0]]
    return [alias.name for alias in node.names]  # from . import x (at the package's top)


def imports(package: Path = PACKAGE):
    """Every import of a library unit by another: ``(file, line, importer, imported)``."""
    for path in sorted(package.rglob("*.py")):
        importer = unit_of(path, package)
        if importer is None:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            for imported in _imported_units(node, path, package):
                if imported != importer and ((package / imported).is_dir() or (package / f"{imported}.py").is_file()):
                    yield path, node.lineno, importer, imported


def violations(package: Path = PACKAGE, layer_of: dict[str, str] = LAYER_OF) -> list[str]:
    """One line per problem: a unit with no layer, or a lower layer importing a higher one."""
    root = package.parent
    problems = []
    units = sorted({unit_of(p, package) for p in package.rglob("*.py")} - {None})
    for unit in units:
        if unit not in layer_of:
            shown = f"{package.name}/{unit}/" if (package / unit).is_dir() else f"{package.name}/{unit}.py"
            problems.append(f"assign {shown} a layer in tests/test_layers.py")
    for path, line, importer, imported in imports(package):
        low, high = layer_of.get(importer), layer_of.get(imported)
        if low is None or high is None:
            continue
        if ORDER.index(high) > ORDER.index(low):
            problems.append(f"{path.relative_to(root)}:{line}: {importer} ({low} layer) imports {imported} "
                            f"({high} layer); a lower layer may not import a higher one")
    return problems


def test_every_module_has_a_layer_and_imports_only_its_own_and_lower_layers():
    problems = violations()
    assert not problems, "\n" + "\n".join(problems)


def test_the_map_names_no_module_that_does_not_exist():
    """A unit listed but gone (renamed, merged) would make the map lie."""
    existing = {unit_of(p, PACKAGE) for p in PACKAGE.rglob("*.py")} - {None}
    missing = sorted(set(LAYER_OF) - existing)
    assert not missing, f"tests/test_layers.py lists modules that do not exist: {', '.join(missing)}"


@pytest.fixture
def toy_package(tmp_path):
    """A small library with one module per layer, written to disk like the real one."""
    package = tmp_path / "naravard_lib"
    (package / "batch").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "paths.py").write_text("import os\n")
    (package / "allocation.py").write_text("from . import paths\nfrom .paths import os\n")
    (package / "plots.py").write_text("from .allocation import x\nimport naravard_lib.paths\n")
    (package / "batch" / "__init__.py").write_text("from .run import go\n")
    (package / "batch" / "run.py").write_text("from .. import plots\nfrom ..allocation import y\n")
    return package


def test_the_checker_passes_downward_imports(toy_package):
    assert violations(toy_package) == []


@pytest.mark.parametrize("module, source, line, importer, imported", [
    ("paths.py", "import os\n\ndef f():\n    from .plots import draw\n", 4, "paths", "plots"),
    ("allocation.py", "from . import paths, plots\n", 1, "allocation", "plots"),
    ("allocation.py", "import naravard_lib.batch.run\n", 1, "allocation", "batch"),
    ("allocation.py", "from naravard_lib import plots\n", 1, "allocation", "plots"),
])
def test_the_checker_names_file_line_and_layers_of_an_upward_import(toy_package, module, source, line, importer,
                                                                     imported):
    (toy_package / module).write_text(source)
    layers = {"paths": "data", "allocation": "analysis", "plots": "presentation", "batch": "running"}
    found = violations(toy_package, {**LAYER_OF, **layers})
    expected_layers = f"{importer} ({layers[importer]} layer) imports {imported} ({layers[imported]} layer)"
    assert found == [f"naravard_lib/{module}:{line}: {expected_layers}; a lower layer may not import a higher one"]


def test_an_import_inside_a_package_counts_for_the_package(toy_package):
    (toy_package / "batch" / "run.py").write_text("x = 1\n")
    (toy_package / "batch" / "reset.py").write_text("def f():\n    from ..plots import draw\n")
    (toy_package / "paths.py").write_text("from .batch import reset\n")
    found = violations(toy_package)
    assert found == ["naravard_lib/paths.py:1: paths (data layer) imports batch (running layer); a lower layer may "
                     "not import a higher one"]


def test_a_module_without_a_layer_fails(toy_package):
    (toy_package / "newthing.py").write_text("")
    (toy_package / "newpkg").mkdir()
    (toy_package / "newpkg" / "__init__.py").write_text("")
    assert violations(toy_package) == ["assign naravard_lib/newpkg/ a layer in tests/test_layers.py",
                                       "assign naravard_lib/newthing.py a layer in tests/test_layers.py"]
