"""The money flow of ÖK 2024, from the national agreement down to the 13 municipalities.

Every step is a published figure or a sum of published figures; where the seeds do not
explain a step (the national remainder, the län's share of the 750 mnkr) the gap is shown
as such, never filled with an invented key.
"""

from __future__ import annotations

import pandas as pd

from . import data
from .allocation import populations


def national_parts() -> pd.DataFrame:
    """ÖK 2024: the stated total against the parts listed beside it in seed 000.

    The regions' 2 420 mnkr already include the 300 mnkr for rural primary care, so that line
    is shown but not added. The remainder is what the seed does not break down (the other
    areas of the agreement are named but not quantified there).
    """
    figure = data.figure
    parts = [
        ("Regionerna", figure("national.2024.regioner"), "national.2024.regioner"),
        ("Kommunerna", figure("national.2024.kommuner"), "national.2024.kommuner"),
        ("SKR (före momsavdrag)", figure("national.2024.skr"), "national.2024.skr"),
    ]
    total = figure("national.2024.ok_total")
    rows = [dict(del_=name, belopp=value, kalla=key) for name, value, key in parts]
    listed = sum(r["belopp"] for r in rows)
    rows.append(dict(del_="Summa av de angivna delarna", belopp=listed, kalla="beräknad"))
    rows.append(dict(del_="Överenskommelsen totalt", belopp=total, kalla="national.2024.ok_total"))
    rows.append(dict(del_="Ej specificerat i källan", belopp=total - listed, kalla="beräknad: totalt − delar"))
    return pd.DataFrame(rows).rename(columns={"del_": "del", "kalla": "källa"})


def scope_note() -> str:
    """Why the län's 2024 total and the 750 mnkr differ in scope (Swedish), from the figures' own headings."""
    figures = data.load_published_figures().set_index("key")
    heading = figures.at["national.2024.kommuner", "section"].split(" / ")[-1]
    table_area = figures.at["total.2024.summa", "column"]
    return (f"Jämförelsen gäller inte samma sak. De 750 mnkr står i bildspelet under rubriken ”{heading}” "
            "och gäller alltså båda insatsområdena i rubriken. "
            f"Länets tabell för 2024 (SUMMA) gäller bara insatsområde {table_area}. "
            "Källorna anger inte hur de 750 mnkr delas mellan insatsområdena, så skillnaden nedan kan bero på det "
            "och säger inget om vilken fördelningsnyckel som använts mellan länen.")


def lan_share_of_kommun_pool() -> pd.DataFrame:
    """The län's 2024 Nära vård money as a share of the 750 mnkr, against its population share.

    The two totals differ in scope (:func:`scope_note`): the 750 mnkr cover both areas of the
    agreement, the län's 2024 table only Nära vård; the last row says so. Uses the population
    recovered from the 2024 table (1 Nov 2023) and SCB's population of Sweden on 31 Dec 2023
    (``data/external_figures.csv``): the reference dates differ by two months.
    """
    kommuner = data.figure("national.2024.kommuner")
    lan_total = data.figure("total.2024.summa")
    lan_pop = int(populations("2024").sum())
    riket = data.load_external_figures().set_index("key").at["scb.riket.folkmangd.2023-12-31", "value"]
    pop_share = lan_pop / riket
    money_share = lan_total / kommuner
    return pd.DataFrame([
        dict(matt="Länets Nära vård-medel som andel av de 750 mnkr (SUMMA 2024 / 750 mnkr)", varde=100 * money_share,
             enhet="%"),
        dict(matt="Länets andel av Sveriges befolkning", varde=100 * pop_share, enhet="%"),
        dict(matt="Belopp om fördelat efter befolkning", varde=kommuner * pop_share, enhet="kr"),
        dict(matt="Publicerat belopp (SUMMA 2024)", varde=lan_total, enhet="kr"),
        dict(matt="Skillnad (olika omfattning: bara Nära vård mot båda insatsområdena)",
             varde=lan_total - kommuner * pop_share, enhet="kr"),
    ]).rename(columns={"matt": "mått", "varde": "värde"})


def money_flow_2024() -> pd.DataFrame:
    """Each step from the national agreement to the 13 municipalities in 2024.

    Returns
    -------
    pandas.DataFrame
        ``steg, belopp, andel_av_foregaende`` (percent of the previous step) and ``källa``.
    """
    figure = data.figure
    cells = data.load_allocations().query("period == '2024'")["amount_sek"].sum()
    set_asides = figure("setaside.2024.digitalisering") + figure("setaside.2024.lanssamordning")
    summa = figure("total.2024.summa")
    steps = [
        ("ÖK 2024 totalt", figure("national.2024.ok_total"), "national.2024.ok_total"),
        ("Till alla Sveriges kommuner", figure("national.2024.kommuner"), "national.2024.kommuner"),
        ("Till Jönköpings läns kommuner (SUMMA)", summa, "total.2024.summa"),
        ("Efter länsgemensamma avsättningar (3,1 mnkr)", summa - set_asides, "SUMMA − setaside.2024.*"),
        ("Fördelat till de 13 kommunerna (summa av cellerna)", int(cells), "allocations.csv, 2024"),
    ]
    frame = pd.DataFrame(steps, columns=["steg", "belopp", "källa"])
    frame["andel_av_foregaende"] = 100 * frame["belopp"] / frame["belopp"].shift(1)
    return frame[["steg", "belopp", "andel_av_foregaende", "källa"]]
