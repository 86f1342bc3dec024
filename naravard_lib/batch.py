"""Build one report per municipality: papermill runs in parallel, HTML export, index and summary.

The batch keeps four promises, each in its own part of this module:

- **Execute** (:func:`execute_report`, :func:`run_report`): a worker runs the template for one
  municipality and writes the finished files into a private staging folder. This is the part a
  different engine (e.g. warm kernels) can replace.
- **Publish** (:func:`publish`): only the main process moves finished files into the output folder,
  one report at a time and never while a signal is being handled. A report that fails keeps the
  files of its previous good build.
- **Describe** (:func:`describe_folder`): ``index.html`` and ``summary.csv`` are rewritten after every
  run (also an interrupted one) from what is in the folder: reports built now (``ny``), failed now
  (``fel``) and kept from an earlier build (``tidigare``, with their date).
- **Clean up** (:class:`OutputFolder`): one build at a time per folder (a lock file), temporary
  files and ``$TMPDIR`` use confined to ``<out>/.naravard/tmp`` and removed afterwards (also the
  leftovers of a build killed with SIGKILL), worker logs of failed reports in ``<out>/.naravard/logs``.

SIGINT and SIGTERM stop the workers and their kernels, keep what is complete, rewrite the index and
raise :class:`~naravard_lib.errors.Interrupted`. A worker or kernel that dies fails only its report.
"""

from __future__ import annotations

import csv
import errno
import io
import logging
import os
import re
import shutil
import signal
import subprocess
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from . import pages, paths
from .errors import Interrupted, SetupError
from .parameters import ReportParameters

SUMMARY_FIELDS = [
    "kommun", "slug", "status", "fel", "byggd", "nara_vard_2024", "per_invanare_2024", "andel_medel_2024_pct",
    "andel_befolkning_2024_pct", "rang_2024", "totalt_2023", "totalt_2019_2022", "forandring_2023_2024",
    "varav_pott", "varav_befolkningsandel", "befolkning_2023_11_01", "landsbygdskommun",
]
HIDDEN_DIR = ".naravard"  # <out>/.naravard/{build.lock, logs/, tmp/}
_VOLATILE_METADATA = ("start_time", "end_time", "duration", "exception")
_KINDS = ("ipynb", "html", "pdf")  # the files of one report, published together
# Temporary names written by earlier versions of this module, removed by the next build.
_LEGACY_DEBRIS = re.compile(r"^\.[a-z]+\.\d+\.(running\.ipynb|ipynb\.tmp|html\.tmp)$"
                            r"|^\.(index\.html|summary\.csv|[a-z]+\.pdf)\.\d+\.tmp$")
_POLL = 0.1  # seconds between checks for finished workers and signals


@dataclass
class ReportResult:
    """What one run produced: its key figures and staged files, or its error (one line)."""

    kommun: str
    slug: str
    ok: bool
    error: str = ""
    figures: dict = field(default_factory=dict)
    staged: dict = field(default_factory=dict)  # kind ("ipynb", "html", "pdf") -> path in the staging folder


# ------------------------------------------------------------------ execute (swappable engine)

def _strip_volatile(notebook) -> None:
    """Drop papermill's timing metadata and random cell id so that the same inputs give the same files."""
    for cell in notebook.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"
    for holder in [notebook.metadata, *[c.metadata for c in notebook.cells]]:
        for key in _VOLATILE_METADATA:
            holder.get("papermill", {}).pop(key, None)
        holder.pop("execution", None)


def _key_figures(notebook) -> dict:
    for cell in notebook.cells:
        if "key-figures" in cell.metadata.get("tags", []):
            for output in cell.get("outputs", []):
                if "application/json" in output.get("data", {}):
                    return dict(output["data"]["application/json"])
    raise RuntimeError("the template has no 'key-figures' cell with JSON output")


def execute_report(params: ReportParameters, template: Path, scratch: Path, kernel_name: str = paths.KERNEL_NAME,
                   timeout: int = 600):
    """Execute the template for one municipality in a fresh kernel; return the executed notebook.

    ``scratch`` is a private folder for papermill's working copy. Raises on any failure.
    """
    import papermill

    executed = papermill.execute_notebook(
        str(template), str(scratch / f"{params.slug}.running.ipynb"), parameters=params.notebook_parameters(),
        kernel_name=kernel_name, cwd=str(template.parent), progress_bar=False, log_output=False,
        execution_timeout=timeout, request_save_on_cell_execute=False, autosave_cell_every=0)
    _strip_volatile(executed)
    executed.metadata.papermill["output_path"] = f"{params.slug}.ipynb"  # not the working copy's name
    return executed


