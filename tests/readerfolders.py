"""Data folders for the end-to-end tests of what readers see: a new year, and another län.

Every number made here is FICTIONAL (test data, marked so in ``sources.csv``); nothing is written
into ``data/``. The folders are made the way a user makes them, following ``data/README.md``:
rows added to the CSV files, then ``naravard data derive`` and ``naravard validate``.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pandas as pd

from naravard_lib import paths
from naravard_lib.allocation import split_pro_rata

#: The fictional 2025 document's id in ``sources.csv`` (FICTIONAL: no such table was published).
NEW_YEAR_SOURCE = "fiktiv_fordelning_2025"
NEW_YEAR = "2025"
#: The fictional 2025 pool and set-asides (FICTIONAL numbers).
NEW_YEAR_POOL = 30_115_377
NEW_YEAR_SET_ASIDES = {"digitalisering": ("Länsgemensamma insatser: Digitalisering", 1_250_000),
                       "lanssamordning": ("Länsgemensamma insatser: Länssamordning", 1_950_000)}

#: Blekinge län: its five real municipalities with their real SCB codes; the populations are FICTIONAL.
OTHER_LAN = {"Karlshamn": ("1082", 32_481), "Karlskrona": ("1080", 66_959), "Olofström": ("1060", 13_187),
             "Ronneby": ("1081", 29_662), "Sölvesborg": ("1083", 17_495)}
OTHER_SOURCE = "fiktiv_blekinge_2024"
OTHER_POOL = 10_432_117  # FICTIONAL


def _append(path: Path, rows: list[dict]) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        fields = next(csv.reader(handle))
    text = path.read_text(encoding="utf-8")
    with path.open("a", encoding="utf-8", newline="") as handle:
        if not text.endswith("\n"):
            handle.write("\n")
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        for row in rows:
            writer.writerow({field: row.get(field, "") for field in fields})


def new_year_cells(shipped_2024_population: pd.Series) -> pd.Series:
    """The FICTIONAL 2025 Nära vård cells: each 2024 population grown a little, split per cell like the real ones."""
    growth = {name: 1 + ((i * 7) % 11 - 4) / 1000 for i, name in enumerate(shipped_2024_population.index)}
    population = pd.Series({k: round(v * growth[k]) for k, v in shipped_2024_population.items()})
    set_asides = {label: amount for label, amount in NEW_YEAR_SET_ASIDES.values()}
    return split_pro_rata(NEW_YEAR_POOL, population, set_asides=set_asides)


def make_new_year(folder: Path) -> pd.Series:
    """The shipped data plus a FICTIONAL 2025 table and its document, in ``folder``; returns the 2025 cells.

    The derived populations are not written here: ``naravard data derive`` computes them (as a user runs it).
    """
    shutil.copytree(paths.DATA_DIR, folder)
    shipped = pd.read_csv(paths.DATA_DIR / "populations_recovered.csv", dtype={"reference_date": str})
    population = shipped[shipped["reference_date"] == "2023-11-01"].set_index("kommun")["population"]
    cells = new_year_cells(population)
    section = "Fiktiv fördelningstabell 2025 (testdata)"
    _append(folder / "sources.csv", [{"source": NEW_YEAR_SOURCE, "title": "Fiktiv fördelning av ÖK-medel 2025 "
                                      "(testdata, inte publicerad)", "publisher": "Arbetsbokens tester",
                                      "published": NEW_YEAR}])
    _append(folder / "periods.csv", [{"period": NEW_YEAR, "kind": "år", "population_date": "2024-11-01",
                                      "population_date_stated": "true", "source": NEW_YEAR_SOURCE,
                                      "section": section}])
    _append(folder / "allocations.csv", [
        {"period": NEW_YEAR, "kommun": kommun, "insatsomrade": "Nära vård",
         "column_as_published": "Insatsområde Nära vård", "amount_sek": int(amount), "source": NEW_YEAR_SOURCE,
         "section": section} for kommun, amount in cells.items()])
    keys = [f"setaside.{NEW_YEAR}.{name}" for name in NEW_YEAR_SET_ASIDES]
    _append(folder / "published_figures.csv", [
        {"key": f"total.{NEW_YEAR}.summa", "kind": "stated_total", "period": NEW_YEAR, "column": "Nära vård",
         "label": "SUMMA inklusive länsgemensamma insatser och samordning", "value": NEW_YEAR_POOL, "unit": "SEK",
         "as_published": f"{NEW_YEAR_POOL:,}".replace(",", " "), "includes": ";".join(keys),
         "source": NEW_YEAR_SOURCE, "section": section},
        *({"key": key, "kind": "set_aside", "period": NEW_YEAR, "column": "Nära vård", "label": label,
           "value": amount, "unit": "SEK", "as_published": str(amount), "source": NEW_YEAR_SOURCE,
           "section": section} for key, (label, amount) in zip(keys, NEW_YEAR_SET_ASIDES.values()))])
    return cells


def other_lan_cells() -> pd.Series:
    """The FICTIONAL Nära vård cells of the other län's one period."""
    return split_pro_rata(OTHER_POOL, pd.Series({k: v[1] for k, v in OTHER_LAN.items()}))


def make_other_lan(folder: Path) -> pd.Series:
    """A minimal FICTIONAL folder for Blekinge län: five real municipalities, one period, one source."""
    folder.mkdir(parents=True)
    cells = other_lan_cells()
    section = "Fiktiv fördelningstabell 2024 (testdata)"
    frames = {
        "sources.csv": [{"source": OTHER_SOURCE, "title": "Fiktiv fördelning av ÖK-medel i Blekinge 2024 "
                         "(testdata, inte publicerad)", "publisher": "Arbetsbokens tester", "published": "2024",
                         "url": "", "file": ""}],
        "municipalities.csv": [{"kommun": k, "kommun_kod": code, "slug": _slug(k), "landsbygdskommun": "false",
                                "source": OTHER_SOURCE, "section": section} for k, (code, _pop) in OTHER_LAN.items()],
        "periods.csv": [{"period": "2024", "kind": "år", "population_date": "2023-11-01",
                         "population_date_stated": "true", "source": OTHER_SOURCE, "section": section}],
        "allocations.csv": [{"period": "2024", "kommun": k, "insatsomrade": "Nära vård",
                             "column_as_published": "Nära vård", "amount_sek": int(v), "source": OTHER_SOURCE,
                             "section": section} for k, v in cells.items()],
        "published_figures.csv": [{"key": "total.2024.nara_vard", "kind": "stated_total", "period": "2024",
                                   "column": "Nära vård", "label": "Summa Nära vård", "value": OTHER_POOL,
                                   "unit": "SEK", "as_published": str(OTHER_POOL), "includes": "",
                                   "source": OTHER_SOURCE, "section": section}],
    }
    for name, rows in frames.items():
        with (paths.DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
            fields = next(csv.reader(handle))
        with (folder / name).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
            writer.writeheader()
            for row in rows:
                writer.writerow({field: row.get(field, "") for field in fields})
    return cells


def _slug(name: str) -> str:
    return name.lower().replace("ö", "o").replace("ä", "a").replace("å", "a")
