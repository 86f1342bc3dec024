"""The shift 2019 → 2023: summaries, views and a filter over the coded initiatives of seed 004.

Its figures are in :mod:`naravard_lib.plots` (:func:`~naravard_lib.plots.transition_heatmap`,
:func:`~naravard_lib.plots.dumbbell`).

Levels follow ``data/codebook.csv`` (0 did not exist … 4 introduced across the whole system).
Rows that repeat an earlier row (``samma_som``) are shown in listings but counted once in every
summary.
"""

from __future__ import annotations

import pandas as pd

from . import data
from .formatting import format_number
from .schemas import FOKUSOMRADEN

LEVELS = range(5)
BROAD = 4  #: "broad use": introduced across the whole system


def initiatives(distinct: bool = False) -> pd.DataFrame:
    """The coded rows, with ``forandring`` (2023 level − 2019 level) and a list of strategies.

    Parameters
    ----------
    distinct : bool
        Drop rows that repeat an earlier row, so each initiative counts once.
    """
    table = data.load_initiatives()
    table["forandring"] = table["niva_2023"] - table["niva_2019"]
    table["strategi_lista"] = table["strategier"].map(lambda s: [int(x) for x in s.split(";")])
    if distinct:
        table = table[table["samma_som"] == ""]
    return table.reset_index(drop=True)


def overall_shift() -> pd.DataFrame:
    """Headline counts over the distinct initiatives (one row per measure, Swedish labels)."""
    t = initiatives(distinct=True)
    measures = [
        ("Rader i källans tabeller", len(initiatives())),
        ("Olika insatser", len(t)),
        ("Fanns inte 2019 (nivå 0)", int((t.niva_2019 == 0).sum())),
        ("Från ingenting till hela systemet (0 → 4)", int(((t.niva_2019 == 0) & (t.niva_2023 == BROAD)).sum())),
        ("Från ingenting till minst spridning (0 → 3–4)", int(((t.niva_2019 == 0) & (t.niva_2023 >= 3)).sum())),
        ("Införda i hela systemet 2023 (nivå 4)", int((t.niva_2023 == BROAD).sum())),
        ("Oförändrad nivå", int((t.forandring == 0).sum())),
        ("Kodning markerad osäker", int(t.osaker.sum())),
    ]
    return pd.DataFrame(measures, columns=["mått", "antal"])


def _summary(groups) -> pd.DataFrame:
    return groups.agg(
        insatser=("id", "count"),
        medel_2019=("niva_2019", "mean"),
        medel_2023=("niva_2023", "mean"),
        nya=("niva_2019", lambda s: int((s == 0).sum())),
        hela_systemet_2023=("niva_2023", lambda s: int((s == BROAD).sum())),
    ).assign(medel_forandring=lambda f: f.medel_2023 - f.medel_2019)


def by_focus_area() -> pd.DataFrame:
    """Per focus area of seed 004: count, mean levels, new ones, fully introduced ones."""
    t = initiatives(distinct=True)
    t["fokusomrade"] = pd.Categorical(t["fokusomrade"], categories=FOKUSOMRADEN, ordered=True)
    return _summary(t.groupby("fokusomrade", observed=True)).reset_index()


def by_strategy() -> pd.DataFrame:
    """Per strategy 1-4 of the municipalities' plan (an initiative counts for each it serves)."""
    t = initiatives(distinct=True).explode("strategi_lista").rename(columns={"strategi_lista": "strategi"})
    t["strategi"] = t["strategi"].astype(int)
    titles = data.load_strategies().set_index("strategi")["titel"]
    result = _summary(t.groupby("strategi")).reset_index()
    result.insert(1, "titel", result["strategi"].map(titles))
    return result


def transition_matrix() -> pd.DataFrame:
    """Distinct initiatives counted by 2019 level (rows) × 2023 level (columns), all levels shown."""
    t = initiatives(distinct=True)
    return (pd.crosstab(t["niva_2019"], t["niva_2023"])
            .reindex(index=LEVELS, columns=LEVELS, fill_value=0)
            .rename_axis(index="nivå 2019", columns="nivå 2023"))


