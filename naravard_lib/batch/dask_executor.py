"""The dask executor: the same runs as tasks on a dask.distributed cluster.

A LocalCluster on this machine (scratch space in the staging folder), or a running scheduler
(``--scheduler``). Each worker thread keeps one warm kernel between its reports (see
:func:`~naravard_lib.batch.warm.kernel_for_this_thread`); ``options.isolate`` starts a fresh one per report.
"""

from __future__ import annotations

import concurrent.futures
import logging
import os
from pathlib import Path

from ..errors import SetupError
from ..parameters import ReportParameters
from .execute import run_report
from .folder import OutputFolder
from .model import BuildOptions, ReportResult, one_line
from .signals import POLL, StopSignals
from .warm import shutdown_kernels


def _client(workers: int, scheduler: str | None, staging: Path):
    """A dask client on a LocalCluster (scratch space in ``staging``) or on the scheduler at ``scheduler``."""
    import dask  # deferred: slow to import, and only this executor needs it
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
    """Raise :class:`~naravard_lib.errors.SetupError` within a few seconds when nothing answers at ``scheduler``."""
    client, _ = _client(1, scheduler, Path("."))
    client.close()


def run_dask(jobs: list[ReportParameters], folder: OutputFolder, workers: int, options: BuildOptions,
             stop: StopSignals, scheduler: str | None = None):
    """Run ``jobs`` as dask tasks; yield each :class:`ReportResult` as it comes (see :func:`run_local`)."""
    from dask.distributed import wait  # deferred with dask (see _client)

    client, cluster = _client(workers, scheduler, folder.staging)
    futures = {}
    try:
        futures = {client.submit(run_report, params, folder.staging, options, pure=False,
                                 log=None if options.verbose else folder.staging / f"{params.slug}.log",
                                 warm=None if options.isolate else folder.staging,
                                 key=f"report-{params.slug}-{os.getpid()}"): params for params in jobs}
        waiting = set(futures)
        while waiting:
            stop.check()
            done, waiting = _some_done(wait, waiting)
            for future in done:
                params = futures[future]
                try:
                    result = future.result()
                except Exception as exc:  # noqa: BLE001 - e.g. KilledWorker: this report fails, others go on
                    result = ReportResult(params.kommun, params.slug, False, error=one_line(exc))
                yield result
    finally:
        try:
            client.cancel(list(futures))
            if not options.isolate:
                _on_every_worker(client, shutdown_kernels)
            client.close(timeout=5)
        finally:
            if cluster is not None:
                cluster.close(timeout=5)


def _on_every_worker(client, function, timeout: float = 10) -> None:
    """Run ``function`` on every dask worker, giving up after ``timeout`` seconds (a stuck worker)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        try:
            pool.submit(client.run, function).result(timeout)
        except Exception:  # noqa: BLE001 - workers that do not answer are stopped with their cluster
            pass


def _some_done(wait, waiting: set) -> tuple[set, set]:
    from dask.distributed import TimeoutError as DaskTimeout  # deferred with dask (see _client)

    try:
        done, not_done = wait(list(waiting), timeout=POLL * 5, return_when="FIRST_COMPLETED")
    except (DaskTimeout, TimeoutError):
        return set(), waiting
    return set(done), set(not_done)
