"""Socialstyrelsen's follow-up form (seed 003): the form as data, answers, a pre-filled draft, export.

The form for the final report on God och nära vård 2022 is read from ``data/form_*.csv``. An
:class:`Answers` object holds one report's answers (a län, or a municipality using the form
internally); :func:`save_answers` writes it atomically and :func:`load_answers` refuses a corrupt or
hand-broken file with one line naming the file and field. :func:`draft` proposes an answer, with its
evidence rows, for every question the workbook's data can inform; :func:`to_markdown` and
:func:`to_html` export the answers in the form's order; :func:`summarize` counts the single-choice
answers across several answer files.

This module is analysis only: the widget in :mod:`naravard_lib.widgets` wires to it.

Errors are :class:`FormError`: ``str(error)`` is English (for the command line), ``error.sv`` the
same in Swedish (for the notebook and the widget).
"""

from __future__ import annotations

import html
import json
import os
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from . import data, files, paths
from .data import suggest
from .errors import NaravardError
from .formatting import format_number, format_sek
from .schemas import FORM_ITEMS, KOMMUNER, TABLES

ITEM_IDS: tuple[str, ...] = FORM_ITEMS
CHOICE, FREE_TEXT = "enval", "fritext"
FILE_FORMAT, FILE_VERSION = "naravard-uppfoljning", 1
#: The year the form asks about.
FORM_YEAR = 2022
#: Environment variable that moves the default folder for answer files.
ANSWERS_ENV = "NARAVARD_UPPFOLJNING"
#: Status of a proposal in an answer: taken as it is, taken and edited, or discarded.
PROPOSAL_STATES = ("antaget", "redigerat", "avvisat")
YEAR_NOTE = ("Underlaget beskriver läget 2023 jämfört med 2019 – inte 2022, som formuläret frågar om. "
             "Kontrollera att det stämmer för 2022 innan du skickar in.")
PLAN_NOTE = "Formuläret frågar om 2022; kontrollera att svaret stämmer för 2022 innan du skickar in."
MONEY_NOTE = "Beloppen gäller överenskommelserna 2019–2022 och 2023 enligt de publicerade fördelningstabellerna."
NO_EVIDENCE = ("Arbetsbokens data har inga mått på utfall för den här frågan och inga rader om uppföljning av "
               "insatserna i föregående fråga. Svara utifrån egen kunskap.")


class FormError(NaravardError):
    """A problem with the form, an answer or an answers file, in one line.

    Parameters
    ----------
    message : str
        English, for the command line (``str(error)``).
    sv : str
        The same in Swedish, for the notebook and the widget (``error.sv``).
    """

    def __init__(self, message: str, sv: str):
        super().__init__(message)
        self.sv = sv


# --------------------------------------------------------------------------- the form as data

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
        """The item with this id; an unknown id is a :class:`FormError` with a suggestion."""
        item_id = str(item_id).strip()
        for item in self.items:
            if item.id == item_id:
                return item
        hint = _suggest_item(item_id)
        raise FormError(f"unknown question {item_id!r}{hint}; the form has {', '.join(ITEM_IDS)}",
                        f"okänd fråga {item_id!r}{_sv_hint(hint)}; formuläret har {', '.join(ITEM_IDS)}")

    def section(self, section_id: str) -> Section:
        return next(s for s in self.sections if s.id == section_id)

    def items_in(self, section_id: str) -> list[Item]:
        return [i for i in self.items if i.section == section_id]


def _suggest_item(item_id: str) -> str:
    """Suggest ``5a`` for ``5c`` or ``5``: same number first, then the closest spelling."""
    number = re.match(r"\d+", item_id)
    same = [i for i in ITEM_IDS if number and re.match(r"\d+", i).group() == number.group()]
    return f" (did you mean '{same[0]}'?)" if same else suggest(item_id, ITEM_IDS)


def _sv_hint(hint: str) -> str:
    return hint.replace("did you mean", "menade du")


@lru_cache(maxsize=1)
def load_form() -> Form:
    """The form as data, validated (``data/form_sections.csv``, ``form_items.csv``, ``form_options.csv``,
    ``form_checklist.csv``).

    Returns
    -------
    Form
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


# --------------------------------------------------------------------------- answers

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
    >>> svar.set_choice("1", "Kanske")
    Traceback (most recent call last):
    ...
    naravard_lib.form.FormError: question 1: 'Kanske' is not one of the printed options: ...
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
                                f"fråga {item.id}: okänd punkt i checklistan {key!r}{_sv_hint(hint)}")
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


# --------------------------------------------------------------------------- files

def default_answers_dir() -> Path:
    """Where answer files live unless told otherwise: ``uppfoljning/`` (git-ignored) or ``$NARAVARD_UPPFOLJNING``."""
    return Path(os.environ.get(ANSWERS_ENV, paths.PROJECT_ROOT / "uppfoljning"))


def slugify(name: str) -> str:
    """ASCII file name for a report: ``"Jönköpings län"`` → ``"jonkopings-lan"``."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "rapport"


def answers_path(report: str, folder: str | Path | None = None) -> Path:
    """The answers file of a report: ``<folder>/<slug>.json``."""
    return Path(folder if folder is not None else default_answers_dir()) / f"{slugify(report)}.json"


def _display(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(paths.PROJECT_ROOT))
    except ValueError:
        return str(path)


#: Bounds of an answers file: a whole form with long answers is a few tens of KB, nested four levels.
MAX_ANSWERS_BYTES = 1_048_576
MAX_ANSWERS_DEPTH = 6
MAX_NUMBER_CHARS = 20


class _JsonLimit(ValueError):
    def __init__(self, en: str, sv: str):
        super().__init__(en)
        self.en, self.sv = en, sv


def _bounded_number(text: str, convert):
    if len(text) > MAX_NUMBER_CHARS:
        raise _JsonLimit(f"a number of {len(text)} characters (at most {MAX_NUMBER_CHARS})",
                         f"ett tal med {len(text)} tecken (högst {MAX_NUMBER_CHARS})")
    return convert(text)


