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
