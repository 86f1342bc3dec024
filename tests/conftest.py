"""Shared fixtures: headless plotting, closed figures, broken copies of data files."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")  # in this process only: kernels started by tests keep inline figures
import matplotlib.pyplot as plt  # noqa: E402

from naravard_lib import paths  # noqa: E402

os.environ.pop(paths.DATA_ENV, None)  # the tests read the shipped data/ unless a test chooses another folder

sys.path.insert(0, str(Path(__file__).parent / "browser"))
from harness import BROWSER_SKIP  # noqa: E402

CHROMIUM = shutil.which("chromium")
# Fixture notebooks (tests/notebooks/, the papermill way) are inputs of tests, not notebooks for nbval to check.
collect_ignore = ["notebooks"] + ([] if CHROMIUM else ["browser"])


def pytest_ignore_collect(collection_path, config):
    """conftest.py files are plugins, not test modules: ``--doctest-modules`` (make test) must not import them
    again (two of them, here and in browser/, would clash by name)."""
    return True if collection_path.name == "conftest.py" else None


def pytest_terminal_summary(terminalreporter):
    skipped = " ".join(str(report.longrepr) for report in terminalreporter.stats.get("skipped", []))
    if not CHROMIUM and BROWSER_SKIP not in skipped:  # said once: here, or by the skipped browser tests
        terminalreporter.write_line(BROWSER_SKIP, yellow=True)


#: The longest test files, longest first. `make test` hands whole files to its workers (pytest-xdist,
#: ``--dist loadfile``) in collection order, so starting with these keeps both cores busy to the end.
LONGEST_FIRST = ("test_warm.py", "test_lab_notebooks.py", "test_faults.py", "test_faults_publish.py", "test_batch.py",
                 "test_faults_inputs.py", "test_dashboard_page.py", "test_faults_dashboard.py", "test_form_lab.py")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "browser" in item.path.parts:
            item.add_marker(pytest.mark.browser)
    rank = {name: number for number, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: the rest keep their order


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def data_copy(tmp_path):
    """Copy one file of data/ into a temp folder and return its path, for corrupting."""

    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copy(paths.DATA_DIR / name, target)
        return target

    return copy


@pytest.fixture(scope="session")
def seeds() -> Path:
    folder = paths.seeds_dir()
    if not folder.is_dir():
        pytest.skip(f"seed folder {folder} not present (set NARAVARD_SEEDS); provenance not checked")
    return folder