def _no_duplicates(pairs):
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise _JsonLimit(f"the key {key!r} appears twice", f"nyckeln {key!r} finns två gånger")
        seen[key] = value
    return seen


def _refuse_constant(name):
    raise _JsonLimit(f"{name} is not a JSON number", f"{name} är inte ett tal i JSON")


def _depth(text: str) -> int:
    """How deeply ``text``'s arrays and objects nest (brackets inside strings are not counted)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _parse_answers_json(text: str):
    """JSON with the bounds of an answers file: depth, number length, no duplicate keys, no NaN."""
    if _depth(text) > MAX_ANSWERS_DEPTH:
        raise _JsonLimit(f"nested more than {MAX_ANSWERS_DEPTH} levels deep",
                         f"nästlad i fler än {MAX_ANSWERS_DEPTH} nivåer")
    return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_refuse_constant,
                      parse_int=lambda t: _bounded_number(t, int), parse_float=lambda t: _bounded_number(t, float))


def load_answers(path: str | Path) -> Answers:
    """Read and check an answers file.

    Raises
    ------
    FormError
        When the file is missing, not JSON, or any field is wrong; one line naming the file and field.
    """
    path = Path(path)
    name = _display(path)
    try:
        raw = files.read_bounded(path, MAX_ANSWERS_BYTES)
    except FileNotFoundError:
        raise FormError(f"{name}: file not found", f"{name}: filen finns inte") from None
    except files.InputFileProblem as problem:
        sv = (f"är större än {MAX_ANSWERS_BYTES // 1_048_576} MB" if "larger" in str(problem)
              else "är inte en vanlig fil")
        raise FormError(f"{name}: {problem}; an answers file is a small JSON file written by the workbook",
                        f"{name}: filen {sv}; en svarsfil är en liten JSON-fil som arbetsboken skriver") from None
    except OSError as error:
        raise FormError(f"{name}: cannot be read ({error.strerror})",
                        f"{name}: filen kan inte läsas ({error.strerror})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise FormError(f"{name}: not UTF-8 text; it was not written by the workbook",
                        f"{name}: filen är inte UTF-8-text och kommer inte från arbetsboken") from None
    try:
        content = _parse_answers_json(text)
    except json.JSONDecodeError as error:
        raise FormError(f"{name}: not valid JSON (line {error.lineno}, column {error.colno}: {error.msg}); "
                        "it has not been overwritten",
                        f"{name}: filen är inte giltig JSON (rad {error.lineno}, kolumn {error.colno}); "
                        "den har inte skrivits över") from None
    except _JsonLimit as limit:
        raise FormError(f"{name}: {limit.en}; it was not written by the workbook and has not been overwritten",
                        f"{name}: {limit.sv}; filen kommer inte från arbetsboken och har inte skrivits över") from None
    return Answers.from_dict(content, name)


def open_answers(report: str, folder: str | Path | None = None) -> tuple[Answers, Path]:
    """The saved answers of ``report`` in ``folder``, or new empty ones when there is no file yet."""
    path = answers_path(report, folder)
    if path.exists():
        return load_answers(path), path
    return Answers(report), path


def write_atomic(path: str | Path, text: str | bytes, scratch: str | Path | None = None) -> Path:
    """Write ``text`` to ``path`` atomically (:func:`naravard_lib.files.write_atomic`), as a :class:`FormError`.

    An error leaves ``path`` as it was and removes the temporary file; the file gets the user's
    normal permissions (``umask``), or keeps those of the file it replaces.
    """
    path = Path(path)
    try:
        return files.write_atomic(path, text, scratch)
    except OSError as error:
        folder = path.parent
        if isinstance(error, files.FolderNotWritable):
            raise FormError(f"{_display(folder)}: cannot write to this folder ({error.strerror}); choose another "
                            "folder", f"{_display(folder)}: det går inte att skriva i mappen ({error.strerror}); "
                            "välj en annan mapp") from None
        raise FormError(f"{_display(path)}: could not be written ({error.strerror}); the earlier file is "
                        "unchanged", f"{_display(path)}: kunde inte skrivas ({error.strerror}); den tidigare "
                        "filen är oförändrad") from None


def save_answers(answers: Answers, path: str | Path | None = None, replace_invalid: bool = False) -> Path:
    """Save answers atomically; the previous version is kept as ``<file>.bak``.

    Parameters
    ----------
    answers : Answers
    path : str or Path, optional
        Default: :func:`answers_path` of the report in the default folder.
    replace_invalid : bool
        An existing file that is not a valid answers file is refused unless this is true; it is then
        kept as ``<file>.bak`` before being replaced.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    FormError
        The existing file is corrupt (and ``replace_invalid`` is false), or the folder is not writable.
    """
    path = Path(path) if path is not None else answers_path(answers.report)
    if path.exists():
        try:
            existing = load_answers(path)
        except FormError as error:
            if not replace_invalid:
                raise FormError(f"refusing to overwrite: {error}", f"sparar inte över filen: {error.sv}") from None
        else:
            if existing.report != answers.report:
                raise FormError(f"{_display(path)}: holds the answers of {existing.report!r}, not "
                                f"{answers.report!r}; choose another file",
                                f"{_display(path)}: innehåller svaren för {existing.report!r}, inte "
                                f"{answers.report!r}; välj en annan fil")
        write_atomic(path.with_name(path.name + ".bak"), path.read_bytes())
    return write_atomic(path, json.dumps(answers.to_dict(), ensure_ascii=False, indent=2) + "\n")


def answer_files(sources) -> list[Path]:
    """The answers files named by ``sources`` (files, or folders whose ``*.json`` files are taken)."""
    found: list[Path] = []
    for source in [sources] if isinstance(sources, (str, Path)) else sources:
        source = Path(source)
        if source.is_dir():
            found += sorted(source.glob("*.json"))
        elif source.exists():
            found.append(source)
        else:
            raise FormError(f"{_display(source)}: no such file or folder", f"{_display(source)}: finns inte")
    return found


# --------------------------------------------------------------------------- the draft

@dataclass(frozen=True)
class Evidence:
    """One data row a proposal rests on: file, key, the values used, and the year it describes."""

    table: str
    key: tuple  #: ((column, value), …): the row's unique key in the table
    values: tuple  #: ((column, value), …): the values the proposal uses
    describes: str  #: the year(s) the row describes, e.g. "2019 och 2023"
    label: str  #: short Swedish description

    @property
    def file(self) -> str:
        return f"data/{TABLES[self.table].file}"

    @property
    def citation(self) -> str:
        """``"data/initiatives.csv, id 1"``."""
        return f"{self.file}, " + ", ".join(f"{k} {v}" for k, v in self.key)

    def as_dict(self) -> dict:
        return {"fil": self.file, "rad": ", ".join(f"{k} {v}" for k, v in self.key), "beskrivning": self.label,
                "avser": self.describes}


@dataclass(frozen=True)
class Proposal:
    """A proposed answer to one item, with the evidence rows behind it and how strong that evidence is.

    ``strength`` is one of :data:`STRENGTHS`: *står i källan* (the cited words say it), *tolkning*
    (the workbook infers it; ``basis`` names the rule and the words it rests on). ``derived`` names
    numbers in ``text`` computed from the evidence rather than copied from it (none at present).
    """

    item_id: str
    text: str
    evidence: tuple[Evidence, ...]
    describes: str
    choice: str | None = None
    derived: tuple = ()
    strength: str = "står i källan"
    basis: str = ""

    def _repr_markdown_(self) -> str:
        return proposal_markdown(self)


#: How strong a proposal's evidence is: the cited words say it; the workbook infers it; nothing.
STRENGTHS = ("står i källan", "tolkning", "inget underlag")
IN_SOURCE, INFERENCE, NO_BASIS = STRENGTHS


def proposal_markdown(proposal: Proposal | None, item_id: str | None = None) -> str:
    """A proposal as Markdown (Swedish): strength, proposed choice, text, what year it describes, evidence."""
    if proposal is None:
        return f"**Fråga {item_id}:** Underlagets styrka: **{NO_BASIS}**. {NO_EVIDENCE}"
    item = load_form().item(proposal.item_id)
    lines = [f"**Förslag till fråga {item.id}** ({proposal.describes})", ""]
    if proposal.choice:
        lines += [f"Föreslaget val: **{proposal.choice}**", ""]
    lines += [proposal.text, "", "Underlag:"]
    lines += [f"- {e.citation}: {e.label} ({e.describes})" for e in proposal.evidence]
    return "\n".join(lines)


def proposal_html(proposal: Proposal | None) -> str:
    """A proposal as an HTML fragment (Swedish, every value escaped), for the widget."""
    if proposal is None:
        return f"<p>Underlagets styrka: <b>{NO_BASIS}</b>.</p><p><i>{html.escape(NO_EVIDENCE)}</i></p>"
    parts = [f"<p><b>Förslag</b> (underlaget avser {html.escape(proposal.describes)})</p>"]
    if proposal.choice:
        parts.append(f"<p>Föreslaget val: <b>{html.escape(proposal.choice)}</b></p>")
    parts.append(_paragraphs(proposal.text))
    parts.append("<p>Underlag:</p><ul>" + "".join(
        f"<li>{html.escape(e.citation)}: {html.escape(e.label)} ({html.escape(e.describes)})</li>"
        for e in proposal.evidence) + "</ul>")
    return "\n".join(parts)


@dataclass(frozen=True)
class _Rule:
    """How a question selects its initiatives: the source's own focus areas and/or a keyword pattern
    over the seed's verbatim cells (a keyword choice is the workbook's inference)."""

    focus: tuple[str, ...] = ()
    pattern: str | None = None
    columns: tuple[str, ...] = ("kalla_rubrik", "kalla_2019", "kalla_2023")


@dataclass(frozen=True)
class DraftRule:
    """What the draft says for one item, and from which data (one row of :data:`DRAFT_RULES`)."""

    intro: str
    initiatives: _Rule | None = None
    results_of: str | None = None  #: a results question: the outcome measures of that item's initiatives
    expectations: bool = False  #: ÖK 2024's expectations that name this item (ok2024_expectations.csv)
    facts: tuple[str, ...] = ()  #: keys in report_facts.csv
    lists: tuple[str, ...] = ()  #: lists in report_lists.csv
    principles: bool = False  #: the plan's financial principles (plan_principles.csv)
    ok_ska: tuple[int, ...] = ()  #: rows of frameworks.csv, ramverk ok_ska
    money: tuple[str, str] | None = None  #: (insatsområde, key in published_figures) for 2019-2022 and 2023
    choice: str | None = None  #: "decision": an option needs decision words; "reach"; "none": never (reason)
    choice_subject: tuple[str, ...] = ()  #: ("målbild", "målbilden"); for "none": (why no option,)


_RESULTS_INTRO = "Det underlaget säger om resultat av insatserna i föregående fråga:"
#: Words that say a row was followed up or evaluated (what a results description could rest on).
_FOLLOW_UP_WORDS = r"uppföljning|följs upp|utvärdering|följeforskning"
_PERSON = "Personcentrerat arbetssätt och kontinuitet"
_HEALTH = "Hälsofrämjande och förebyggande"
_TRUST = "Tillit och samverkanskultur, överenskommelser"
_SUPPORT = "Gemensamma stödsystem"
_FOLLOW_UP = "Mätningar, berättelser och uppföljning"

#: The draft as a table of rules: per item, what it cites and how it may choose (levels are never named).
DRAFT_RULES: dict[str, DraftRule] = {
    "1": DraftRule("Det underlaget säger om en gemensam målbild:",
                   _Rule(focus=(_FOLLOW_UP,), pattern=r"målbild", columns=("kalla_rubrik",)),
                   expectations=True, choice="decision", choice_subject=("målbild", "målbilden")),
    "2": DraftRule("Det underlaget säger om en gemensam handlingsplan:",
                   _Rule(focus=(_FOLLOW_UP,), pattern=r"handlingsplan"), expectations=True,
                   lists=("bilagor",), choice="decision", choice_subject=("handlingsplan", "handlingsplanen")),
    "3": DraftRule("Det underlaget säger om hur uppföljningen är ordnad:",
                   _Rule(focus=(_FOLLOW_UP,), pattern=r"följs upp|uppföljning|ledningssystem|länsbarometer"),
                   expectations=True, facts=("start_2022",)),
    "4": DraftRule("Det underlaget säger om kommunernas egen styrning:",
                   _Rule(focus=(_FOLLOW_UP,), pattern=r"kommuners ledningssystem|kommunspecifik"),
                   choice="none", choice_subject=("de citerade raderna säger inte att kommunerna har "
                                                  "kommunspecifika handlingsplaner kopplade till målbilden, eller i "
                                                  "hur många kommuner sådana finns",)),
    "5a": DraftRule(f"Insatser som delrapporten redovisar under fokusområdet {_PERSON.lower()}, med källans ord:",
                    _Rule(focus=(_PERSON,))),
    "5b": DraftRule(_RESULTS_INTRO, results_of="5a"),
    "6": DraftRule("Rader där källans text nämner något digitalt:",
                   _Rule(pattern=r"digital|e-hälso|välfärdsteknik|egenmonitorering")),
    "7": DraftRule("Källans text om socioekonomi, glesbygd eller landsbygd (om insatsen är riktad till sådana "
                   "områden säger raden inte):", _Rule(pattern=r"glesbygd|landsbygd|socioekonomi|utsatta områden")),
    "8a": DraftRule("Insatser där källans text nämner patientkontrakt, delaktighet eller peer:",
                    _Rule(pattern=r"patientkontrakt|delaktig|\bpeer\b")),
    "8b": DraftRule(_RESULTS_INTRO, results_of="8a"),
    "9a": DraftRule("Samverkan med patient- och brukarorganisationer enligt källan:",
                    _Rule(pattern=r"patientorganisation|brukarorganisation|brukarförening"), choice="reach"),
    "9b": DraftRule("Exempel där källan nämner patientorganisationer, patientnämnden eller peer:",
                    _Rule(pattern=r"patientorganisation|brukarorganisation|brukarförening|patientnämnd|\bpeer\b")),
    "10a": DraftRule(f"Insatser som delrapporten redovisar under fokusområdet {_TRUST.lower()}, med källans ord:",
                     _Rule(focus=(_TRUST,)), facts=("start_2022", "revision"),
                     lists=("overenskommelser", "revision_fortsatt")),
    "10b": DraftRule(_RESULTS_INTRO, results_of="10a", facts=("revision",)),
    "11a": DraftRule(f"Insatser som delrapporten redovisar under fokusområdet {_HEALTH.lower()}, med källans ord:",
                     _Rule(focus=(_HEALTH,))),
    "11b": DraftRule(_RESULTS_INTRO, results_of="11a"),
    "12a": DraftRule("Kommunernas gemensamma plan säger om ekonomin (planens principer och förväntningar – inte "
                     "belägg för insatser under året):", principles=True,
                     money=("Nära vård", "nara_vard")),
    "13a": DraftRule("Insatser där källans text nämner vårdövergångar, vård i hemmet, sköra äldre eller "
                     "hemrehabilitering:", _Rule(pattern=r"vårdövergång|i hemmet|sköra|hemrehabilitering")),
    "13b": DraftRule(_RESULTS_INTRO, results_of="13a"),
    "14": DraftRule(f"Insatser som delrapporten redovisar under fokusområdet {_SUPPORT.lower()}, med källans ord:",
                    _Rule(focus=(_SUPPORT,)), lists=("lardomar",)),
    "15a": DraftRule("Insatser vars rubrik i källan nämner kompetensutveckling, lärosäte eller framtidens "
                     "medarbetare:",
                     _Rule(pattern=r"kompetensutveckling|lärosäte|framtidens medarbetare", columns=("kalla_rubrik",)),
                     ok_ska=(3,), money=("Vårdens medarbetare", "vardens_medarbetare")),
    "15b": DraftRule(_RESULTS_INTRO, results_of="15a"),
}
#: Item → its initiative rule (the selection part of :data:`DRAFT_RULES`).
RULES: dict[str, _Rule] = {k: r.initiatives for k, r in DRAFT_RULES.items() if r.initiatives}
#: Single-choice answer proposed from the reach of the rows found (9a asks "in how many kommuner").
REACH_CHOICE = {"alla 13": "I alla länets kommuner", "en kommun": "I hälften eller färre av länets kommuner"}
#: Lead-ins of the lists of report_lists.csv, as the draft prints them.
LIST_TITLES = {
    "overenskommelser": "Överenskommelser som delrapporten räknar upp:",
    "revision_fortsatt": "Delrapporten nämner fortsatt arbete för att:",
    "lardomar": "Samordnarnas lärdomar (delrapportens egen summering; här den första eller de första meningarna av varje):",
    "bilagor": "Delrapportens bilagor:",
}
HUVUDMAN_NAMED = ("Delrapportens underlag gäller länet – regionen och länets kommuner tillsammans. {kommun} nämns "
                  "bara där citaten säger det.")
HUVUDMAN_NOTE = ("Delrapportens underlag gäller länet – regionen och länets kommuner tillsammans – och nämner inte "
                 "{kommun} särskilt.")


def _text_of(table: pd.DataFrame, columns) -> pd.Series:
    return table[list(columns)].fillna("").astype(str).agg(" ".join, axis=1).str.replace(r"\s+", " ", regex=True)


def select_initiatives(rule: _Rule, initiatives: pd.DataFrame | None = None) -> pd.DataFrame:
    """The coded initiatives a rule picks, in seed order; a repeat is dropped when its original is picked."""
    table = data.load_initiatives() if initiatives is None else initiatives
    mask = pd.Series(True, index=table.index)
    if rule.focus:
        mask &= table["fokusomrade"].isin(rule.focus)
    if rule.pattern:
        mask &= _text_of(table, rule.columns).str.contains(rule.pattern, case=False, regex=True)
    picked = table[mask]
    ids = set(picked["id"].astype(str))
    return picked[~picked["samma_som"].isin(ids)].reset_index(drop=True)


def _matched_words(rule: _Rule, rows: pd.DataFrame) -> list[str]:
    """Per row: 'rad N ”word”', the words of the seed the keyword rule found."""
    found = []
    for row_id, text in zip(rows["id"], _text_of(rows, rule.columns)):
        match = re.search(rule.pattern, text, flags=re.IGNORECASE)
        found.append(f"rad {row_id} ”{match.group(0)}”")
    return found


def _quote(text) -> str:
    text = " ".join(str(text).split()) if isinstance(text, str) and text.strip() else ""
    return f"”{text}”" if text else "(tom ruta i källan)"


def _initiative_evidence(rows: pd.DataFrame) -> list[Evidence]:
    return [Evidence("initiatives", (("id", int(r.id)),),
                     (("namn", r.namn), ("kalla_rubrik", r.kalla_rubrik), ("kalla_2019", r.kalla_2019),
                      ("kalla_2023", r.kalla_2023), ("beslut", r.beslut)), "2019 och 2023", str(r.namn))
            for r in rows.itertuples()]


def _initiative_lines(rows: pd.DataFrame) -> list[str]:
    return [f"- Rad {r.id}: {_quote(r.kalla_rubrik)} – 2019: {_quote(r.kalla_2019)}; 2023: {_quote(r.kalla_2023)}."
            for r in rows.itertuples()]


def _outcome_lines_and_evidence(initiative_ids) -> tuple[list[str], list[Evidence]]:
    """The outcome measures (slag = utfall) of some initiatives: the seed's phrase per year, the number
    only where it is printed. Counts of structures, spread or volume (omfattning) are not outcomes."""
    table = data.load_indicators()
    rows = table[table["initiativ_id"].isin(list(initiative_ids)) & (table["slag"] == "utfall")]
    lines, evidence = [], []
    for r in rows.itertuples():
        parts = []
        for year in ("2019", "2023"):
            value, quote = getattr(r, f"varde_{year}"), getattr(r, f"citat_{year}")
            if pd.isna(value):
                continue
            derived = r.typ == "härledd" and f"{year}:" in str(r.berakning or "")
            shown = _quote(quote) if derived else f"{format_number(int(value))} {r.enhet} ({_quote(quote)})"
            parts.append(f"{year}: {shown}")
        lines.append(f"- {r.matt} (rad {r.initiativ_id}): {'; '.join(parts)}.")
        values = [("initiativ_id", r.initiativ_id), ("matt", r.matt), ("enhet", r.enhet), ("slag", r.slag),
                  ("typ", r.typ)]
        values += [(c, getattr(r, c)) for c in ("citat_2019", "citat_2023") if isinstance(getattr(r, c), str)]
        values += [(c, int(getattr(r, c))) for c in ("varde_2019", "varde_2023") if pd.notna(getattr(r, c))]
        evidence.append(Evidence("indicators", (("key", r.key),), tuple(values), "2019 och 2023", r.matt))
    if lines:
        lines.insert(0, "Mått på utfall för målgruppen:")
    return lines, evidence


def _follow_up_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows whose seed text says they were followed up or evaluated."""
    return rows[_text_of(rows, ("kalla_rubrik", "kalla_2019", "kalla_2023")).str.contains(
        _FOLLOW_UP_WORDS, case=False, regex=True)] if not rows.empty else rows


