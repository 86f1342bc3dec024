"""An editable PowerPoint deck per session plan of the trainer guide (python-pptx).

One slide per step of the plan (:mod:`naravard_lib.guide`), with the step's table or chart as a
picture drawn by the same library functions as the notebooks and reports, its alt text, a
"Källa:" line under it, and speaker notes from the guide. The chosen municipality is highlighted
in the charts and tables and its figures stand beside them. Plain built-in layout (python-pptx's
default template: black on white), 16:9, Swedish as the text language.
"""

from __future__ import annotations

import io
import re
import textwrap
import zipfile
from dataclasses import dataclass
from pathlib import Path

import matplotlib.pyplot as plt
import matplotlib.text
import pandas as pd
from PIL import Image
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.lang import MSO_LANGUAGE_ID
from pptx.util import Inches, Pt

from . import data, files, municipalities, plots, report, sources
from .allocation import Scenario, what_if_table
from .dashboard import source_strategies, source_what_if
from .formatting import format_number, format_percent, format_sek, slugify
from .guide import SessionPlan, Step, plain, session_plans, speaker_notes
from .strategies import strategy_table
from .transition import transition_matrix

WIDTH_IN, HEIGHT_IN = 13.333, 7.5  # 16:9
TEXT = "1F1F1F"
MUTED = "3A3A3A"  # the source line: 11.4:1 on white
HIGHLIGHT_FILL = "#fde3cc"
_NUMBER = re.compile(r"[−+-]?[\d\s\u00a0]+(,\d+)?( %| kr)?")


@dataclass
class Visual:
    """A table or chart for a slide: the PNG, its alt text (Swedish), its source line and its title."""

    png: bytes
    alt: str
    source: str
    title: str


#: Type sizes for figures shown on a slide (a projected slide needs larger type than a page).
SLIDE_FONTS = {"font.size": 13, "axes.titlesize": 15, "axes.labelsize": 13, "xtick.labelsize": 12,
               "ytick.labelsize": 12, "legend.fontsize": 12}


def _png(figure, dpi: int = 150) -> bytes:
    for text in figure.findobj(matplotlib.text.Text):  # value labels drawn small for a page
        if text.get_text() and text.get_fontsize() < 11:
            text.set_fontsize(11)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None})
    plt.close(figure)
    return buffer.getvalue()


def table_picture(frame: pd.DataFrame, highlight: str | None = None, fontsize: float = 14,
                  width_in: float = 8.4) -> bytes:
    """A small table drawn as a PNG ``width_in`` inches wide, text wrapped to fit, a bold header rule.

    Shown at that width on a slide, the text is ``fontsize`` points. The row whose first cell is
    ``highlight`` is shaded and bold (also readable in greyscale).
    """
    char_in = fontsize * 0.57 / 72  # DejaVu Sans: a little over half an em per character, on average
    budget = int(width_in / char_in) - 2 * len(frame.columns)
    cells = [[str(c) for c in frame.columns]] + [[str(v) for v in row] for row in frame.itertuples(index=False)]
    wrap = [max(len(word) for row in cells for word in row[i].split() or [""]) for i in range(len(frame.columns))]
    wrap = [max(w, max(len(row[i]) for row in cells)) for i, w in enumerate(wrap)]
    while sum(wrap) > budget and max(wrap) > 12:
        wrap[wrap.index(max(wrap))] -= 1
    rows = [[textwrap.fill(value, wrap[i], break_long_words=False) or " " for i, value in enumerate(row)]
            for row in cells]
    chars = [max(len(line) for row in rows for line in row[i].split("\n")) + 2 for i in range(len(wrap))]
    lines = [max(cell.count("\n") + 1 for cell in row) for row in rows]
    line_in = fontsize * 1.35 / 72
    height = sum(lines) * line_in + len(lines) * 0.12
    figure = plt.figure(figsize=(width_in, height))
    ax = figure.add_axes([0, 0, 1, 1])
    ax.axis("off")
    table = ax.table(cellText=rows[1:], colLabels=rows[0], cellLoc="left", colLoc="left",
                     colWidths=[c / sum(chars) for c in chars], bbox=[0, 0, 1, 1])
    table.auto_set_font_size(False)
    table.set_fontsize(fontsize)
    numeric = [all(_NUMBER.fullmatch(row[i]) for row in cells[1:]) for i in range(len(wrap))]
    for (row, column), cell in table.get_celld().items():
        cell.set_height((lines[row] * line_in + 0.12) / height)
        if numeric[column]:
            cell._loc = "right"  # figures line up on their last digit
            cell.get_text().set_horizontalalignment("right")
        cell.set_edgecolor("#8a8a8a")
        cell.visible_edges = "B"
        cell.PAD = 0.5 * char_in / width_in * len(chars)
        if row == 0:
            cell.set_text_props(fontweight="bold")
            cell.set_linewidth(1.6)
            cell.set_edgecolor("black")
        elif highlight is not None and rows[row][0] == highlight:
            cell.visible_edges = "closed"  # shaded, outlined and bold: clear in greyscale too
            cell.set_facecolor(HIGHLIGHT_FILL)
            cell.set_edgecolor("black")
            cell.set_linewidth(1.4)
            cell.set_text_props(fontweight="bold")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=150, metadata={"Software": None})
    plt.close(figure)
    return buffer.getvalue()


