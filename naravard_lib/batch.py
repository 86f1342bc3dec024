"""Build one report per municipality: papermill runs in parallel, HTML export, index and summary.

The batch keeps four promises, each in its own part of this module:

- **Execute** (:func:`execute_report`, :func:`run_report`): a worker runs the template for one
  municipality and writes the finished files into a private staging folder. Each worker (a forked
  process, or a dask worker thread) keeps one :class:`WarmKernel` and runs its reports in it one
  after the other, resetting it in between and replacing it after a failure; ``isolate=True``
  (``--isolate``) starts a fresh kernel per report instead, with byte-identical output.
- **Publish** (:meth:`OutputFolder.publish`): only the main process moves finished files into the
  output folder, one report at a time, all of its files or none, and never while a signal is being
  handled. A report that fails, or whose files cannot be replaced, keeps the files of its previous
  good build; a kind of file this build does not make (the PDF) is kept from the earlier one. Only
  a folder that is new, empty or made by naravard (``.naravard/``) is written into.
- **Describe** (:func:`describe_folder`): ``index.html`` and ``summary.csv`` are rewritten after every
  run (also an interrupted one) from what is in the folder: reports built now (``ny``), failed now
  (``fel``) and kept from an earlier build (``tidigare``, with their date).
- **Clean up** (:class:`OutputFolder`): one build at a time per folder (a lock file), temporary
  files and ``$TMPDIR`` use confined to ``<out>/.naravard/tmp`` and removed afterwards (also the
  leftovers of a build killed with SIGKILL), worker logs of failed reports in ``<out>/.naravard/logs``.

SIGHUP, SIGINT and SIGTERM stop the workers and their kernels, keep what is complete, rewrite the
index and raise :class:`~naravard_lib.errors.Interrupted`; a full disk does the same and raises
:class:`~naravard_lib.errors.DiskFull`. A worker or kernel that dies fails only its report; a new
worker, or kernel, takes the next one. Workers end with the main process, quietly.
"""

from __future__ import annotations

import csv
import errno
import functools
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

from . import downloads, files, pages, paths
from .errors import DiskFull, Interrupted, SetupError
from .parameters import ReportParameters

SUMMARY_FIELDS = [
    "kommun", "slug", "status", "fel", "byggd", "ar", "nara_vard", "per_invanare", "andel_medel_pct",
    "andel_befolkning_pct", "rang", "foregaende_ar", "totalt_foregaende_ar", "flerarsperiod", "totalt_flerarsperiod",
    "forandring", "varav_pott", "varav_befolkningsandel", "befolkning", "befolkning_datum", "landsbygdskommun",
]
HIDDEN_DIR = ".naravard"  # <out>/.naravard/{build.lock, logs/, tmp/}: also the mark of a folder the tool made
_VOLATILE_METADATA = ("start_time", "end_time", "duration", "exception")
#: The files of one report, by kind, published together. A kind a build does not make (the PDF of a
#: build without ``--pdf``) keeps the file of an earlier build; add new kinds here.
REPORT_FILES = {"ipynb": "{slug}.ipynb", "html": "{slug}.html", "pdf": "{slug}.pdf",
                **{kind: "{slug}." + kind for kind, *_ in pages.DOWNLOADS}}  # spreadsheet, data package
#: The files describing the whole folder, rewritten after every build in this order (see :func:`_write_index`);
#: the checksums come last, since they cover all the others.
FOLDER_FILES = ("summary.csv", "index.html", downloads.LAN_WORKBOOK, downloads.SWEDISH_CSV, downloads.STATEMENT,
                downloads.CHECKSUMS)
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
    staged: dict = field(default_factory=dict)  # kind (see REPORT_FILES) -> path in the staging folder
    checks: dict = field(default_factory=dict)  # accessibility checks of the page and PDF (downloads.stage_report)
    copy: int = 0  # benchmarks only: which repetition of the municipalities (see build's ``repeat``)
    disk_full: bool = False  # it failed because the disk is full: the build stops


