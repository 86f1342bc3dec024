"""Compare every stated total in the seed tables with the sum of its cells.

Published figures are never edited: where a stated total and its cells disagree, both stay as
published and :func:`reconcile_totals` reports the difference.
"""

from __future__ import annotations

import pandas as pd

from . import data

_COLUMNS = ["period", "check", "column", "kommun", "stated", "computed", "difference"]


def _column_checks(cells: pd.DataFrame, figures: pd.DataFrame) -> list[dict]:
    rows = []
    totals = figures[figures["kind"] == "stated_total"]
    by_key = figures.set_index("key")["value"]
    for total in totals.itertuples():
        computed = int(cells.query("period == @total.period and insatsomrade == @total.column").amount_sek.sum())
        included = total.includes.split(";") if pd.notna(total.includes) else []
        check = "kolumnsumma"
        if included:
            computed += int(sum(by_key[k] for k in included))
            check = "kolumnsumma inkl. " + " + ".join(k.split(".")[-1] for k in included)
        rows.append(dict(period=total.period, check=check, column=total.column, kommun="",
                         stated=int(total.value), computed=computed))
    return rows


def _row_checks(cells: pd.DataFrame) -> list[dict]:
    rows = []
    for (period, kommun), row in cells.groupby(["period", "kommun"], sort=False):
        amounts = row.set_index("insatsomrade")["amount_sek"]
        if "Totalt" not in amounts:
            continue
        rows.append(dict(period=period, check="radsumma", column="Totalt", kommun=kommun,
                         stated=int(amounts["Totalt"]), computed=int(amounts.drop("Totalt").sum())))
    return rows


def reconcile_totals(include_matches: bool = False) -> pd.DataFrame:
    """Check every stated total of the allocation tables against the sum of its cells.

    Checks each bold total row (per column, and the 2024 SUMMA together with the set-asides it
    is stated to include) and each published row total (``Totalt``).

    Parameters
    ----------
    include_matches : bool, default False
        Also return the checks that agree (difference 0).

    Returns
    -------
    pandas.DataFrame
        One row per check: ``period, check, column, kommun, stated, computed, difference``,
        where ``difference = stated - computed`` (positive: the stated total is larger).
    """
    cells = data.load_allocations()
    rows = _column_checks(cells, data.load_published_figures()) + _row_checks(cells)
    result = pd.DataFrame(rows)
    result["difference"] = result["stated"] - result["computed"]
    if not include_matches:
        result = result[result["difference"] != 0]
    return result[_COLUMNS].reset_index(drop=True)