def _expectation_lines_and_evidence(item_id: str) -> tuple[list[str], list[Evidence]]:
    table = data.load("ok2024_expectations")
    rows = table[table["fragor"].str.split(";").map(lambda items: item_id in items)]
    if rows.empty:
        return [], []
    lines = [f"Bildspelets avsnitt ”{rows['section'].iloc[0]}” säger (om vad som är centralt – inte ett belägg för "
             "läget 2022):"]
    lines += [f"- {_quote(sentence)}" for sentence in dict.fromkeys(rows["citat"])]
    evidence = [Evidence("ok2024_expectations", (("ordning", int(r.ordning)),),
                         (("citat", r.citat), ("section", r.section)), "2024", r.forvantning)
                for r in rows.itertuples()]
    return lines, evidence


def _fact_lines_and_evidence(keys) -> tuple[list[str], list[Evidence]]:
    table = data.load("report_facts").set_index("key")
    lines, evidence = ["Delrapporten säger också:"], []
    for key in keys:
        row = table.loc[key]
        lines.append(f"- {_quote(row.citat)}")
        year = "" if pd.isna(row.ar) else str(int(row.ar))
        evidence.append(Evidence("report_facts", (("key", key),), (("citat", row.citat),), year or "2019–2023",
                                 row.fakta))
    return lines, evidence


