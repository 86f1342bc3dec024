"""One report's answers to the form, checked against the form as they are set."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..data import suggest
from .model import FORM_YEAR, Form, FormError, Item, load_form, sv_hint

if TYPE_CHECKING:  # for type hints only: the draft imports this module
    from .evidence import Proposal

#: The ``format`` and ``version`` fields of an answers file.
FILE_FORMAT, FILE_VERSION = "naravard-uppfoljning", 1
#: Status of a proposal in an answer: taken as it is, taken and edited, or discarded.
PROPOSAL_STATES = ("antaget", "redigerat", "avvisat")


@dataclass
class Answer:
    """The answer to one item. Which fields apply depends on the item (see :class:`Answers`)."""

    choice: str | None = None
    comment: str = ""
    text: str = ""
    checked: list[str] = field(default_factory=list)
    proposal: str | None = None  #: one of PROPOSAL_STATES, or None when no proposal was used
    proposal_text: str = ""  #: the accepted proposal's text, to tell an edited answer from an unedited one
    evidence: list[dict] = field(default_factory=list)  #: evidence of an accepted proposal

    def is_empty(self) -> bool:
        return not (self.choice or self.comment.strip() or self.text.strip() or self.checked)


_FIELDS = {"val": "choice", "kommentar": "comment", "text": "text", "kryss": "checked", "forslag": "proposal",
           "forslagstext": "proposal_text", "underlag": "evidence"}


class Answers:
    """One report's answers to the form.

    Parameters
    ----------
    report : str
        Who answers: a län (``"Jönköpings län"``) or a municipality using the form internally.
    year : int
        The year reported on (2022 for this form).

    Examples
    --------
    >>> svar = Answers("Jönköpings län")
    >>> svar.set_choice("1", "Ja")
    >>> svar.set_choice("1", "Kanske")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    naravard_lib.form.model.FormError: question 1: 'Kanske' is not one of the printed options: ...
    """

    def __init__(self, report: str, year: int = FORM_YEAR, form: Form | None = None):
        if not str(report).strip():
            raise FormError("the report needs a name (a län or a municipality)",
                            "rapporten behöver ett namn (ett län eller en kommun)")
        self.report = str(report).strip()
        self.year = int(year)
        self.form = form or load_form()
        self._answers: dict[str, Answer] = {}

    # reading
    def get(self, item_id) -> Answer:
        """The answer to an item (an empty one when not answered yet)."""
        item = self.form.item(item_id)
        return self._answers.get(item.id, Answer())

    def answered(self) -> list[str]:
        """Ids of the items that have an answer, in the form's order."""
        return [i.id for i in self.form.items if not self.get(i.id).is_empty()]

    def __eq__(self, other) -> bool:
        return isinstance(other, Answers) and self.to_dict() == other.to_dict()

    def __repr__(self) -> str:
        return f"Answers({self.report!r}: {len(self.answered())} of {len(self.form.items)} answered)"

    # writing
    def _edit(self, item_id) -> tuple[Item, Answer]:
        item = self.form.item(item_id)
        return item, self._answers.setdefault(item.id, Answer())

    def set_choice(self, item_id, option: str | None) -> None:
        """Choose one of the printed options of a single-choice item (``None`` clears the choice)."""
        item, answer = self._edit(item_id)
        if not item.is_choice:
            raise FormError(f"question {item.id} is free text, it has no options",
                            f"fråga {item.id} besvaras med fritext och har inga alternativ")
        if option is not None and option not in item.options:
            raise FormError(f"question {item.id}: {option!r} is not one of the printed options: "
                            f"{' | '.join(item.options)}", self.check_choice(item.id, option))
        answer.choice = option

    def check_choice(self, item_id, option) -> str:
        """Why ``option`` would be refused for ``item_id``, in Swedish; ``""`` when it is a printed option."""
        try:
            item = self.form.item(item_id)
        except FormError as error:
            return error.sv
        if not item.is_choice:
            return f"fråga {item.id} besvaras med fritext och har inga alternativ"
        if option in item.options:
            return ""
        return f"fråga {item.id}: {option!r} är inte ett av formulärets alternativ. Välj ett av: {' | '.join(item.options)}"

    def set_comment(self, item_id, text: str) -> None:
        """The optional comment of a single-choice item."""
        item, answer = self._edit(item_id)
        if not item.comment_label:
            raise FormError(f"question {item.id} has no comment field; use set_text",
                            f"fråga {item.id} har inget kommentarsfält; skriv svaret som fritext")
        answer.comment = _text(text, item.id)
        self._mark_edited(answer, answer.comment)

    def set_text(self, item_id, text: str) -> None:
        """The answer to a free-text item."""
        item, answer = self._edit(item_id)
        if item.is_choice:
            raise FormError(f"question {item.id} is a single-choice item; use set_choice and set_comment",
                            f"fråga {item.id} besvaras med ett val; skriv fritext i kommentarsfältet")
        answer.text = _text(text, item.id)
        self._mark_edited(answer, answer.text)

    def set_checked(self, item_id, keys) -> None:
        """Tick checklist entries of question 15a (keys such as ``"omrade:1"``, ``"anvandning:5"``)."""
        item, answer = self._edit(item_id)
        if item.id != self.form.checklist_item:
            raise FormError(f"question {item.id} has no checklist (only {self.form.checklist_item} has)",
                            f"fråga {item.id} har ingen checklista (bara fråga {self.form.checklist_item})")
        keys = list(keys)
        for key in keys:
            if key not in self.form.checklist:
                hint = suggest(key, self.form.checklist)
                raise FormError(f"question {item.id}: unknown checklist entry {key!r}{hint}",
                                f"fråga {item.id}: okänd punkt i checklistan {key!r}{sv_hint(hint)}")
        answer.checked = [k for k in self.form.checklist if k in keys]  # printed order, no repeats

    def clear(self, item_id) -> None:
        """Remove the answer to an item."""
        self._answers.pop(self.form.item(item_id).id, None)

    @staticmethod
    def _mark_edited(answer: Answer, value: str) -> None:
        if answer.proposal == "antaget" and value != answer.proposal_text:
            answer.proposal = "redigerat"

    # proposals
    def accept(self, proposal: Proposal) -> None:
        """Take a proposal of the draft as the answer, with its evidence (replaces the answer's text)."""
        item, answer = self._edit(proposal.item_id)
        if item.is_choice:
            answer.choice = proposal.choice if proposal.choice is not None else answer.choice
            answer.comment = proposal.text
        else:
            answer.text = proposal.text
        answer.proposal = "antaget"
        answer.proposal_text = proposal.text
        answer.evidence = [e.as_dict() for e in proposal.evidence]

    def discard(self, item_id) -> None:
        """Discard the proposal for an item; an accepted, unedited proposal's text is removed too."""
        item, answer = self._edit(item_id)
        if answer.proposal == "antaget":
            answer.text = answer.comment = ""
            answer.choice = None if item.is_choice else answer.choice
        answer.proposal = "avvisat"
        answer.proposal_text = ""
        answer.evidence = []

    # the file's form
    def to_dict(self) -> dict:
        """The answers as the JSON object saved to file (form order, empty fields left out)."""
        saved = {}
        for item in self.form.items:
            answer = self._answers.get(item.id)
            if answer is None or (answer.is_empty() and answer.proposal is None):
                continue
            entry = {}
            for key, attr in _FIELDS.items():
                value = getattr(answer, attr)
                if value not in (None, "", []):
                    entry[key] = value
            saved[item.id] = entry
        return {"format": FILE_FORMAT, "version": FILE_VERSION, "rapport": self.report, "ar": self.year,
                "svar": saved}

    @classmethod
    def from_dict(cls, content, source: str = "svarsfilen") -> Answers:
        """Rebuild answers from :meth:`to_dict`'s object, checking every field.

        Raises
        ------
        FormError
            Naming ``source`` and the field (e.g. ``svar.1.val``) that is wrong.
        """

        def bad(where: str, en: str, sv: str) -> FormError:
            return FormError(f"{source}: field '{where}': {en}", f"{source}: fältet '{where}': {sv}")

        if not isinstance(content, dict):
            raise FormError(f"{source}: expected a JSON object with the answers",
                            f"{source}: filen ska innehålla ett JSON-objekt med svaren")
        if content.get("format") != FILE_FORMAT:
            raise bad("format", f"expected {FILE_FORMAT!r}; this is not an answers file of the workbook",
                      f"ska vara {FILE_FORMAT!r}; det här är inte en svarsfil från arbetsboken")
        if content.get("version") != FILE_VERSION:
            raise bad("version", f"unsupported version {content.get('version')!r} (expected {FILE_VERSION})",
                      f"versionen {content.get('version')!r} stöds inte (ska vara {FILE_VERSION})")
        unknown = set(content) - {"format", "version", "rapport", "ar", "svar"}
        if unknown:
            name = sorted(unknown)[0]
            raise bad(name, "unknown field", "okänt fält")
        report = content.get("rapport")
        if not isinstance(report, str) or not report.strip():
            raise bad("rapport", "the report's name is missing", "rapportens namn saknas")
        year = content.get("ar", FORM_YEAR)
        if not isinstance(year, int) or isinstance(year, bool):
            raise bad("ar", f"expected a year, got {year!r}", f"ska vara ett årtal, inte {year!r}")
        answers = cls(report, year)
        given = content.get("svar", {})
        if not isinstance(given, dict):
            raise bad("svar", "expected an object keyed by question", "ska vara ett objekt med en nyckel per fråga")
        for item_id, entry in given.items():
            where = f"svar.{item_id}"
            try:
                item = answers.form.item(item_id)
            except FormError as error:
                raise bad(where, str(error), error.sv) from None
            if not isinstance(entry, dict):
                raise bad(where, "expected an object", "ska vara ett objekt")
            extra = set(entry) - set(_FIELDS)
            if extra:
                raise bad(f"{where}.{sorted(extra)[0]}", "unknown field", "okänt fält")
            setters = {"val": answers.set_choice, "kommentar": answers.set_comment, "text": answers.set_text,
                       "kryss": answers.set_checked}
            for key, setter in setters.items():
                if key not in entry:
                    continue
                if key == "kryss" and not isinstance(entry[key], list):
                    raise bad(f"{where}.{key}", "expected a list of checklist entries", "ska vara en lista")
                try:
                    setter(item.id, entry[key])
                except FormError as error:
                    raise bad(f"{where}.{key}", str(error), error.sv) from None
            answer = answers._answers.setdefault(item.id, Answer())
            state = entry.get("forslag")
            if state is not None and state not in PROPOSAL_STATES:
                raise bad(f"{where}.forslag", f"expected one of {', '.join(PROPOSAL_STATES)}",
                          f"ska vara ett av {', '.join(PROPOSAL_STATES)}")
            proposal_text = entry.get("forslagstext", "")
            if not isinstance(proposal_text, str):
                raise bad(f"{where}.forslagstext", "expected text", "ska vara text")
            evidence = entry.get("underlag", [])
            if not isinstance(evidence, list) or not all(
                    isinstance(e, dict) and all(isinstance(v, str) for v in e.values()) for e in evidence):
                raise bad(f"{where}.underlag", "expected a list of objects with text values",
                          "ska vara en lista med objekt med textvärden")
            answer.proposal, answer.proposal_text, answer.evidence = state, proposal_text, evidence
        return answers


def _text(value, item_id: str) -> str:
    if not isinstance(value, str):
        raise FormError(f"question {item_id}: expected text, got {type(value).__name__}",
                        f"fråga {item_id}: svaret ska vara text")
    return value