def report_files(slug: str) -> dict[str, str]:
    """The file names of one report, by kind: ``{"ipynb": "aneby.ipynb", "html": "aneby.html", ...}``."""
    return {kind: pattern.format(slug=slug) for kind, pattern in REPORT_FILES.items()}


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
                   timeout: int = 600, kernel: WarmKernel | None = None):
    """Execute the template for one municipality with papermill; return the executed notebook.

    ``scratch`` is a private folder for papermill's working copy. Without ``kernel`` papermill starts
    a fresh kernel and stops it afterwards; with a :class:`WarmKernel` its running kernel manager is
    handed to nbclient (``km=``), which then neither starts nor stops it. Raises on any failure.
    """
    import papermill

    warm = {} if kernel is None else {"km": kernel.manager()}
    executed = papermill.execute_notebook(
        str(template), str(scratch / f"{params.slug}.running.ipynb"), parameters=params.notebook_parameters(),
        kernel_name=kernel_name, cwd=str(template.parent), progress_bar=False, log_output=False,
        execution_timeout=timeout, request_save_on_cell_execute=False, autosave_cell_every=0, **warm)
    _strip_volatile(executed)
    pages.drop_empty_sections(executed)  # a section whose data the folder lacks is left out
    executed.metadata.papermill["output_path"] = f"{params.slug}.ipynb"  # not the working copy's name
    return executed


def run_report(params: ReportParameters, staging: str | Path, template: str | Path | None = None,
               kernel_name: str = paths.KERNEL_NAME, timeout: int = 600, pdf: bool = False,
               log: str | Path | None = None, kernel: WarmKernel | None = None,
               warm: str | Path | None = None) -> ReportResult:
    """Execute one report and write its finished files into ``staging/<slug>/`` (not the output folder).

    Never raises for a failing notebook: the error comes back in the result. :meth:`OutputFolder.publish`
    moves the staged files into the output folder. With ``log``, this process's stderr (and so the
    kernel's log chatter) goes to that file while the report runs.

    The report runs in ``kernel`` (a :class:`WarmKernel`, reset afterwards and replaced after a
    failure); with ``warm`` (a folder for its log) in the warm kernel this thread keeps between calls
    (a dask worker); with neither, in a fresh kernel of its own.
    """
    template = Path(template or paths.REPORT_TEMPLATE).resolve()
    if kernel is None and warm is not None:
        kernel = _kernel_for_this_thread(template, Path(warm), quiet=log is not None)
    if log is None:
        return _run_report(params, staging, template, kernel_name, timeout, pdf, kernel)
    saved = os.dup(2)
    target = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        os.dup2(target, 2)
        return _run_report(params, staging, template, kernel_name, timeout, pdf, kernel)
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(target)


def _run_report(params, staging, template, kernel_name, timeout, pdf, kernel=None) -> ReportResult:
    mark = kernel.log_size() if kernel is not None else 0
    try:
        return _stage_report(params, staging, template, kernel_name, timeout, pdf, kernel)
    finally:
        if kernel is not None:
            kernel.copy_log(mark)  # the kernel's own messages during this report go to the report's log


