"""Fixtures for the browser tests: Debian's chromium driven by Playwright, and a real JupyterLab.

When chromium is missing, ``make test`` leaves this folder out and says so in one line (see
``tests/conftest.py``); named on the command line, its tests are skipped with that same one line. ``make test``
installs chromium first when it runs as root.
"""

from __future__ import annotations

import shutil

import pytest

from harness import BROWSER_SKIP, CHROMIUM_ARGS, chromium_path, start_lab, stop_server
from naravard_lib import paths


@pytest.fixture(scope="session")
def browser():
    if not chromium_path():  # this folder named on the command line; `make test` leaves it out instead
        pytest.skip(BROWSER_SKIP)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="sv-SE")
    opened = context.new_page()
    yield opened
    context.close()


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    """JupyterLab on a scratch copy of ``notebooks/`` (so autosave never touches the committed files)."""
    root = tmp_path_factory.mktemp("lab")
    shutil.copytree(paths.NOTEBOOKS_DIR, root / "notebooks",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    server = start_lab(root / "notebooks", root / "jupyterlab.log", home=root)
    yield server
    stop_server(server.proc)
