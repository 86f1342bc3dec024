"""The four strategies of the municipalities' plan, for notebooks and reports.

Their figure, the wheel, is :func:`naravard_lib.plots.strategy_wheel`.
"""

from __future__ import annotations

import pandas as pd

from . import data, municipalities, sources
from .formatting import markdown_text, number_word
from .transition import filter_initiatives, indicators


def split_list(text: str) -> list[str]:
    """A '; '-separated cell as a list."""
    return [part.strip() for part in str(text).split(";") if part.strip()]


def strategy_cards(numbers: list[int] | None = None) -> str:
    """Markdown: each strategy's title, Esther's quote (attributed) and our short description."""
    table = data.load_strategies()
    if numbers:
        table = table[table["strategi"].isin(numbers)]
    md = markdown_text
    blocks = [
        f"**Strategi {row.strategi}. {md(row.titel)}**  \n> ”{md(row.esther_citat)}” – Esther\n\n{md(row.beskrivning)}"
        for row in table.itertuples()
    ]
    return "\n\n".join(blocks)


def strategy_table() -> pd.DataFrame:
    """Number, title and Esther's quote, for a compact overview."""
    table = data.load_strategies()
    return table[["strategi", "titel", "esther_citat"]].rename(
        columns={"strategi": "Strategi", "titel": "Titel", "esther_citat": "Esther"})


def profile(number: int) -> dict:
    """Everything the workbook knows about one strategy.

    Returns
    -------
    dict
        ``titel, citat, beskrivning``, ``koppling_malbild`` and ``matomraden`` (as printed),
        ``utvecklingsomraden`` (condensed list),
        ``ataganden`` (the åtaganden followed up in ReKo that we link to it),
        ``insatser`` (DataFrame of initiatives serving it), ``pengar`` (the ÖK areas and "ska"
        uses linked to it), ``indikatorer`` and ``koppling`` (our Sörmland/SKR mapping).
    """
    table = data.load_strategies().set_index("strategi")
    if number not in table.index:
        raise ValueError(f"strategy must be 1, 2, 3 or 4, got {number!r}")
    row = table.loc[number]
    frameworks = data.load_frameworks()
    money = frameworks[frameworks["ramverk"].isin(["ok_omraden", "ok_ska"])]
    money = money[money["strategier"].fillna("").str.split(";").map(lambda s: str(number) in s)]
    chosen = filter_initiatives(strategi=number, distinct=True)
    found = indicators()
    found = found[found["initiativ_id"].isin(chosen["id"])]
    return {
        "titel": row["titel"], "citat": row["esther_citat"], "beskrivning": row["beskrivning"],
        "koppling_malbild": [k.rstrip(".") for k in strategy_list(number, "koppling_malbild")],
        "matomraden": [m.rstrip(".") for m in strategy_list(number, "matomraden")],
        "ataganden": commitments(number),
        "utvecklingsomraden": split_list(row["utvecklingsomraden"]),
        "insatser": chosen.reset_index(drop=True),
        "pengar": money[["ramverk", "namn", "citat"]].reset_index(drop=True),
        "indikatorer": found.reset_index(drop=True),
        "koppling": mapping_table().set_index("Strategi").loc[number].to_dict(),
    }


def mapping_table() -> pd.DataFrame:
    """Jönköping strategies ↔ Sörmland concepts ↔ SKR principles ↔ shifts, with our reasons."""
    links = data.load_strategy_links()
    frameworks = data.load_frameworks().set_index(["ramverk", "ordning"])
    titles = data.load_strategies().set_index("strategi")["titel"]
    return pd.DataFrame({
        "Strategi": links["strategi"],
        "Jönköpings län": links["strategi"].map(titles),
        "Sörmland": links["sormland_begrepp"],
        "SKR-princip": links["skr_princip"].map(lambda n: frameworks.loc[("skr_principer", n), "namn"]),
        "Förflyttning": links["forflyttning"].map(lambda n: frameworks.loc[("forflyttningar", n), "namn"]),
        "Motivering": links["motivering"],
    })


def profile_markdown(number: int) -> str:
    """A strategy profile as Markdown, for the explorer and for notebooks."""
    p = profile(number)
    md = markdown_text
    bullets = lambda items: "\n".join(f"- {md(i)}" for i in items)  # noqa: E731
    money = bullets(p["pengar"]["namn"]) or "- (inget område kopplat)"
    initiatives = bullets(f"{r.namn} (nivå {r.niva_2019} → {r.niva_2023})" for r in p["insatser"].itertuples())
    commitments_text = bullets(p["ataganden"]["namn"]) or "- (inget)"
    return (f"### Strategi {number}. {md(p['titel'])}\n\n> ”{md(p['citat'])}” – Esther\n\n{md(p['beskrivning'])}\n\n"
            f"**Koppling till målbild**\n{bullets(p['koppling_malbild'])}\n\n**Mätområden**\n{bullets(p['matomraden'])}\n\n"
            f"**Åtaganden som följs upp i ReKo (vår koppling)**\n{commitments_text}\n\n"
            f"**Pengarna i ÖK som tjänar strategin**\n{money}\n\n"
            f"**Insatser 2019 → 2023 ({len(p['insatser'])})**\n{initiatives}")