def _stage_report(params, staging, template, kernel_name, timeout, pdf, kernel) -> ReportResult:
    import nbformat

    folder = Path(staging) / params.slug
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    try:
        try:
            executed = execute_report(params, template, folder, kernel_name, timeout, kernel)
        except BaseException:
            if kernel is not None:
                kernel.shutdown()  # dead, hung or dirty: the next report gets a new kernel
            raise
        if kernel is not None:
            kernel.reset()  # runs in the kernel while this process writes the files
        figures = _key_figures(executed)
        html_text = pages.report_html(executed)
        staged = {"ipynb": folder / f"{params.slug}.ipynb", "html": folder / f"{params.slug}.html"}
        staged["ipynb"].write_text(nbformat.writes(executed), encoding="utf-8")
        staged["html"].write_text(html_text, encoding="utf-8")
        if pdf:
            staged["pdf"] = folder / f"{params.slug}.pdf"
            pages.write_pdf(html_text, staged["pdf"])
        extras, checks = downloads.stage_report(executed, params.slug, folder, html_text, staged.get("pdf"),
                                                time.strftime("%Y-%m-%d %H:%M"), _data_version())
        staged.update(extras)
        return ReportResult(params.kommun, params.slug, True, figures=figures,
                            staged={k: str(v) for k, v in staged.items()}, checks=checks)
    except Exception as exc:  # noqa: BLE001 - any failure of one report is reported, not raised
        import traceback

        shutil.rmtree(folder, ignore_errors=True)
        # The whole story goes to file descriptor 2, the worker's log (the summary gets one line).
        try:
            os.write(2, traceback.format_exc().encode("utf-8", "replace"))
        except OSError:  # the log is on the full disk too
            pass
        full = _is_disk_full(exc)
        error = f"DiskFull: {files.os_error_text(exc)}" if full and isinstance(exc, OSError) else _one_line(exc)
        return ReportResult(params.kommun, params.slug, False, error=error, disk_full=full)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def _is_disk_full(exc: BaseException | None) -> bool:
    """Whether ``exc`` (or what caused it) is a full disk or an exceeded quota."""
    while exc is not None:
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        if "[Errno 28]" in str(getattr(exc, "evalue", "")):  # raised inside the kernel
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _one_line(exc: BaseException) -> str:
    name = getattr(exc, "ename", None) or type(exc).__name__
    value = getattr(exc, "evalue", None) or str(exc)
    return " ".join(f"{name}: {value}".split())[:500]


# ------------------------------------------------------------------ warm kernels

# Runs inside a warm kernel, as the module ``_naravard_warm`` (not in the user namespace, so a reset
# keeps it). ``snapshot()`` records the state after warm-up; ``reset()`` brings the kernel back to it.
_KERNEL_STATE_CODE = r'''
import copy as _copy, gc, os, sys, warnings

_state = {}


def _shell():
    from IPython import get_ipython
    return get_ipython()


def snapshot():
    shell = _shell()
    _state.update(cwd=os.getcwd(), path=list(sys.path), environ=dict(os.environ), filters=list(warnings.filters),
                  hooks={name: list(callbacks) for name, callbacks in shell.events.callbacks.items()},
                  printers={mime: (dict(f.type_printers), dict(f.deferred_printers))
                            for mime, f in shell.display_formatter.formatters.items()})
    if "matplotlib.pyplot" in sys.modules:
        # Load the backend now, as the first figure would: the inline backend turns on interactive mode.
        sys.modules["matplotlib.pyplot"].switch_backend(sys.modules["matplotlib"].get_backend())
    if "matplotlib" in sys.modules:
        _state["rc"] = _copy.deepcopy(dict(sys.modules["matplotlib"].rcParams))
    inline = sys.modules.get("matplotlib_inline.config")
    if inline is None and "matplotlib" in sys.modules:
        try:  # matplotlib loads its backend at the first figure; its settings are needed now
            import matplotlib_inline.config as inline
        except ImportError:
            pass
    if inline is not None:
        backend = inline.InlineBackend.instance()
        _state["inline"] = {name: _copy.deepcopy(getattr(backend, name)) for name in backend.trait_names(config=True)}
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        _state["numpy"] = (numpy.get_printoptions(), numpy.geterr())
    if "pandas" in sys.modules:
        from pandas._config import config as options
        _state["pandas"] = {key: _copy.deepcopy(options.get_option(key)) for key in options._registered_options
                            if key not in options._deprecated_options}


def reset():
    """Back to the state of ``snapshot()``: names, figures, settings, working folder, counters."""
    shell = _shell()
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
    inline = sys.modules.get("matplotlib_inline.backend_inline")
    if inline is not None:
        inline.show._to_draw = []
        inline.show._draw_called = False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if "rc" in _state:
            rc = sys.modules["matplotlib"].rcParams
            rc.clear()
            rc.update(_copy.deepcopy(_state["rc"]))
        if "inline" in _state:
            backend = sys.modules["matplotlib_inline.config"].InlineBackend.instance()
            for name, value in _state["inline"].items():
                if getattr(backend, name) != value:
                    setattr(backend, name, _copy.deepcopy(value))
        if "numpy" in _state:
            sys.modules["numpy"].set_printoptions(**_state["numpy"][0])
            sys.modules["numpy"].seterr(**_state["numpy"][1])
        if "pandas" in _state:
            from pandas._config import config as options
            for key, value in _state["pandas"].items():
                if options.get_option(key) != value:
                    options.set_option(key, _copy.deepcopy(value))
    # User namespace, In/Out, _, the display hook's cache; a new history session with counter 1, as a
    # fresh kernel has (the same session would log "Session/line number was not unique in database").
    # The display hook's flush calls gc.collect(), a tenth of a second per report on this heap; the
    # collector runs by itself anyway, so it is skipped here.
    collect, gc.collect = gc.collect, lambda *args, **kwargs: 0
    try:
        shell.reset(new_session=True)
    finally:
        gc.collect = collect
    for name, callbacks in _state["hooks"].items():
        shell.events.callbacks[name][:] = callbacks
    for mime, formatter in shell.display_formatter.formatters.items():
        types, deferred = _state["printers"].get(mime, ({}, {}))
        formatter.type_printers.clear()
        formatter.type_printers.update(types)
        formatter.deferred_printers.clear()
        formatter.deferred_printers.update(deferred)
    os.chdir(_state["cwd"])
    sys.path[:] = _state["path"]
    os.environ.clear()
    os.environ.update(_state["environ"])
    warnings.filters[:] = _state["filters"]
    warnings.onceregistry.clear()
    # A warning shown once per place in one report is shown again in the next, as in a fresh kernel.
    getattr(warnings, "_filters_mutated", getattr(warnings, "_filters_mutated_lock_held", lambda: None))()
    shown = getattr(sys.modules.get("traitlets.utils.warnings"), "_deprecations_shown", None)
    if shown is not None:  # traitlets logs each deprecation once per process
        shown.clear()
'''

