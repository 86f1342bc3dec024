"""Warm kernels: one Jupyter kernel per worker, started once and reset between reports."""

from __future__ import annotations

import ast
import atexit
import functools
import inspect
import os
import queue
import threading
import time
from pathlib import Path

from .. import paths
from . import kernel_state
from .model import BuildOptions, one_line

# Sent to the kernel: the state module is imported by name, so the user namespace stays as a fresh kernel's.
_STATE = f"__import__({kernel_state.__name__!r}, fromlist=['snapshot'])"
_SNAPSHOT = f"{_STATE}.snapshot()"
_RESET = f"{_STATE}.reset()"


def template_imports(template: str | Path) -> str:
    """The top-level ``import`` statements of a template's code cells, as one block of code.

    A warm kernel runs them once when it starts, so reports do not pay for them. Cells that are not
    plain Python (magics) are skipped.
    """
    import nbformat  # deferred: slow to import, and only worker processes start kernels

    lines = []
    for cell in nbformat.read(str(template), as_version=4).cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        lines += [ast.unparse(node) for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)]
    return "\n".join(dict.fromkeys(lines))


class KernelSetupError(RuntimeError):
    """A warm kernel could not be started, warmed up or reset."""


class WarmKernel:
    """One Jupyter kernel kept between reports: started once, the template's imports loaded.

    :func:`~naravard_lib.batch.execute.run_report` executes each report in it with papermill (``km=``
    hands our kernel manager to nbclient, which then neither starts nor stops the kernel) and calls
    :meth:`reset` afterwards, which runs :func:`naravard_lib.batch.kernel_state.reset` in the kernel:
    names, figures, settings, the working folder, ``sys.path``, ``os.environ`` and warning filters go
    back to their state after warm-up. Modules stay imported (that is the point) and so do the
    library's read-only data caches. After a failed report, or when a reset fails, the kernel is
    replaced before the next report. ``tests/test_warm.py`` checks that warm and isolated builds
    give the same bytes.

    One kernel client is kept open for the kernel's life (nbclient would otherwise open a new one
    per report and wait 0.2 s flushing its IOPub channel), and the reset is sent without waiting:
    it runs in the kernel while this process writes the HTML, and :meth:`manager` checks its reply
    before the next report starts.

    Parameters
    ----------
    template : path
        The report template; its imports are run at start and its folder is the kernel's cwd.
    log : path, optional
        File for the kernel's own stdout and stderr (appended to); ``None`` inherits this process's.
    """

    def __init__(self, template: str | Path, kernel_name: str = paths.KERNEL_NAME, log: str | Path | None = None,
                 startup_timeout: int = 60):
        self.template = Path(template).resolve()
        self.kernel_name = kernel_name
        self.log = Path(log) if log else None
        self.startup_timeout = startup_timeout
        self.km = None
        self.pending = None  # the reset's message id, until its reply is checked
        self.reports = 0  # reports run in the current kernel

    # -- life cycle
    def start(self) -> None:
        """Start the kernel, run the template's imports, record the state that resets return to."""
        km = _manager_class()(kernel_name=self.kernel_name)
        output = {}
        if self.log is not None:
            output["stdout"] = output["stderr"] = os.open(self.log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            _wait(km.start_kernel(cwd=str(self.template.parent), **output))
        finally:
            if output:
                os.close(output["stdout"])
        self.km, self.reports, self.pending = km, 0, None
        try:
            ready = km.client()
            _wait(type(ready).wait_for_ready(ready, timeout=self.startup_timeout))
            self._run(f"{template_imports(self.template)}\n{_SNAPSHOT}", "warm-up")
        except BaseException:
            self.shutdown()
            raise

    @property
    def pid(self) -> int | None:
        provisioner = getattr(self.km, "provisioner", None)
        return getattr(provisioner, "pid", None)

    def alive(self) -> bool:
        return self.km is not None and _wait(self.km.is_alive())

    def manager(self):
        """The running kernel's manager for one report (started, reset or replaced when needed)."""
        if self.km is not None and self.pending is not None:
            try:
                self._reply(self.pending, "reset")
            except KernelSetupError as exc:
                os.write(2, f"{exc}; starting a new kernel\n".encode())
                self.shutdown()
        if not self.alive():
            self.shutdown()
            self.start()
        return self.km

    def reset(self, wait: bool = False) -> None:
        """Return the kernel to its state after warm-up (sent now; checked by the next :meth:`manager`)."""
        self.pending = self._send(_RESET)
        self.reports += 1
        if wait:
            self.manager()

    def shutdown(self) -> None:
        """Stop the kernel now (also a dead or hung one) and close every client channel."""
        if self.km is None:
            return
        km, self.km, self.pending = self.km, None, None
        if km.stop_shared is not None:
            km.stop_shared()
        try:
            _wait(km.shutdown_kernel(now=True))
        except Exception:  # noqa: BLE001 - already dead: nothing to stop
            pass
        _wait(km.cleanup_resources())

    # -- the kernel's log
    def log_size(self) -> int:
        return self.log.stat().st_size if self.log is not None and self.log.exists() else 0

    def copy_log(self, since: int) -> None:
        """Write what the kernel logged since offset ``since`` to this process's stderr (the report's log)."""
        if self.log is None or not self.log.exists():
            return
        with open(self.log, "rb") as handle:
            handle.seek(since)
            chunk = handle.read()
        if chunk:
            os.write(2, chunk)

    # -- helpers
    def _send(self, code: str) -> str:
        return self.km.client().execute(code, silent=True, store_history=False)

    def _reply(self, msg_id: str, what: str) -> None:
        """Wait for the reply to ``msg_id``; replies to other requests (nbclient's) are skipped."""
        kc, self.pending = self.km.client(), None
        deadline = time.monotonic() + self.startup_timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not self.alive():
                raise KernelSetupError(f"the warm kernel's {what} got no answer")
            try:
                reply = _wait(kc.get_shell_msg(timeout=min(remaining, 1)))
            except queue.Empty:
                continue
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        content = reply["content"]
        if content["status"] != "ok":
            raise KernelSetupError(f"the warm kernel's {what} failed: {content.get('ename')}: {content.get('evalue')}")

    def _run(self, code: str, what: str) -> None:
        try:
            self._reply(self._send(code), what)
        except KernelSetupError:
            raise
        except Exception as exc:  # noqa: BLE001 - one line for the report that needed this kernel
            raise KernelSetupError(f"the warm kernel's {what} failed: {one_line(exc)}") from None


@functools.cache
def _manager_class():
    """jupyter_client's asynchronous kernel manager, keeping one client for the kernel's life.

    nbclient needs an asynchronous manager and client: with blocking ones it waits for output forever
    when the kernel dies. Our own calls run on the loop nbclient uses in this thread.
    """
    from jupyter_client import AsyncKernelManager  # deferred: only worker processes start kernels

    class SharedClientManager(AsyncKernelManager):  # the one client is handed to nbclient every time
        shared = stop_shared = None

        def client(self, **kwargs):
            if self.shared is None:
                kc = super().client(**kwargs)
                kc.start_channels()
                self.shared, self.stop_shared = kc, kc.stop_channels
                # nbclient starts and waits for the client it gets; this one is started and ready.
                kc.start_channels = kc.stop_channels = kc.wait_for_ready = lambda *args, **kwargs: None
            return self.shared

    return SharedClientManager


def _wait(value):
    """The result of ``value``, awaited on this thread's event loop (the one nbclient uses) if need be."""
    from jupyter_core.utils import run_sync  # deferred with jupyter_client (see _manager_class)

    if not inspect.isawaitable(value):
        return value

    async def result():
        return await value

    return run_sync(result)()


_KERNELS: dict = {}  # warm kernels of this process (a dask worker): (thread, template, staging) -> WarmKernel


def kernel_for_this_thread(options: BuildOptions, staging: Path, quiet: bool) -> WarmKernel:
    """The warm kernel of the calling dask worker thread, started on first use."""
    key = (threading.get_ident(), str(options.template), str(staging))
    if key not in _KERNELS:
        if not _KERNELS:
            atexit.register(shutdown_kernels)
        log = staging / f"kernel-{os.getpid()}-{threading.get_ident()}.log" if quiet else None
        _KERNELS[key] = WarmKernel(options.template, options.kernel_name, log=log)
    return _KERNELS[key]


def shutdown_kernels() -> int:
    """Stop every warm kernel of this process (run on each dask worker at the end of a build)."""
    count = len(_KERNELS)
    while _KERNELS:
        _KERNELS.popitem()[1].shutdown()
    return count
