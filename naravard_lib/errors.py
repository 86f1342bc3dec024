"""One exception class per kind of predictable mistake; each message is one line.

The ``naravard`` command turns them into exit codes (see :data:`EXIT_CODES`).
"""

from __future__ import annotations

import signal

#: Exit codes of ``naravard``: documented in README ("The naravard command").
EXIT_OK = 0  # every selected report written
EXIT_REPORTS_FAILED = 1  # some reports failed; the others are written, the index says which
EXIT_BAD_INPUT = 2  # bad input or setup (data, parameters, options, output folder, scheduler); nothing built
EXIT_NO_PDF = 3  # --pdf asked for but this machine cannot make PDFs: HTML written, earlier PDFs kept
EXIT_SIGHUP = 128 + signal.SIGHUP  # 129: stopped by SIGHUP (terminal closed, SSH session dropped)
EXIT_SIGINT = 128 + signal.SIGINT  # 130: stopped by Ctrl-C
EXIT_SIGTERM = 128 + signal.SIGTERM  # 143: stopped by SIGTERM (e.g. ``timeout``)


def plain(value, limit: int = 60, quote: bool = True) -> str:
    """A value as it reads in a message: numpy scalars as plain numbers, long text cut with "…".

    >>> import numpy as np
    >>> plain(np.int64(-5))
    '-5'
    >>> plain("x" * 100, limit=10)
    "'xxxxxxx…"
    """
    if hasattr(value, "item") and callable(value.item) and getattr(value, "shape", None) == ():
        value = value.item()  # np.int64(-5) -> -5
    text = repr(value) if isinstance(value, str) and quote else str(value)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 2] + "…"


class NaravardError(Exception):
    """Base class: a problem the user can fix, reported as one plain line."""


class DataError(NaravardError):
    """A data file is missing or a row breaks its schema.

    Parameters
    ----------
    file : str
        File name (relative to ``data/`` where possible).
    message : str
        What is wrong and, where possible, what to do.
    row : int, optional
        1-based line number in the file (the header is line 1).
    column : str, optional
        The offending column.
    """

    def __init__(self, file: str, message: str, row: int | None = None, column: str | None = None):
        self.file, self.row, self.column = file, row, column
        where = file
        if row is not None:
            where += f", line {row}"
        if column is not None:
            where += f", column '{column}'"
        super().__init__(f"{where}: {message}")


class ParameterError(NaravardError):
    """A report parameter (file or command line) is invalid."""


class UnknownMunicipality(ParameterError):
    """A municipality name or slug that is not in the active data folder's ``municipalities.csv``.

    Raised by :func:`naravard_lib.municipalities.lookup`, the project's one municipality check.
    ``str(error)`` is the English line for the command line; :attr:`message_sv` the Swedish one for
    notebooks and the dashboard.

    Attributes
    ----------
    name : str
        What was asked for.
    suggestion : str or None
        The closest municipality, if one is close.
    message_sv, message_en : str
        One line each, without the ``where`` prefix (``message_en`` with it is ``str(error)``).
    """

    def __init__(self, name: str, suggestion: str | None, message_sv: str, message_en: str, where: str = ""):
        self.name, self.suggestion, self.where = name, suggestion, where
        self.message_sv, self.message_en = message_sv, message_en
        super().__init__(f"{where}: {message_en}" if where else message_en)


class MissingData(NaravardError):
    """The active data folder lacks what a notebook or section is about; one Swedish sentence.

    In a notebook it shows as that sentence alone, not a traceback (IPython's ``_render_traceback_``).
    """

    def _render_traceback_(self) -> list[str]:
        return [str(self)]


class RecoveryError(NaravardError):
    """No weight vector reproduces a published split."""


class SetupError(NaravardError):
    """The build cannot start: output folder, lock, executor or scheduler."""


class DiskFull(NaravardError):
    """The disk filled up during a build: it stopped, finished reports are kept (exit code 1)."""


class Interrupted(BaseException):
    """The build was stopped by SIGHUP, SIGINT or SIGTERM.

    A ``BaseException`` (like ``KeyboardInterrupt``) so that ``except Exception`` does not swallow it.

    Parameters
    ----------
    signum : int
        The signal received.
    message : str
        One line saying what was kept.
    """

    def __init__(self, signum: int, message: str = ""):
        self.signum = signum
        super().__init__(message or f"stopped by {signal.Signals(signum).name}")

    @property
    def exit_code(self) -> int:
        return 128 + self.signum
