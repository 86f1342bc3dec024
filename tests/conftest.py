"""Shared fixtures: headless plotting, closed figures, broken copies of data files."""

from __future__ import annotations

import shutil
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")  # in this process only: kernels started by tests keep inline figures
import matplotlib.pyplot as plt  # noqa: E402

from naravard_lib import paths  # noqa: E402


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