# --------------------------------------------------------------------------- follow-up: mätområden and åtaganden

#: Swedish names of the lists in ``strategy_lists.csv``.
LIST_NAMES = {
    "koppling_malbild": "Koppling till målbild", "kunskapsstyrning": "Kunskapsstyrning",
    "kompetensforsorjning": "Kompetensförsörjning", "implementering": "Implementering av överenskommelser",
    "utvecklingsomraden": "Exempel på utvecklingsområden", "matomraden": "Mätområden",
}


def strategy_list(number: int, lista: str) -> list[str]:
    """One list of a strategy, its items exactly as printed in the plan (seed 001).

    The items are not prefixed: the heading a sub-item stands under, when there is one, is the
    ``grupp`` of :func:`measurement_areas`.

    Examples
    --------
    >>> strategy_list(2, "matomraden")[:2]
    ['Tillgänglighet', 'Samordning av vård, insatser och omsorg']
    """
    if lista not in LIST_NAMES:
        raise ValueError(f"lista must be one of {', '.join(LIST_NAMES)}, got {lista!r}")
    rows = data.load("strategy_lists").query("strategi == @number and lista == @lista")
    return list(rows["text"])


def measurement_areas() -> pd.DataFrame:
    """Every mätområde of the four strategies, verbatim, with the heading a sub-item stands under.

    Returns
    -------
    pandas.DataFrame
        ``strategi, titel, ordning, matomrade, grupp`` (``grupp`` empty string when the item stands alone).
    """
    lists = data.load("strategy_lists").query("lista == 'matomraden'")
    titles = data.load_strategies().set_index("strategi")["titel"]
    return pd.DataFrame({
        "strategi": lists["strategi"], "titel": lists["strategi"].map(titles), "ordning": lists["ordning"],
        "matomrade": lists["text"], "grupp": lists["grupp"].fillna(""),
    }).reset_index(drop=True)


def commitments(number: int | None = None) -> pd.DataFrame:
    """The six åtaganden followed up in ReKo (seed 001), optionally only those we link to one strategy.

    The link to strategies is the workbook's own judgement (column ``bedomning``).
    """
    table = data.load("commitments")
    if number is not None:
        table = table[table["strategier"].str.split(";").map(lambda s: str(number) in s)]
    return table[["ordning", "namn", "citat", "strategier", "bedomning"]].reset_index(drop=True)


def follow_up_table() -> pd.DataFrame:
    """Per strategy: its mätområden (as printed) and the åtaganden we link to it, for notebook 03.

    Swedish column names; lists joined with "; ".
    """
    areas = measurement_areas()
    rows = []
    for number, title in data.load_strategies().set_index("strategi")["titel"].items():
        mine = areas[areas["strategi"] == number]
        group = next((g for g in mine["grupp"] if g), "")
        listed = "; ".join(mine["matomrade"])
        rows.append({
            "Strategi": number, "Titel": title,
            "Mätområden": f"{group.rstrip(':')}: {listed}" if group else listed,
            "Åtaganden som följs upp i ReKo (vår koppling)": "; ".join(commitments(number)["namn"]) or "–",
        })
    return pd.DataFrame(rows)


def follow_up_markdown(kommun: str | None = None) -> str:
    """Swedish Markdown: the mätområden and åtaganden by which the municipalities' joint work is followed up.

    For the municipality report ("the report names the mätområden"): the plan is joint, so the same
    mätområden apply to every municipality; ``kommun`` only names the reader's municipality.

    Parameters
    ----------
    kommun : str, optional
        One of the län's municipalities; checked (:func:`naravard_lib.municipalities.lookup`).
    """
    count = municipalities.count()
    if kommun is not None:
        kommun = municipalities.lookup(kommun, "kommun")
    who = (f"{kommun} och de andra {number_word(count - 1)} kommunerna" if kommun
           else f"Länets {number_word(count)} kommuner")
    lines = [f"{who} följer upp arbetet gemensamt, enligt kommunernas plan. Varje strategi har sina mätområden:", ""]
    areas = measurement_areas()
    for number, title in data.load_strategies().set_index("strategi")["titel"].items():
        mine = areas[areas["strategi"] == number]
        group = next((g for g in mine["grupp"] if g), "")
        items = ", ".join(f"*{markdown_text(a.rstrip('.'))}*" for a in mine["matomrade"])
        lead = markdown_text(f"{group[0].lower()}{group[1:].rstrip(':')}: ") if group else ""
        lines.append(f"- **Strategi {number}. {markdown_text(title)}:** {lead}{items}.")
    commitments = data.load("commitments")
    names = markdown_text("; ".join(commitments["namn"]))
    documents = sorted(set(data.load("strategy_lists").query("lista == 'matomraden'")["source"])
                       | set(commitments["source"]))
    lines += ["", f"Dessutom följs {number_word(len(commitments))} åtaganden upp i ReKo, det gemensamma ledningssystemet "
                  f"med regionen: {names}.",
              "", sources.source_line(documents, ", avsnitten Strategi 1–4 (Mätområden) och Konsekvenser i "
                                                 "verksamheterna")]
    return "\n".join(lines)