def run_report(params: ReportParameters, staging: str | Path, template: str | Path | None = None,
               kernel_name: str = paths.KERNEL_NAME, timeout: int = 600, pdf: bool = False,
               log: str | Path | None = None) -> ReportResult:
    """Execute one report and write its finished files into ``staging/<slug>/`` (not the output folder).

    Never raises for a failing notebook: the error comes back in the result. :meth:`OutputFolder.publish`
    moves the staged files into the output folder. With ``log``, this process's stderr (and so the
    kernel's log chatter) goes to that file while the report runs.
    """
    if log is None:
        return _run_report(params, staging, template, kernel_name, timeout, pdf)
    saved = os.dup(2)
    target = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        os.dup2(target, 2)
        return _run_report(params, staging, template, kernel_name, timeout, pdf)
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(target)


def _run_report(params, staging, template, kernel_name, timeout, pdf) -> ReportResult:
    import nbformat

    template = Path(template or paths.REPORT_TEMPLATE).resolve()
    folder = Path(staging) / params.slug
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    try:
        executed = execute_report(params, template, folder, kernel_name, timeout)
        figures = _key_figures(executed)
        html_text = pages.report_html(executed)
        staged = {"ipynb": folder / f"{params.slug}.ipynb", "html": folder / f"{params.slug}.html"}
        staged["ipynb"].write_text(nbformat.writes(executed), encoding="utf-8")
        staged["html"].write_text(html_text, encoding="utf-8")
        if pdf:
            staged["pdf"] = folder / f"{params.slug}.pdf"
            pages.write_pdf(html_text, staged["pdf"])
        return ReportResult(params.kommun, params.slug, True, figures=figures,
                            staged={k: str(v) for k, v in staged.items()})
    except Exception as exc:  # noqa: BLE001 - any failure of one report is reported, not raised
        import traceback

        shutil.rmtree(folder, ignore_errors=True)
        # The whole story goes to file descriptor 2, the worker's log (the summary gets one line).
        os.write(2, traceback.format_exc().encode("utf-8", "replace"))
        return ReportResult(params.kommun, params.slug, False, error=_one_line(exc))
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def _one_line(exc: BaseException) -> str:
    name = getattr(exc, "ename", None) or type(exc).__name__
    value = getattr(exc, "evalue", None) or str(exc)
    return " ".join(f"{name}: {value}".split())[:500]


# ------------------------------------------------------------------ the output folder

class OutputFolder:
    """The output folder during one build: lock, staging area, logs, publishing and cleaning.

    Use as a context manager. Entering checks the folder can be written, takes the lock (or
    raises :class:`SetupError` naming the build that holds it) and removes what killed builds left.
    Leaving removes the staging area, including anything redirected there from ``$TMPDIR``.
    """

    def __init__(self, out_dir: str | Path):
        self.path = Path(out_dir).absolute()
        self.hidden = self.path / HIDDEN_DIR
        self.logs = self.hidden / "logs"
        self.staging = self.hidden / "tmp" / str(os.getpid())
        self._lock = None

    def __enter__(self) -> OutputFolder:
        if self.path.exists() and not self.path.is_dir():
            raise SetupError(f"--out {self.path}: is a file, not a folder; give the name of a folder")
        try:
            self.hidden.mkdir(parents=True, exist_ok=True)
            self._lock = open(self.hidden / "build.lock", "a+", encoding="utf-8")  # noqa: SIM115
        except OSError as exc:
            raise SetupError(f"--out {self.path}: cannot write there ({exc.strerror or exc}); "
                             "choose a folder you can write to") from None
        self._take_lock()
        self._remove_debris()
        self.staging.mkdir(parents=True)
        return self

    def _take_lock(self) -> None:
        import fcntl

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

    def _remove_debris(self) -> None:
        """Temporary files of builds that were killed (SIGKILL, power loss); we hold the lock."""
        shutil.rmtree(self.hidden / "tmp", ignore_errors=True)
        for entry in self.path.iterdir():
            if _LEGACY_DEBRIS.match(entry.name):
                entry.unlink(missing_ok=True)

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

    def publish(self, result: ReportResult) -> None:
        """Move a finished report's staged files into place; drop a PDF left from an older build."""
        for kind in _KINDS:
            final = self.path / f"{result.slug}.{kind}"
            if kind in result.staged:
                os.replace(result.staged[kind], final)
            elif kind == "pdf":
                final.unlink(missing_ok=True)  # it showed the previous build
        (self.logs / f"{result.slug}.log").unlink(missing_ok=True)

    def keep_log(self, slug: str) -> None:
        """Keep a failed report's worker log in ``.naravard/logs/<slug>.log``."""
        log = self.staging / f"{slug}.log"
        if log.exists():
            self.logs.mkdir(exist_ok=True)
            os.replace(log, self.logs / f"{slug}.log")

    def write_text(self, name: str, text: str) -> None:
        """Write ``name`` in the folder atomically (through the staging area)."""
        temporary = self.staging / name
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, self.path / name)


