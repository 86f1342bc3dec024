"""The dashboard: what ``notebooks/oversikt.ipynb`` shows for one municipality.

The page is for people who never open JupyterLab. :class:`naravard_lib.widgets.Dashboard` draws it
from the functions here (key figures, this year's change, source lines) and from the same
widgets the notebooks use. Serving it is :mod:`naravard_lib.dashboard_server` (``naravard dashboard``,
``make dashboard``).
"""

from __future__ import annotations

import os
from functools import lru_cache
from urllib.parse import parse_qs

import pandas as pd

from . import allocation as al
from . import data, municipalities, paths, periods, report, sources
from .errors import UnknownMunicipality
from .formatting import format_number, format_percent, swedish_date, swedish_list
from .report import allocation_overview, key_figures, summary_text



#: The page's ``<title>`` (the notebook's ``metadata.title``, fixed before any data is read, so it names no
#: län); its ``<h1>`` is :func:`title`, from the data folder.
PAGE_TITLE = "Nära vård – översikt"


def title() -> str:
    """The page's title and its one ``<h1>``, from the data folder's län: ``"Nära vård i Jönköpings län – översikt"``."""
    return f"Nära vård i {municipalities.lan_name()} – översikt"


def default_kommun() -> str:
    """The municipality shown when the URL names none (:func:`naravard_lib.report.default_kommun`)."""
    return report.default_kommun()


def intro_markdown() -> str:
    """The page's heading and first paragraphs (Markdown): what it shows, from what the data folder holds."""
    labels = [report.period_label(p) for p in data.load_allocations()["period"].unique()]
    parts = [f"kommunens del av statsbidraget för Nära vård {swedish_list(labels)}",
             f"vad som hade hänt med andra antaganden om fördelningen {periods.latest_year()}"]
    if report.has_initiatives():
        parts.append("de gemensamma insatser 2019–2023 som omfattar kommunen")
    if report.has_strategies():
        parts.append("länets fyra strategier med Esthers ord")
    example = next(name for name in municipalities.names() if name != default_kommun())
    return (f"# {title()}\n\nVälj en kommun i listan. Sidan visar då {swedish_list(parts)}. Under varje tabell står källan.\n\n"
            "Vill du öppna sidan direkt för en viss kommun kan du skriva kommunens namn sist i adressen, till exempel "
            f"`?kommun={example}`.")


def intro():
    """:func:`intro_markdown` for display as the notebook's first output (the page's h1 and lead)."""
    from IPython.display import Markdown

    return Markdown(intro_markdown())


def closing():
    """:func:`closing_markdown` for display as the notebook's last output."""
    from IPython.display import Markdown

    return Markdown(closing_markdown())


def closing_markdown() -> str:
    """The page's last paragraph (Markdown): which notebooks it shares its computations with."""
    notebooks = ["01 fördelningen"]
    if report.has_initiatives():
        notebooks.append("02 förflyttningen 2019–2023")
    if report.has_strategies():
        notebooks.append("03 de fyra strategierna")
    years = periods.single_years()
    return (f"Sidan bygger på samma beräkningar som arbetsbokens anteckningsböcker ({swedish_list(notebooks)}). "
            f"Fördelning{'arna' if len(years) > 1 else 'en'} {swedish_list(years)} följer invånarantalet; befolkningen bakom "
            f"{'dem' if len(years) > 1 else 'den'} är härledd ur de publicerade tabellerna.")


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
        The municipality to show (:func:`default_kommun` if none or an unknown one is asked for)
        and a note for the reader (empty when the request was met).

    Examples
    --------
    >>> kommun_from_query("kommun=v%C3%A4rnamo")
    ('Värnamo', '')
    >>> kommun_from_query("kommun=Habbo")[1]
    'Kommunen ”Habbo” finns inte i Jönköpings län (menade du Habo?). Sidan visar Jönköping.'
    """
    values = parse_qs(query or "").get("kommun", [])
    wanted = values[0].strip() if values else ""
    if not wanted:
        return default_kommun(), ""
    try:
        return municipalities.lookup(wanted, "kommun"), ""
    except UnknownMunicipality as error:
        return default_kommun(), f"{error.message_sv.rstrip('.')}. Sidan visar {default_kommun()}."


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


def _folder() -> str:
    return str(paths.data_dir())  # the caches below are per data folder


def _facts(kommun: str) -> tuple[dict, pd.DataFrame, pd.Series | None]:
    """Key figures, allocation overview and this year's change of one municipality, computed once per folder."""
    return _cached_facts(_folder(), municipalities.lookup(kommun, "kommun"))


@lru_cache(maxsize=32)
def _cached_facts(folder: str, kommun: str) -> tuple[dict, pd.DataFrame, pd.Series | None]:
    # The data do not change while a dashboard runs, so a second visit to a municipality is instant.
    figures = key_figures(kommun)
    changes = report.change_table()
    change = changes.set_index("kommun").loc[kommun] if changes is not None else None
    return figures, allocation_overview(kommun), change


def summary_markdown(kommun: str) -> str:
    """:func:`naravard_lib.report.summary_text`, the report's reading of the key figures (cached)."""
    return _summary(_folder(), municipalities.lookup(kommun, "kommun"))


@lru_cache(maxsize=32)
def _summary(folder: str, kommun: str) -> str:
    return summary_text(kommun)


