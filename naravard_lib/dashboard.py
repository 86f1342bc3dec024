"""The dashboard: what ``notebooks/oversikt.ipynb`` shows for one municipality, and how Voilà serves it.

The page is for people who never open JupyterLab. :class:`naravard_lib.widgets.Dashboard` draws it
from the functions here (key figures, the change 2023 → 2024, source lines) and from the same
widgets the notebooks use. Serving it is :mod:`naravard_lib.dashboard_server` (``naravard dashboard``,
``make dashboard``).
"""

from __future__ import annotations

import os
from functools import lru_cache
from urllib.parse import parse_qs

import pandas as pd

from . import allocation as al
from . import data
from .errors import ParameterError
from .formatting import format_number, format_percent
from .report import allocation_overview, key_figures, summary_text
from .schemas import SEED_TITLES

#: The page's title (``<title>`` and its one ``<h1>``).
TITLE = "Nära vård i Jönköpings län – översikt"
#: Shown when the URL names no municipality.
DEFAULT_KOMMUN = "Jönköping"

_SEED_000 = SEED_TITLES["000_b4d30c94750151c6.txt"]
_SEED_001 = SEED_TITLES["001_810176a096e53aad.txt"]
_SEED_004 = SEED_TITLES["004_22804defa31be928.txt"]
#: Which population each period's per-inhabitant figure and population share use.
POPULATION_PERIOD = {"2019-2022": "2023", "2023": "2023", "2024": "2024"}


# --------------------------------------------------------------------------- the URL


def kommun_from_query(query: str | None) -> tuple[str, str]:
    """The municipality a dashboard URL asks for, and a Swedish note when it cannot be shown.

    Parameters
    ----------
    query : str or None
        The URL's query string without ``?`` (Voilà passes it to the kernel as ``QUERY_STRING``),
        e.g. ``"kommun=Habo"``; a slug (``kommun=jonkoping``) works too.

    Returns
    -------
    tuple of str
        The municipality to show (:data:`DEFAULT_KOMMUN` if none or an unknown one is asked for)
        and a note for the reader (empty when the request was met).

    Examples
    --------
    >>> kommun_from_query("kommun=v%C3%A4rnamo")
    ('Värnamo', '')
    >>> kommun_from_query("kommun=Habbo")[1]
    'Kommunen ”Habbo” finns inte i Jönköpings län (menade du Habo?). Sidan visar Jönköping.'
    """
    from .parameters import resolve_kommun

    values = parse_qs(query or "").get("kommun", [])
    wanted = values[0].strip() if values else ""
    if not wanted:
        return DEFAULT_KOMMUN, ""
    try:
        return resolve_kommun(wanted, "kommun"), ""
    except ParameterError:
        import difflib

        close = difflib.get_close_matches(wanted, data.load_municipalities()["kommun"], n=1, cutoff=0.6)
        hint = f" (menade du {close[0]}?)" if close else ""
        shown = wanted if len(wanted) <= 40 else wanted[:39] + "…"
        return DEFAULT_KOMMUN, (f"Kommunen ”{shown}” finns inte i Jönköpings län{hint}. "
                                f"Sidan visar {DEFAULT_KOMMUN}.")


def page_query() -> str:
    """The query string of the page the visitor opened (``"kommun=Habo"``), or ``""`` outside Voilà.

    Voilà passes it to the kernel as ``QUERY_STRING``. With Voilà's pre-heated kernels (``make
    dashboard`` uses one) the notebook runs before anyone asks for the page, so this waits for the
    visitor's request (:func:`voila.utils.get_query_string`); everything above it is ready by then.
    In JupyterLab it returns at once.
    """
    if os.environ.get("VOILA_PREHEAT", "False") != "False":
        from voila.utils import get_query_string  # Voilà's import takes seconds; only its kernels get here

        return get_query_string() or ""
    return os.environ.get("QUERY_STRING", "")


# --------------------------------------------------------------------------- what the page shows


@lru_cache(maxsize=32)
def _facts(kommun: str) -> tuple[dict, pd.DataFrame, pd.Series]:
    """Key figures, allocation overview and 2023 → 2024 change of one municipality, computed once.

    The data do not change while a dashboard runs, so a second visit to a municipality is instant.
    """
    figures = key_figures(kommun)
    kommun = figures["kommun"]
    return figures, allocation_overview(kommun), al.change_2023_2024().set_index("kommun").loc[kommun]


@lru_cache(maxsize=32)
def summary_markdown(kommun: str) -> str:
    """:func:`naravard_lib.report.summary_text`, the report's reading of the key figures (cached)."""
    return summary_text(kommun)


