"""The answers as documents: Markdown and an HTML page (a Jinja template with the reports' stylesheet),
written together into a folder; the single-choice answers counted across several reports.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

import pandas as pd
from markupsafe import Markup

from .. import files
from ..formatting import slugify
from ..pages import page_css, render_page
from .answers import Answers
from .evidence import NO_BASIS, NO_EVIDENCE, Proposal
from .model import FormError, Item, load_form
from .store import answer_files, display, load_answers, write


def _evidence_list(answers: Answers) -> list[tuple[str, dict]]:
    listed = []
    for item_id in answers.answered():
        answer = answers.get(item_id)
        if answer.proposal in ("antaget", "redigerat"):
            listed += [(item_id, e) for e in answer.evidence]
    return listed


def _title(answers: Answers) -> str:
    return f"Slutredovisning God och nära vård {answers.year} – {answers.report}"


def _intro(answers: Answers) -> str:
    return (f"Svar på Socialstyrelsens formulär för kommunernas slutredovisning. Besvarade frågor: "
            f"{len(answers.answered())} av {len(answers.form.items)}.")


def _checked_lines(answers: Answers, item: Item) -> list[tuple[str, list[str]]]:
    checked = answers.get(item.id).checked
    groups = []
    for prefix, title in (("omrade", "Områden som svaret tar upp"), ("anvandning", "Användning av medlen")):
        texts = [answers.form.checklist[k] for k in checked if k.startswith(prefix + ":")]
        if texts:
            groups.append((title, texts))
    return groups


def to_markdown(answers: Answers) -> str:
    """The answers as a Markdown document in the form's order, with question texts and evidence at the end."""
    form = answers.form
    out = [f"# {_title(answers)}", "", _intro(answers), ""]
    for section in form.sections:
        out += [f"## {section.title}", ""]
        for item in form.items_in(section.id):
            answer = answers.get(item.id)
            out += [f"**{item.label}**", ""]
            if answer.is_empty():
                out += ["*Inte besvarad.*", ""]
                continue
            if item.is_choice:
                out += [f"Svar: {answer.choice or '(inget alternativ valt)'}", ""]
                if answer.comment.strip():
                    out += ["Kommentar:", "", answer.comment.strip(), ""]
            elif answer.text.strip():
                out += [answer.text.strip(), ""]
            for title, texts in _checked_lines(answers, item):
                out += [f"{title}:", "", *[f"- {t}" for t in texts], ""]
    evidence = _evidence_list(answers)
    out += ["## Underlag", ""]
    if evidence:
        out += ["Svar som bygger på arbetsbokens förslag vilar på dessa rader i arbetsbokens data:", ""]
        out += [f"- Fråga {item_id}: {e.get('fil', '')}, {e.get('rad', '')} – {e.get('beskrivning', '')} "
                f"(avser {e.get('avser', '')})" for item_id, e in evidence]
    else:
        out += ["Inga svar bygger på arbetsbokens förslag."]
    return "\n".join(out).rstrip() + "\n"


def text_blocks(text: str) -> list[tuple[str, list[str]]]:
    """Plain text as blocks for the templates: blank lines separate paragraphs, lines starting "- " a list.

    >>> text_blocks("Första raden\\nandra\\n\\n- ett\\n- två")
    [('p', ['Första raden', 'andra']), ('ul', ['ett', 'två'])]
    """
    blocks: list[tuple[str, list[str]]] = []
    for block in (b.strip() for b in re.split(r"\n\s*\n", text.strip())):
        lines: list[str] = []
        items: list[str] = []
        for line in block.splitlines() + [""]:
            if line.startswith("- "):
                if lines:
                    blocks.append(("p", lines))
                    lines = []
                items.append(line[2:])
                continue
            if items:
                blocks.append(("ul", items))
                items = []
            if line:
                lines.append(line)
        if lines:
            blocks.append(("p", lines))
    return blocks


def to_html(answers: Answers) -> str:
    """The answers as a self-contained HTML page (Swedish) with the reports' stylesheet.

    Rendered from ``templates/naravard/form.html.j2``; every answer value is escaped by the template.

    Examples
    --------
    >>> svar = Answers("Habo <kommun>")
    >>> svar.set_text("3", "Vi följer upp <script>alert(1)</script> & mäter")
    >>> page = to_html(svar)
    >>> "Habo &lt;kommun&gt;" in page, "upp &lt;script&gt;alert(1)&lt;/script&gt; &amp; mäter" in page
    (True, True)
    >>> "<script" in page
    False
    """
    form = answers.form
    sections = []
    for section in form.sections:
        questions = []
        for item in form.items_in(section.id):
            answer = answers.get(item.id)
            questions.append({"id": item.id, "label": item.label, "unanswered": answer.is_empty(),
                              "is_choice": item.is_choice, "choice": answer.choice,
                              "comment": text_blocks(answer.comment) if answer.comment.strip() else [],
                              "text": text_blocks(answer.text) if answer.text.strip() else [],
                              "checked": _checked_lines(answers, item)})
        sections.append({"id": section.id, "title": section.title, "questions": questions})
    return render_page("form.html.j2", title=_title(answers), css=Markup(page_css()), intro=_intro(answers),
                       sections=sections, evidence=_evidence_list(answers))


