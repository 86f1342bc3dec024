"""Helpers for the browser tests: servers on loopback, axe-core, screenshots, JupyterLab driving.

Shared by every module in ``tests/browser`` (JupyterLab notebooks, reports, dashboard, form), so
there is one way to start a server, one way to run axe and one place for screenshots.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

from naravard_lib import paths

SCREENSHOTS = paths.PROJECT_ROOT / "build" / "screenshots"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BROWSER_SKIP = ("browser tests: SKIPPED - Debian's chromium is not installed; as root `make test` installs it, "
                "otherwise run `apt-get install chromium` and `make test-browser`")


def chromium_path() -> str | None:
    """Debian's chromium, or None when it is not installed."""
    return shutil.which("chromium")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(url: str, headers: dict | None = None) -> bool:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=2):
            return True
    except urllib.error.HTTPError:
        return True  # the server is up, it just said no
    except OSError:
        return False


def start_server(argv: list[str], url: str, env: dict | None = None, timeout: float = 60,
                 log: Path | None = None) -> subprocess.Popen:
    """Start ``argv`` in a process group of its own and wait until ``url`` answers."""
    output = open(log, "w", encoding="utf-8") if log else subprocess.DEVNULL  # noqa: SIM115
    proc = subprocess.Popen(argv, env={**os.environ, **(env or {})}, stdout=output, stderr=subprocess.STDOUT,
                            start_new_session=True)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{argv[0]} exited with {proc.returncode} before {url} answered (log: {log})")
        if _answers(url):
            return proc
        time.sleep(0.2)
    stop_server(proc)
    raise TimeoutError(f"{url} did not answer within {timeout} s (log: {log})")


def stop_server(proc: subprocess.Popen) -> None:
    """Stop a server started by :func:`start_server` and everything it started (its process group)."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)
    except ProcessLookupError:
        pass


def axe_violations(page, selector: str | None = None) -> list[dict]:
    """axe-core's WCAG 2.0/2.1 level A and AA violations on ``page`` (optionally within ``selector``)."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    results = Axe().run(page, context=selector, options=options)
    return [{"id": v["id"], "impact": v.get("impact"), "help": v.get("help"),
             "nodes": [n.get("html", "")[:200] for n in v.get("nodes", [])]}
            for v in results.response["violations"]]


def screenshot(page, name: str, full_page: bool = True) -> Path:
    """Save a screenshot to ``build/screenshots/<name>.png`` (git-ignored) and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(target), full_page=full_page)
    return target


# --------------------------------------------------------------------------- JupyterLab

class Lab:
    """A running JupyterLab on loopback, serving a scratch copy of ``notebooks/``."""

    def __init__(self, url: str, token: str, root: Path, proc: subprocess.Popen):
        self.url, self.token, self.root, self.proc = url, token, root, proc

    def api(self, path: str):
        """GET ``/api/<path>`` as JSON."""
        request = urllib.request.Request(f"{self.url}/api/{path}", headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def kernel_state(self, notebook: str) -> str | None:
        """The execution state of the kernel of ``notebook`` (a path relative to the root), if any."""
        for session in self.api("sessions"):
            if session.get("path") == notebook and session.get("kernel"):
                return session["kernel"]["execution_state"]
        return None

    def open(self, page, notebook: str) -> None:
        """Open ``notebook`` in a fresh workspace (so earlier tabs do not pile up) and wait for its kernel."""
        page.goto(f"{self.url}/lab/workspaces/{uuid.uuid4().hex}/tree/{notebook}?token={self.token}")
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
        self.wait_for_kernel(notebook, timeout=60)

    def wait_for_kernel(self, notebook: str, timeout: float = 60) -> None:
        """Wait until the notebook's kernel exists and is idle."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.kernel_state(notebook) == "idle":
                return
            time.sleep(0.2)
        raise TimeoutError(f"the kernel of {notebook} was not idle within {timeout} s")

    def restart_and_run_all(self, page, notebook: str, timeout: float = 180) -> None:
        """Kernel menu → "Restart Kernel and Run All Cells…", confirm, wait for busy and then a lasting idle."""
        page.locator(".lm-MenuBar-itemLabel", has_text="Kernel").click()
        page.locator(".lm-Menu-itemLabel", has_text="Restart Kernel and Run All Cells").click()
        page.locator(".jp-Dialog .jp-mod-accept").click()
        deadline = time.monotonic() + timeout
        seen_busy = False
        while time.monotonic() < deadline and not seen_busy:
            seen_busy = self.kernel_state(notebook) in ("busy", "starting", "restarting")
            time.sleep(0.05)
        assert seen_busy, f"the kernel of {notebook} never became busy after Run All"
        self.wait_until_done(page, notebook, deadline)

    def wait_until_done(self, page, notebook: str, deadline: float) -> None:
        """Idle on ``/api/sessions`` for a while, and no cell still waiting to run (``[*]``)."""
        idle_since = None
        while time.monotonic() < deadline:
            idle = self.kernel_state(notebook) == "idle" and not page.evaluate(
                "() => [...document.querySelectorAll('.jp-InputPrompt')].some(p => p.textContent.includes('*'))")
            if idle:
                idle_since = idle_since or time.monotonic()
                if time.monotonic() - idle_since > 1.0:
                    return
            else:
                idle_since = None
            time.sleep(0.1)
        raise TimeoutError(f"{notebook} did not finish running")


def start_lab(root: Path, log: Path, home: Path) -> Lab:
    """Start JupyterLab from the project's ``.venv`` on a free loopback port with a token of its own.

    As ``make lab`` does, the notebooks under ``root`` are trusted first, so that JupyterLab draws
    their stored widget state. ``home`` keeps Jupyter's data and runtime files (trust database,
    connection files) out of the user's own folders.
    """
    import secrets
    import sys

    port, token = free_port(), secrets.token_hex(16)
    jupyter = Path(sys.executable).with_name("jupyter")
    env = {"JUPYTER_DATA_DIR": str(home / "data"), "JUPYTER_RUNTIME_DIR": str(home / "runtime")}
    notebooks = [str(p) for p in root.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts]
    subprocess.run([str(jupyter), "trust", *notebooks], env={**os.environ, **env}, check=True,
                   capture_output=True)
    argv = [str(jupyter), "lab", "--no-browser", "--allow-root", f"--ServerApp.port={port}",
            "--ServerApp.port_retries=0", "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={root}", f"--LabApp.workspaces_dir={root / '.workspaces'}",
            "--LabApp.extension_manager=readonly", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.news_url=None"]
    url = f"http://127.0.0.1:{port}"
    proc = start_server(argv, f"{url}/api/status?token={token}", env=env, timeout=90, log=log)
    return Lab(url, token, root, proc)