def key_figure_table(kommun: str) -> pd.DataFrame:
    """One row per agreement period: the municipality's money, per inhabitant, share against population, rank.

    Each period counts all its areas (2024 has only Nära vård). The population share uses the
    population the period is divided by (see :data:`POPULATION_PERIOD`); the money share equals it
    in 2023 and 2024, which are pure population splits, but not in 2019-2022.
    """
    figures, overview, _change = _facts(kommun)
    kommun = figures["kommun"]
    rows = []
    for period, group in overview.groupby("period", sort=False):
        row = group[group["insatsomrade"] == "Totalt"]
        row = (row if len(row) else group).iloc[0]
        population = _populations(POPULATION_PERIOD[period])
        areas = "alla insatsområden" if (group["insatsomrade"] == "Totalt").any() else row["insatsomrade"]
        rows.append({
            "Period": f"{period.replace('-', '–')} ({areas})",
            "Belopp (kr)": format_number(row["belopp"]),
            "Per invånare (kr)": format_number(row["per_invanare"], 2),
            "Andel av länets medel": format_percent(row["andel_av_lanet"]),
            "Andel av länets befolkning": format_percent(100 * population[kommun] / population.sum()),
            "Rang i länet": f"{row['rang']} av 13",
        })
    return pd.DataFrame(rows)


@lru_cache(maxsize=4)
def _populations(period: str) -> pd.Series:
    return al.populations(period)


def key_figure_caption(kommun: str) -> str:
    """Caption of :func:`key_figure_table`: what it shows and which population each period uses."""
    kommun = _facts(kommun)[0]["kommun"]
    return (f"{kommun}: statsbidraget per period. Per invånare och befolkningsandel räknas 2024 på "
            "befolkningen 1 nov 2023, 2023 och 2019–2022 på befolkningen 1 nov 2022 (2019–2022 har ingen "
            "egen). Rang 1 är det största beloppet av länets 13 kommuner.")


def change_table(kommun: str) -> pd.DataFrame:
    """The Nära vård amount 2023 → 2024 and what the change consists of (pool, population share, rounding)."""
    k, _overview, change = _facts(kommun)
    rounding = k["forandring_2023_2024"] - k["varav_pott"] - k["varav_befolkningsandel"]
    rows = [
        ("Nära vård 2023", int(change["amount_2023"])),
        ("Nära vård 2024", int(change["amount_2024"])),
        ("Förändring 2023 → 2024", k["forandring_2023_2024"]),
        ("därav: länets pott ändrades", k["varav_pott"]),
        (f"därav: befolkningsandelen ändrades ({format_percent(change['share_2023_pct'], 3)} → "
         f"{format_percent(change['share_2024_pct'], 3)})", k["varav_befolkningsandel"]),
        ("därav: avrundning per cell", rounding),
    ]
    return pd.DataFrame({"Post": [r[0] for r in rows],
                         "Belopp (kr)": [_signed(r[1], i >= 2) for i, r in enumerate(rows)]})


def _signed(value: int, sign: bool) -> str:
    text = format_number(value)
    return f"+{text}" if sign and value > 0 else text


def change_caption(kommun: str) -> str:
    """Caption of :func:`change_table`."""
    return f"{_facts(kommun)[0]['kommun']}: Nära vård 2023 → 2024 och vad förändringen består av."


def source_allocations() -> str:
    """Source line under the key figures (seed 000, the three allocation tables)."""
    sections = data.load_allocations().drop_duplicates("period")["section"]
    return f"Källa: {_SEED_000} (avsnitt: {'; '.join(sections)}). Befolkningarna är härledda ur tabellerna."


def source_what_if() -> str:
    """Source line under the what-if (the 2024 table; the scenario is the workbook's own computation)."""
    cells = data.load_allocations()
    section = cells.loc[cells["period"] == "2024", "section"].iloc[0]
    return (f"Källa: {_SEED_000} (avsnitt: {section}); scenariot är arbetsbokens egen beräkning med samma "
            "befolkning (1 nov 2023).")


def source_initiatives() -> str:
    """Source line under the 2019 → 2023 initiatives (seed 004; levels are the workbook's coding)."""
    return (f"Källa: {_SEED_004} (avsnitt: tabellerna ”Vad fanns 2019? Vad finns 2023?” per fokusområde); "
            "nivåerna är arbetsbokens kodning.")


def source_strategies() -> str:
    """Source line under the strategies (seed 001) and Esther's quotes (seed 000)."""
    table = data.load_strategies()
    quotes = table["citat_section"].iloc[0]
    return (f"Källa: {_SEED_001} (avsnitt: Strategi 1–4); Esthers citat: {_SEED_000} (avsnitt: {quotes}).")
