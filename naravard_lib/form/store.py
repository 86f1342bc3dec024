"""The answers files: where they live, reading them with bounds, saving them atomically with a backup.

An answers file is ``<folder>/<slug>.json`` (:func:`answers_path`). :func:`load_answers` refuses a
corrupt, oversized or hand-broken file with one line naming the file and field; :func:`save_answers`
keeps the previous version as ``<file>.bak`` and never overwrites a file it cannot read unless asked.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from .. import files, paths
from ..formatting import slugify
from .answers import Answers
from .model import FormError

#: Environment variable that moves the default folder for answer files.
ANSWERS_ENV = "NARAVARD_UPPFOLJNING"


def default_answers_dir() -> Path:
    """Where answer files live unless told otherwise: ``uppfoljning/`` (git-ignored) or ``$NARAVARD_UPPFOLJNING``."""
    return Path(os.environ.get(ANSWERS_ENV, paths.PROJECT_ROOT / "uppfoljning"))


def answers_path(report: str, folder: str | Path | None = None) -> Path:
    """The answers file of a report: ``<folder>/<slug>.json``.

    >>> answers_path("Jönköpings län", "uppfoljning").as_posix()
    'uppfoljning/jonkopings-lan.json'
    """
    return Path(folder if folder is not None else default_answers_dir()) / f"{slugify(report)}.json"


def display(path: Path) -> str:
    """``path`` relative to the project when it is inside it (as messages name files), else as given."""
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
    name = display(path)
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


def write(path: str | Path, content: str | bytes) -> Path:
    """Write ``content`` with :func:`naravard_lib.files.write_atomic`; an ``OSError`` becomes one :class:`FormError`.

    An error leaves ``path`` as it was and removes the temporary file; the file gets the user's
    normal permissions (``umask``), or keeps those of the file it replaces.
    """
    path = Path(path)
    try:
        return files.write_atomic(path, content)
    except OSError as error:
        folder = path.parent
        if isinstance(error, files.FolderNotWritable):
            raise FormError(f"{display(folder)}: cannot write to this folder ({error.strerror}); choose another "
                            "folder", f"{display(folder)}: det går inte att skriva i mappen ({error.strerror}); "
                            "välj en annan mapp") from None
        raise FormError(f"{display(path)}: could not be written ({error.strerror}); the earlier file is "
                        "unchanged", f"{display(path)}: kunde inte skrivas ({error.strerror}); den tidigare "
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
                raise FormError(f"{display(path)}: holds the answers of {existing.report!r}, not "
                                f"{answers.report!r}; choose another file",
                                f"{display(path)}: innehåller svaren för {existing.report!r}, inte "
                                f"{answers.report!r}; välj en annan fil")
        write(path.with_name(path.name + ".bak"), path.read_bytes())
    return write(path, json.dumps(answers.to_dict(), ensure_ascii=False, indent=2) + "\n")


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
            raise FormError(f"{display(source)}: no such file or folder", f"{display(source)}: finns inte")
    return found