def _list_lines_and_evidence(names) -> tuple[list[str], list[Evidence]]:
    table = data.load("report_lists")
    lines, evidence = [], []
    for name in names:
        rows = table[table["lista"] == name]
        lines += ["", LIST_TITLES[name]] + [f"- {_quote(r.text)}" for r in rows.itertuples()]
        evidence += [Evidence("report_lists", (("lista", name), ("ordning", int(r.ordning))),
                              (("text", r.text),), "2019–2023", f"{name} {r.ordning}") for r in rows.itertuples()]
    return lines, evidence


def _principle_lines_and_evidence() -> tuple[list[str], list[Evidence]]:
    rows = data.load("plan_principles")
    lines = [f"- {_quote(r.citat)}" for r in rows.itertuples()]
    evidence = [Evidence("plan_principles", (("ordning", int(r.ordning)),), (("citat", r.citat),), "planen",
                         r.princip) for r in rows.itertuples()]
    return lines, evidence


def _ok_ska_lines_and_evidence(numbers) -> tuple[list[str], list[Evidence]]:
    table = data.load_frameworks().query("ramverk == 'ok_ska'").set_index("ordning")
    lines = ["Bildspelet från Kommunal utveckling, avsnittet ”Vad ska medlen användas till?” (avsnittet anger inget "
             "år; det är en förväntan, inte ett belägg för läget):"]
    lines += [f"- {_quote(table.at[n, 'citat'])}" for n in numbers]
    evidence = [Evidence("frameworks", (("ramverk", "ok_ska"), ("ordning", int(n))),
                         (("citat", table.at[n, "citat"]),), "utan år", table.at[n, "namn"]) for n in numbers]
    return lines, evidence