def _rows_source(frame: pd.DataFrame) -> str:
    """The "Källa:" line for rows that carry ``source`` and ``section`` columns (:func:`sources.source_line`)."""
    return sources.source_line(frame)


def _framework(name: str, columns: list[str], title: str, alt_intro: str) -> Visual:
    rows = data.load_frameworks().query("ramverk == @name").sort_values("ordning")
    shown = rows[columns].rename(columns={"ordning": "Nr", "namn": "Namn", "citat": "Med planens ord"})
    alt = alt_intro + " " + " ".join(f"{r.ordning}. {getattr(r, columns[-1])}." for r in rows.itertuples())
    return Visual(table_picture(shown, fontsize=18), alt,
                  _rows_source(rows), title)


def _simple_rules(kommun: str) -> Visual:
    return _framework("enkla_regler", ["ordning", "citat"], "Tre enkla regler",
                      "Tabell: de tre enkla reglerna i kommunernas plan.")


def _principles(kommun: str) -> Visual:
    return _framework("skr_principer", ["ordning", "namn", "citat"], "SKR:s tre principer för Nära vård",
                      "Tabell: SKR:s tre principer för Nära vård, med planens ord.")


def _timeline(kommun: str) -> Visual:
    events = data.load_timeline()
    ax = plots.timeline(events)
    ax.figure.set_size_inches(11, 5.2)
    dates = pd.to_datetime(events["datum"])
    alt = (f"Tidslinje över reformen: {len(events)} händelser från {dates.min().year} till {dates.max().year}, "
           f"bland annat {', '.join(events.sort_values('datum')['handelse'].head(3))}.")
    return Visual(_png(ax.figure), alt, sources.source_line(sorted(events["source"].unique()),
                                                          "(avsnitten står per händelse i data/timeline.csv)"),
                  "Reformen i tid")


def _bars(kommun: str) -> Visual:
    ax = plots.amount_bars(report.latest_amounts(), report.bars_title(), highlight=kommun)
    ax.figure.set_size_inches(9, 5.6)
    return Visual(_png(ax.figure), report.bars_alt(kommun), report.source_allocations(),
                  f"{report.headline_area()} {report.this_year()} per kommun")


def _map(kommun: str) -> Visual:
    _, ax = plt.subplots(figsize=(5.6, 6.4))
    ax = plots.lan_map(report.map_values(), report.map_title(), highlight=kommun, legend_label="kr per invånare",
                       ax=ax, fontsize=11)
    return Visual(_png(ax.figure), report.map_alt(kommun), report.source_allocations(), "Länet på kartan")


def _equal_base(kommun: str) -> Visual:
    table = what_if_table(Scenario(base_share=0.2))
    year = report.this_year()
    shown = pd.DataFrame({"Kommun": table["kommun"], f"Publicerat {year} (kr)": table["publicerat"].map(format_number),
                          "Med lika bas (kr)": table["belopp"].map(format_number),
                          "Skillnad (kr)": table["skillnad"].map(format_number)})
    row = table.set_index("kommun").loc[kommun]
    alt = (f"Tabell: Nära vård {year} om en femtedel av potten delas lika mellan kommunerna. {kommun} får då "
           f"{format_sek(row['belopp'])} i stället för {format_sek(row['publicerat'])}, en skillnad på "
           f"{format_sek(row['skillnad'])}.")
    return Visual(table_picture(shown, highlight=kommun, fontsize=12, width_in=7.6), alt, source_what_if(),
                  "Tänk om: en femtedel delas lika")


def _transition(kommun: str) -> Visual:
    matrix = transition_matrix()
    ax = plots.transition_heatmap(matrix)
    ax.figure.set_size_inches(7, 5.2)
    new = int(matrix.loc[0].sum()) if 0 in matrix.index else 0
    alt = (f"Värmekarta: antal insatser efter nivå 2019 (rader) och nivå 2023 (kolumner), {int(matrix.to_numpy().sum())} "
           f"insatser. {new} fanns inte alls 2019 (nivå 0).")
    return Visual(_png(ax.figure), alt, report.source_initiatives(), "Från nivå till nivå, 2019 → 2023")