def export(answers: Answers, out: str | Path) -> list[Path]:
    """Write ``<slug>.md`` and ``<slug>.html`` of the answers to ``out`` (see :func:`export_documents`)."""
    return export_documents({slugify(answers.report): answers}, out)


def export_documents(documents: dict[str, Answers], out: str | Path) -> list[Path]:
    """Write ``<name>.md`` and ``<name>.html`` per answers (and, for several, the summary) to ``out``.

    Every document is built first and written to a staging folder inside ``out``; only when all are
    complete are they moved into place together (files they replace are kept until then, and put
    back if a move fails). The files get the user's normal permissions (``umask``).

    Raises
    ------
    FormError
        ``out`` cannot be written, or a file cannot be replaced; nothing in ``out`` changed.
    """
    out = Path(out)
    texts = {}
    for stem, item in documents.items():
        texts[f"{stem}.md"], texts[f"{stem}.html"] = to_markdown(item), to_html(item)
    if len(documents) > 1:
        texts["sammanstallning.csv"] = summarize(list(documents.values())).to_csv(index=False)
        texts["sammanstallning.md"] = summary_markdown(list(documents.values()))
    try:
        out.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".naravard-export-", dir=out))
    except OSError as error:
        raise FormError(f"{display(out)}: cannot write to this folder ({error.strerror}); choose another folder",
                        f"{display(out)}: det går inte att skriva i mappen ({error.strerror}); välj en annan "
                        "mapp") from None
    try:
        for name, text in texts.items():
            write(staging / name, text)
        files.replace_together([(staging / name, out / name) for name in texts], staging / ".ersatta")
    except OSError as error:
        raise FormError(f"{display(out)}: nothing exported, {files.os_error_text(error)}",
                        f"{display(out)}: inget exporterades, {files.os_error_text(error)}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [out / name for name in texts]


def summarize(sources) -> pd.DataFrame:
    """Counts per printed option of the single-choice items across several answers.

    Parameters
    ----------
    sources : list of Answers, or files/folders of answers files

    Returns
    -------
    pandas.DataFrame
        Columns ``fråga``, ``alternativ``, ``antal`` (every printed option, zero included, and
        ``(inte besvarad)``), in the form's order.
    """
    sources = list(sources) if not isinstance(sources, (str, Path)) else [sources]
    if sources and not isinstance(sources[0], Answers):
        sources = [load_answers(p) for p in answer_files(sources)]
    form = load_form()
    rows = []
    for item in (i for i in form.items if i.is_choice):
        chosen = [a.get(item.id).choice for a in sources]
        for option in item.options:
            rows.append({"fråga": item.id, "alternativ": option, "antal": chosen.count(option)})
        rows.append({"fråga": item.id, "alternativ": "(inte besvarad)", "antal": chosen.count(None)})
    return pd.DataFrame(rows)


def summary_markdown(sources) -> str:
    """:func:`summarize` as a Markdown document (Swedish), naming the reports counted."""
    answers = list(sources) if not isinstance(sources, (str, Path)) else [sources]
    if answers and not isinstance(answers[0], Answers):
        answers = [load_answers(p) for p in answer_files(answers)]
    table = summarize(answers)
    form = load_form()
    out = ["# Sammanställning av envalsfrågorna", "",
           f"Antal svar per alternativ i {len(answers)} svarsfiler: " + ", ".join(a.report for a in answers) + ".", ""]
    for item_id, group in table.groupby("fråga", sort=False):
        out += [f"**{form.item(item_id).label}**", "", "| alternativ | antal |", "|---|---:|"]
        out += [f"| {r.alternativ} | {r.antal} |" for r in group.itertuples()]
        out.append("")
    return "\n".join(out).rstrip() + "\n"

def proposal_html(proposal: Proposal | None) -> str:
    """A proposal as an HTML fragment (Swedish, every value escaped), for the widget."""
    return render_page("form_proposal.html.j2", proposal=proposal, no_basis=NO_BASIS, no_evidence=NO_EVIDENCE,
                       blocks=text_blocks(proposal.text) if proposal is not None else [])