_INSTALL_STATE_MODULE = ("import sys as _s, types as _t\n_m = _t.ModuleType('_naravard_warm')\n"
                         "exec({code!r}, _m.__dict__)\n_s.modules['_naravard_warm'] = _m\ndel _s, _t, _m\n")


def template_imports(template: str | Path) -> str:
    """The top-level ``import`` statements of a template's code cells, as one block of code.

    A warm kernel runs them once when it starts, so reports do not pay for them. Cells that are not
    plain Python (magics) are skipped.
    """
    import ast

    import nbformat

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

    :func:`run_report` executes each report in it with papermill (``km=`` hands our kernel manager
    to nbclient, which then neither starts nor stops the kernel) and calls :meth:`reset` afterwards:
    the user namespace, ``In``/``Out`` and the execution counter, every open figure (also those the
    inline backend still means to draw), matplotlib's rcParams and inline-backend settings, pandas
    options, numpy print and error settings, IPython's event hooks and display formatters, the working
    folder, ``sys.path``, ``os.environ``, warning filters and registries go
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
        self.reports = 0  # reports run in the current kernel

    # -- life cycle
    def start(self) -> None:
        """Start the kernel, run the template's imports, record the state that resets return to."""
        # nbclient needs an asynchronous manager and client: with blocking ones it waits for output
        # forever when the kernel dies. Our own calls run on the loop nbclient uses in this thread.
        from jupyter_client import AsyncKernelManager

        class _Manager(AsyncKernelManager):  # one client for the kernel's life, handed to nbclient every time
            shared = stop_shared = None

            def client(self, **kwargs):
                if self.shared is None:
                    kc = super().client(**kwargs)
                    kc.start_channels()
                    self.shared, self.stop_shared = kc, kc.stop_channels
                    # nbclient starts and waits for the client it gets; this one is started and ready.
                    kc.start_channels = kc.stop_channels = kc.wait_for_ready = lambda *args, **kwargs: None
                return self.shared

        km = _Manager(kernel_name=self.kernel_name)
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
            self._run(_INSTALL_STATE_MODULE.format(code=_KERNEL_STATE_CODE) + template_imports(self.template)
                      + "\n__import__('_naravard_warm').snapshot()", "warm-up")
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
        self.pending = self._send("__import__('_naravard_warm').reset()")
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

    # -- helpers
    def _send(self, code: str) -> str:
        return self.km.client().execute(code, silent=True, store_history=False)

    def _reply(self, msg_id: str, what: str) -> None:
        """Wait for the reply to ``msg_id``; replies to other requests (nbclient's) are skipped."""
        import queue

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
            raise KernelSetupError(f"the warm kernel's {what} failed: {_one_line(exc)}") from None

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


