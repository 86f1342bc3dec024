"""The build: check, run every report on an executor, publish each as it finishes, then describe the folder."""

from __future__ import annotations

import shutil
import signal
import socket
import sys
from pathlib import Path

from tqdm.auto import tqdm

from .. import files, pages
from ..errors import DiskFull, Interrupted, SetupError
from ..parameters import ReportParameters
from .dask_executor import check_scheduler, run_dask
from .folder import OutputFolder, check_output_folder, write_index
from .local_executor import run_local
from .model import BuildOptions, ReportResult, is_disk_full
from .signals import StopSignals, Stopped


def loopback_problem(timeout: float = 2) -> str:
    """Why kernels could not talk to this process over ``127.0.0.1``, in one line; ``""`` when they can.

    Jupyter kernels listen on the loopback interface; without it every kernel start waits a minute
    and fails with no hint. This tries a connection to itself, within ``timeout`` seconds.

    Examples
    --------
    >>> loopback_problem()
    ''
    """
    try:
        with socket.socket() as server:
            server.bind(("127.0.0.1", 0))
            server.listen(1)
            with socket.create_connection(server.getsockname(), timeout=timeout):
                pass
    except OSError as exc:
        return (f"this machine has no working loopback network (127.0.0.1: {exc.strerror or exc}); Jupyter "
                "kernels talk to the build over it; bring the interface up (as root: ip link set lo up) and "
                "run the build again")
    return ""


def _skip_iri_format_check() -> None:
    """Keep jsonschema from compiling the optional ``iri`` format checker in this process.

    When ``rfc3987-syntax`` is installed (it comes with jupyter's dependencies), importing jsonschema,
    and so nbformat and papermill, builds 39 lark grammars: about 2.8 s of one core before the first
    worker starts (measured with cProfile). Notebook validation never checks that format.
    """
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # an ImportError for jsonschema, which skips the checker


def _preload_for_workers() -> None:
    """Import what every forked worker needs once, here: the workers inherit it (see :func:`run_local`)."""
    _skip_iri_format_check()
    import nbformat  # noqa: F401 - deferred to here: slow, and only a local build forks workers that need it
    import papermill  # noqa: F401

    pages._exporter()


