"""Serving the dashboard: ``naravard dashboard`` (``make dashboard``) starts Voilà on this machine.

:func:`voila_command` is the Voilà command line (loopback by default, code hidden, the project's
template, nothing fetched from outside the machine, a cap on visitors' kernels), :func:`environment`
the environment it runs in, and :func:`serve` what ``naravard dashboard`` does: check the address,
print it, and become Voilà. Voilà itself, with the cap, is :mod:`naravard_lib.voila_app`; the page
is :mod:`naravard_lib.dashboard`.
"""

from __future__ import annotations

import errno
import ipaddress
import os
import socket
import sys
from pathlib import Path

from . import municipalities, paths

#: The notebook served as the dashboard page (it shows :class:`naravard_lib.widgets.Dashboard`).
NOTEBOOK = paths.NOTEBOOKS_DIR / "oversikt.ipynb"
#: ``JUPYTER_PATH`` entry holding the Voilà template ``voila/templates/naravard-oversikt``.
TEMPLATE_ROOT = Path(__file__).resolve().parent / "jupyter"
TEMPLATE = "naravard-oversikt"
DEFAULT_PORT = 8866
#: Kernels the dashboard runs at most: the pre-heated one plus three visitors, about 1.1 GB of memory
#: (one kernel with the page drawn: about 270 MB). A visitor beyond them is asked to try again.
DEFAULT_MAX_KERNELS = 4
#: Seconds after which a kernel with no page open (and nothing running) is stopped.
DEFAULT_CULL_AFTER = 300


def _is_loopback(ip: str) -> bool:
    try:
        return ipaddress.ip_address(ip).is_loopback
    except ValueError:
        return ip == "localhost"


def voila_command(ip: str = "127.0.0.1", port: int = DEFAULT_PORT, notebook: Path = NOTEBOOK,
                  open_browser: bool = False, pool_size: int = 1, max_kernels: int = DEFAULT_MAX_KERNELS,
                  cull_after: int = DEFAULT_CULL_AFTER, cull_interval: int = 60) -> list[str]:
    """The Voilà command line that serves the dashboard (from this Python's environment).

    Code is stripped from the page, tracebacks are not shown, the page is Swedish and uses the
    project's template (Voilà's ``lab`` template without its CDN links), so the page requests
    nothing from outside the server. ``pool_size`` kernels are started and run the notebook before
    anyone asks (Voilà's pre-heated kernels), so a visitor sees the page at once; more visitors at
    the same time get a kernel started for them, up to ``max_kernels`` kernels in all (a visitor
    beyond them gets a Swedish "try again in a moment" page, :data:`naravard_lib.voila_app.BUSY_PAGE`).
    A kernel whose page was closed is stopped after ``cull_after`` idle seconds (checked every
    ``cull_interval`` seconds). Run it with :func:`environment`.
    """
    if max_kernels < pool_size + 1:
        raise ValueError(f"max_kernels must leave room for a visitor beside the {pool_size} pre-heated kernel(s)")
    argv = [sys.executable, "-m", "naravard_lib.voila_app", str(notebook), f"--Voila.ip={ip}",
            f"--port={port}", "--Voila.port_retries=0",
            f"--template={TEMPLATE}", "--strip_sources=True", "--show_tracebacks=False",
            "--VoilaExporter.language_code=sv", "--theme=light",
            "--preheat_kernel=True", f"--pool_size={pool_size}",
            "--VoilaConfiguration.multi_kernel_manager_class=naravard_lib.voila_app.CappedKernelManager",
            f"--CappedKernelManager.max_kernels={max_kernels}",
            # a kernel whose page was closed stops after cull_after idle seconds; open pages keep theirs
            f"--MappingKernelManager.cull_interval={cull_interval}",
            f"--MappingKernelManager.cull_idle_timeout={cull_after}"]
    if not open_browser:
        argv.append("--no-browser")
    return argv


def environment(base: dict | None = None) -> dict:
    """``base`` (default: this process's environment) with the template folder on ``JUPYTER_PATH``."""
    env = dict(os.environ if base is None else base)
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(TEMPLATE_ROOT), env.get("JUPYTER_PATH", "")) if p)
    return env


def port_problem(ip: str, port: int) -> str:
    """Why Voilà could not listen on ``ip:port``, with what to do, or ``""`` when it can."""
    family = socket.AF_INET6 if ":" in ip else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((ip, port))
        except OSError as error:
            reason = error.strerror or str(error)
            if error.errno in (errno.EADDRINUSE, errno.EACCES):
                return f"{reason}; is a dashboard already running? Choose another port, e.g. PORT={port + 1}"
            return f"{reason}; use 127.0.0.1 (this machine), 0.0.0.0 (every network) or one of this machine's addresses"
    return ""


def serve(ip: str = "127.0.0.1", port: int = DEFAULT_PORT, open_browser: bool = False,
          max_kernels: int = DEFAULT_MAX_KERNELS, cull_after: int = DEFAULT_CULL_AFTER) -> int:
    """``naravard dashboard``: print the dashboard's address, then become Voilà serving it.

    Returns 2 (one line on stderr, nothing started) when Voilà could not listen on ``ip:port``;
    otherwise this process is replaced by Voilà and does not return.
    """
    problem = port_problem(ip, port)
    if problem:
        print(f"dashboard: cannot listen on {ip} port {port}: {problem}", file=sys.stderr)
        return 2
    host = f"[{ip}]" if ":" in ip else ip
    shown = "127.0.0.1" if ip in ("0.0.0.0", "::") else host
    example = municipalities.slug(municipalities.names()[0])
    print(f"Dashboard: http://{shown}:{port}/  (a municipality: http://{shown}:{port}/?kommun={example})")
    if not _is_loopback(ip):
        print(f"Listening on {ip}: anyone who can reach this machine on port {port} can open the "
              f"dashboard (no password); each visitor gets a kernel of their own, {max_kernels} at most "
              "(about 270 MB each). Stop with Ctrl-C.")
    else:
        print("Only this machine can open it. Stop with Ctrl-C.")
    sys.stdout.flush()
    command = voila_command(ip, port, open_browser=open_browser, max_kernels=max_kernels,
                            cull_after=cull_after, cull_interval=min(60, max(1, cull_after // 5)))
    os.execve(command[0], command, environment())
    return 0  # pragma: no cover - execve does not return