def _figure_evidence(key: str) -> tuple[int, Evidence]:
    figures = data.load_published_figures().set_index("key")
    row = figures.loc[key]
    return int(row["value"]), Evidence("published_figures", (("key", key),),
                                       (("value", int(row["value"])), ("label", str(row["label"]))),
                                       str(row["period"]), str(row["label"]))


def _allocation_evidence(period: str, kommun: str, insatsomrade: str) -> tuple[int, Evidence]:
    cells = data.load_allocations().set_index(["period", "kommun", "insatsomrade"])
    amount = int(cells.loc[(period, kommun, insatsomrade), "amount_sek"])
    column = str(cells.loc[(period, kommun, insatsomrade), "column_as_published"])
    return amount, Evidence("allocations", (("period", period), ("kommun", kommun), ("insatsomrade", insatsomrade)),
                            (("amount_sek", amount), ("column_as_published", column)), period,
                            f"{insatsomrade}, {kommun} {period}")


def _money_line(period: str, key: str, insatsomrade: str, kommun: str | None) -> tuple[str, Evidence]:
    """One published amount as the table prints it: the län's stated total, or one kommun's cell."""
    shown = period.replace("-", "–")
    if kommun:
        amount, ev = _allocation_evidence(period, kommun, insatsomrade)
        return (f"- {kommun}: {format_sek(amount)} i kolumnen ”{dict(ev.values)['column_as_published']}”, "
                f"fördelningstabellen {shown}."), ev
    amount, ev = _figure_evidence(f"total.{period}.{key}")
    printed = data.load_published_figures().set_index("key").at[f"total.{period}.{key}", "as_published"]
    mark = f" (tryckt ”{printed}”, med fotnotstecken)" if "*" in str(printed) else ""
    return f"- Fördelningstabellen {shown}, raden ”{dict(ev.values)['label']}”: {format_sek(amount)}{mark}.", ev


