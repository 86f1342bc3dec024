"""Data folders built in the tests: a fictional new year beside the shipped data, and another län.

Every number these builders write is FICTIONAL (made up for the tests, marked so in the files'
source titles and sections) and they are written only into temporary folders, never into
``data/``. The municipalities of the other län are real (names and SCB codes of Kronobergs län);
their populations and money are not.

Use :func:`active` (or ``naravard ... --data DIR``) to read a built folder.
"""

from __future__ import annotations

import contextlib
import csv
import os
import shutil
from pathlib import Path

import pandas as pd

from naravard_lib import paths
from naravard_lib.allocation import split_pro_rata

#: The source id of the fictional documents (a row of sources.csv in every built folder).
FICTIONAL_SOURCE = "fiktiv_testkalla"
FICTIONAL_TITLE = "FIKTIV testkälla (påhittade siffror för arbetsbokens tester, inte en verklig källa)"
FICTIONAL_SECTION = "Fiktiv tabell (testdata)"

#: Kronobergs län: real municipalities and SCB codes; FICTIONAL populations (inhabitants) for the tests.
KRONOBERG = {"Uppvidinge": ("0760", 9_412), "Lessebo": ("0761", 8_806), "Tingsryd": ("0763", 12_390),
             "Alvesta": ("0764", 20_218), "Älmhult": ("0765", 18_007), "Markaryd": ("0767", 10_122),
             "Växjö": ("0780", 97_103), "Ljungby": ("0781", 28_855)}
KRONOBERG_SLUGS = {"Uppvidinge": "uppvidinge", "Lessebo": "lessebo", "Tingsryd": "tingsryd", "Alvesta": "alvesta",
                   "Älmhult": "almhult", "Markaryd": "markaryd", "Växjö": "vaxjo", "Ljungby": "ljungby"}


@contextlib.contextmanager
def active(folder: Path):
    """Make ``folder`` the active data folder inside the ``with`` block (as ``--data`` does), then restore."""
    before = os.environ.get(paths.DATA_ENV)
    paths.use_data(folder)
    try:
        yield folder
    finally:
        paths.use_data(before)


def _append(path: Path, rows: list[dict]) -> None:
    """Append rows to a CSV in its own column order (the file must end with a newline)."""
    with open(path, encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    with open(path, "a", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        for row in rows:
            writer.writerow(row)


def _write(path: Path, rows: list[dict]) -> None:
    pd.DataFrame(rows).to_csv(path, index=False, lineterminator="\n")


def _source_row() -> dict:
    return dict(source=FICTIONAL_SOURCE, title=FICTIONAL_TITLE, publisher="Arbetsbokens tester (fiktiv)",
                published="", url="", file="")


def _table_rows(period: str, populations: dict[str, int], pool: int, column: str = "Nära vård") -> tuple[list, list]:
    """Allocation rows and the stated total for a FICTIONAL per-capita split of ``pool``."""
    cells = split_pro_rata(pool, pd.Series(populations), rounding="per_cell")
    allocations = [dict(period=period, kommun=k, insatsomrade=column, column_as_published=f"{column} (fiktiv)",
                        amount_sek=int(cells[k]), source=FICTIONAL_SOURCE, section=FICTIONAL_SECTION)
                   for k in populations]
    total = dict(key=f"total.{period}.nara_vard", kind="stated_total", period=period, column=column,
                 label=f"Summa {column} (fiktiv)", value=pool, unit="SEK", as_published=f"{pool} (fiktiv)",
                 includes="", source=FICTIONAL_SOURCE, section=FICTIONAL_SECTION)
    return allocations, [total]


def fictional_populations(shipped: Path) -> dict[str, int]:
    """FICTIONAL populations for a new year: the latest derived ones, each changed by a made-up amount."""
    table = pd.read_csv(shipped / "populations_recovered.csv", dtype={"period": str})
    latest = table[table["period"] == table["period"].max()]
    return {row.kommun: int(row.population) + 37 * (i + 1) - 200 for i, row in enumerate(latest.itertuples())}


def copy_shipped(tmp_path: Path, name: str = "data") -> Path:
    """A copy of the shipped data folder (no parameter files: the shipped ones are used for it)."""
    folder = tmp_path / name
    shutil.copytree(paths.DATA_DIR, folder)
    return folder


def add_fictional_year(folder: Path, period: str = "2025", pool: int = 30_000_000,
                       population_date: str | None = None, leave_out: tuple[str, ...] = ()) -> dict[str, int]:
    """Append a FICTIONAL single-year table to a data folder: a periods row, its document, its cells, its total.

    The cells are ``pool`` split by :func:`fictional_populations` with per-cell rounding, as the
    real tables are; ``leave_out`` drops municipalities' rows (to see what validate says).
    The derived populations are NOT updated (run ``naravard data derive`` as a user would).

    Returns
    -------
    dict
        The fictional populations, which derive must recover.
    """
    populations = fictional_populations(folder)
    date = population_date or f"{int(period) - 1}-11-01"
    _append(folder / "sources.csv", [_source_row()])
    _append(folder / "periods.csv", [dict(period=period, kind="år", population_date=date,
                                          population_date_stated="false", source=FICTIONAL_SOURCE,
                                          section=FICTIONAL_SECTION)])
    allocations, totals = _table_rows(period, populations, pool)
    _append(folder / "allocations.csv", [row for row in allocations if row["kommun"] not in leave_out])
    _append(folder / "published_figures.csv", totals)
    return populations


def other_lan(tmp_path: Path, name: str = "kronoberg", derive: bool = True, period: str = "2025",
              pool: int = 14_000_000) -> Path:
    """A minimal data folder for Kronobergs län: real municipalities, one FICTIONAL period and source.

    Only the required tables: sources, periods, municipalities, allocations, published figures and
    (with ``derive``) the derived populations, computed as ``naravard data derive`` does.
    """
    from naravard_lib.derive import write_derived

    folder = tmp_path / name
    folder.mkdir()
    _write(folder / "sources.csv", [_source_row()])
    _write(folder / "periods.csv", [dict(period=period, kind="år", population_date=f"{int(period) - 1}-11-01",
                                         population_date_stated="false", source=FICTIONAL_SOURCE,
                                         section=FICTIONAL_SECTION)])
    _write(folder / "municipalities.csv", [
        dict(kommun=k, kommun_kod=code, slug=KRONOBERG_SLUGS[k], landsbygdskommun="false", source=FICTIONAL_SOURCE,
             section=FICTIONAL_SECTION) for k, (code, _) in KRONOBERG.items()])
    allocations, totals = _table_rows(period, {k: pop for k, (_, pop) in KRONOBERG.items()}, pool)
    _write(folder / "allocations.csv", allocations)
    _write(folder / "published_figures.csv", totals)
    if derive:
        with active(folder):
            write_derived()
    return folder