def _built_at(path: Path) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(path.stat().st_mtime))


def describe_folder(out: Path, fresh: dict[str, ReportResult], failed: dict[str, ReportResult]) -> list:
    """Index entries for exactly what is in ``out``: one per municipality with a report or a failure now.

    Reports built by this run are ``ny``; failures of this run ``fel`` (with the figures of the previous
    good report when it is still there); complete reports from earlier builds ``tidigare``, their key
    figures read from their notebook. Swedish order, as in the seed tables.
    """
    import nbformat

    from .data import load_municipalities

    entries = []
    for kommun, slug in load_municipalities()[["kommun", "slug"]].itertuples(index=False):
        notebook, page = out / f"{slug}.ipynb", out / f"{slug}.html"
        on_disk = notebook.is_file() and page.is_file()
        figures, built_at, error = {}, "", ""
        if slug in fresh:
            figures = fresh[slug].figures
        elif on_disk:
            try:
                figures = _key_figures(nbformat.read(notebook, as_version=4))
            except Exception as exc:  # noqa: BLE001 - a damaged old report is listed, not fatal
                error = f"the report on disk cannot be read ({_one_line(exc)})"
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
        entries.append(pages.IndexEntry(kommun, slug, status, error, figures, built_at,
                                        has_pdf=(out / f"{slug}.pdf").is_file()))
    return entries


