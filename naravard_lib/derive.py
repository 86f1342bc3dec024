"""Derived data, computed never typed: the population key behind every single-year table.

``naravard data derive`` writes ``populations_recovered.csv`` with :func:`write_derived`;
``naravard validate`` checks it with :func:`derived_problems`. For each single-year period the
key is recovered from the published cells and stated pools (:func:`recover_period`), and the
method, the search range of the län total and the number of keys found are recorded.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from . import data, files, municipalities, paths, periods
from .allocation import KeySolution, plain_number, key_solutions, pools
from .errors import DataError, RecoveryError
from .schemas import TABLES


#: How :func:`recover_period` works, recorded in every derived row (``method``).
DERIVE_METHOD = ("recover_population_key: every integer key with a län total in total_min-total_max searched; "
                 "cells = stated pool (minus set-asides) x population share, each rounded half up to the krona")
#: The search stops after this many keys: the cells then do not determine one.
MAX_SOLUTIONS = 20
#: Widest stretch of län totals searched at once (bounds the memory of one scan).
_WINDOW = 1_000_000


@dataclass(frozen=True)
class Recovery:
    """The population key recovered from one single-year table, with how it was searched.

    Attributes
    ----------
    period : str
    solution : KeySolution
        The one key (weights per municipality) and its pools.
    total_range : (int, int)
        The län totals searched, both ends included: from the smallest total at which every
        municipality has at least one inhabitant, to just under twice the smallest total that
        reproduces the table (doubling every population gives the same cells, so no key is unique
        in a wider range).
    """

    period: str
    solution: KeySolution
    total_range: tuple[int, int]


def recover_period(period: str) -> Recovery:
    """Recover the population key behind a single-year table from its published cells and pools.

    The search range for the län total comes from the table itself (see :class:`Recovery`), not
    from the size of any län.

    Raises
    ------
    RecoveryError
        One line when the period is not a single year, when no key reproduces every cell with its
        stated pool (the table is not a per-capita split), or when several do.
    """
    if periods.kind(period) != "år":
        raise RecoveryError(f"period {period}: a table over several years is not one per-capita split; "
                            "no population key is derived for it")
    table = data.allocation_table(period)
    known = pools(period)
    first = table.iloc[:, 0]
    pool = known.get(table.columns[0], int(first.sum()))
    low = max(len(table), math.ceil(pool / (int(first.min()) + 0.5)))  # every municipality >= 1 inhabitant
    cap = max(low, pool)  # below 1 krona per inhabitant neighbouring keys give the same cells
    found, start, end = {}, low, None
    while start <= (end if end is not None else cap):
        stop = min(start + _WINDOW - 1, max(start, 2 * start - 1), end if end is not None else cap)
        for solution in key_solutions(table, (start, stop), known or None):
            found.setdefault(tuple(solution.weights.tolist()), solution)
        if found and end is None:
            end = 2 * min(s.total for s in found.values()) - 1
        if len(found) > MAX_SOLUTIONS:
            break
        start = stop + 1
    solutions = sorted(found.values(), key=lambda s: s.total)
    if not solutions:
        raise RecoveryError(f"period {period}: no population key reproduces every published cell with its stated "
                            f"pool (län totals {plain_number(low)}-{plain_number(cap)} searched); the table is "
                            "not a per-capita split, so no population is derived for it")
    if len(solutions) > 1:
        totals = ", ".join(plain_number(s.total) for s in solutions[:5])
        more = "" if len(solutions) <= 5 else " …"
        raise RecoveryError(f"period {period}: {len(solutions)} population keys reproduce every published cell "
                            f"(län totals {totals}{more}), so no population is derived for it; few cells (few "
                            "municipalities, one column) cannot pin one key down: add the table's other columns "
                            "(insatsområden) to allocations.csv with their stated totals, or check that the table "
                            "is a per-capita split")
    return Recovery(period, solutions[0], (low, end))


def derive_populations() -> pd.DataFrame:
    """The derived table ``populations_recovered.csv`` as ``naravard data derive`` writes it.

    One row per single-year period and municipality: the recovered population, the table it is
    recovered from, the method, the search range of the län total and the number of keys found.
    """
    rows = []
    kommuner = list(municipalities.names())
    for period in periods.single_years():
        recovery = recover_period(period)
        origin = periods.source_rows(period).iloc[0]
        derived_from = f"the {period} table, cells of {', '.join(periods.columns(period))}"
        for kommun in kommuner:
            rows.append(dict(period=period, kommun=kommun, reference_date=periods.population_date(period),
                             reference_date_stated=periods.population_date_stated(period),
                             population=int(recovery.solution.weights[kommun]), derived_from=derived_from,
                             method=DERIVE_METHOD, total_min=recovery.total_range[0],
                             total_max=recovery.total_range[1], solutions=1, source=origin["source"],
                             section=origin["section"]))
    return pd.DataFrame(rows, columns=list(TABLES["populations_recovered"].schema.columns))


def derived_csv() -> str:
    """The text of ``populations_recovered.csv`` as :func:`derive_populations` computes it."""
    table = derive_populations()
    table["reference_date_stated"] = table["reference_date_stated"].map({True: "true", False: "false"})
    return table.to_csv(index=False, lineterminator="\n")


@lru_cache(maxsize=8)
def _derived_text(folder: str) -> str:
    return derived_csv()


paths.on_data_switch(_derived_text.cache_clear)


def write_derived() -> Path:
    """Recompute ``populations_recovered.csv`` in the active data folder, atomically; nothing else is written.

    Raises
    ------
    RecoveryError
        When a period's key cannot be recovered (nothing is written then).
    """
    text = derived_csv()
    target = paths.data_dir() / TABLES["populations_recovered"].file
    files.write_atomic(target, text)
    data.clear_caches()
    _derived_text.cache_clear()
    return target


def derived_problems() -> list[DataError | RecoveryError]:
    """Whether the derived file is what ``naravard data derive`` would write now; one problem per line.

    ``naravard validate`` and ``naravard build`` report these after the data checks.
    """
    name = paths.display_path(paths.data_dir() / TABLES["populations_recovered"].file)
    hint = "run `naravard data derive` (with --data DIR for another folder) to recompute it"
    try:
        wanted = _derived_text(str(paths.data_dir()))
    except RecoveryError as error:
        return [error]
    except DataError:
        return []  # a broken input table: validate_all reports it
    path = paths.data_dir() / TABLES["populations_recovered"].file
    if not path.is_file():
        return [DataError(name, f"file not found; it is derived from the published cells: {hint}")]
    have = data.load_populations()
    missing = [p for p in periods.single_years() if p not in set(have["period"])]
    if missing:
        return [DataError(name, f"no derived populations for period {', '.join(missing)}; {hint}")]
    current = path.read_text(encoding="utf-8").replace("\r\n", "\n")
    if current != wanted:
        return [DataError(name, f"stale: it differs from what the published cells give now; {hint}")]
    return []
