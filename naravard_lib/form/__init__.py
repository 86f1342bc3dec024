"""Socialstyrelsen's follow-up form (seed 003): the form as data, answers, a pre-filled draft, export.

The form for the final report on God och nära vård 2022 is read from ``data/form_*.csv``
(:mod:`.model`). An :class:`Answers` object holds one report's answers, a län's or a
municipality's using the form internally (:mod:`.answers`); :func:`save_answers` writes it
atomically and :func:`load_answers` refuses a corrupt or hand-broken file with one line naming the
file and field (:mod:`.store`). :func:`draft` proposes an answer, with its evidence rows, for every
question the workbook's data can inform, following the table :data:`DRAFT_RULES` (:mod:`.draft`,
:mod:`.evidence`); :func:`to_markdown` and :func:`to_html` export the answers in the form's order
and :func:`summarize` counts the single-choice answers across several answer files (:mod:`.export`).

This package is analysis only: the widget in :mod:`naravard_lib.widgets` wires to it.

Errors are :class:`FormError`: ``str(error)`` is English (for the command line), ``error.sv`` the
same in Swedish (for the notebook and the widget).
"""

from ..formatting import slugify
from .answers import FILE_FORMAT, FILE_VERSION, PROPOSAL_STATES, Answer, Answers
from .draft import (DRAFT_RULES, HUVUDMAN_NAMED, HUVUDMAN_NOTE, REACH_CHOICE, RULES, DraftRule, Selection, draft,
                    draft_answers, draft_table, select_initiatives)
from .evidence import (IN_SOURCE, INFERENCE, LIST_TITLES, MONEY_NOTE, NO_BASIS, NO_EVIDENCE, PLAN_NOTE,
                       STRENGTHS, YEAR_NOTE, Evidence, Proposal, proposal_markdown)
from .export import export, export_documents, proposal_html, summarize, summary_markdown, to_html, to_markdown
from .model import (CHOICE, FORM_YEAR, FREE_TEXT, ITEM_IDS, Form, FormError, Item, Section, checklist_table,
                    items_table, load_form, options_table)
from .store import (ANSWERS_ENV, MAX_ANSWERS_BYTES, MAX_ANSWERS_DEPTH, MAX_NUMBER_CHARS, answer_files,
                    answers_path, default_answers_dir, load_answers, open_answers, save_answers)

__all__ = [
    "ANSWERS_ENV", "CHOICE", "DRAFT_RULES", "FILE_FORMAT", "FILE_VERSION", "FORM_YEAR", "FREE_TEXT",
    "HUVUDMAN_NAMED", "HUVUDMAN_NOTE", "INFERENCE", "IN_SOURCE", "ITEM_IDS", "LIST_TITLES", "MAX_ANSWERS_BYTES",
    "MAX_ANSWERS_DEPTH", "MAX_NUMBER_CHARS", "MONEY_NOTE", "NO_BASIS", "NO_EVIDENCE", "PLAN_NOTE",
    "PROPOSAL_STATES", "REACH_CHOICE", "RULES", "STRENGTHS", "YEAR_NOTE", "Answer", "Answers", "DraftRule",
    "Evidence", "Form", "FormError", "Item", "Proposal", "Section", "Selection", "answer_files",
    "answers_path", "checklist_table", "default_answers_dir", "draft", "draft_answers", "draft_table", "export",
    "export_documents", "items_table", "load_answers", "load_form", "open_answers", "options_table",
    "proposal_html", "proposal_markdown", "save_answers", "select_initiatives", "slugify", "summarize",
    "summary_markdown", "to_html", "to_markdown",
]
