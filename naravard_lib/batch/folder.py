"""The output folder: which folders a build may write into, its lock, staging area, publishing and index.

Only a folder that is new, empty or made by naravard (it holds ``.naravard/``) is written into.
One build at a time holds its lock; temporary files, ``$TMPDIR`` and Jupyter's runtime files stay in
``<out>/.naravard/tmp`` and are removed afterwards (also what a killed build left). ``index.html``
and ``summary.csv`` are rewritten from what is in the folder (:func:`write_index`).
"""

from __future__ import annotations

import csv
import errno
import fcntl
import io
import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from .. import downloads, files, pages, paths
from ..data import load_municipalities
from ..errors import SetupError
from .execute import key_figures
from .model import ReportResult, build_time, data_version, is_disk_full, one_line, report_files

#: The columns of ``summary.csv``: status, error and date, then the key figures of each report.
SUMMARY_FIELDS = [
    "kommun", "slug", "status", "fel", "byggd", "ar", "nara_vard", "per_invanare", "andel_medel_pct",
    "andel_befolkning_pct", "rang", "foregaende_ar", "totalt_foregaende_ar", "flerarsperiod", "totalt_flerarsperiod",
    "forandring", "varav_pott", "varav_befolkningsandel", "befolkning", "befolkning_datum", "landsbygdskommun",
]
HIDDEN_DIR = ".naravard"  # <out>/.naravard/{build.lock, logs/, tmp/}: also the mark of a folder the tool made
#: The files describing the whole folder, rewritten after every build in this order (see :func:`write_index`);
#: the checksums come last, since they cover all the others.
FOLDER_FILES = ("summary.csv", "index.html", downloads.LAN_WORKBOOK, downloads.SWEDISH_CSV, downloads.STATEMENT,
                downloads.CHECKSUMS)


def protected_folders(template: str | Path | None = None) -> tuple[list[Path], list[Path]]:
    """Where a build must never write: ``(exactly these, these and everything inside them)``.

    Exactly: ``/``, the project root and every folder holding it. With what is inside: ``data/``, the
    active data folder, ``notebooks/``, ``parameters/``, ``tests/``, the library and the report
    template's folder.
    """
    root = paths.PROJECT_ROOT.resolve()
    library = Path(__file__).resolve().parents[1]
    inside = [paths.DATA_DIR, paths.data_dir(), paths.NOTEBOOKS_DIR, paths.PARAMETERS_DIR, root / "tests", library]
    exactly = [Path("/"), root, *root.parents]
    if template is not None:
        exactly.append(Path(template).resolve().parent)
    return exactly, [p.resolve() for p in inside]


def check_output_folder(out_dir: str | Path, force: bool = False, template: str | Path | None = None) -> None:
    """Refuse an output folder the build must not write into, with one line saying what to do.

    The folder must be new, empty or made by naravard (it holds ``.naravard/``); ``force`` accepts
    another folder. The project's own folders (``data/``, ``notebooks/``, ``parameters/``, ``tests/``
    and the library, with what lies inside them; the template's folder), the project root, a folder
    holding it, and ``/`` are refused even with ``force``.

    Examples
    --------
    >>> check_output_folder("/")
    Traceback (most recent call last):
    ...
    naravard_lib.errors.SetupError: --out /: is the project's own folder (or /); the reports need a folder of their own, e.g. reports/ (the default)
    """
    path = Path(out_dir).absolute()
    if str(out_dir).strip() == "":
        raise SetupError("--out is empty; give the name of a folder (default: reports/)")
    if path.exists() and not path.is_dir():
        raise SetupError(f"--out {path}: is a file, not a folder; give the name of a folder")
    resolved = path.resolve()
    exactly, within = protected_folders(template)
    if resolved in exactly or any(resolved.is_relative_to(p) for p in within):
        raise SetupError(f"--out {path}: is the project's own folder (or /); the reports need a folder of their "
                         "own, e.g. reports/ (the default)")
    if path.is_dir() and not (path / HIDDEN_DIR).is_dir() and not force:
        try:
            entries = sorted(entry.name for entry in path.iterdir())
        except OSError as exc:
            raise SetupError(f"--out {path}: cannot read this folder ({exc.strerror}); choose a folder you can "
                             "write to") from None
        if entries:
            raise SetupError(f"--out {path}: this folder was not made by naravard (no {HIDDEN_DIR}/ in it) and holds "
                             f"{len(entries)} {'entry' if len(entries) == 1 else 'entries'} ({entries[0]}"
                             f"{', …' if len(entries) > 1 else ''}); choose a new or empty folder, or add --force to "
                             "write the reports into it")