def _wait(value):
    """The result of ``value``, awaited on this thread's event loop (the one nbclient uses) if need be."""
    import inspect

    from jupyter_core.utils import run_sync

    if not inspect.isawaitable(value):
        return value

    async def result():
        return await value

    return run_sync(result)()


_KERNELS: dict = {}  # warm kernels of this process (a dask worker): (thread, template, staging) -> WarmKernel


def _kernel_for_this_thread(template: Path, staging: Path, quiet: bool) -> WarmKernel:
    """The warm kernel of the calling dask worker thread, started on first use."""
    import atexit
    import threading

    key = (threading.get_ident(), str(template), str(staging))
    if key not in _KERNELS:
        if not _KERNELS:
            atexit.register(shutdown_kernels)
        log = staging / f"kernel-{os.getpid()}-{threading.get_ident()}.log" if quiet else None
        _KERNELS[key] = WarmKernel(template, log=log)
    return _KERNELS[key]


def shutdown_kernels() -> int:
    """Stop every warm kernel of this process (run on each dask worker at the end of a build)."""
    count = len(_KERNELS)
    while _KERNELS:
        _KERNELS.popitem()[1].shutdown()
    return count


# ------------------------------------------------------------------ the output folder

def protected_folders(template: str | Path | None = None) -> tuple[list[Path], list[Path]]:
    """Where a build must never write: ``(exactly these, these and everything inside them)``.

    Exactly: ``/``, the project root and every folder holding it. With what is inside: ``data/``,
    ``notebooks/``, ``parameters/``, ``tests/``, the library and the report template's folder.
    """
    root = paths.PROJECT_ROOT.resolve()
    inside = [paths.DATA_DIR, paths.NOTEBOOKS_DIR, paths.PARAMETERS_DIR, root / "tests", Path(__file__).parent]
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
    staging area, including anything redirected there from ``$TMPDIR``.
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
            full = " (the disk is full)" if _is_disk_full(exc) else ""
            raise SetupError(f"--out {self.path}: cannot write there ({exc.strerror or exc}){full}; "
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

    def publish(self, result: ReportResult, into: Path | None = None) -> None:
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
        if into is not None:
            into.mkdir(exist_ok=True)
        names = report_files(result.slug)
        moves = [(Path(staged), (into or self.path) / names[kind]) for kind, staged in result.staged.items()]
        files.replace_together(moves, self.staging / f"{result.slug}.replaced")
        if into is None:
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
    import nbformat

    from .data import load_municipalities

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
        has_pdf = pdf.is_file()
        # A PDF older than its report's notebook is from an earlier build (a build without --pdf keeps it).
        earlier_pdf = has_pdf and on_disk and pdf.stat().st_mtime < notebook.stat().st_mtime - 1
        entries.append(pages.IndexEntry(kommun, slug, status, error, figures, built_at, has_pdf=has_pdf,
                                        pdf_built_at=_built_at(pdf) if earlier_pdf else "",
                                        downloads=downloads.report_links(out, slug)))
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


@functools.lru_cache(maxsize=None)
def _data_version() -> str:
    """The git commit of the checkout (with ``-dirty`` when data, parameters or code changed), or ``""``.

    Asked of git once per process: every report a worker stages, and the index, name the same version.
    """
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
    built_at, version = time.strftime("%Y-%m-%d %H:%M"), _data_version()
    texts = {"summary.csv": summary_csv(entries), "index.html": pages.index_page(entries, built_at, version)}
    texts.update(downloads.folder_files(entries, fresh, built_at, version, index_html=texts["index.html"]))
    for name in FOLDER_FILES[:-1]:  # all built before any is written
        folder.write_text(name, texts[name])
    folder.write_text(FOLDER_FILES[-1], downloads.checksums(folder.path))


# ------------------------------------------------------------------ signals

#: The signals that stop a build cleanly (exit code 128 + the signal's number).
STOP_SIGNALS = (signal.SIGHUP, signal.SIGINT, signal.SIGTERM)


class _Stop:
    """Turns SIGHUP/SIGINT/SIGTERM into a flag the main loop checks, so no publish is cut in half."""

    def __init__(self):
        self.signum = 0
        self._previous = {}

    def _handler(self, signum, _frame):
        self.signum = self.signum or signum

    def __enter__(self):
        import threading

        if threading.current_thread() is threading.main_thread():
            for signum in STOP_SIGNALS:
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


class _Full(Exception):
    def __init__(self, reason: str):
        self.reason = reason


def _publish(folder: OutputFolder, result: ReportResult) -> ReportResult:
    """Publish one finished report; when its files cannot be replaced it fails alone (``fel``)."""
    try:
        folder.publish(result, folder.path / f"repeat-{result.copy}" if result.copy else None)
    except OSError as exc:
        full = _is_disk_full(exc)
        return ReportResult(result.kommun, result.slug, False, copy=result.copy, disk_full=full,
                            error=f"DiskFull: {files.os_error_text(exc)}" if full else
                            f"PublishError: cannot replace {files.os_error_text(exc)}; the report's earlier files "
                            "are unchanged")
    return result


def _quietly(function, *args) -> None:
    try:
        function(*args)
    except OSError:  # e.g. keeping a log on a full disk: the report's error is already known
        pass


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


@dataclass
class _Job:
    """One report to run: its parameters, the folder it is staged in, and which copy it is (benchmarks)."""

    params: ReportParameters
    staging: str
    copy: int = 0


def _worker(conn, inherited: list, staging: str, template: str, pdf: bool, verbose: bool, isolate: bool) -> None:
    """Body of a forked worker: start a warm kernel, then run the reports it is sent one after another.

    Each report's output (the worker's and the kernel's) goes to ``<staging>/<slug>.log``. ``None``
    ends the worker; its kernel is stopped on the way out and on SIGTERM. With ``isolate`` there
    is no warm kernel: papermill starts a fresh one for every report.
    """
    for fd in inherited:  # the build's lock and the main process's ends of the workers' pipes: a worker
        os.close(fd)      # must see the end of its pipe when the main process dies
    _end_with_parent()
    kernel = None
    terminal = os.dup(1), os.dup(2)
    try:
        _worker_signals()
        if not isolate:
            kernel = WarmKernel(template, log=None if verbose else Path(staging) / f"kernel-{os.getpid()}.log")
            try:
                kernel.start()  # while the main process hands out the first report
            except Exception:  # noqa: BLE001 - the first report tries again and fails with the reason
                kernel.shutdown()
        while (job := conn.recv()) is not None:
            if not verbose:
                log = os.open(Path(job.staging) / f"{job.params.slug}.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND,
                              0o644)
                os.dup2(log, 1)
                os.dup2(log, 2)
                os.close(log)
            try:
                result = run_report(job.params, job.staging, template, pdf=pdf, kernel=kernel)
            finally:
                os.dup2(terminal[0], 1)
                os.dup2(terminal[1], 2)
            result.copy = job.copy
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
    import ctypes
    import ctypes.util

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


class _LocalWorker:
    """A forked worker process, the pipe to it and the job it is running (``None`` when idle)."""

    open_ends: set = set()  # file descriptors of the main process's ends of all workers' pipes

    def __init__(self, context, folder: OutputFolder, template: Path, pdf: bool, verbose: bool, isolate: bool):
        self.conn, child = context.Pipe(duplex=True)
        self.fd = self.conn.fileno()
        _LocalWorker.open_ends.add(self.fd)
        inherited = [folder.lock_fd, *_LocalWorker.open_ends]
        self.process = context.Process(target=_worker, name="naravard-worker", daemon=False, args=(
            child, inherited, str(folder.staging), str(template), pdf, verbose, isolate))
        self.process.start()
        child.close()
        self.job = None

    def send(self, job: _Job) -> None:
        self.job = job
        self.conn.send(job)

    def receive(self):
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



def _run_local(jobs, folder: OutputFolder, workers: int, template: Path, pdf: bool, verbose: bool, stop: _Stop,
               isolate: bool = False):
    """``workers`` forked processes, each with a warm kernel, take the reports in turn.

    A worker that dies fails only the report it was running; a new worker takes its place.
    """
    import multiprocessing
    from multiprocessing.connection import wait

    context = multiprocessing.get_context("fork")  # inherits the imports done in build(): cheap to start
    pending = list(jobs)
    pool = [_LocalWorker(context, folder, template, pdf, verbose, isolate) for _ in range(min(workers, len(pending)))]
    try:
        while pending or any(w.job for w in pool):
            stop.check()
            for worker in pool:
                if worker.job is None and pending:
                    worker.send(pending.pop(0))
            ready = set(wait([w.conn for w in pool if w.job] + [w.process.sentinel for w in pool if w.job],
                             timeout=_POLL))
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
                    pool.append(_LocalWorker(context, folder, template, pdf, verbose, isolate))
                yield ReportResult(job.params.kommun, job.params.slug, False, copy=job.copy,
                                   error=f"WorkerDied: the worker process running this report {_how(code)}")
        for worker in pool:
            worker.finish()  # all at once: their kernels stop in parallel
        for worker in pool:
            worker.close(timeout=10)
        pool = []
    finally:
        for worker in pool:
            worker.close()


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
              verbose: bool, stop: _Stop, isolate: bool = False):
    """The same runs as tasks on a dask cluster: each worker thread keeps one warm kernel between its reports."""
    from dask.distributed import wait as dask_wait

    client, cluster = _dask_client(workers, scheduler, folder.staging)
    futures = {}
    try:
        futures = {client.submit(run_report, j.params, j.staging, str(template), pdf=pdf, pure=False,
                                 log=None if verbose else str(Path(j.staging) / f"{j.params.slug}.log"),
                                 warm=None if isolate else str(folder.staging),
                                 key=f"report-{j.params.slug}-{j.copy}-{os.getpid()}"): j for j in jobs}
        waiting = set(futures)
        while waiting:
            stop.check()
            done, waiting = _dask_some_done(dask_wait, waiting)
            for future in done:
                job = futures[future]
                try:
                    result = future.result()
                except Exception as exc:  # noqa: BLE001 - e.g. KilledWorker: this report fails, others go on
                    result = ReportResult(job.params.kommun, job.params.slug, False, error=_one_line(exc))
                result.copy = job.copy
                yield result
    finally:
        try:
            client.cancel(list(futures))
            if not isolate:
                _on_every_worker(client, shutdown_kernels)
            client.close(timeout=5)
        finally:
            if cluster is not None:
                cluster.close(timeout=5)


