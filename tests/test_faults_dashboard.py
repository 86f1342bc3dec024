"""The dashboard under load: twenty visitors at once on loopback, a cap on kernels, culling.

Voilà is started as ``make dashboard`` starts it (:func:`naravard_lib.dashboard_server.voila_command`),
with a cap of three kernels and a culling time of a few seconds, so the test sees the whole life
of the kernels. Kernels are counted as the server's ``ipykernel_launcher`` child processes.
"""

from __future__ import annotations

import concurrent.futures
import threading
import time
import urllib.error
import urllib.request

import psutil
import pytest

from harness import free_port, start_server, stop_server
from naravard_lib import dashboard, dashboard_server

CAP = 3
CULL_AFTER = 6  # seconds; the real default is 300


def _kernels(server: psutil.Process) -> list[psutil.Process]:
    try:
        children = server.children(recursive=True)
    except psutil.Error:
        return []
    found = []
    for child in children:
        try:
            if "ipykernel_launcher" in " ".join(child.cmdline()) and child.status() != psutil.STATUS_ZOMBIE:
                found.append(child)
        except psutil.Error:
            pass
    return found


def _visit(url: str) -> tuple[int, dict, str, float]:
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=240) as response:
            return response.status, dict(response.headers), response.read().decode("utf-8"), time.monotonic() - started
    except urllib.error.HTTPError as refused:
        return refused.code, dict(refused.headers), refused.read().decode("utf-8"), time.monotonic() - started


def _wait(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.2)


@pytest.mark.slow
def test_twenty_visitors_at_once_stay_under_the_cap_and_idle_kernels_are_culled(tmp_path):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = dashboard_server.environment()
    env.update(JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"), JUPYTER_DATA_DIR=str(tmp_path / "data"),
               TMPDIR=str(tmp_path))
    argv = dashboard_server.voila_command(port=port, max_kernels=CAP, cull_after=CULL_AFTER, cull_interval=1)
    proc = start_server(argv, f"{url}/voila/templates/lab/static/index.css", env=env, timeout=90,
                        log=tmp_path / "voila.log")
    try:
        server = psutil.Process(proc.pid)
        _wait(lambda: len(_kernels(server)) == 1, 60, "the pre-heated kernel did not start")
        counts, done = [], threading.Event()

        def watch():
            while not done.is_set():
                counts.append(len(_kernels(server)))
                time.sleep(0.05)

        watcher = threading.Thread(target=watch)
        watcher.start()
        with concurrent.futures.ThreadPoolExecutor(20) as pool:
            visits = list(pool.map(lambda _: _visit(f"{url}/?kommun=Habo"), range(20)))
        done.set()
        watcher.join()
        served = [v for v in visits if v[0] == 200]
        refused = [v for v in visits if v[0] == 503]
        assert len(served) + len(refused) == 20, [v[0] for v in visits]
        assert 1 <= len(served) <= CAP and max(counts) <= CAP, (len(served), max(counts))
        for _status, headers, body, seconds in refused:
            assert "försök igen om en stund" in body.lower() and 'lang="sv"' in body
            assert headers.get("Retry-After") == "30" and seconds < 10  # at once, not a hang
        assert all(dashboard.PAGE_TITLE in body and "application/vnd.jupyter.widget-view+json" in body
                   for _s, _h, body, _t in served)
        # Nobody keeps a page open (no websocket), so the visitors' kernels are idle: culled after CULL_AFTER
        # seconds. Voilà refills its pool of one pre-heated kernel, which may still be running the notebook
        # (busy, so rightly not culled; seen in a loaded CI run): at most that one stays.
        # The cap was reached (visitors were refused), so getting down to one means at least two were culled.
        _wait(lambda: len(_kernels(server)) <= 1, CULL_AFTER + 30, "idle kernels were not culled")
        assert "Culling 'idle' kernel" in (tmp_path / "voila.log").read_text(encoding="utf-8", errors="replace")
        status, _headers, body, _seconds = _visit(f"{url}/?kommun=Aneby")  # room again: served
        assert status == 200 and dashboard.PAGE_TITLE in body and "application/vnd.jupyter.widget-view+json" in body
    finally:
        stop_server(proc)