def _strategies(kommun: str) -> Visual:
    table = strategy_table().rename(columns={"Strategi": "Nr", "Titel": "Strategi", "Esther": "Esthers ord"})
    alt = ("Tabell: de fyra strategierna i kommunernas plan med Esthers ord. "
           + " ".join(f"{row[0]}. {row[1]}." for row in table.itertuples(index=False)))
    return Visual(table_picture(table, fontsize=15), alt, source_strategies(), "Fyra strategier")


#: The pictures a plan step can name in the guide's column "Bild i bildspelet".
VISUALS = {"enkla-regler": _simple_rules, "principer": _principles, "tidslinje": _timeline, "stapel-2024": _bars,
           "karta": _map, "lika-bas": _equal_base, "forflyttning": _transition, "strategier": _strategies}
#: Pictures beside which the municipality's own figures are shown.
_WITH_FIGURES = {"stapel-2024", "karta", "lika-bas"}
#: Pictures wide enough to take the slide's whole width.
_WIDE = {"tidslinje"}


def municipality_facts(kommun: str) -> list[str]:
    """The municipality's key figures as short Swedish lines for a slide."""
    k = report.key_figures(kommun)
    lines = [f"{k['insatsomrade']} {k['ar']}: {format_sek(k['nara_vard'])}",
             f"Per invånare: {format_sek(k['per_invanare'], 2)}",
             f"Andel av länets pengar: {format_percent(k['andel_medel_pct'])} "
             f"(befolkning {format_percent(k['andel_befolkning_pct'])})",
             f"Plats {k['rang']} av {municipalities.count()} i länet"]
    if k["forandring"] is not None:
        lines.append(f"Ändring mot {k['foregaende_ar']}: {format_sek(k['forandring'])}")
    return lines


def step_title(step: Step) -> str:
    """A step's slide title: its time and what it is, without the notebook references."""
    what = re.sub(r"\s*\([^()]*`[^()]*\)", "", step.what)
    minutes = step.time if ":" in step.time else f"{step.time} min"
    return f"{minutes} · {plain(what)}"


# --------------------------------------------------------------------------- the pptx


def _inches(value: float):
    return Inches(value)


def _place(shape, left, top, width, height) -> None:
    shape.left, shape.top, shape.width, shape.height = (_inches(left), _inches(top), _inches(width), _inches(height))


def _write(frame, lines: list[str], size: int, bold_first: bool = False, color: str = TEXT) -> None:
    frame.clear()
    frame.word_wrap = True
    for number, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if number == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = line
        run.font.size = Pt(size)
        run.font.color.rgb = RGBColor.from_string(color)
        run.font.bold = bold_first and number == 0
        paragraph.space_after = Pt(size * 0.4)


def _title(slide, text: str, size: int = 30) -> None:
    shape = slide.shapes.title
    _place(shape, 0.5, 0.3, WIDTH_IN - 1.0, 1.05)
    _write(shape.text_frame, [text], size)
    shape.text_frame.paragraphs[0].alignment = 1  # left


def _textbox(slide, left, top, width, height, lines, size, **kwargs):
    box = slide.shapes.add_textbox(_inches(left), _inches(top), _inches(width), _inches(height))
    _write(box.text_frame, lines, size, **kwargs)
    return box


def _picture(slide, visual: Visual, left, top, max_width, max_height):
    with Image.open(io.BytesIO(visual.png)) as image:
        ratio = image.width / image.height
    width = min(max_width, max_height * ratio)
    height = width / ratio
    picture = slide.shapes.add_picture(io.BytesIO(visual.png), _inches(left + (max_width - width) / 2),
                                       _inches(top), _inches(width), _inches(height))
    name = picture._element.nvPicPr.cNvPr
    name.set("descr", visual.alt)  # the alt text PowerPoint and screen readers show
    name.set("name", visual.title)
    return picture, height


def _notes(slide, text: str) -> None:
    slide.notes_slide.notes_text_frame.text = text


def _set_language(presentation) -> None:
    for slide in presentation.slides:
        frames = [s.text_frame for s in slide.shapes if s.has_text_frame]
        frames.append(slide.notes_slide.notes_text_frame)
        for frame in frames:
            for paragraph in frame.paragraphs:
                for run in paragraph.runs:
                    run.font.language_id = MSO_LANGUAGE_ID.SWEDISH