class OutputFolder:
    """The output folder during one build: lock, staging area, logs, publishing and cleaning.

    Use as a context manager. Entering checks the folder is one the build may write into (see
    :func:`check_output_folder`) and can be written, takes the lock (or raises :class:`SetupError`
    naming the build that holds it) and removes what killed builds left. Leaving removes the
    staging area, including anything redirected there from ``$TMPDIR`` (see :meth:`confined`).
    """

    def __init__(self, out_dir: str | Path, force: bool = False, template: str | Path | None = None):
        self.path = Path(out_dir).absolute()
        self.hidden = self.path / HIDDEN_DIR
        self.logs = self.hidden / "logs"
        self.staging = self.hidden / "tmp" / str(os.getpid())
        self._lock = None
        self._force, self._template = force, template
        self._raw = out_dir

    def __enter__(self) -> OutputFolder:
        check_output_folder(self._raw, self._force, self._template)
        try:
            self.hidden.mkdir(parents=True, exist_ok=True)
            self._lock = open(self.hidden / "build.lock", "a+", encoding="utf-8")  # noqa: SIM115
        except OSError as exc:
            full = " (the disk is full)" if is_disk_full(exc) else ""
            raise SetupError(f"--out {self.path}: cannot write there ({exc.strerror or exc}){full}; "
                             "choose a folder you can write to") from None
        self._take_lock()
        shutil.rmtree(self.hidden / "tmp", ignore_errors=True)  # what killed builds left (SIGKILL, power loss)
        self.staging.mkdir(parents=True)
        return self

    def _take_lock(self) -> None:
        try:
            fcntl.flock(self._lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            self._lock.seek(0)
            holder = self._lock.read().strip() or "unknown"
            self._lock.close()
            raise SetupError(f"--out {self.path}: another naravard build (pid {holder}) is writing to this "
                             "folder; wait for it to finish or choose another --out") from None
        self._lock.seek(0)
        self._lock.truncate()
        self._lock.write(str(os.getpid()))
        self._lock.flush()

    def __exit__(self, *exc) -> None:
        shutil.rmtree(self.hidden / "tmp", ignore_errors=True)
        if self.logs.is_dir() and not any(self.logs.iterdir()):
            self.logs.rmdir()
        if self._lock is not None and not self._lock.closed:
            self._lock.seek(0)
            self._lock.truncate()
            self._lock.close()  # releases the lock; the empty file stays (removing it would race)

    @property
    def lock_fd(self) -> int:
        return self._lock.fileno()

    @contextmanager
    def confined(self):
        """``$TMPDIR`` and ``$JUPYTER_RUNTIME_DIR`` inside the staging area while the build runs.

        Workers and kernels inherit them, so their temporary and runtime files go where
        :meth:`__exit__` (or the next build, after a kill) removes them.
        """
        values = {"TMPDIR": self.staging / "tmpdir", "JUPYTER_RUNTIME_DIR": self.staging / "runtime"}
        for folder in values.values():
            folder.mkdir(exist_ok=True)
        saved = {key: os.environ.get(key) for key in values}
        saved_tempdir = tempfile.tempdir
        os.environ.update({key: str(value) for key, value in values.items()})
        tempfile.tempdir = str(values["TMPDIR"])
        try:
            yield
        finally:
            tempfile.tempdir = saved_tempdir
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value

    def publish(self, result: ReportResult) -> None:
        """Move a finished report's staged files into place, all of them or none.

        The files they replace are moved aside first and put back when any move fails, so a report
        is never half-replaced; a kind this build did not make (the PDF without ``--pdf``) keeps
        the earlier file, which the index marks as from an earlier build.

        Raises
        ------
        OSError
            A file could not be replaced (a folder in its place, an immutable file, a full disk); the
            report's files in the folder are as they were.
        """
        names = report_files(result.slug)
        moves = [(Path(staged), self.path / names[kind]) for kind, staged in result.staged.items()]
        files.replace_together(moves, self.staging / f"{result.slug}.replaced")
        (self.logs / f"{result.slug}.log").unlink(missing_ok=True)

    def keep_log(self, slug: str) -> None:
        """Keep a failed report's worker log in ``.naravard/logs/<slug>.log``."""
        log = self.staging / f"{slug}.log"
        if log.exists():
            self.logs.mkdir(exist_ok=True)
            os.replace(log, self.logs / f"{slug}.log")

    def write_text(self, name: str, text: str | bytes) -> None:
        """Write ``name`` in the folder atomically (through the staging area)."""
        files.write_atomic(self.path / name, text, scratch=self.staging)


def _built_at(path: Path) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(path.stat().st_mtime))