def includes(table: pd.DataFrame, kommun: str) -> pd.Series:
    """Whether each initiative's 2023 reach includes ``kommun``: all 13, the whole län, or named.

    Initiatives of the region alone, or in "some" municipalities not named, do not count: the seed
    does not say whether this municipality takes part.
    """
    named = table["lage_2023"].str.contains(kommun, regex=False)
    return table["rackvidd_2023"].isin(["alla 13", "länet"]) | named


def filter_initiatives(fokusomrade: str | None = None, strategi: int | None = None,
                       min_niva_2023: int = 0, bara_nya: bool = False, distinct: bool = False,
                       kommun: str | None = None) -> pd.DataFrame:
    """The initiatives matching every given condition, for listing (duplicates included unless ``distinct``).

    Empty values (``None``, ``""``, ``0``) mean "any"; ``kommun`` keeps the initiatives that include it.
    """
    t = initiatives(distinct=distinct)
    if kommun:
        t = t[includes(t, kommun)]
    if fokusomrade:
        t = t[t["fokusomrade"] == fokusomrade]
    if strategi:
        t = t[t["strategi_lista"].map(lambda s: strategi in s)]
    t = t[t["niva_2023"] >= min_niva_2023]
    if bara_nya:
        t = t[t["niva_2019"] == 0]
    return t[["id", "namn", "fokusomrade", "niva_2019", "niva_2023", "rackvidd_2023", "strategier", "motivering"]]


LISTING_HEADERS = {
    "id": "Nr", "namn": "Insats", "fokusomrade": "Fokusområde", "niva_2019": "Nivå 2019", "niva_2023": "Nivå 2023",
    "rackvidd_2023": "Räckvidd 2023", "strategier": "Strategier", "motivering": "Motivering",
}


def listing(table: pd.DataFrame) -> pd.DataFrame:
    """Rows of :func:`filter_initiatives` for readers: Swedish headings, strategies as "1, 4"."""
    shown = table.assign(strategier=table["strategier"].str.replace(";", ", "))
    return shown[list(LISTING_HEADERS)].rename(columns=LISTING_HEADERS)


def indicators() -> pd.DataFrame:
    """The numbers seed 004 gives, beside the initiative they describe."""
    table = data.load_indicators()
    names = data.load_initiatives().set_index("id")["namn"]
    table.insert(1, "insats", table["initiativ_id"].map(names))
    return table[["initiativ_id", "insats", "matt", "varde_2019", "varde_2023", "ar", "enhet", "slag", "huvudman",
                  "typ", "berakning", "citat_2023"]]


def indicator_table() -> pd.DataFrame:
    """:func:`indicators` for readers: Swedish headings, numbers the Swedish way, "–" where the seed gives none.

    An event's year has its own column; a value read from words (0 from "Fanns ej") is marked "härledd".
    """
    table = indicators()

    def value(amount, unit: str) -> str:
        if pd.isna(amount):
            return "–"
        return str(int(amount)) if str(unit).startswith("år") else format_number(amount)

    return pd.DataFrame({
        "Insats": table["insats"], "Mått": table["matt"],
        "2019": [value(v, u) for v, u in zip(table["varde_2019"], table["enhet"])],
        "2023": [value(v, u) for v, u in zip(table["varde_2023"], table["enhet"])],
        "Händelsens år": [str(int(y)) if pd.notna(y) else "–" for y in table["ar"]],
        "Enhet": table["enhet"], "Slag": table["slag"], "Huvudman": table["huvudman"],
        "Härledd": [b if t == "härledd" else "–" for t, b in zip(table["typ"], table["berakning"])],
        "Källans ord 2023": table["citat_2023"].fillna("–").replace("", "–"),
    })
