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
