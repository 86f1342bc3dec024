"""The trainer's kit: everything a session needs in one folder and one zip (``make kit KOMMUN=Habo``).

Builds, offline, into a staging folder beside the target and moves it into place only when
complete: a deck per session plan (:mod:`naravard_lib.deck`), the handouts as PDF and HTML
(:mod:`naravard_lib.handouts`), the participant copies of the exercises
(:mod:`naravard_lib.participant`), the municipality's report (the batch build for one
municipality) and a Swedish ``LÄS MIG.md``; then ``<folder>.zip``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from . import municipalities, pages, paths
from .batch import FOLDER_FILES, build, report_files
from .deck import write_decks
from .downloads import STATEMENT
from .errors import SetupError
from .files import write_atomic, zip_bytes
from .formatting import slugify
from .handouts import write_handouts
from .parameters import select
from .participant import write_participant_copies

MARKER = ".naravard-kit"  # the files a kit build wrote, with their SHA-256; a folder without it is not replaced
HANDOUTS_DIR = "utskrifter"
PARTICIPANT_DIR = "deltagare"
REPORT_DIR = "rapport"
README_NAME = "LÄS MIG.md"
_ZIP_TIME = (2024, 1, 1, 0, 0, 0)  # fixed, so the same kit gives the same zip

_PURPOSES = {
    ".pptx": "Bildspel i PowerPoint för passplanen {plan}: en bild per steg, talaranteckningar ur handledningen.",
    "ovningar.pdf": "Övningarna att skriva ut till deltagarna (med rad för svaret).",
    "ovningar.html": "Samma övningar som webbsida (för skärm eller skärmläsare).",
    "ovningar-facit.pdf": "Facit till övningarna, för dig som utbildare. Dela inte ut.",
    "ovningar-facit.html": "Samma facit som webbsida.",
    "faktablad": "Faktablad på en sida om {kommun}: nyckeltal, kartan och kommunens andel av pengarna.",
    ".ipynb": "Deltagarkopia av övningarna för JupyterLab, utan lösningar.",
    "rapport.html": "Kommunrapporten för {kommun} som webbsida.",
    "rapport.pdf": "Kommunrapporten för {kommun} som PDF, att skicka ut eller skriva ut.",
    "index.html": "Förteckningen som rapporten länkar tillbaka till (här bara {kommun}).",
    "rapport.ipynb": "Kommunrapporten för {kommun} som anteckningsbok (för JupyterLab).",
    "rapport.xlsx": "Rapportens tabeller för {kommun} som kalkylblad (Excel).",
    "rapport.zip": "Rapportens data för {kommun} som datapaket (CSV-filer med beskrivning).",
    "summary.csv": "Rapportens nyckeltal i maskinläsbar form (engelska kolumnnamn).",
    "summary_sv.csv": "Rapportens nyckeltal som CSV med svenska rubriker.",
    "lanet.xlsx": "Nyckeltalen som kalkylblad (Excel).",
    "tillganglighet.html": "Tillgänglighetsredogörelsen som sidorna länkar till.",
    "SHA256SUMS": "Kontrollsummor för filerna i rapport/ (kontrollera med sha256sum -c SHA256SUMS).",
}


@dataclass
class Kit:
    """What :func:`build_kit` made: the folder, the zip and the files in the folder (relative paths)."""

    folder: Path
    zip_path: Path
    files: list[str]


def _purpose(relative: str, kommun: str) -> str:
    name = Path(relative).name
    if name.endswith(".pptx"):
        plan = "halvdag" if "halvdag" in name else "90 minuter" if "90-minuter" in name else name
        return _PURPOSES[".pptx"].format(plan=plan)
    if name.startswith("faktablad"):
        return _PURPOSES["faktablad"].format(kommun=kommun) + (" Webbsida." if name.endswith(".html") else "")
    if relative.startswith(f"{REPORT_DIR}/"):
        key = name if name in _PURPOSES else "rapport" + Path(name).suffix
        return _PURPOSES.get(key, "").format(kommun=kommun)
    if name.endswith(".ipynb"):
        return _PURPOSES[".ipynb"]
    return _PURPOSES.get(name, "")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _manifest(folder: Path, files: list[str]) -> str:
    """The marker's text: ``<sha256>  <file>`` per file the kit wrote (the format of ``sha256sum``)."""
    return "".join(f"{_sha256(folder / name)}  {name}\n" for name in files)