def _money(insatsomrade: str, key: str, kommun: str | None) -> tuple[list[str], list[Evidence]]:
    """Lines and evidence for one insatsområde's money in 2019-2022 and 2023, for the län or one kommun."""
    pairs = [_money_line(period, key, insatsomrade, kommun) for period in ("2019-2022", "2023")]
    return [line for line, _ in pairs], [ev for _, ev in pairs]


def _choice(rule: DraftRule, item_id: str, rows: pd.DataFrame) -> tuple[str | None, str, str]:
    """(option, Swedish sentence on the choice, strength of the choice) for a single-choice item.

    An option is proposed only when cited words match it: "Ja" needs decision words (``beslut``)
    in a cited row, and "Ja, men … revidera …" also the word "revider…"; otherwise nothing, and why.
    """
    options = load_form().item(item_id).options
    if rule.choice == "decision":
        decided = [b for b in rows["beslut"].fillna("") if b]
        revising = _text_of(rows, ("kalla_rubrik", "kalla_2023")).str.contains(r"revider", case=False).any()
        if decided:
            option = options[1] if revising else options[0]
            return option, f"Valet bygger på källans ord om ett beslut: {_quote(decided[0])}.", IN_SOURCE
        said = "; ".join(f"rad {r.id}: {_quote(r.kalla_2023)}" for r in rows.itertuples())
        thing, the_thing = rule.choice_subject
        return None, (f"Inget alternativ föreslås. Alternativen ”{options[0]}” och ”{options[1]}” gäller en "
                      f"beslutad {thing}, men de citerade raderna säger inte att {the_thing} är beslutad "
                      f"({said}). Välj själv."), NO_BASIS
    if rule.choice == "reach":
        reaches = set(rows["rackvidd_2023"])
        if len(reaches) == 1 and next(iter(reaches)) in REACH_CHOICE:
            option = REACH_CHOICE[next(iter(reaches))]
            return option, (f"Valet är en tolkning: arbetsbokens kodade räckvidd ({next(iter(reaches))}) "
                            "översatt till formulärets alternativ."), INFERENCE
        return None, "Inget alternativ föreslås: raderna säger inte i hur många kommuner det sker. Välj själv.", \
            NO_BASIS
    return None, f"Inget alternativ föreslås: {rule.choice_subject[0]}. Välj själv.", NO_BASIS


def _proposal(item_id: str, intro: str, lines: list[str], evidence: list[Evidence], describes: str,
              choice: str | None = None, derived: tuple = (), note: str = YEAR_NOTE,
              strength: str = IN_SOURCE, basis: str = "") -> Proposal | None:
    if not evidence:
        return None
    text = "\n".join([f"Underlagets styrka: {strength}. {basis}".strip(), "", intro, "", *lines, "", note]).strip()
    text = re.sub(r"\n{3,}", "\n\n", text)
    unique = tuple(dict.fromkeys(evidence))
    return Proposal(item_id, text, unique, describes, choice, derived, strength, basis)