def build(jobs: list[ReportParameters], out_dir: str | Path, workers: int = 2, executor: str = "local",
          scheduler: str | None = None, template: str | Path | None = None,
          show_progress: bool = True, verbose: bool = False, pdf: bool = False, isolate: bool = False,
          force: bool = False) -> list[ReportResult]:
    """Run every report, publish the finished ones, then rewrite ``summary.csv`` and ``index.html``.

    Parameters
    ----------
    jobs : list of ReportParameters
        Validated parameters (see :func:`naravard_lib.parameters.select`).
    out_dir : path
        Output folder (created if missing). Reports of municipalities not in ``jobs`` stay and are
        listed as ``tidigare``; a report that fails keeps its previous good files.
    workers : int
        Reports run at the same time (at most one per report).
    executor : {"local", "dask"}
        Forked local processes, or a dask.distributed cluster (a LocalCluster on this machine unless
        ``scheduler`` gives the address of a running one).
    template, verbose, pdf, isolate
        How each report is run and written: see :class:`~naravard_lib.batch.model.BuildOptions`.
        With ``pdf`` the caller checks :func:`naravard_lib.pages.pdf_unavailable_reason` first.
        By default each worker keeps one warm kernel and resets it between reports (see
        :class:`~naravard_lib.batch.warm.WarmKernel`); ``isolate`` gives the same bytes.
    force : bool
        Write into a folder that is not empty and was not made by naravard (``--force``).

    Returns
    -------
    list of ReportResult
        In the order of ``jobs``.

    Raises
    ------
    SetupError
        The folder is not one the build may write into (see :func:`check_output_folder`), cannot be
        written, another build holds it, the scheduler does not answer, or this machine has no
        loopback network. Nothing in the folder is changed.
    DiskFull
        The disk filled up: the build stopped, the reports published so far are kept, the index and
        summary describe the folder (when there was room to write them) and temporary files are removed.
    Interrupted
        SIGHUP, SIGINT or SIGTERM arrived: workers and kernels are stopped, finished reports are kept,
        the index and summary describe the folder, temporary files are removed.
    """
    if executor not in ("local", "dask"):
        raise ValueError(f"executor must be 'local' or 'dask', got {executor!r}")
    options = BuildOptions(template=template, pdf=pdf, verbose=verbose, isolate=isolate)
    if not options.template.is_file():
        raise SetupError(f"report template {options.template} not found; restore notebooks/kommunrapport.ipynb (git)")
    workers = max(1, min(workers, len(jobs)))
    check_output_folder(out_dir, force, options.template)
    problem = loopback_problem()
    if problem:
        raise SetupError(problem)
    if executor == "dask" and scheduler:
        check_scheduler(scheduler)  # fails in seconds, before the folder is touched
    if executor == "local":
        _preload_for_workers()
    fresh, failed, results = {}, {}, []
    with StopSignals() as stop, OutputFolder(out_dir, force, options.template) as folder, folder.confined():
        tqdm.monitor_interval = 0  # no monitor thread: workers are forked
        try:
            with tqdm(total=len(jobs), desc="Rapporter", unit="rapport", disable=not show_progress) as progress:
                runs = (run_dask(jobs, folder, workers, options, stop, scheduler) if executor == "dask"
                        else run_local(jobs, folder, workers, options, stop))
                try:
                    for result in runs:
                        if result.ok:
                            result = _publish(folder, result)
                        if result.ok:
                            fresh[result.slug] = result
                        else:
                            _quietly(folder.keep_log, result.slug)
                            failed[result.slug] = result
                        results.append(result)
                        progress.update(1)
                        if result.disk_full:
                            raise _Full(f"{result.kommun}: {result.error.removeprefix('DiskFull: ')}")
                finally:
                    runs.close()  # stops the workers still running when anything goes wrong here
        except Stopped as stopped:
            write_index(folder, fresh, failed)
            raise Interrupted(stopped.signum, f"stopped by {signal.Signals(stopped.signum).name}: {len(fresh)} of "
                              f"{len(jobs)} reports written to {folder.path}; the index lists what is there") from None
        except _Full as full:
            shutil.rmtree(folder.hidden / "tmp", ignore_errors=True)  # room for the index
            folder.staging.mkdir(parents=True, exist_ok=True)
            try:
                write_index(folder, fresh, failed)
                index = "the index lists what is there"
            except OSError:
                index = "the index could not be updated (it still links only reports that are there)"
            raise DiskFull(f"the disk is full ({full.reason}): the build stopped; {len(fresh)} of {len(jobs)} "
                           f"reports written to {folder.path}, {index}; free some space and run the build "
                           "again") from None
        try:
            write_index(folder, fresh, failed)
        except OSError as exc:
            if is_disk_full(exc):
                raise DiskFull(f"the disk is full ({files.os_error_text(exc)}): {len(fresh)} of {len(jobs)} "
                               f"reports written to {folder.path}, but the index could not be updated; free some "
                               "space and run the build again") from None
            raise SetupError(f"--out {folder.path}: cannot write {files.os_error_text(exc)}; the reports are "
                             "written, the index is not") from None
    order = {p.slug: i for i, p in enumerate(jobs)}
    results.sort(key=lambda r: order[r.slug])
    return results


class _Full(Exception):
    def __init__(self, reason: str):
        self.reason = reason


def _publish(folder: OutputFolder, result: ReportResult) -> ReportResult:
    """Publish one finished report; when its files cannot be replaced it fails alone (``fel``)."""
    try:
        folder.publish(result)
    except OSError as exc:
        full = is_disk_full(exc)
        return ReportResult(result.kommun, result.slug, False, disk_full=full,
                            error=f"DiskFull: {files.os_error_text(exc)}" if full else
                            f"PublishError: cannot replace {files.os_error_text(exc)}; the report's earlier files "
                            "are unchanged")
    return result


def _quietly(function, *args) -> None:
    try:
        function(*args)
    except OSError:  # e.g. keeping a log on a full disk: the report's error is already known
        pass
