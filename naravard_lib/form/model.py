"""The form as data: its sections, question items, printed options and the checklist of question 15a.

Read from ``data/form_sections.csv``, ``form_items.csv``, ``form_options.csv`` and
``form_checklist.csv``; :func:`load_form` validates them once per process.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from .. import data
from ..data import suggest
from ..errors import NaravardError
from ..schemas import FORM_ITEMS

#: The question ids in the form's order (``"1"``, …, ``"5a"``, ``"5b"``, …).
ITEM_IDS: tuple[str, ...] = FORM_ITEMS
CHOICE, FREE_TEXT = "enval", "fritext"
#: The year the form asks about (this form is a single edition of its document).
FORM_YEAR = 2022


class FormError(NaravardError):
    """A problem with the form, an answer or an answers file, in one line.

    Parameters
    ----------
    message : str
        English, for the command line (``str(error)``).
    sv : str
        The same in Swedish, for the notebook and the widget (``error.sv``).

    Examples
    --------
    >>> error = FormError("unknown question '5c'", "okänd fråga '5c'")
    >>> str(error), error.sv
    ("unknown question '5c'", "okänd fråga '5c'")
    """

    def __init__(self, message: str, sv: str):
        super().__init__(message)
        self.sv = sv


@dataclass(frozen=True)
class Section:
    """One section of the form: heading as printed, our summary of 'Från Överenskommelsen'."""

    id: str
    order: int
    title: str
    summary: str | None
    quote: str | None


@dataclass(frozen=True)
class Item:
    """One question item: id (``"5a"``), section, type, question text and printed options."""

    id: str
    order: int
    section: str
    kind: str
    question: str
    options: tuple[str, ...] = ()
    comment_label: str | None = None

    @property
    def is_choice(self) -> bool:
        return self.kind == CHOICE

    @property
    def label(self) -> str:
        """``"5a. Beskriv …"``: the number and the question as printed."""
        return f"{self.id}. {self.question}"


@dataclass(frozen=True)
class Form:
    """The whole form: sections and items in order, and the checklist of question 15a."""

    sections: tuple[Section, ...]
    items: tuple[Item, ...]
    checklist: dict  #: ``{"omrade:1": text, …, "anvandning:13": text}`` in printed order
    checklist_item: str = "15a"

    def item(self, item_id) -> Item:
        """The item with this id; an unknown id is a :class:`FormError` with a suggestion.

        Examples
        --------
        >>> load_form().item("5c")
        Traceback (most recent call last):
        ...
        naravard_lib.form.model.FormError: unknown question '5c' (did you mean '5a'?); the form has 1, 2, ...
        """
        item_id = str(item_id).strip()
        for item in self.items:
            if item.id == item_id:
                return item
        hint = _suggest_item(item_id)
        raise FormError(f"unknown question {item_id!r}{hint}; the form has {', '.join(ITEM_IDS)}",
                        f"okänd fråga {item_id!r}{sv_hint(hint)}; formuläret har {', '.join(ITEM_IDS)}")

    def section(self, section_id: str) -> Section:
        return next(s for s in self.sections if s.id == section_id)

    def items_in(self, section_id: str) -> list[Item]:
        return [i for i in self.items if i.section == section_id]


def _suggest_item(item_id: str) -> str:
    """Suggest ``5a`` for ``5c`` or ``5``: same number first, then the closest spelling."""
    number = re.match(r"\d+", item_id)
    same = [i for i in ITEM_IDS if number and re.match(r"\d+", i).group() == number.group()]
    return f" (did you mean '{same[0]}'?)" if same else suggest(item_id, ITEM_IDS)


def sv_hint(hint: str) -> str:
    """The Swedish of :func:`naravard_lib.data.suggest`'s hint.

    >>> sv_hint(" (did you mean '5a'?)")
    " (menade du '5a'?)"
    """
    return hint.replace("did you mean", "menade du")


@lru_cache(maxsize=1)
def load_form() -> Form:
    """The form as data, validated (``data/form_sections.csv``, ``form_items.csv``, ``form_options.csv``,
    ``form_checklist.csv``).

    Returns
    -------
    Form

    Examples
    --------
    >>> form = load_form()
    >>> len(form.items), form.item("9a").options[0]
    (25, 'I alla länets kommuner')
    """
    sections = data.load("form_sections").sort_values("ordning")
    items = data.load("form_items").sort_values("ordning")
    options = data.load("form_options").sort_values(["item_id", "ordning"])
    checklist = data.load("form_checklist")
    by_item = options.groupby("item_id")["alternativ"].apply(tuple).to_dict()
    form_sections = tuple(Section(r.sektion, int(r.ordning), r.rubrik, _or_none(r.sammanfattning), _or_none(r.citat))
                          for r in sections.itertuples())
    form_items = tuple(Item(r.item_id, int(r.ordning), r.sektion, r.typ, r.fraga, by_item.get(r.item_id, ()),
                            _or_none(r.kommentarsfalt)) for r in items.itertuples())
    checks = {}
    for lista in ("omrade", "anvandning"):
        for r in checklist[checklist.lista == lista].sort_values("ordning").itertuples():
            checks[f"{lista}:{r.ordning}"] = r.text
    return Form(form_sections, form_items, checks)


def _or_none(value):
    return value if isinstance(value, str) and value else None


def items_table() -> pd.DataFrame:
    """The 25 items as a table for reading: number, section heading, type and question."""
    form = load_form()
    titles = {s.id: s.title for s in form.sections}
    return pd.DataFrame([{"fråga": i.id, "avsnitt": titles[i.section],
                          "typ": "ett val" if i.is_choice else "fritext", "frågetext": i.question}
                         for i in form.items]).set_index("fråga")


def options_table() -> pd.DataFrame:
    """The printed options of the four single-choice items, one row per option."""
    return pd.DataFrame([{"fråga": i.id, "alternativ": o} for i in load_form().items for o in i.options])


def checklist_table() -> pd.DataFrame:
    """The checklist of question 15a: its three areas and the 13 permitted uses of the money."""
    rows = []
    for key, text in load_form().checklist.items():
        lista, number = key.split(":")
        rows.append({"lista": "område i fråga 15a" if lista == "omrade" else "användning av medlen",
                     "nr": int(number), "text": text})
    return pd.DataFrame(rows)