def _draft_item(item_id: str, rule: DraftRule, picked: dict, kommun: str | None) -> Proposal | None:
    """One item of the draft, from its row of :data:`DRAFT_RULES`."""
    lines: list[str] = []
    evidence: list[Evidence] = []
    inferred: list[str] = []  # the rules and words a "tolkning" rests on
    selection = rule.initiatives or (DRAFT_RULES[rule.results_of].initiatives if rule.results_of else None)
    rows = picked.get(rule.results_of or item_id, pd.DataFrame())
    about_lan = False
    if rule.results_of:
        lines, evidence = _outcome_lines_and_evidence(rows["id"])
        followed = _follow_up_rows(rows)
        if not followed.empty:
            lines += ["", "Rader i föregående fråga som nämner uppföljning eller utvärdering (det en "
                          "resultatbeskrivning kan bygga på – inga mått på resultat):", *_initiative_lines(followed)]
            evidence += _initiative_evidence(followed)
            inferred.append(_keyword_basis(_Rule(pattern=_FOLLOW_UP_WORDS), followed, "rader"))
        about_lan = bool(evidence)
    elif rule.initiatives is not None and not rows.empty:
        lines, evidence = _initiative_lines(rows), _initiative_evidence(rows)
        about_lan = True
    if evidence and selection is not None and selection.pattern:
        cited = {dict(e.values)["initiativ_id"] for e in evidence if e.table == "indicators"}
        cited |= {dict(e.key)["id"] for e in evidence if e.table == "initiatives"}
        shown = rows[rows["id"].isin(cited)] if rule.results_of else rows
        if not shown.empty:
            inferred.insert(0, _keyword_basis(selection, shown, "insatser" if rule.results_of else "rader",
                                              all_rows=not rule.results_of))
    extras = ((rule.expectations, lambda: _expectation_lines_and_evidence(item_id)),
              (bool(rule.facts), lambda: _fact_lines_and_evidence(rule.facts)),
              (bool(rule.lists), lambda: _list_lines_and_evidence(rule.lists)),
              (bool(rule.ok_ska), lambda: _ok_ska_lines_and_evidence(rule.ok_ska)))
    for wanted, build in extras:
        more_lines, more = build() if wanted else ([], [])
        if more:
            lines += [line for line in [""] + more_lines if line or lines]
            evidence += more
            about_lan = about_lan or bool(rule.facts or rule.lists)
    if rule.principles:
        more_lines, more = _principle_lines_and_evidence()
        lines += more_lines
        evidence += more
    describes = "2019 och 2023"
    if rule.money:
        insatsomrade, key = rule.money
        money_lines, money_evidence = _money(insatsomrade, key, kommun)
        lines += ["", MONEY_NOTE, *money_lines]
        evidence += money_evidence
        describes = ("2019 och 2023" if about_lan else "planen") + "; pengarna 2019–2022 och 2023"
    if not evidence:
        return None
    choice = None
    if rule.choice:
        choice, sentence, choice_strength = _choice(rule, item_id, rows)
        lines += ["", sentence]
        if choice_strength == INFERENCE:
            inferred.append("valet följer arbetsbokens kodade räckvidd")
    if kommun and about_lan:
        named = any(re.search(rf"\b{re.escape(kommun)}s? kommun", str(value)) for e in evidence for _, value in e.values)
        lines += ["", (HUVUDMAN_NAMED if named else HUVUDMAN_NOTE).format(kommun=kommun)]
    strength = INFERENCE if inferred else IN_SOURCE
    what = [w for w, present in (("källans ord", any(e.table not in ("allocations", "published_figures")
                                                       for e in evidence)),
                                 ("publicerade belopp", bool(rule.money))) if present]
    basis = ("Det bygger på att " + "; och att ".join(inferred) + ". Källans ord citeras ordagrant.") if inferred else (
        f"De citerade raderna säger det; texten återger {' och '.join(what)}.")
    note = YEAR_NOTE if about_lan or rule.initiatives or rule.results_of else PLAN_NOTE
    return _proposal(item_id, rule.intro, lines, evidence, describes, choice, note=note, strength=strength,
                     basis=basis)


def _keyword_basis(selection: _Rule, rows: pd.DataFrame, what: str, all_rows: bool = True) -> str:
    """'arbetsbokens regel väljer rader där … (träffar: …; inga träffar på …)': the rule and its words.

    ``all_rows``: ``rows`` is everything the rule found, so words without a hit can be named.
    """
    words = selection.pattern.replace("\\b", "").split("|")
    hits = _matched_words(selection, rows)
    missing = [w for w in words if not _text_of(rows, selection.columns).str.contains(w, case=False).any()]
    listed = ", ".join(f"”{w}”" for w in words)
    none = f"; inga träffar på {', '.join(f'”{w}”' for w in missing)}" if missing and all_rows else ""
    where = "radens rubrik i källan" if tuple(selection.columns) == ("kalla_rubrik",) else "källans text"
    return (f"arbetsbokens regel väljer {what} där {where} innehåller något av orden {listed} "
            f"(träffar: {', '.join(hits)}{none})")


def draft(kommun: str | None = None) -> dict[str, Proposal | None]:
    """Propose an answer, with its evidence and its strength, for every item the workbook's data can inform.

    Each item follows its row of :data:`DRAFT_RULES`: initiatives chosen by the source's focus areas
    or by keywords over the seed's verbatim cells (then the proposal is a *tolkning* and names the
    words), outcome measures only for the results questions, ÖK 2024's expectations, the report's
    facts and lists, the plan's principles and the published money. Never by naming rows or levels,
    so a recoded ``initiatives.csv`` gives a draft that follows it.

    Parameters
    ----------
    kommun : str, optional
        A municipality using the form internally: the money questions then cite its own cells, and
        proposals about the whole län say that they are not about this municipality.

    Returns
    -------
    dict
        Item id → :class:`Proposal`, or None where no evidence was found (*inget underlag*).
    """
    if kommun is not None and kommun not in KOMMUNER:
        hint = suggest(kommun, KOMMUNER)
        raise FormError(f"unknown municipality {kommun!r}{hint}", f"okänd kommun {kommun!r}{_sv_hint(hint)}")
    initiatives = data.load_initiatives()
    picked = {item_id: select_initiatives(rule, initiatives) for item_id, rule in RULES.items()}
    result: dict[str, Proposal | None] = dict.fromkeys(ITEM_IDS)
    for item_id, rule in DRAFT_RULES.items():
        result[item_id] = _draft_item(item_id, rule, picked, kommun)
    result["16a"] = _vidareutbildning(kommun)
    return result


