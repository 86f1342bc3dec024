"""Shared fixtures: headless plotting, closed figures, broken copies of data files."""

from __future__ import annotations

import shutil
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")  # in this process only: kernels started by tests keep inline figures
import matplotlib.pyplot as plt  # noqa: E402

from naravard_lib import paths  # noqa: E402

CHROMIUM = shutil.which("chromium")
BROWSER_SKIP = ("browser tests: SKIPPED - Debian's chromium is not installed; as root `make test` installs it, "
                "otherwise run `apt-get install chromium` and `make test-browser`")
collect_ignore = [] if CHROMIUM else ["browser"]


def pytest_terminal_summary(terminalreporter):
    if not CHROMIUM:
        terminalreporter.write_line(BROWSER_SKIP, yellow=True)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "browser" in item.path.parts:
            item.add_marker(pytest.mark.browser)


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