def summary_csv(entries: list) -> str:
    """``summary.csv``: one row per index entry with its status, error, date and key figures."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=SUMMARY_FIELDS, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for entry in entries:
        writer.writerow({**entry.figures, "kommun": entry.kommun, "slug": entry.slug, "status": entry.status,
                         "fel": entry.error, "byggd": entry.built_at})
    return buffer.getvalue()


def _data_version() -> str:
    """The git commit of the checkout (with ``-dirty`` when data, parameters or code changed), or ``""``."""
    try:
        def git(*args):
            return subprocess.run(["git", *args], cwd=paths.PROJECT_ROOT, capture_output=True, text=True,
                                  timeout=5, check=True).stdout.strip()

        commit = git("rev-parse", "--short", "HEAD")
        dirty = git("status", "--porcelain", "--", "data", "parameters", "naravard_lib", "notebooks/kommunrapport.ipynb")
        return commit + ("-dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return ""


def _write_index(folder: OutputFolder, fresh: dict, failed: dict) -> None:
    entries = describe_folder(folder.path, fresh, failed)
    folder.write_text("summary.csv", summary_csv(entries))
    folder.write_text("index.html", pages.index_page(entries, time.strftime("%Y-%m-%d %H:%M"), _data_version()))


# ------------------------------------------------------------------ signals

class _Stop:
    """Turns SIGINT/SIGTERM into a flag the main loop checks, so no publish is cut in half."""

    def __init__(self):
        self.signum = 0
        self._previous = {}

    def _handler(self, signum, _frame):
        self.signum = self.signum or signum

    def __enter__(self):
        import threading

        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGINT, signal.SIGTERM):
                self._previous[signum] = signal.signal(signum, self._handler)
        return self

    def __exit__(self, *exc):
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)

    def check(self) -> None:
        if self.signum:
            raise _Stopped(self.signum)


class _Stopped(Exception):
    def __init__(self, signum):
        self.signum = signum


# ------------------------------------------------------------------ executors

def _descendants(pid: int) -> list:
    import psutil

    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return []


def _kill_tree(process) -> None:
    """Stop a worker and every process it started (its kernel runs in a session of its own)."""
    import psutil

    children = _descendants(process.pid)
    for child in children:
        try:
            child.kill()
        except psutil.Error:
            pass
    if process.is_alive():
        process.kill()
    process.join()
    psutil.wait_procs(children, timeout=5)


def _worker(conn, lock_fd: int, params, staging: str, template: str, pdf: bool, verbose: bool) -> None:
    """Body of a forked worker: run one report, send its result, stop the kernel on any signal."""
    os.close(lock_fd)  # the build's lock belongs to the main process alone
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process decides when to stop
    signal.signal(signal.SIGTERM, _worker_terminated)
    if not verbose:
        log = os.open(Path(staging) / f"{params.slug}.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(log, 1)
        os.dup2(log, 2)
    try:
        conn.send(run_report(params, staging, template, pdf=pdf))
    finally:
        for child in _descendants(os.getpid()):  # a kernel papermill did not get to shut down
            child.kill()
        conn.close()


def _worker_terminated(signum, _frame) -> None:
    """SIGTERM in a worker: stop its kernel (in a session of its own, so not signalled with us), then exit."""
    for child in _descendants(os.getpid()):
        child.kill()
    os._exit(128 + signum)


def _isolated_env(staging: Path) -> dict:
    """Environment for workers and kernels: temporary and runtime files inside the staging folder."""
    tmp = staging / "tmpdir"
    runtime = staging / "runtime"
    tmp.mkdir(exist_ok=True)
    runtime.mkdir(exist_ok=True)
    return {"TMPDIR": str(tmp), "JUPYTER_RUNTIME_DIR": str(runtime)}


@contextmanager
def _environment(values: dict):
    import tempfile

    saved = {k: os.environ.get(k) for k in values}
    saved_tempdir = tempfile.tempdir
    os.environ.update(values)
    tempfile.tempdir = values["TMPDIR"]
    try:
        yield
    finally:
        tempfile.tempdir = saved_tempdir
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _run_local(jobs, folder: OutputFolder, workers: int, template: Path, pdf: bool, verbose: bool, stop: _Stop):
    """One forked process per report, at most ``workers`` at a time; a dead worker fails only its report."""
    import multiprocessing
    from multiprocessing.connection import wait

    context = multiprocessing.get_context("fork")  # inherits the imports done below: cheap per report
    pending, running = list(jobs), {}
    try:
        while pending or running:
            stop.check()
            while pending and len(running) < workers:
                params = pending.pop(0)
                receive, send = context.Pipe(duplex=False)
                process = context.Process(target=_worker, name=f"naravard-{params.slug}", daemon=False, args=(
                    send, folder.lock_fd, params, str(folder.staging), str(template), pdf, verbose))
                process.start()
                send.close()
                running[process.sentinel] = (process, receive, params)
            # A result is a few hundred bytes, far below a pipe's buffer: the worker never blocks on
            # sending it, so waiting for the process to end is enough.
            for sentinel in wait(list(running), timeout=_POLL):
                process, receive, params = running.pop(sentinel)
                result = None
                try:
                    if receive.poll():
                        result = receive.recv()
                except (EOFError, OSError):
                    result = None
                process.join()
                receive.close()
                if result is None:
                    code = process.exitcode
                    if code in (-signal.SIGINT, -signal.SIGTERM, 128 + signal.SIGINT, 128 + signal.SIGTERM):
                        time.sleep(0.5)  # a signal to the process group may reach the worker first
                        stop.check()
                    result = ReportResult(params.kommun, params.slug, False,
                                          error=f"WorkerDied: the worker process running this report {_how(code)}")
                yield result
    finally:
        for process, receive, _ in running.values():
            _kill_tree(process)
            receive.close()


def _how(code: int | None) -> str:
    """How a worker process ended, from its exit code (negative: killed by that signal)."""
    try:
        if code is not None and code < 0:
            return f"was killed by {signal.Signals(-code).name}"
        if code is not None and code > 128:
            return f"was stopped by {signal.Signals(code - 128).name}"
    except ValueError:
        pass
    return f"exited with code {code}"


def _dask_client(workers: int, scheduler: str | None, staging: Path):
    """A dask client on a LocalCluster (scratch space in the staging folder) or a running scheduler."""
    import dask
    from dask.distributed import Client, LocalCluster

    if scheduler is None:
        with dask.config.set({"temporary-directory": str(staging)}):
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                                   dashboard_address=None, local_directory=str(staging),
                                   silence_logs=logging.ERROR)  # no shutdown chatter between our lines
        return Client(cluster), cluster
    try:
        return Client(scheduler, timeout="5s"), None
    except (OSError, TimeoutError, ValueError) as exc:
        raise SetupError(f"--scheduler {scheduler}: no dask scheduler answered within 5 s "
                         f"({' '.join(str(exc).split())[:160]}); start one with 'dask scheduler' or drop "
                         "--scheduler to use a local cluster") from None


def check_scheduler(scheduler: str) -> None:
    """Raise :class:`SetupError` within a few seconds when nothing answers at ``scheduler``."""
    client, _ = _dask_client(1, scheduler, Path("."))
    client.close()


def _run_dask(jobs, folder: OutputFolder, workers: int, template: Path, pdf: bool, scheduler: str | None,
              verbose: bool, stop: _Stop):
    from dask.distributed import wait as dask_wait

    client, cluster = _dask_client(workers, scheduler, folder.staging)
    futures = {}
    try:
        futures = {client.submit(run_report, p, str(folder.staging), str(template), pdf=pdf, pure=False,
                                 log=None if verbose else str(folder.staging / f"{p.slug}.log"),
                                 key=f"report-{p.slug}-{os.getpid()}"): p for p in jobs}
        waiting = set(futures)
        while waiting:
            stop.check()
            done, waiting = _dask_some_done(dask_wait, waiting)
            for future in done:
                params = futures[future]
                try:
                    yield future.result()
                except Exception as exc:  # noqa: BLE001 - e.g. KilledWorker: this report fails, others go on
                    yield ReportResult(params.kommun, params.slug, False, error=_one_line(exc))
    finally:
        try:
            client.cancel(list(futures))
            client.close(timeout=5)
        finally:
            if cluster is not None:
                cluster.close(timeout=5)


def _dask_some_done(dask_wait, waiting):
    from dask.distributed import TimeoutError as DaskTimeout

    try:
        done, not_done = dask_wait(list(waiting), timeout=_POLL * 5, return_when="FIRST_COMPLETED")
    except (DaskTimeout, TimeoutError):
        return set(), waiting
    return set(done), set(not_done)


# ------------------------------------------------------------------ the build

def build(jobs: list[ReportParameters], out_dir: str | Path, workers: int = 2, executor: str = "local",
          scheduler: str | None = None, template: str | Path | None = None,
          show_progress: bool = True, verbose: bool = False, pdf: bool = False) -> list[ReportResult]:
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
    verbose : bool
        Let workers' kernels write their logs to the terminal (otherwise a failed report's log is
        kept in ``<out>/.naravard/logs/<slug>.log``).
    pdf : bool
        Also write ``<slug>.pdf`` (see :func:`naravard_lib.pages.write_pdf`). The caller checks
        :func:`naravard_lib.pages.pdf_unavailable_reason` first.

    Returns
    -------
    list of ReportResult
        In the order of ``jobs``.

    Raises
    ------
    SetupError
        The folder cannot be written, another build holds it, or the scheduler does not answer.
        Nothing in the folder is changed.
    Interrupted
        SIGINT or SIGTERM arrived: workers and kernels are stopped, finished reports are kept, the
        index and summary describe the folder, temporary files are removed.
    """
    from tqdm.auto import tqdm

    if executor not in ("local", "dask"):
        raise ValueError(f"executor must be 'local' or 'dask', got {executor!r}")
    template = Path(template or paths.REPORT_TEMPLATE).resolve()
    if not template.is_file():
        raise SetupError(f"report template {template} not found; restore notebooks/kommunrapport.ipynb (git)")
    workers = max(1, min(workers, len(jobs)))
    if executor == "dask" and scheduler:
        check_scheduler(scheduler)  # fails in seconds, before the folder is touched
    if executor == "local":
        import nbformat  # noqa: F401 - imported once here, inherited by every forked worker
        import papermill  # noqa: F401

        pages._exporter()
    fresh, failed, results = {}, {}, []
    with _Stop() as stop, OutputFolder(out_dir) as folder, _environment(_isolated_env(folder.staging)):
        tqdm.monitor_interval = 0  # no monitor thread: workers are forked
        try:
            with tqdm(total=len(jobs), desc="Rapporter", unit="rapport", disable=not show_progress) as progress:
                runs = (_run_dask(jobs, folder, workers, template, pdf, scheduler, verbose, stop) if executor == "dask"
                        else _run_local(jobs, folder, workers, template, pdf, verbose, stop))
                try:
                    for result in runs:
                        if result.ok:
                            folder.publish(result)
                            fresh[result.slug] = result
                        else:
                            folder.keep_log(result.slug)
                            failed[result.slug] = result
                        results.append(result)
                        progress.update(1)
                finally:
                    runs.close()  # stops the workers still running when anything goes wrong here
        except _Stopped as stopped:
            _write_index(folder, fresh, failed)
            raise Interrupted(stopped.signum, f"stopped by {signal.Signals(stopped.signum).name}: {len(fresh)} of "
                              f"{len(jobs)} reports written to {folder.path}; the index lists what is there") from None
        _write_index(folder, fresh, failed)
    order = {p.slug: i for i, p in enumerate(jobs)}
    results.sort(key=lambda r: order[r.slug])
    return results