def describe_folder(out: Path, fresh: dict[str, ReportResult], failed: dict[str, ReportResult]) -> list:
    """Index entries for exactly what is in ``out``: one per municipality with a report or a failure now.

    Reports built by this run are ``ny``; failures of this run ``fel`` (with the figures of the previous
    good report when it is still there); complete reports from earlier builds ``tidigare``, their key
    figures read from their notebook. Swedish order, as in the seed tables.
    """
    import nbformat  # deferred: slow to import; only old reports' notebooks are read here

    entries = []
    for kommun, slug in load_municipalities()[["kommun", "slug"]].itertuples(index=False):
        names = report_files(slug)
        notebook, page, pdf = out / names["ipynb"], out / names["html"], out / names["pdf"]
        on_disk = notebook.is_file() and page.is_file()
        figures, built_at, error = {}, "", ""
        if slug in fresh:
            figures = fresh[slug].figures
        elif on_disk:
            try:
                figures = key_figures(nbformat.read(notebook, as_version=4))
            except Exception as exc:  # noqa: BLE001 - a damaged old report is listed, not fatal
                error = f"the report on disk cannot be read ({one_line(exc)})"
        if on_disk:
            built_at = _built_at(notebook)
        if slug in failed:
            status, error = "fel", failed[slug].error
        elif slug in fresh:
            status = "ny"
        elif on_disk:
            status = "fel" if error else "tidigare"
        else:
            continue
        has_pdf = pdf.is_file()
        # A PDF older than its report's notebook is from an earlier build (a build without --pdf keeps it).
        earlier_pdf = has_pdf and on_disk and pdf.stat().st_mtime < notebook.stat().st_mtime - 1
        entries.append(pages.IndexEntry(kommun, slug, status, error, figures, built_at, has_pdf=has_pdf,
                                        pdf_built_at=_built_at(pdf) if earlier_pdf else "",
                                        downloads=downloads.report_links(out, slug)))
    return entries


def summary_csv(entries: list) -> str:
    """``summary.csv``: one row per index entry with its status, error, date and key figures.

    Examples
    --------
    >>> summary_csv([]).split(",")[:5]
    ['kommun', 'slug', 'status', 'fel', 'byggd']
    """
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=SUMMARY_FIELDS, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for entry in entries:
        writer.writerow({**entry.figures, "kommun": entry.kommun, "slug": entry.slug, "status": entry.status,
                         "fel": entry.error, "byggd": entry.built_at})
    return buffer.getvalue()


def write_index(folder: OutputFolder, fresh: dict, failed: dict) -> None:
    """Rewrite :data:`FOLDER_FILES` (summary, index, län workbook, Swedish CSV, statement, checksums)."""
    entries = describe_folder(folder.path, fresh, failed)
    built_at, version = build_time(), data_version()
    texts = {"summary.csv": summary_csv(entries), "index.html": pages.index_page(entries, built_at, version)}
    texts.update(downloads.folder_files(entries, fresh, built_at, version, index_html=texts["index.html"]))
    for name in FOLDER_FILES[:-1]:  # all built before any is written
        folder.write_text(name, texts[name])
    folder.write_text(FOLDER_FILES[-1], downloads.checksums(folder.path))
