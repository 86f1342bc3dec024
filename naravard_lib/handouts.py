"""Printable handouts for a session: the participants' exercises, the trainer's answer key, a fact sheet.

Same template family as the reports (``templates/naravard``: frame, stylesheet, print rules) and
the same PDF writer (:func:`naravard_lib.pages.write_pdf`: tagged, offline). The exercises are read
from the solved exercise notebook (its ``## N. …`` sections and their ``question("…")`` calls), so
the paper and the notebook always ask the same; the answers are computed, as the self-check does.
"""

from __future__ import annotations

import base64
import html
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat
from markupsafe import Markup
from nbconvert.filters.markdown import markdown2html

from . import municipalities, paths, plots, report
from .data import load_initiatives
from .exercises import EXERCISES
from .downloads import STATEMENT
from .formatting import format_number, format_percent, format_sek
from .pages import page_css, render_page, site_name

EXERCISE_NOTEBOOK = paths.NOTEBOOKS_DIR / "ovningar" / "01_ovningar_losning.ipynb"
_QUESTION = re.compile(r"""question\(\s*["']([a-z0-9_]+)["']\s*\)""")


@dataclass(frozen=True)
class Item:
    """One exercise on paper: its heading, question, hint and (for the key) its answer."""

    title: str
    question: str
    hint: str
    answer: str


def _markdown_plain(text: str) -> str:
    return re.sub(r"\*+([^*]+)\*+", r"\1", text)


def exercise_items(notebook: Path | None = None) -> tuple[list[Item], list[str]]:
    """The exercises in the notebook's order, and its closing reflection questions.

    >>> [item.title for item in exercise_items()[0]][0]
    '1. Pengar per invånare (01 · fördelning)'
    """
    source = nbformat.read(notebook or EXERCISE_NOTEBOOK, as_version=4)
    items, title, reflections = [], None, []
    for cell in source.cells:
        if cell.cell_type == "markdown" and cell.source.startswith("## "):
            title = cell.source.split("\n", 1)[0][3:].strip()
            if not title[:1].isdigit():
                reflections = [_markdown_plain(line[2:].strip()) for line in cell.source.splitlines()
                               if line.startswith("- ")]
        for exercise_id in _QUESTION.findall(cell.source) if cell.cell_type == "code" else []:
            exercise = EXERCISES[exercise_id]
            items.append(Item(title or exercise_id, exercise.question, _with_code(exercise.hint),
                              answer_text(exercise_id)))
    return items, reflections


def answer_text(exercise_id: str) -> str:
    """The right answer, written for a reader (computed from the data, as the self-check computes it)."""
    exercise = EXERCISES[exercise_id]
    value = exercise.answer()
    if exercise.kind == "set":
        names = load_initiatives().drop_duplicates("id").set_index("id")["namn"]
        return "; ".join(f"{number} ({names.get(number, '?')})" for number in sorted(value))
    if exercise.kind == "text":
        return str(value)
    decimals = 2 if exercise.tolerance and exercise.tolerance < 0.01 else 0
    return format_number(value, decimals)


def _with_code(text: str):
    """Escaped text with its `code` spans as <code> (the hints name library functions)."""
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text)))


def _page(template_values: dict, statement: str) -> str:
    return render_page("handout.html.j2", css=Markup(page_css()), statement=statement, site_name=site_name(),
                       **template_values)


def exercises_html(key: bool = False, statement: str = STATEMENT) -> str:
    """The exercises as a printable page; with ``key=True`` the trainer's answer key (answers shown).

    ``statement`` is the footer's link to the accessibility statement, relative to the page.
    """
    items, reflections = exercise_items()
    heading = "Övningar – facit för utbildaren" if key else "Övningar"
    lead = ("Svaren är räknade ur arbetsbokens data, samma beräkning som kontrollcellerna gör. Dela inte ut facit."
            if key else "Räkna fram svaret med arbetsboken (anteckningsboken ovningar/01_ovningar) och skriv det "
                        "på raden. I anteckningsboken kan du kontrollera ditt svar; det visas aldrig där.")
    return _page({"title": f"{heading} – {site_name()}", "heading": heading, "lead": lead, "kind": "ovningar",
                  "key": key, "exercises": items, "reflections": reflections,
                  "footer": f"{site_name()}: utbildarens kit. Uppgifterna kommer ur anteckningsboken "
                            "ovningar/01_ovningar."}, statement)


