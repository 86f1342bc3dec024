"""Figures: the report's map (legible, no overlapping names, contrast, print-safe) and figures with alt text."""

from __future__ import annotations

import base64
import re

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib import colors as mcolors

from naravard_lib import data, municipalities, plots, report, transition


@pytest.fixture(scope="module")
def values():
    return report.map_values()


def _map(values, highlight):
    return plots.lan_map(values, "2019–2022 per invånare", highlight=highlight, legend_label="kr per invånare")


@pytest.mark.parametrize("highlight", municipalities.names())
def test_map_names_every_municipality_without_overlap(values, highlight):
    ax = _map(values, highlight)
    boxes = plots.label_boxes(ax)
    assert sorted(boxes) == sorted(municipalities.names())
    names = sorted(boxes)
    clashes = [(a, b) for i, a in enumerate(names) for b in names[i + 1:] if boxes[a].overlaps(boxes[b])]
    assert clashes == []


def test_map_names_are_legible(values):
    ax = _map(values, "Habo")
    assert ax.figure.get_figwidth() * 96 >= 700  # shown at its size: at least 700 CSS px wide
    names = [t for t in ax.texts if t.get_text()]
    assert len(names) == 13 and all(t.get_fontsize() * 96 / 72 >= 13 for t in names)  # at least 13 CSS px


def test_map_name_colours_contrast_with_their_fill(values):
    ax = _map(values, "Habo")  # Aneby, the darkest fill, is not highlighted: its name must turn white
    fill_of = plt.get_cmap("Blues")
    norm = mcolors.Normalize(values.min(), values.max())
    for text in (t for t in ax.texts if t.get_text()):
        if text.get_text() == "Habo":  # highlighted: black on a white box of its own
            assert text.get_color() == "black" and text.get_bbox_patch().get_facecolor()[:3] == (1.0, 1.0, 1.0)
            continue
        fill = fill_of(norm(values[text.get_text()]))
        assert plots.contrast_ratio(text.get_color(), fill) >= 4.5, (text.get_text(), text.get_color(), fill)
    colours = {t.get_text(): t.get_color() for t in ax.texts}
    assert colours[values.idxmin()] == "black" and colours["Aneby"] == "white"


def test_contrast_ratio_matches_wcag():
    assert plots.contrast_ratio("black", "white") == pytest.approx(21)
    assert plots.contrast_ratio("#767676", "white") == pytest.approx(4.54, abs=0.01)
    assert plots.label_colors("#08306b") == ("white", "black")  # dark navy gets white text
    assert plots.label_colors("#f7fbff") == ("black", "white")


def test_highlight_survives_greyscale_print(values):
    ax = _map(values, "Mullsjö")
    hatched = [c for c in ax.collections if c.get_hatch()]
    assert len(hatched) == 1  # only the highlighted municipality is hatched
    label = next(t for t in ax.texts if t.get_text() == "Mullsjö")
    assert label.get_fontweight() == "bold" and label.get_bbox_patch() is not None
    others = [t for t in ax.texts if t.get_text() and t.get_text() != "Mullsjö"]
    assert all(t.get_bbox_patch() is None for t in others)


def test_figure_output_carries_alt_text_and_closes_the_figure():
    ax = plots.amount_bars(report.latest_amounts(), "Nära vård 2024", highlight="Aneby")
    figure = ax.figure
    shown = plots.with_alt(ax, report.bars_alt("Aneby"), "Källa: seed 000")
    assert not plt.fignum_exists(figure.number)  # the inline backend will not show it twice
    data, metadata = shown._repr_mimebundle_()
    assert base64.b64decode(data["image/png"]).startswith(b"\x89PNG")
    assert metadata["image/png"]["alt"] == report.bars_alt("Aneby") == data["text/plain"]
    assert metadata["image/png"]["caption"] == "Källa: seed 000"
    assert metadata["image/png"]["width"] == pytest.approx(figure.get_figwidth() * 96, rel=0.15)


def test_figure_output_refuses_empty_alt_text():
    ax = plots.amount_bars(report.latest_amounts(), "Nära vård 2024")
    with pytest.raises(ValueError, match="alt text"):
        plots.with_alt(ax, "  ")


def test_highlighted_bar_is_plain_without_colour():
    ax = plots.amount_bars(report.latest_amounts(), "Nära vård 2024", highlight="Habo")
    hatched = [bar for bar in ax.patches if bar.get_hatch()]
    assert len(hatched) == 1 and hatched[0].get_width() == 927_826
    assert [t.get_text() for t in ax.get_yticklabels() if t.get_fontweight() == "bold"] == ["Habo"]


def test_the_2019_2023_figures_draw_every_initiative_and_the_matrix():
    initiatives = transition.initiatives(distinct=True)
    ax = plots.dumbbell(initiatives)
    assert len(ax.collections) >= 2 and len(ax.get_yticklabels()) == len(initiatives)
    matrix = transition.transition_matrix()
    ax = plots.transition_heatmap(matrix)
    assert ax.get_title().startswith("Antal insatser")
    assert sorted(int(t.get_text()) for t in ax.texts) == sorted(matrix.to_numpy().ravel().tolist())


def test_the_strategy_wheel_names_the_four_strategies():
    ax = plots.strategy_wheel(data.load_strategies())
    assert "Strategi 3\nFörändrade arbetssätt" in [t.get_text() for t in ax.texts]
    assert sum(t.get_text().startswith("Strategi ") for t in ax.texts) == 4


def test_table_output_gives_the_report_s_markup_deterministically_and_escaped():
    frame = pd.DataFrame({"Insats": ["<vecka 2 & andel>50 %"], "Belopp (kr)": ["1\xa0000"], "Antal": [3]})
    table = plots.TableOutput(frame, caption="A <b> & B", left=("Insats",), name="insatser")
    assert table.html == plots.TableOutput(frame, caption="A <b> & B", left=("Insats",), name="insatser").html
    assert table._repr_html_() == table.html == report.html_table(frame, ("Insats",), "insatser", "A <b> & B")
    assert '<table id="T_insatser">' in table.html and "<caption>A &lt;b&gt; &amp; B</caption>" in table.html
    assert "&lt;vecka 2 &amp; andel&gt;50 %" in table.html and "#T_insatser th.col0 {\n  text-align: left;" in table.html
    assert "scope=" not in table.html  # the report's page adds scopes when it publishes the table


def test_table_output_on_its_own_scopes_headers_and_right_aligns_numbers():
    frame = pd.DataFrame({"Kommun": ["Habo"], "Belopp (kr)": ["1\xa0000"]})
    html = plots.TableOutput(frame, caption="Belopp", left=("Kommun",), name="b", standalone=True).html
    assert '<table id="T_b" class="naravard-tabell">' in html
    assert re.findall(r"<th [^>]*>", html) == [
        '<th id="T_b_level0_col0" class="col_heading level0 col0" scope="col" >',
        '<th id="T_b_level0_col1" class="col_heading level0 col1" scope="col" >']
    assert "#T_b th.col1 {\n  text-align: right;" in html
    assert "#T_b_row0_col1 {\n  text-align: right;\n  white-space: nowrap;" in html
