"""Where things are, so that no notebook or script hard-codes a path.

``NARAVARD_DATA`` chooses the data folder (see :func:`data_dir`); ``NARAVARD_SEEDS`` and
``NARAVARD_REPORTS`` override the seed folder and the report folder.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
#: The shipped data folder: the default of :func:`data_dir`. Read data through :func:`data_dir`, never this.
DATA_DIR = PROJECT_ROOT / "data"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
PARAMETERS_DIR = PROJECT_ROOT / "parameters"
REPORT_TEMPLATE = NOTEBOOKS_DIR / "kommunrapport.ipynb"
KERNEL_NAME = "naravard"
#: The environment variable naming the active data folder; kernels, Voilà and workers inherit it.
DATA_ENV = "NARAVARD_DATA"

#: Functions that forget what was read from the previous data folder (the data layer registers them).
_on_switch: list[Callable[[], None]] = []


def data_dir() -> Path:
    """The active data folder: ``$NARAVARD_DATA`` if set (and not empty), else the shipped ``data/``.

    >>> import os
    >>> data_dir() == DATA_DIR or bool(os.environ.get("NARAVARD_DATA"))
    True
    """
    chosen = os.environ.get(DATA_ENV, "").strip()
    return Path(chosen) if chosen else DATA_DIR


def use_data(folder: str | Path | None) -> None:
    """Make ``folder`` the active data folder for this process and every process it starts.

    Sets ``NARAVARD_DATA`` (as an absolute path) so that papermill kernels, Voilà kernels and
    worker processes inherit it, and clears the data caches. ``None`` goes back to ``data/``.
    """
    if folder is None:
        os.environ.pop(DATA_ENV, None)
    else:
        os.environ[DATA_ENV] = str(Path(folder).expanduser().resolve())
    forget_data()


def forget_data() -> None:
    """Clear every cache of data read from a data folder (after switching folders or editing files)."""
    for clear in _on_switch:
        clear()


def on_data_switch(clear: Callable[[], None]) -> Callable[[], None]:
    """Register a cache-clearing function to run when the data folder changes (usable as a decorator)."""
    _on_switch.append(clear)
    return clear


def parameters_dir() -> Path | None:
    """The report parameter files for the active data folder.

    ``<data folder>/parameters/`` when it exists; else the shipped ``parameters/`` for the shipped
    data; else None: another län's folder without parameter files gets the defaults for every
    municipality.
    """
    own = data_dir() / "parameters"
    if own.is_dir():
        return own
    return PARAMETERS_DIR if data_dir().resolve() == DATA_DIR.resolve() else None


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
