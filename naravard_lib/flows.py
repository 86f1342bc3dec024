"""The money flow of one year's agreement (ÖK), from the national total down to the län's municipalities.

Every step is a published figure or a sum of published figures; where the seeds do not
explain a step (the national remainder, the län's share of the kommun pool) the gap is shown
as such, never filled with an invented key. The year is the latest single year with national
figures in ``published_figures.csv`` (``national.<year>.*``); the län and its municipalities
are the data folder's.
"""

from __future__ import annotations

import pandas as pd

from . import data, municipalities, periods
from .allocation import populations, published_set_asides, what_if_column
from .formatting import format_mnkr


def flow_period() -> str:
    """The latest single year whose national agreement figures are published (``national.<year>.ok_total``).

    >>> flow_period()
    '2024'
    """
    keys = set(data.load_published_figures()["key"])
    years = [p for p in periods.single_years() if f"national.{p}.ok_total" in keys]
    if not years:
        raise data.DataError(data.TABLES["published_figures"].file, "no national agreement figures "
                             "(national.<year>.ok_total) for any single year; the money flow needs them")
    return years[-1]


def _stated_total(period: str) -> pd.Series:
    """The stated total row of the period's what-if column (its key, label, value)."""
    figures = data.load_published_figures()
    rows = figures[(figures["kind"] == "stated_total") & (figures["period"] == period)
                   & (figures["column"] == what_if_column(period))]
    return rows.iloc[0]


def national_parts(period: str | None = None) -> pd.DataFrame:
    """The agreement's stated total against the parts listed beside it in seed 000.

    The regions' 2 420 mnkr already include the 300 mnkr for rural primary care, so that line
    is shown but not added. The remainder is what the seed does not break down (the other
    areas of the agreement are named but not quantified there).
    """
    period = period or flow_period()
    figure = data.figure
    parts = [
        ("Regionerna", f"national.{period}.regioner"),
        ("Kommunerna", f"national.{period}.kommuner"),
        ("SKR (före momsavdrag)", f"national.{period}.skr"),
    ]
    total = figure(f"national.{period}.ok_total")
    rows = [dict(del_=name, belopp=figure(key), kalla=key) for name, key in parts]
    listed = sum(r["belopp"] for r in rows)
    rows.append(dict(del_="Summa av de angivna delarna", belopp=listed, kalla="beräknad"))
    rows.append(dict(del_="Överenskommelsen totalt", belopp=total, kalla=f"national.{period}.ok_total"))
    rows.append(dict(del_="Ej specificerat i källan", belopp=total - listed, kalla="beräknad: totalt − delar"))
    return pd.DataFrame(rows).rename(columns={"del_": "del", "kalla": "källa"})


def scope_note(period: str | None = None) -> str:
    """Why the län's total and the national kommun pool differ in scope (Swedish), from the figures' own headings."""
    period = period or flow_period()
    figures = data.load_published_figures().set_index("key")
    heading = figures.at[f"national.{period}.kommuner", "section"].split(" / ")[-1]
    stated = _stated_total(period)
    word = stated["label"].split()[0]
    pool = format_mnkr(data.figure(f"national.{period}.kommuner"), 0).replace("\xa0", " ")
    return (f"Jämförelsen gäller inte samma sak. De {pool} står i bildspelet under rubriken ”{heading}” "
            "och gäller alltså båda insatsområdena i rubriken. "
            f"Länets tabell för {period} ({word}) gäller bara insatsområde {stated['column']}. "
            f"Källorna anger inte hur de {pool} delas mellan insatsområdena, så skillnaden nedan kan bero på det "
            "och säger inget om vilken fördelningsnyckel som använts mellan länen.")


def _riket(date: str) -> int:
    """Sweden's population from ``external_figures.csv`` nearest to ``date`` (``scb.riket.folkmangd.<date>``)."""
    external = data.load_external_figures()
    riket = external[external["key"].str.startswith("scb.riket.folkmangd.")]
    if riket.empty:
        raise data.DataError(data.TABLES["external_figures"].file, "no population of Sweden "
                             "(key scb.riket.folkmangd.<date>); the län's share needs one")
    distance = (pd.to_datetime(riket["reference_date"]) - pd.Timestamp(date)).abs()
    return int(riket.loc[distance.idxmin(), "value"])


def lan_share_of_kommun_pool(period: str | None = None) -> pd.DataFrame:
    """The län's money in the year's table as a share of the national kommun pool, against its population share.

    The two totals differ in scope (:func:`scope_note`): the kommun pool covers both areas of the
    agreement, the län's table only its column; the last row says so. Uses the population
    recovered from the year's table and SCB's population of Sweden nearest to its date
    (``data/external_figures.csv``): the reference dates may differ by a few months.
    """
    period = period or flow_period()
    kommuner = data.figure(f"national.{period}.kommuner")
    stated = _stated_total(period)
    lan_total, word = int(stated["value"]), stated["label"].split()[0]
    lan_pop = int(populations(period).sum())
    riket = _riket(periods.population_date(period))
    pop_share = lan_pop / riket
    money_share = lan_total / kommuner
    pool = format_mnkr(kommuner, 0).replace("\xa0", " ")
    return pd.DataFrame([
        dict(matt=f"Länets {stated['column']}-medel som andel av de {pool} ({word} {period} / {pool})",
             varde=100 * money_share, enhet="%"),
        dict(matt="Länets andel av Sveriges befolkning", varde=100 * pop_share, enhet="%"),
        dict(matt="Belopp om fördelat efter befolkning", varde=kommuner * pop_share, enhet="kr"),
        dict(matt=f"Publicerat belopp ({word} {period})", varde=lan_total, enhet="kr"),
        dict(matt=f"Skillnad (olika omfattning: bara {stated['column']} mot båda insatsområdena)",
             varde=lan_total - kommuner * pop_share, enhet="kr"),
    ]).rename(columns={"matt": "mått", "varde": "värde"})


def money_flow(period: str | None = None) -> pd.DataFrame:
    """Each step from the national agreement to the län's municipalities in one year.

    Returns
    -------
    pandas.DataFrame
        ``steg, belopp, andel_av_foregaende`` (percent of the previous step) and ``källa``.
    """
    period = period or flow_period()
    figure = data.figure
    cells = data.load_allocations().query("period == @period and insatsomrade == @what_if_column(@period)")
    stated = _stated_total(period)
    summa, word = int(stated["value"]), stated["label"].split()[0]
    set_asides = sum(published_set_asides(period).values())
    lan = municipalities.lan_name()
    steps = [
        (f"ÖK {period} totalt", figure(f"national.{period}.ok_total"), f"national.{period}.ok_total"),
        ("Till alla Sveriges kommuner", figure(f"national.{period}.kommuner"), f"national.{period}.kommuner"),
        (f"Till {lan}s kommuner ({word})", summa, stated["key"]),
        (f"Efter länsgemensamma avsättningar ({format_mnkr(set_asides).replace(chr(160), ' ')})", summa - set_asides,
         f"{word} − setaside.{period}.*"),
        (f"Fördelat till de {municipalities.count()} kommunerna (summa av cellerna)", int(cells["amount_sek"].sum()),
         f"allocations.csv, {period}"),
    ]
    frame = pd.DataFrame(steps, columns=["steg", "belopp", "källa"])
    frame["andel_av_foregaende"] = 100 * frame["belopp"] / frame["belopp"].shift(1)
    return frame[["steg", "belopp", "andel_av_foregaende", "källa"]]