def build_deck(plan: SessionPlan, kommun: str):
    """The deck of one session plan as a python-pptx ``Presentation``, with ``kommun`` highlighted.

    Slides: a title, the plan, one per step (its picture with alt text and source line, or its goals),
    and the sources. Speaker notes come from the trainer guide.
    """
    kommun = municipalities.lookup(kommun, "kommun")
    deck = Presentation()
    deck.slide_width, deck.slide_height = _inches(WIDTH_IN), _inches(HEIGHT_IN)
    layouts = {layout.name: layout for layout in deck.slide_layouts}
    duration = plan.title.removeprefix("Passplan: ")

    slide = deck.slides.add_slide(layouts["Title Slide"])
    _place(slide.shapes.title, 0.8, 2.0, WIDTH_IN - 1.6, 1.6)
    _write(slide.shapes.title.text_frame, [f"Nära vård i {municipalities.lan_name()}"], 44, bold_first=True)
    subtitle = slide.placeholders[1]
    _place(subtitle, 0.8, 3.8, WIDTH_IN - 1.6, 1.6)
    _write(subtitle.text_frame, [f"Kompetensutveckling, {duration}", f"Kommun i fokus: {kommun}"], 26)
    _notes(slide, f"Passplan: {duration}. Bildspelet är gjort för {kommun}: kommunen är markerad i diagram och "
                  "tabeller. Talaranteckningarna kommer ur Handledning för utbildare.")

    slide = deck.slides.add_slide(layouts["Title Only"])
    _title(slide, f"Passets upplägg ({duration})")
    _textbox(slide, 0.7, 1.5, WIDTH_IN - 1.4, 5.6, [step_title(s) for s in plan.steps], 20)
    _notes(slide, "\n".join(f"{s.time}: {plain(s.what)}" for s in plan.steps))

    source_lines = []
    for step in plan.steps:
        slide = deck.slides.add_slide(layouts["Title Only"])
        _title(slide, step_title(step), 26)
        notes = speaker_notes(step)
        side = [f"Anteckningsbok: {', '.join(step.notebooks)}"] if step.notebooks else []
        side += [f"Lärform: {step.form}"] if step.form else []
        if step.picture:
            with plt.rc_context(SLIDE_FONTS):
                visual = VISUALS[step.picture](kommun)
            wide = step.picture in _WIDE  # the whole width; the notebook is named in the notes
            width = WIDTH_IN - 1.0 if wide else 8.4
            _, height = _picture(slide, visual, 0.5, 1.45, width, 5.0)
            _textbox(slide, 0.5, 1.5 + height, width, 0.8, [visual.source], 11, color=MUTED)
            if step.picture in _WITH_FIGURES:
                side = [kommun, *municipality_facts(kommun), "", *side]
            if not wide:
                _textbox(slide, 9.1, 1.6, 3.9, 5.2, side, 15, bold_first=step.picture in _WITH_FIGURES)
            notes += f"\n\nBilden: {visual.alt}\n{visual.source}"
            source_lines.append(visual.source)
        else:
            _textbox(slide, 0.7, 1.6, WIDTH_IN - 1.4, 5.2, [plain(step.what) + ".", *side], 22)
        _notes(slide, notes)

    slide = deck.slides.add_slide(layouts["Title Only"])
    _title(slide, "Källor")
    _textbox(slide, 0.7, 1.5, WIDTH_IN - 1.4, 5.6, list(dict.fromkeys(source_lines)), 14)
    _notes(slide, "Alla siffror kommer ur arbetsbokens data; varje rad där anger källdokument och avsnitt.")

    deck.core_properties.title = f"Nära vård i {municipalities.lan_name()} – {duration} – {kommun}"
    deck.core_properties.language = "sv-SE"
    deck.core_properties.author = "Nära vård-arbetsboken"
    _set_language(deck)
    return deck


def deck_filename(plan: SessionPlan, slug: str) -> str:
    """``bildspel-90-minuter-habo.pptx``."""
    return f"bildspel-{plan.slug}-{slug}.pptx"


def save_deck(presentation, target: Path) -> Path:
    """Save a deck to ``target``: complete or not at all, and the same bytes for the same deck.

    python-pptx stamps each zip entry with the time of saving; the entries are re-stamped with one
    fixed date, so rebuilding a kit changes a deck's file only when its content changes.
    """
    buffer = io.BytesIO()
    presentation.save(buffer)
    with zipfile.ZipFile(buffer) as saved:
        stamped = files.zip_bytes(((entry.filename, saved.read(entry)) for entry in saved.infolist()),
                                  (2024, 1, 1, 0, 0, 0))
    return files.write_atomic(target, stamped)


def write_decks(out_dir: Path, kommun: str) -> list[Path]:
    """Write one deck per session plan of the guide into ``out_dir``; return their paths."""
    kommun = municipalities.lookup(kommun, "kommun")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for plan in session_plans().values():
        target = out_dir / deck_filename(plan, slugify(kommun))
        save_deck(build_deck(plan, kommun), target)
        written.append(target)
    return written
