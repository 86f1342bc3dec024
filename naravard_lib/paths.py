"""Where things are, so that no notebook or script hard-codes a path.

``NARAVARD_SEEDS`` and ``NARAVARD_REPORTS`` override the seed folder and the report folder.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = PROJECT_ROOT / "data"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
PARAMETERS_DIR = PROJECT_ROOT / "parameters"
REPORT_TEMPLATE = NOTEBOOKS_DIR / "kommunrapport.ipynb"
KERNEL_NAME = "naravard"


def seeds_dir() -> Path:
    """The folder with the five source documents (``../shared/seeds`` beside the checkout)."""
    return Path(os.environ.get("NARAVARD_SEEDS", PROJECT_ROOT.parent / "shared" / "seeds"))


def reports_dir() -> Path:
    """Default output folder for generated reports (git-ignored)."""
    return Path(os.environ.get("NARAVARD_REPORTS", PROJECT_ROOT / "reports"))


def display_path(path: str | Path) -> str:
    """``path`` as a message shows it: relative to the project when inside it, else as given.

    The folder is resolved but not the file itself, so a symlinked file is named by its own name.
    The one helper for every message that names a file.

    >>> display_path(PROJECT_ROOT / "data" / "allocations.csv")
    'data/allocations.csv'
    >>> display_path("/elsewhere/x.csv")
    '/elsewhere/x.csv'
    """
    path = Path(path)
    try:
        return str((path.parent.resolve() / path.name).relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)