def clear_caches() -> None:
    """Forget the cached figures (run when the data folder changes, or after its files were edited)."""
    for cached in (_cached_facts, _summary, _populations):
        cached.cache_clear()


def key_figure_table(kommun: str) -> pd.DataFrame:
    """One row per agreement period: the municipality's money, per inhabitant, share against population, rank.

    Each period counts all its areas (a table with one area shows that area). The population share
    uses the population the period is divided by (:func:`naravard_lib.periods.population_period`); the
    money share equals it in a year split by population, but not in a multi-year period.
    """
    figures, overview, _change = _facts(kommun)
    kommun = figures["kommun"]
    count = municipalities.count()
    rows = []
    for period, group in overview.groupby("period", sort=False):
        row = group[group["insatsomrade"] == report.TOTAL_AREA]
        row = (row if len(row) else group).iloc[0]
        population = _populations(_folder(), periods.population_period(period))
        areas = ("alla insatsområden" if (group["insatsomrade"] == report.TOTAL_AREA).any()
                 else row["insatsomrade"])
        rows.append({
            "Period": f"{report.period_label(period)} ({areas})",
            "Belopp (kr)": format_number(row["belopp"]),
            "Per invånare (kr)": format_number(row["per_invanare"], 2),
            "Andel av länets medel": format_percent(row["andel_av_lanet"]),
            "Andel av länets befolkning": format_percent(100 * population[kommun] / population.sum()),
            "Rang i länet": f"{row['rang']} av {count}",
        })
    return pd.DataFrame(rows)


@lru_cache(maxsize=8)
def _populations(folder: str, period: str) -> pd.Series:
    return al.populations(period)


def key_figure_caption(kommun: str) -> str:
    """Caption of :func:`key_figure_table`: what it shows and which population each period uses."""
    kommun = _facts(kommun)[0]["kommun"]
    by_date: dict[str, list[str]] = {}
    for period in [*reversed(periods.single_years()), *periods.multi_year()]:
        date = periods.population_date(periods.population_period(period))
        by_date.setdefault(date, []).append(report.period_label(period))
    used = [f"{swedish_list(labels)} på befolkningen {swedish_date(date, short=True)}"
            for date, labels in by_date.items()]
    own = [report.period_label(p) for p in periods.multi_year()]
    text = f"{kommun}: statsbidraget per period. Per invånare och befolkningsandel räknas {', '.join(used)}"
    text += f" ({swedish_list(own)} har ingen egen)" if own else ""
    return text + f". Rang 1 är det största beloppet av {report.count_phrase()}."


def change_table(kommun: str) -> pd.DataFrame | None:
    """This year's amount against the previous year's and what the change consists of; ``None`` without one."""
    k, _overview, change = _facts(kommun)
    if change is None:
        return None
    before, year, area = k["foregaende_ar"], k["ar"], k["insatsomrade"]
    rounding = k["forandring"] - k["varav_pott"] - k["varav_befolkningsandel"]
    rows = [
        (f"{area} {before}", int(change["amount_before"])),
        (f"{area} {year}", int(change["amount_after"])),
        (f"Förändring {before} → {year}", k["forandring"]),
        ("därav: länets pott ändrades", k["varav_pott"]),
        (f"därav: befolkningsandelen ändrades ({format_percent(change['share_before_pct'], 3)} → "
         f"{format_percent(change['share_after_pct'], 3)})", k["varav_befolkningsandel"]),
        ("därav: avrundning per cell", rounding),
    ]
    return pd.DataFrame({"Post": [r[0] for r in rows],
                         "Belopp (kr)": [_signed(r[1], i >= 2) for i, r in enumerate(rows)]})


def _signed(value: int, sign: bool) -> str:
    text = format_number(value)
    return f"+{text}" if sign and value > 0 else text


def change_caption(kommun: str) -> str:
    """Caption of :func:`change_table`."""
    k = _facts(kommun)[0]
    return f"{k['kommun']}: {k['insatsomrade']} {k['foregaende_ar']} → {k['ar']} och vad förändringen består av."


def source_allocations() -> str:
    """Source line under the key figures (the allocation tables' documents and sections)."""
    return sources.source_line(data.load_allocations(), "Befolkningarna är härledda ur tabellerna.")


def source_what_if() -> str:
    """Source line under the what-if (this year's table; the scenario is the workbook's own computation)."""
    cells = data.load_allocations()
    year = periods.latest_year()
    date = swedish_date(periods.population_date(year), short=True)
    rows = cells.loc[cells["period"] == year, ["source", "section"]].drop_duplicates()
    return sources.source_line(rows, f"; scenariot är arbetsbokens egen beräkning med samma befolkning ({date})")


def source_initiatives() -> str:
    """Source line under the 2019 → 2023 initiatives (levels are the workbook's coding)."""
    section = "tabellerna ”Vad fanns 2019? Vad finns 2023?” per fokusområde"
    return sources.source_line({s: section for s in data.load_initiatives()["source"].unique()},
                               "; nivåerna är arbetsbokens kodning")


def source_strategies() -> str:
    """Source line under the strategies and Esther's quotes."""
    table = data.load_strategies()
    quoted = table.iloc[0]
    return sources.source_line({s: "Strategi 1–4" for s in table["source"].unique()},
                               f"; Esthers citat: {sources.title(quoted['citat_source'])} "
                               f"(avsnitt: {quoted['citat_section']})")


paths.on_data_switch(clear_caches)
