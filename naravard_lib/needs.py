"""Which data a part of the workbook needs, and whether the active data folder has it.

Reports and the dashboard leave out a section whose data the folder lacks (:func:`has`). The teaching
notebooks are about the editions and the län they teach; with another folder their first cell calls
:func:`requires`, which stops the notebook with one Swedish sentence naming what is missing.
"""

from __future__ import annotations

from . import paths
from . import periods as period_data
from .errors import NaravardError
from .schemas import TABLES


class MissingData(NaravardError):
    """The active data folder lacks files or periods that a notebook needs.

    ``str(exc)`` is one Swedish sentence; in a notebook only that sentence is shown, no traceback.
    """

    def _render_traceback_(self) -> list[str]:  # IPython shows these lines instead of a traceback
        return [str(self)]


def _file(table: str) -> str:
    return TABLES[table].file if table in TABLES else f"{table}.csv"


def has(*tables: str) -> bool:
    """Whether the active data folder holds every one of ``tables`` (names as in ``schemas.TABLES``).

    >>> has("allocations", "municipalities")
    True
    """
    folder = paths.data_dir()
    return all((folder / _file(table)).is_file() for table in tables)


def missing(*tables: str, periods: tuple[str, ...] = ()) -> list[str]:
    """The files among ``tables`` and the allocation periods among ``periods`` the active data folder lacks."""
    folder = paths.data_dir()
    absent = [_file(t) for t in tables if not (folder / _file(t)).is_file()]
    if periods:
        known = set(period_data.periods()["period"]) if (folder / _file("periods")).is_file() else set()
        absent += [f"perioden {p}" for p in periods if p not in known]
    return absent


def requires(*tables: str, periods: tuple[str, ...] = (), about: str = "") -> None:
    """Stop (raise :class:`MissingData`) unless the active data folder holds ``tables`` and ``periods``.

    Parameters
    ----------
    tables : str
        Table names (``"initiatives"``, ``"strategies"``…); see ``schemas.TABLES``.
    periods : tuple of str
        Allocation periods the caller needs (``("2023", "2024")``).
    about : str
        What the caller is about, in Swedish (``"fördelningen i Jönköpings län 2019–2024"``).

    Examples
    --------
    >>> requires("allocations", periods=("2024",))
    >>> requires("no_such_table")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    naravard_lib.needs.MissingData: Anteckningsboken behöver data som datamappen ... saknar: no_such_table.csv; ...
    """
    absent = missing(*tables, periods=periods)
    if absent:
        topic = f" (den handlar om {about})" if about else ""
        raise MissingData(f"Anteckningsboken behöver data som datamappen {paths.data_dir()} saknar: "
                          f"{', '.join(absent)}; öppna den med arbetsbokens egna data{topic}, se data/README.md.")
