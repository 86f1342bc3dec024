"""The dashboard page for another data folder, where its users see it: Voilà with ``NARAVARD_DATA``, in chromium.

(a) A new year: the shipped data plus a FICTIONAL 2025 table. The page's key figures and its what-if
speak of 2025, and the what-if starts at the 2025 table (largest difference 0 kr).
(Another län's dashboard is the same page from another folder; its content is checked without a browser
in ``tests/test_reader_folders.py``, which keeps the browser suite to one Voilà start here.)
The folder comes from ``tests/datafolders.py``; the derived populations are computed with
``naravard data derive --data``, as a user does.
"""

from __future__ import annotations

import subprocess
import sys

import pandas as pd

import datafolders
from harness import free_port, screenshot, start_server, stop_server
from naravard_lib import dashboard_server


def _new_year(tmp_path_factory):
    """The shipped data plus the FICTIONAL 2025 table of ``tests/datafolders.py``, derived as a user does."""
    root = tmp_path_factory.mktemp("nytt-ar-sida")
    datafolders.add_fictional_year(datafolders.copy_shipped(root), "2025")
    derived = subprocess.run([sys.executable, "-m", "naravard_lib.cli", "data", "derive", "--data", str(root / "data")],
                             capture_output=True, text=True, timeout=300)
    assert derived.returncode == 0, derived.stderr
    table = pd.read_csv(root / "data" / "allocations.csv", dtype={"period": str})
    return root, table[table["period"] == "2025"].set_index("kommun")["amount_sek"]


def _voila(root):
    """Voilà serving the dashboard with ``NARAVARD_DATA`` pointing at ``root/data``; its process and address."""
    port = free_port()
    env = dashboard_server.environment()
    env.update(JUPYTER_RUNTIME_DIR=str(root / "runtime"), JUPYTER_DATA_DIR=str(root / "jupyter"), TMPDIR=str(root),
               NARAVARD_DATA=str(root / "data"))
    url = f"http://127.0.0.1:{port}"
    proc = start_server(dashboard_server.voila_command(port=port), f"{url}/voila/templates/lab/static/index.css",
                        env=env, timeout=90, log=root / "voila.log")
    return proc, url


def _page_text(browser, url: str, heading: str, shot: str) -> str:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="sv-SE")
    page = context.new_page()
    try:
        page.goto(url)
        page.get_by_role("heading", name=heading).wait_for(timeout=90_000)
        page.get_by_text("största skillnad mot publicerat").wait_for(timeout=30_000)
        screenshot(page, shot)
        return page.evaluate("() => document.body.textContent").replace("\xa0", " ")
    finally:
        context.close()


def test_a_new_year_s_dashboard_and_what_if_show_2025(tmp_path_factory, browser):
    root, cells = _new_year(tmp_path_factory)
    proc, url = _voila(root)
    try:
        text = _page_text(browser, f"{url}/?kommun=Habo", "Nyckeltal för Habo", "dashboard-2025-habo")
    finally:
        stop_server(proc)
    habo = f"{int(cells['Habo']):,}".replace(",", " ")
    assert f"Habo fick {habo} kr inom insatsområde Nära vård 2025" in text
    assert "Förändring 2024 → 2025" in text and "2025 (Nära vård)" in text
    assert "Tänk om: fördelningen 2025 med andra antaganden" in text
    total = f"{int(cells.sum()):,}".replace(",", " ")
    assert f"Till kommunerna: {total} kr · största skillnad mot publicerat: 0 kr" in text  # the 2025 table exactly
    assert datafolders.FICTIONAL_TITLE in text  # its source line, from sources.csv
