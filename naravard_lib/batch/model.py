"""What a build takes and gives: its options, one report's result, the names of a report's files.

Also the small facts every part of the batch shares: how a failure becomes one line, whether it
was a full disk, and the stamps (build time, data version) written into the downloads and the index.
"""

from __future__ import annotations

import errno
import functools
import os
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from .. import pages, paths

#: The files of one report, by kind, published together. A kind a build does not make (the PDF of a
#: build without ``--pdf``) keeps the file of an earlier build; add new kinds here.
REPORT_FILES = {"ipynb": "{slug}.ipynb", "html": "{slug}.html", "pdf": "{slug}.pdf",
                **{kind: "{slug}." + kind for kind, *_ in pages.DOWNLOADS}}  # spreadsheet, data package
_TIME_FORMAT = "%Y-%m-%d %H:%M"


@dataclass(frozen=True)
class BuildOptions:
    """How every report of one build is executed and written (the same for all of them).

    ``template`` defaults to :data:`naravard_lib.paths.REPORT_TEMPLATE` (read when the options are
    made) and is always stored resolved.

    Examples
    --------
    >>> options = BuildOptions(pdf=True)
    >>> options.template.name, options.pdf, options.isolate, options.timeout
    ('kommunrapport.ipynb', True, False, 600)
    """

    template: Path | None = None  # the report template (see above)
    pdf: bool = False  # also write <slug>.pdf
    verbose: bool = False  # kernels' logs to the terminal, not to <out>/.naravard/logs/
    isolate: bool = False  # a fresh kernel per report instead of one warm kernel per worker
    kernel_name: str = paths.KERNEL_NAME
    timeout: int = 600  # seconds one cell may run

    def __post_init__(self):
        object.__setattr__(self, "template", Path(self.template or paths.REPORT_TEMPLATE).resolve())


@dataclass
class ReportResult:
    """What one run produced: its key figures and staged files, or its error (one line)."""

    kommun: str
    slug: str
    ok: bool
    error: str = ""
    figures: dict = field(default_factory=dict)
    staged: dict = field(default_factory=dict)  # kind (see REPORT_FILES) -> path in the staging folder
    checks: dict = field(default_factory=dict)  # accessibility checks of the page and PDF (downloads.stage_report)
    disk_full: bool = False  # it failed because the disk is full: the build stops


def report_files(slug: str) -> dict[str, str]:
    """The file names of one report, by kind.

    Examples
    --------
    >>> report_files("aneby")["html"], report_files("aneby")["xlsx"]
    ('aneby.html', 'aneby.xlsx')
    """
    return {kind: pattern.format(slug=slug) for kind, pattern in REPORT_FILES.items()}


def one_line(exc: BaseException) -> str:
    """An exception (also one raised in the kernel) as one line of at most 500 characters.

    Examples
    --------
    >>> one_line(ValueError("two\\nlines"))
    'ValueError: two lines'
    """
    name = getattr(exc, "ename", None) or type(exc).__name__
    value = getattr(exc, "evalue", None) or str(exc)
    return " ".join(f"{name}: {value}".split())[:500]


def is_disk_full(exc: BaseException | None) -> bool:
    """Whether ``exc`` (or what caused it) is a full disk or an exceeded quota.

    Examples
    --------
    >>> import errno, os
    >>> is_disk_full(OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))), is_disk_full(ValueError())
    (True, False)
    """
    while exc is not None:
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        if "[Errno 28]" in str(getattr(exc, "evalue", "")):  # raised inside the kernel
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def build_time() -> str:
    """Now, as the downloads and the index show it: ``YYYY-MM-DD HH:MM``, local time.

    When ``$SOURCE_DATE_EPOCH`` is set (the reproducible-builds convention), that moment in UTC instead.

    Examples
    --------
    >>> import os
    >>> os.environ["SOURCE_DATE_EPOCH"] = "1700000000"
    >>> build_time()
    '2023-11-14 22:13'
    >>> del os.environ["SOURCE_DATE_EPOCH"]
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return time.strftime(_TIME_FORMAT, time.gmtime(int(epoch)))
    return time.strftime(_TIME_FORMAT)


@functools.lru_cache(maxsize=None)
def data_version() -> str:
    """The git commit of the checkout (with ``-dirty`` when data, parameters or code changed), or ``""``.

    Asked of git once per process: every report a worker stages, and the index, name the same version.
    """
    def git(*args):
        return subprocess.run(["git", *args], cwd=paths.PROJECT_ROOT, capture_output=True, text=True,
                              timeout=5, check=True).stdout.strip()

    try:
        commit = git("rev-parse", "--short", "HEAD")
        dirty = git("status", "--porcelain", "--", "data", "parameters", "naravard_lib", "notebooks/kommunrapport.ipynb")
    except (OSError, subprocess.SubprocessError):
        return ""
    return commit + ("-dirty" if dirty else "")
