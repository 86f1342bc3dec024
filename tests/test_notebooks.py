"""The output policy: reference notebooks carry outputs that nbval compares; the template is stripped."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from naravard_lib import paths
from naravard_lib.formatting import format_number
from naravard_lib.refresh import reference_notebooks

ALL = sorted(p for p in paths.NOTEBOOKS_DIR.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
IGNORE_TAGS = {"nbval-ignore-output", "nbval-skip"}
FIXTURE_NOTEBOOKS = Path(__file__).parent / "notebooks"  # small notebooks the tests run, the papermill way


def _cells(path):
    return [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


def test_reference_notebooks_exist_in_reading_order():
    names = [p.relative_to(paths.NOTEBOOKS_DIR).as_posix() for p in reference_notebooks()]
    assert names == ["00_introduktion.ipynb", "01_fordelning.ipynb", "02_forflyttning_2019_2023.ipynb",
                     "03_fyra_strategier.ipynb", "04_uppfoljning_formular.ipynb",
                     "ovningar/01_ovningar_losning.ipynb"]


@pytest.mark.parametrize("path", reference_notebooks(), ids=lambda p: p.name)
def test_reference_notebooks_are_committed_with_outputs(path):
    cells = _cells(path)
    assert all(c.execution_count is not None for c in cells), "run `make notebooks` to refresh outputs"
    assert sum(bool(c.outputs) for c in cells) >= len(cells) // 2


def test_the_report_template_is_committed_stripped():
    cells = _cells(paths.REPORT_TEMPLATE)
    assert all(not c.outputs and c.execution_count is None for c in cells)
    assert any("parameters" in c.metadata.get("tags", []) for c in cells)


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_every_notebook_uses_the_project_kernel(path):
    assert nbformat.read(path, as_version=4).metadata.kernelspec.name == paths.KERNEL_NAME


@pytest.mark.parametrize("path", reference_notebooks(), ids=lambda p: p.name)
def test_only_interactive_cells_escape_comparison(path):
    for cell in _cells(path):
        if IGNORE_TAGS & set(cell.metadata.get("tags", [])) or "NBVAL_IGNORE_OUTPUT" in cell.source:
            assert any(word in cell.source for word in ("WhatIf(", "Explorer(", "Filter(")), cell.source


def test_nbval_fails_when_a_reproduced_figure_changes(tmp_path):
    """nbval, as ``make test`` runs it, passes a fixture notebook with the true figure and fails one with it changed.

    ``tests/notebooks/reproduced_figure.ipynb`` holds Jönköping's 2024 amount as text and in a table, as the
    reference notebooks do; the copy with one krona more in both stored outputs must fail in both cells.
    """
    fixture = FIXTURE_NOTEBOOKS / "reproduced_figure.ipynb"
    notebook = nbformat.read(fixture, as_version=4)
    changed = 0
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            for holder, key in [(output, "text"), *((output.get("data", {}), m) for m in ("text/plain", "text/html"))]:
                text = holder.get(key, "")
                if format_number(10_234_342) in text:  # as the formatter writes it (no-break spaces)
                    holder[key] = text.replace(format_number(10_234_342), format_number(10_234_343))
                    changed += 1
    assert changed == 3  # the figure printed, and the table as HTML and as text
    nbformat.write(notebook, tmp_path / "changed.ipynb")
    shutil.copy(fixture, tmp_path / "true.ipynb")
    (tmp_path / "pytest.ini").write_text("[pytest]\n")  # node ids relative to tmp_path
    run = subprocess.run([sys.executable, "-m", "pytest", "-v", "-c", "pytest.ini", "-p", "no:cacheprovider", "--nbval",
                          "--nbval-current-env",
                          "--nbval-sanitize-with", str(paths.PROJECT_ROOT / "tests/nbval_sanitize.cfg"),
                          "true.ipynb", "changed.ipynb"], capture_output=True, text=True, cwd=tmp_path)
    # nbval names a cell "true.ipynb::Cell 0" (or "true::ipynb::Cell 0" in pytest's verbose lines)
    outcomes = {f"{name} {cell}": outcome for name, cell, outcome in
                re.findall(r"^(\w+)(?:\.|::)ipynb::Cell (\d+) (PASSED|FAILED)", run.stdout, re.MULTILINE)}
    assert outcomes == {"true 0": "PASSED", "true 1": "PASSED", "true 2": "PASSED",
                        "changed 0": "PASSED", "changed 1": "FAILED", "changed 2": "FAILED"}, run.stdout[-3000:]
    assert "10 234 343" in run.stdout.replace("\xa0", " ")
