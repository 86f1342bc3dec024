"""Files in and out, safely: bounded reading of input files and the one atomic writer.

Every input file (data, parameters, answers) is read with :func:`read_bounded`: a regular file
(not a FIFO, a device or a folder, also behind a symlink) of at most a given size, so a symlink
to ``/dev/zero`` or a named pipe is one line instead of an exhausted memory or a hang. Every file
the workbook publishes is written with :func:`write_atomic`: a reader sees the old file or the new
one, never a part, and the new file gets the user's normal permissions (``umask``).
"""

from __future__ import annotations

import errno
import io
import os
import shutil
import stat
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path


class FolderNotWritable(OSError):
    """:func:`write_atomic` could not create its temporary file: the folder is the problem, not the file."""


class InputFileProblem(ValueError):
    """An input file that must not be read: not a regular file, or too large. One line, no path."""


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_bounded(path: str | Path, limit: int) -> bytes:
    """The bytes of ``path``, which must be a regular file of at most ``limit`` bytes.

    A symlink is followed and its target checked. The file is opened without blocking, so a FIFO
    that appears between the check and the open cannot hang the reader.

    Raises
    ------
    InputFileProblem
        Not a regular file, or larger than ``limit`` (the message names neither the file nor a fix).
    FileNotFoundError, OSError
        As :func:`open` raises them.

    Examples
    --------
    >>> read_bounded("/dev/null", 10)
    Traceback (most recent call last):
    ...
    naravard_lib.files.InputFileProblem: is a device, not a regular file
    """
    info = os.stat(path)
    if not stat.S_ISREG(info.st_mode):
        kind = _kind(info.st_mode)
        raise InputFileProblem(f"is {kind}, not a regular file" if kind != "not a regular file" else
                               "is not a regular file")
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):  # swapped after the check
            raise InputFileProblem("is not a regular file")
        content = handle.read(limit + 1)
    if len(content) > limit:
        raise InputFileProblem(f"is larger than {_size(limit)}")
    return content


def _size(limit: int) -> str:
    return f"{limit // 1_048_576} MB" if limit >= 1_048_576 else f"{limit // 1024} KB"


def default_mode() -> int:
    """The permissions a new file gets here: ``0o666`` less the process's ``umask``."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_atomic(path: str | Path, content: str | bytes, scratch: str | Path | None = None) -> Path:
    """Write ``content`` to ``path`` so that a reader sees the old file or the new one, never a part.

    The content goes to a temporary file (in ``scratch``, which must be on the same file system, or
    beside ``path``), is flushed and fsynced, gets the mode of the file it replaces (a new file: the
    user's ``umask``) and then replaces ``path`` with :func:`os.replace`. An error leaves ``path`` as
    it was, removes the temporary file and is raised as the ``OSError`` it was
    (:class:`FolderNotWritable` when the temporary file could not be created).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> write_atomic(folder / "a.txt", "hej").read_text()
    'hej'
    """
    path = Path(path)
    folder = Path(scratch) if scratch is not None else path.parent
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        mode = default_mode()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise FolderNotWritable(error.errno, error.strerror, str(folder)) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content.encode("utf-8") if isinstance(content, str) else content)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    try:  # make the rename itself durable
        directory = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
    except OSError:  # pragma: no cover - some file systems do not fsync directories
        pass
    return path


def replace_together(moves: list[tuple[Path, Path]], aside: Path) -> None:
    """Move each finished ``(staged, final)`` path into place: all of them, or none.

    The files being replaced are first moved into ``aside`` (a new folder on the same file system);
    when any move fails, everything goes back as it was and the ``OSError`` is raised. A final path
    that is a folder where a file is expected is refused before anything moves (it is not ours).
    ``aside`` and the replaced files are removed afterwards.
    """
    for staged, final in moves:
        if final.is_dir() and not final.is_symlink() and not Path(staged).is_dir():
            raise IsADirectoryError(errno.EISDIR, "is a folder, not a file", str(final))
    aside.mkdir(parents=True)
    moved, placed = [], []
    try:
        for _, final in moves:
            if os.path.lexists(final):
                backup = aside / f"{len(moved)}-{final.name}"
                os.replace(final, backup)
                moved.append((backup, final))
        for staged, final in moves:
            os.replace(staged, final)
            placed.append((staged, final))
    except OSError:
        for staged, final in reversed(placed):
            _quietly(os.replace, final, staged)
        for backup, final in reversed(moved):
            _quietly(os.replace, backup, final)
        raise
    finally:
        shutil.rmtree(aside, ignore_errors=True)


def _quietly(function, *args) -> None:
    try:
        function(*args)
    except OSError:  # pragma: no cover - rolling back what was just moved; nothing better to do
        pass


def os_error_text(error: OSError) -> str:
    """``"<file>: <reason>"`` for an ``OSError``, in one line (``"aneby.html: Is a directory"``)."""
    name = Path(error.filename).name if error.filename else ""
    reason = error.strerror or str(error)
    return f"{name}: {reason}" if name else reason


def zip_bytes(members: Iterable[tuple[str, bytes]], date_time: tuple[int, ...] = (1980, 1, 1, 0, 0, 0)) -> bytes:
    """A zip file of ``(name, content)`` members in the given order, the same bytes for the same members.

    Every member gets the one fixed ``date_time`` and the mode ``rw-r--r--``, so a rebuild changes the
    file only when its content changes.

    >>> import zipfile, io
    >>> data = zip_bytes([("a/b.txt", b"hej")])
    >>> data == zip_bytes([("a/b.txt", b"hej")]), zipfile.ZipFile(io.BytesIO(data)).read("a/b.txt")
    (True, b'hej')
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members:
            info = zipfile.ZipInfo(name, date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, content)
    return buffer.getvalue()
