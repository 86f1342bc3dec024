"""The four strategies of the municipalities' plan, for notebooks and reports."""

from __future__ import annotations

import pandas as pd

from . import data


def split_list(text: str) -> list[str]:
    """A '; '-separated cell as a list."""
    return [part.strip() for part in str(text).split(";") if part.strip()]


def strategy_cards(numbers: list[int] | None = None) -> str:
    """Markdown: each strategy's title, Esther's quote (attributed) and our short description."""
    table = data.load_strategies()
    if numbers:
        table = table[table["strategi"].isin(numbers)]
    blocks = [
        f"**Strategi {row.strategi}. {row.titel}**  \n> ”{row.esther_citat}” – Esther\n\n{row.beskrivning}"
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
        ``titel, citat, beskrivning, koppling_malbild, matomraden, utvecklingsomraden`` (lists),
        ``insatser`` (DataFrame of initiatives serving it), ``pengar`` (the ÖK areas and "ska"
        uses linked to it), ``indikatorer`` and ``koppling`` (our Sörmland/SKR mapping).
    """
    from .transition import filter_initiatives, indicators

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
        "koppling_malbild": split_list(row["koppling_malbild"]), "matomraden": split_list(row["matomraden"]),
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
    bullets = lambda items: "\n".join(f"- {i}" for i in items)  # noqa: E731
    money = bullets(p["pengar"]["namn"]) or "- (inget område kopplat)"
    initiatives = bullets(f"{r.namn} (nivå {r.niva_2019} → {r.niva_2023})" for r in p["insatser"].itertuples())
    return (f"### Strategi {number}. {p['titel']}\n\n> ”{p['citat']}” – Esther\n\n{p['beskrivning']}\n\n"
            f"**Koppling till målbild**\n{bullets(p['koppling_malbild'])}\n\n**Mätområden**\n{bullets(p['matomraden'])}\n\n"
            f"**Pengarna i ÖK som tjänar strategin**\n{money}\n\n"
            f"**Insatser 2019 → 2023 ({len(p['insatser'])})**\n{initiatives}")


def wheel(ax=None):
    """The four strategies around "Tillsammans möter vi invånarnas behov"."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Circle, FancyBboxPatch

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 7))
    ax.set(xlim=(-1.6, 1.6), ylim=(-1.6, 1.6), aspect="equal")
    ax.set_axis_off()
    ax.add_patch(Circle((0, 0), 0.55, color="#dd8452", alpha=0.9))
    ax.text(0, 0, "Tillsammans\nmöter vi\ninvånarnas\nbehov", ha="center", va="center", fontsize=11,
            color="white", fontweight="bold")
    colors = ["#4c72b0", "#55a868", "#8172b3", "#937860"]
    for (row, (x, y), color) in zip(data.load_strategies().itertuples(),
                                    [(-0.85, 0.95), (0.85, 0.95), (0.85, -0.95), (-0.85, -0.95)], colors):
        ax.add_patch(FancyBboxPatch((x - 0.68, y - 0.42), 1.36, 0.84, boxstyle="round,pad=0.03",
                                    color=color, alpha=0.9))
        title = "\n".join(_wrap(row.titel, 22))
        ax.text(x, y, f"Strategi {row.strategi}\n{title}", ha="center", va="center", color="white", fontsize=9)
    ax.set_title("Fyra strategier för omställning")
    return ax


def _wrap(text: str, width: int) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width)