def _on_every_worker(client, function, timeout: float = 10) -> None:
    """Run ``function`` on every dask worker, giving up after ``timeout`` seconds (a stuck worker)."""
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        try:
            pool.submit(client.run, function).result(timeout)
        except Exception:  # noqa: BLE001 - workers that do not answer are stopped with their cluster
            pass


def _dask_some_done(dask_wait, waiting):
    from dask.distributed import TimeoutError as DaskTimeout

    try:
        done, not_done = dask_wait(list(waiting), timeout=_POLL * 5, return_when="FIRST_COMPLETED")
    except (DaskTimeout, TimeoutError):
        return set(), waiting
    return set(done), set(not_done)


# ------------------------------------------------------------------ the build

def loopback_problem(timeout: float = 2) -> str:
    """Why kernels could not talk to this process over ``127.0.0.1``, in one line; ``""`` when they can.

    Jupyter kernels listen on the loopback interface; without it every kernel start waits a minute
    and fails with no hint. This tries a connection to itself, within ``timeout`` seconds.
    """
    import socket

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
    import sys

    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # an ImportError for jsonschema, which skips the checker



def build(jobs: list[ReportParameters], out_dir: str | Path, workers: int = 2, executor: str = "local",
          scheduler: str | None = None, template: str | Path | None = None,
          show_progress: bool = True, verbose: bool = False, pdf: bool = False, isolate: bool = False,
          repeat: int = 1, force: bool = False) -> list[ReportResult]:
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
    isolate : bool
        Run every report in a fresh kernel of its own. By default each worker keeps one warm kernel
        and resets it between reports (see :class:`WarmKernel`); the files are the same bytes.
    repeat : int
        Benchmarks only: run every report ``repeat`` times; copy ``n`` (from 1) is published to
        ``<out>/repeat-<n>/`` and is not in the index.
    force : bool
        Write into a folder that is not empty and was not made by naravard (``--force``).

    Returns
    -------
    list of ReportResult
        In the order of ``jobs`` (then by copy).

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
    from tqdm.auto import tqdm

    if executor not in ("local", "dask"):
        raise ValueError(f"executor must be 'local' or 'dask', got {executor!r}")
    template = Path(template or paths.REPORT_TEMPLATE).resolve()
    if not template.is_file():
        raise SetupError(f"report template {template} not found; restore notebooks/kommunrapport.ipynb (git)")
    workers = max(1, min(workers, len(jobs)))
    check_output_folder(out_dir, force, template)
    problem = loopback_problem()
    if problem:
        raise SetupError(problem)
    if executor == "dask" and scheduler:
        check_scheduler(scheduler)  # fails in seconds, before the folder is touched
    if executor == "local":
        _skip_iri_format_check()
        import nbformat  # noqa: F401 - imported once here, inherited by every forked worker
        import papermill  # noqa: F401

        pages._exporter()
    fresh, failed, results = {}, {}, []
    with _Stop() as stop, OutputFolder(out_dir, force, template) as folder, \
            _environment(_isolated_env(folder.staging)):
        work = [_Job(params, str(folder.staging if copy == 0 else folder.staging / f"repeat-{copy}"), copy)
                for copy in range(max(1, repeat)) for params in jobs]
        for job in work:
            Path(job.staging).mkdir(parents=True, exist_ok=True)
        tqdm.monitor_interval = 0  # no monitor thread: workers are forked
        try:
            with tqdm(total=len(work), desc="Rapporter", unit="rapport", disable=not show_progress) as progress:
                runs = (_run_dask(work, folder, workers, template, pdf, scheduler, verbose, stop, isolate)
                        if executor == "dask" else _run_local(work, folder, workers, template, pdf, verbose, stop,
                                                              isolate))
                try:
                    for result in runs:
                        if result.ok:
                            result = _publish(folder, result)
                        if result.ok and not result.copy:
                            fresh[result.slug] = result
                        elif not result.copy:
                            _quietly(folder.keep_log, result.slug)
                            failed[result.slug] = result
                        results.append(result)
                        progress.update(1)
                        if result.disk_full:
                            raise _Full(f"{result.kommun}: {result.error.removeprefix('DiskFull: ')}")
                finally:
                    runs.close()  # stops the workers still running when anything goes wrong here
        except _Stopped as stopped:
            _write_index(folder, fresh, failed)
            raise Interrupted(stopped.signum, f"stopped by {signal.Signals(stopped.signum).name}: {len(fresh)} of "
                              f"{len(jobs)} reports written to {folder.path}; the index lists what is there") from None
        except _Full as full:
            shutil.rmtree(folder.hidden / "tmp", ignore_errors=True)  # room for the index
            folder.staging.mkdir(parents=True, exist_ok=True)
            try:
                _write_index(folder, fresh, failed)
                index = "the index lists what is there"
            except OSError:
                index = "the index could not be updated (it still links only reports that are there)"
            raise DiskFull(f"the disk is full ({full.reason}): the build stopped; {len(fresh)} of {len(jobs)} "
                           f"reports written to {folder.path}, {index}; free some space and run the build "
                           "again") from None
        try:
            _write_index(folder, fresh, failed)
        except OSError as exc:
            if _is_disk_full(exc):
                raise DiskFull(f"the disk is full ({files.os_error_text(exc)}): {len(fresh)} of {len(jobs)} "
                               f"reports written to {folder.path}, but the index could not be updated; free some "
                               "space and run the build again") from None
            raise SetupError(f"--out {folder.path}: cannot write {files.os_error_text(exc)}; the reports are "
                             "written, the index is not") from None
    order = {p.slug: i for i, p in enumerate(jobs)}
    results.sort(key=lambda r: (r.copy, order[r.slug]))
    return results
