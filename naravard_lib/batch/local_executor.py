"""The local executor: forked worker processes, each with a warm kernel, take the reports in turn.

A worker that dies fails only the report it was running; a new worker takes its place. Workers end
with the main process, quietly.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing
import os
import signal
import time
from multiprocessing.connection import wait
from pathlib import Path

import psutil

from ..parameters import ReportParameters
from .execute import run_report
from .folder import OutputFolder
from .model import BuildOptions, ReportResult
from .signals import POLL, STOP_SIGNALS, StopSignals
from .warm import WarmKernel


def run_local(jobs: list[ReportParameters], folder: OutputFolder, workers: int, options: BuildOptions,
              stop: StopSignals):
    """Run ``jobs`` in ``workers`` forked processes; yield each :class:`ReportResult` as it comes.

    Closing the generator (or an exception in the caller) stops the workers still running, and their kernels.
    """
    context = multiprocessing.get_context("fork")  # inherits the imports done in build(): cheap to start
    pending = list(jobs)
    pool = [_LocalWorker(context, folder, options) for _ in range(min(workers, len(pending)))]
    try:
        while pending or any(w.job for w in pool):
            stop.check()
            for worker in pool:
                if worker.job is None and pending:
                    worker.send(pending.pop(0))
            ready = set(wait([w.conn for w in pool if w.job] + [w.process.sentinel for w in pool if w.job],
                             timeout=POLL))
            for worker in [w for w in pool if w.job and (w.conn in ready or w.process.sentinel in ready)]:
                result = worker.receive() if worker.conn.poll() else None
                job, worker.job = worker.job, None
                if result is not None:
                    yield result
                    continue
                worker.process.join(5)
                code = worker.process.exitcode
                worker.close()
                pool.remove(worker)
                if code is not None and abs(code) % 128 in STOP_SIGNALS:
                    time.sleep(0.5)  # a signal to the process group may reach the worker first
                    stop.check()
                if pending:
                    pool.append(_LocalWorker(context, folder, options))
                yield ReportResult(job.kommun, job.slug, False,
                                   error=f"WorkerDied: the worker process running this report {how_it_ended(code)}")
        for worker in pool:
            worker.finish()  # all at once: their kernels stop in parallel
        for worker in pool:
            worker.close(timeout=10)
        pool = []
    finally:
        for worker in pool:
            worker.close()


def how_it_ended(code: int | None) -> str:
    """How a worker process ended, from its exit code (negative: killed by that signal).

    Examples
    --------
    >>> how_it_ended(-9), how_it_ended(143), how_it_ended(1)
    ('was killed by SIGKILL', 'was stopped by SIGTERM', 'exited with code 1')
    """
    try:
        if code is not None and code < 0:
            return f"was killed by {signal.Signals(-code).name}"
        if code is not None and code > 128:
            return f"was stopped by {signal.Signals(code - 128).name}"
    except ValueError:
        pass
    return f"exited with code {code}"


class _LocalWorker:
    """A forked worker process, the pipe to it and the job it is running (``None`` when idle)."""

    open_ends: set = set()  # file descriptors of the main process's ends of all workers' pipes

    def __init__(self, context, folder: OutputFolder, options: BuildOptions):
        self.conn, child = context.Pipe(duplex=True)
        self.fd = self.conn.fileno()
        _LocalWorker.open_ends.add(self.fd)
        inherited = [folder.lock_fd, *_LocalWorker.open_ends]
        self.process = context.Process(target=_worker, name="naravard-worker", daemon=False,
                                       args=(child, inherited, folder.staging, options))
        self.process.start()
        child.close()
        self.job = None

    def send(self, job: ReportParameters) -> None:
        self.job = job
        self.conn.send(job)

    def receive(self) -> ReportResult | None:
        """The result of the running job, or ``None`` when the worker is gone."""
        try:
            return self.conn.recv()
        except (EOFError, OSError):
            return None

    def finish(self) -> None:
        """Ask the worker to stop its kernel and exit (see :meth:`close`)."""
        try:
            self.conn.send(None)
        except OSError:
            pass

    def close(self, timeout: float = 0) -> None:
        """Wait up to ``timeout`` seconds for the worker to exit, then stop it and its kernel."""
        self.process.join(timeout)
        _kill_tree(self.process)
        _LocalWorker.open_ends.discard(self.fd)
        self.conn.close()


# ------------------------------------------------------------------ inside a worker

def _worker(conn, inherited: list, staging: Path, options: BuildOptions) -> None:
    """Body of a forked worker: start a warm kernel, then run the reports it is sent one after another.

    Each report's output (the worker's and the kernel's) goes to ``<staging>/<slug>.log``. ``None``
    ends the worker; its kernel is stopped on the way out and on SIGTERM. With ``options.isolate``
    there is no warm kernel: papermill starts a fresh one for every report.
    """
    for fd in inherited:  # the build's lock and the main process's ends of the workers' pipes: a worker
        os.close(fd)      # must see the end of its pipe when the main process dies
    _end_with_parent()
    kernel = None
    terminal = os.dup(1), os.dup(2)
    try:
        _worker_signals()
        if not options.isolate:
            log = None if options.verbose else staging / f"kernel-{os.getpid()}.log"
            kernel = WarmKernel(options.template, options.kernel_name, log=log)
            try:
                kernel.start()  # while the main process hands out the first report
            except Exception:  # noqa: BLE001 - the first report tries again and fails with the reason
                kernel.shutdown()
        while (job := conn.recv()) is not None:
            if not options.verbose:
                log = os.open(staging / f"{job.slug}.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
                os.dup2(log, 1)
                os.dup2(log, 2)
                os.close(log)
            try:
                result = run_report(job, staging, options, kernel=kernel)
            finally:
                os.dup2(terminal[0], 1)
                os.dup2(terminal[1], 2)
            conn.send(result)
            _worker_signals()  # in case a library changed them while the report ran
    except (EOFError, OSError):
        pass  # the main process is gone (its end of the pipe is closed): end quietly
    finally:
        if kernel is not None:
            kernel.shutdown()
        for child in _descendants(os.getpid()):  # a kernel papermill did not get to shut down
            child.kill()
        conn.close()


def _worker_signals() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process decides when to stop
    signal.signal(signal.SIGHUP, signal.SIG_IGN)  # a closed terminal reaches the main process too
    signal.signal(signal.SIGTERM, _worker_terminated)


def _end_with_parent() -> None:
    """Have the kernel send this worker SIGTERM when the main process dies (Linux), so it ends at once.

    Otherwise a worker whose main process was killed (SIGKILL) would finish its report first and
    only then find its pipe closed. Elsewhere the closed pipe alone ends it, quietly, a bit later.
    """
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the main process died before the call
        os.kill(os.getpid(), signal.SIGTERM)


def _worker_terminated(signum, _frame) -> None:
    """SIGTERM in a worker: stop its kernel (in a session of its own, so not signalled with us), then exit."""
    for child in _descendants(os.getpid()):
        child.kill()
    os._exit(128 + signum)


# ------------------------------------------------------------------ processes

def _descendants(pid: int) -> list:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return []


def _kill_tree(process) -> None:
    """Stop a worker and every process it started (its kernel runs in a session of its own)."""
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