# --------------------------------------------------------------------------- Jönköping and Sörmland

def sormland_goals(begrepp: str | None = None) -> pd.DataFrame:
    """The "Hit ska vi!" goal statements of the Sörmland målbild (seed 002), one sentence per row."""
    goals = data.load("sormland_goals")
    if begrepp is not None:
        goals = goals[goals["begrepp"] == begrepp]
    return goals[["begrepp", "ordning", "mal"]].reset_index(drop=True)


def goals_by_strategy() -> pd.DataFrame:
    """Each Jönköping strategy beside the Sörmland concept we link it to and that concept's goals.

    The link is the workbook's own judgement (``strategy_links.csv``, ``kind`` = egen bedömning);
    the goals are quoted from seed 002.
    """
    links = data.load_strategy_links().set_index("strategi")
    titles = data.load_strategies().set_index("strategi")["titel"]
    goals = data.load("sormland_goals")
    rows = []
    for number, title in titles.items():
        concept = links.at[number, "sormland_begrepp"]
        mine = goals[goals["begrepp"] == concept]["mal"]
        rows.append({"Strategi": number, "Jönköpings län": title, "Sörmland (vår koppling)": concept,
                     "Mål i Sörmland (”Hit ska vi!”)": len(mine), "Första målet": mine.iloc[0]})
    return pd.DataFrame(rows)


def plan_comparison() -> pd.DataFrame:
    """Jönköping's joint plan and Sörmland's målbild side by side: horizon, structure, first steps, follow-up.

    Every cell restates a seed (001, 002, 004) or a count from the data; Swedish headers.
    """
    plan = data.load("sormland_plan").set_index("punkt")
    decisions = data.load("sormland_decisions")
    goals = data.load("sormland_goals")
    areas = measurement_areas()
    start = decisions.dropna(subset=["datum"]).iloc[-1]
    horizon = plan.loc["horisont"]
    programme = plan.loc["programomraden"]
    lists = data.load("strategy_lists")
    n_dev = int((lists["lista"] == "utvecklingsomraden").sum())
    return pd.DataFrame([
        ("Tidshorisont", "2021–2030",
         f"{start['datum'][:4]}–{int(horizon['ar_till'])} (gäller från {start['datum']})"),
        ("Struktur", "4 strategier", f"3 begrepp med {len(goals)} mål (”Hit ska vi!”)"),
        ("Första steg", f"{n_dev} exempel på utvecklingsområden, aktuella när planen togs fram",
         f"programområden för {int(programme['ar_fran'])}–{int(programme['ar_till'])} ska arbetas fram"),
        ("Uppföljning", f"{len(areas)} mätområden fördelade på strategierna; 6 åtaganden följs upp i ReKo",
         "mätetal (indikatorer) ska tas fram; inga anges i beslutet"),
        ("Beslut", "Regionfullmäktige 1 december 2020 (regionens dokument); kommunernas plan 2021–2030",
         f"NSV § 4/22 och beslut i varje kommun och regionen, {len(decisions)} steg i källan"),
    ], columns=["Aspekt", "Jönköpings län", "Sörmland"])


# --------------------------------------------------------------------------- ÖK 2024: what the money is for

def ok2024_parts() -> pd.DataFrame:
    """The 3 430 250 000 kr of ÖK 2024 as the slides break them down, with the unspecified remainder as a row.

    Returns
    -------
    pandas.DataFrame
        ``post, belopp_sek, typ, kommentar``; the row "Ej specificerat i källan" (226 250 000 kr) is
        derived: the total minus the parts the slides give, so the parts never look like the whole.
    """
    parts = data.load("ok2024_parts")
    comment = parts.apply(
        lambda r: r["berakning"] if r["typ"] == "härledd"
        else (f"ingår i {r['ingar_i'].lower()}" if isinstance(r["ingar_i"], str) else "publicerat"), axis=1)
    return pd.DataFrame({"post": parts["post"], "belopp_sek": parts["belopp_sek"], "typ": parts["typ"],
                         "kommentar": comment}).reset_index(drop=True)


def ok2024_areas() -> pd.DataFrame:
    """The seven parts of ÖK 2024, and whether the slides give amounts for them.

    Only parts 1 and 2 stand under the heading of the 2 420 / 750 / 34 mnkr lines; for parts 3-7 the
    slides give no amount (they may be in the unspecified remainder, but the source does not say).
    """
    areas = data.load_frameworks().query("ramverk == 'ok2024_delar'")
    with_money = {1, 2}
    return pd.DataFrame({
        "ordning": areas["ordning"], "namn": areas["namn"],
        "belopp": areas["ordning"].map(lambda n: "ja, del 1 och 2 tillsammans" if n in with_money else "nej"),
    }).reset_index(drop=True)


def money_uses() -> pd.DataFrame:
    """The six things ÖK 2024 money "kan bland annat användas för", with the strategies we link them to."""
    uses = data.load_frameworks().query("ramverk == 'medel_kan'")
    return uses[["ordning", "namn", "strategier"]].reset_index(drop=True)