def fact_sheet_html(kommun: str, statement: str = STATEMENT) -> str:
    """A municipality's one-page fact sheet: key figures, the map with it marked, its share of the money."""
    kommun = municipalities.lookup(kommun, "kommun")
    k = report.key_figures(kommun)
    year, before, multi, area = k["ar"], k["foregaende_ar"], k["flerarsperiod"], k["insatsomrade"]
    facts = [(f"{area} {year}", format_sek(k["nara_vard"])),
             (f"Per invånare {year}", format_sek(k["per_invanare"], 2)),
             (f"Andel av länets pengar {year}", format_percent(k["andel_medel_pct"])),
             ("Andel av länets befolkning", format_percent(k["andel_befolkning_pct"])),
             (f"Plats i länet {year}", f"{k['rang']} av {municipalities.count()}")]
    if before:
        facts += [(f"Förändring {before} → {year}", format_sek(k["forandring"])),
                  (f"Totalt {before}", format_sek(k["totalt_foregaende_ar"]))]
    if multi:
        facts.append((f"Totalt {report.period_label(multi)}", format_sek(k["totalt_flerarsperiod"])))
    figure = None  # the map of the multi-year period, when the data folder has one
    if multi:
        ax = plots.lan_map(report.map_values(), report.map_title(), highlight=kommun, legend_label="kr per invånare")
        figure = plots.with_alt(ax, report.map_alt(kommun), report.source_allocations())
    share = (f"{kommun} fick {format_percent(k['andel_medel_pct'])} av det som fördelades till {report.count_phrase()} "
             f"inom {area} {year} och har {format_percent(k['andel_befolkning_pct'])} av länets "
             "befolkning: pengarna fördelas efter invånarantal.")
    heading = f"{kommun} – Nära vård i siffror"
    return _page({"title": f"{heading} – faktablad", "heading": heading, "lead": "", "kind": "fakta",
                  "kommun": kommun, "facts": facts, "summary": Markup(markdown2html(report.summary_text(kommun))),
                  "map_png": base64.b64encode(figure.png).decode("ascii") if figure else "",
                  "map_alt": figure.alt if figure else "", "map_width": figure.width if figure else 0,
                  "map_caption": f"{kommun} är markerad.",
                  "source_money": report.source_allocations(), "share_text": share,
                  "footer": f"{site_name()}: faktablad för {kommun}, ur utbildarens kit."}, statement)


def write_handouts(out_dir: Path, kommun: str, pdf: bool = True, statement: str = STATEMENT) -> list[Path]:
    """Write ``ovningar``, ``ovningar-facit`` and ``faktablad-<slug>`` as HTML (and PDF) into ``out_dir``.

    ``statement``: where the accessibility statement is, relative to ``out_dir`` (the footers link it).
    """
    from .files import write_atomic
    from .formatting import slugify
    from .pages import write_pdf

    kommun = municipalities.lookup(kommun, "kommun")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    pages = {"ovningar": exercises_html(statement=statement), "ovningar-facit": exercises_html(True, statement),
             f"faktablad-{slugify(kommun)}": fact_sheet_html(kommun, statement)}
    written = []
    for stem, text in pages.items():
        written.append(write_atomic(out_dir / f"{stem}.html", text))
        if pdf:
            write_pdf(text, out_dir / f"{stem}.pdf")
            written.append(out_dir / f"{stem}.pdf")
    return written