def _vidareutbildning(kommun: str | None) -> Proposal:
    """16a: the vidareutbildning money of 2019-2022 and 2023, as published (the län's totals or one kommun's cells)."""
    lines, evidence = _money("Vidareutbildning", "vidareutbildning", kommun)
    return _proposal("16a", "Pengarna för vidareutbildning enligt fördelningstabellerna:", lines, evidence,
                     "2019–2022 och 2023",
                     note=MONEY_NOTE + " Formuläret frågar om 2022; tabellerna anger beloppen för perioden 2019–2022 "
                     "och säger inte hur mycket av dem som gäller 2022.",
                     basis="De citerade raderna säger det; texten återger publicerade belopp.")


def draft_table(proposals: dict | None = None) -> pd.DataFrame:
    """One row per item: strength, proposed choice, evidence count and years."""
    proposals = draft() if proposals is None else proposals
    return pd.DataFrame([{"fråga": item_id, "underlagets styrka": p.strength if p else NO_BASIS,
                          "föreslaget val": (p.choice or "") if p else "",
                          "underlag (rader)": len(p.evidence) if p else 0,
                          "underlaget avser": p.describes if p else ""}
                         for item_id, p in proposals.items()]).set_index("fråga")


def draft_answers(report: str, kommun: str | None = None) -> Answers:
    """Answers with every proposal of the draft accepted, e.g. to export the draft for review."""
    answers = Answers(report)
    for proposal in draft(kommun).values():
        if proposal is not None:
            answers.accept(proposal)
    return answers


# --------------------------------------------------------------------------- export

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


_STYLE = """body { font-family: system-ui, sans-serif; max-width: 50rem; margin: 2rem auto; padding: 0 1rem;
  color: #1a1a1a; line-height: 1.5; }
h2 { border-bottom: 1px solid #bbb; margin-top: 2.5rem; }
h3 { font-size: 1rem; margin-bottom: .3rem; }
.svar { margin-left: 1rem; }
.obesvarad { color: #555; font-style: italic; }
.val { font-weight: bold; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } }"""


def _paragraphs(text: str) -> str:
    """Plain text as HTML: blank lines separate paragraphs, lines starting with "- " become a list."""
    out = []
    for block in (b.strip() for b in re.split(r"\n\s*\n", text.strip())):
        lines, items = [], []
        for line in block.splitlines() + [""]:
            if line.startswith("- "):
                if lines:
                    out.append("<p>" + "<br>\n".join(html.escape(x) for x in lines) + "</p>")
                    lines = []
                items.append(line[2:])
                continue
            if items:
                out.append("<ul>" + "".join(f"<li>{html.escape(x)}</li>" for x in items) + "</ul>")
                items = []
            if line:
                lines.append(line)
        if lines:
            out.append("<p>" + "<br>\n".join(html.escape(x) for x in lines) + "</p>")
    return "\n".join(out)


def to_html(answers: Answers) -> str:
    """The answers as a self-contained HTML page (Swedish); every answer value is HTML-escaped."""
    form = answers.form
    esc = html.escape
    body = [f"<h1>{esc(_title(answers))}</h1>", f"<p>{esc(_intro(answers))}</p>"]
    for section in form.sections:
        body.append(f'<section aria-labelledby="avsnitt-{section.id}">')
        body.append(f'<h2 id="avsnitt-{section.id}">{esc(section.title)}</h2>')
        for item in form.items_in(section.id):
            answer = answers.get(item.id)
            body.append(f'<h3 id="fraga-{item.id}">{esc(item.label)}</h3>')
            body.append('<div class="svar">')
            if answer.is_empty():
                body.append('<p class="obesvarad">Inte besvarad.</p>')
            else:
                if item.is_choice:
                    body.append(f'<p>Svar: <span class="val">{esc(answer.choice or "(inget alternativ valt)")}'
                                "</span></p>")
                    if answer.comment.strip():
                        body.append("<p>Kommentar:</p>" + _paragraphs(answer.comment))
                elif answer.text.strip():
                    body.append(_paragraphs(answer.text))
                for title, texts in _checked_lines(answers, item):
                    body.append(f"<p>{esc(title)}:</p><ul>" + "".join(f"<li>{esc(t)}</li>" for t in texts) + "</ul>")
            body.append("</div>")
        body.append("</section>")
    body.append('<section aria-labelledby="underlag"><h2 id="underlag">Underlag</h2>')
    evidence = _evidence_list(answers)
    if evidence:
        body.append("<p>Svar som bygger på arbetsbokens förslag vilar på dessa rader i arbetsbokens data:</p><ul>")
        body += [f"<li>Fråga {esc(item_id)}: {esc(e.get('fil', ''))}, {esc(e.get('rad', ''))} – "
                 f"{esc(e.get('beskrivning', ''))} (avser {esc(e.get('avser', ''))})</li>" for item_id, e in evidence]
        body.append("</ul>")
    else:
        body.append("<p>Inga svar bygger på arbetsbokens förslag.</p>")
    body.append("</section>")
    return ("<!DOCTYPE html>\n<html lang=\"sv\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{esc(_title(answers))}"
            f"</title>\n<style>\n{_STYLE}\n</style>\n</head>\n<body>\n<main>\n" + "\n".join(body)
            + "\n</main>\n</body>\n</html>\n")


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
    import shutil
    import tempfile

    try:
        out.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".naravard-export-", dir=out))
    except OSError as error:
        raise FormError(f"{_display(out)}: cannot write to this folder ({error.strerror}); choose another folder",
                        f"{_display(out)}: det går inte att skriva i mappen ({error.strerror}); välj en annan "
                        "mapp") from None
    try:
        for name, text in texts.items():
            write_atomic(staging / name, text)
        files.replace_together([(staging / name, out / name) for name in texts], staging / ".ersatta")
    except OSError as error:
        raise FormError(f"{_display(out)}: nothing exported, {files.os_error_text(error)}",
                        f"{_display(out)}: inget exporterades, {files.os_error_text(error)}") from None
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