def _check_target(out: Path, force: bool = False) -> list[str]:
    """The files of an earlier kit in ``out`` (to replace); refuse a folder holding anything else, or a
    file changed since that kit wrote it (unless ``force``)."""
    if out.exists() and not out.is_dir():
        raise SetupError(f"--out {out}: is a file, not a folder; give the name of a folder")
    if not out.exists() or not any(out.iterdir()):
        return []
    marker = out / MARKER
    if not marker.is_file():
        raise SetupError(f"--out {out}: the folder exists and was not made by `naravard kit`; give a new or empty "
                         "folder (nothing was written)")
    recorded = {}  # file -> SHA-256 as written ("" in a marker of an earlier version: no hash to compare)
    for line in marker.read_text(encoding="utf-8").splitlines():
        digest, separator, name = line.partition("  ")
        if line:
            recorded[name if separator else line] = digest if separator else ""
    written = set(recorded) | {MARKER}
    foreign = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()
                     and str(p.relative_to(out)) not in written)
    if foreign:
        raise SetupError(f"--out {out}: holds {foreign[0]}, which an earlier kit did not write; move it away or "
                         "give another folder (nothing was written)")
    changed = [] if force else [name for name, digest in sorted(recorded.items())
                                if (out / name).is_file() and _sha256(out / name) != digest]
    if changed:
        raise SetupError(f"--out {out}: {changed[0]} was changed after the kit was built; save your edited copy "
                         "elsewhere, or pass --force (make kit FORCE=1) to replace it (nothing was written)")
    return sorted(written)


def _zip(folder: Path, target: Path) -> None:
    members = sorted(p for p in folder.rglob("*") if p.is_file() and p.name != MARKER)
    write_atomic(target, zip_bytes(
        ((f"{folder.name}/{path.relative_to(folder).as_posix()}", path.read_bytes()) for path in members), _ZIP_TIME))


def _report(kommun: str, staging: Path, pdf: bool) -> list[Path]:
    """The municipality's report, by the batch build for one municipality, copied into ``rapport/``."""
    scratch = staging / ".rapportbygge"
    results = build(select([kommun]), scratch, workers=1, show_progress=False, pdf=pdf)
    failed = [r for r in results if not r.ok]
    if failed:
        raise SetupError(f"the report for {kommun} failed: {failed[0].error}")
    target = staging / REPORT_DIR
    target.mkdir()
    copied = []  # what the batch published for the report and its folder, so that every link resolves
    for name in (*report_files(results[0].slug).values(), *FOLDER_FILES):
        if (scratch / name).is_file():
            copied.append(Path(shutil.copy2(scratch / name, target / name)))
    shutil.rmtree(scratch)
    return copied


def _readme(kommun: str, files: list[str]) -> str:
    environment = Environment(loader=FileSystemLoader(Path(__file__).resolve().parent / "templates" / "kit"),
                              autoescape=False, undefined=StrictUndefined, keep_trailing_newline=True)
    listed = [(README_NAME, "Den här filen.")] + [(f, _purpose(f, kommun)) for f in files]
    return environment.get_template("LAS_MIG.md.j2").render(
        site_name=pages.site_name(), kommun=kommun, kommun_arg=kommun if " " not in kommun else f'"{kommun}"',
        kommun_slug=slugify(kommun),
        files=listed, handouts=HANDOUTS_DIR)


def build_kit(kommun: str, out: str | Path | None = None, pdf: bool | None = None, force: bool = False) -> Kit:
    """Build the kit for ``kommun`` into ``out`` (default ``build/kit``) and ``<out>.zip``.

    An earlier kit in ``out`` is replaced, unless a file in it was changed since (a trainer's edited
    deck): that is refused, unless ``force``.

    Raises
    ------
    ParameterError
        For an unknown municipality (one line, with a suggestion); nothing is written.
    SetupError
        When ``out`` holds files an earlier kit did not write, or changed ones (without ``force``), or a part
        cannot be made.
    """
    kommun = municipalities.lookup(kommun, "--kommun")
    out = Path(out or paths.PROJECT_ROOT / "build" / "kit")
    previous = _check_target(out, force)
    if pdf is None:
        pdf = pages.pdf_unavailable_reason() is None
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.parent / f".{out.name}.{os.getpid()}.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        write_decks(staging, kommun)
        write_handouts(staging / HANDOUTS_DIR, kommun, pdf=pdf, statement=f"../{REPORT_DIR}/{STATEMENT}")
        write_participant_copies(staging / PARTICIPANT_DIR)
        _report(kommun, staging, pdf)
        files = sorted(p.relative_to(staging).as_posix() for p in staging.rglob("*") if p.is_file())
        (staging / README_NAME).write_text(_readme(kommun, files), encoding="utf-8")
        files = sorted([*files, README_NAME])
        (staging / MARKER).write_text(_manifest(staging, files), encoding="utf-8")
        if previous:  # an earlier kit: only its own files are there (checked above)
            old = out.parent / f".{out.name}.{os.getpid()}.old"
            os.replace(out, old)
            os.replace(staging, out)
            shutil.rmtree(old)
        else:
            if out.exists():
                out.rmdir()  # empty
            os.replace(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    zip_path = out.with_name(f"{out.name}.zip")
    _zip(out, zip_path)
    return Kit(out, zip_path, files)
