"""One exception class per kind of predictable mistake; each message is one line."""

from __future__ import annotations


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


class RecoveryError(NaravardError):
    """No weight vector reproduces a published split."""
