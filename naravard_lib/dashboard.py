"""The dashboard: what ``notebooks/oversikt.ipynb`` shows for one municipality, and how Voilà serves it.

The page is for people who never open JupyterLab. :class:`naravard_lib.widgets.Dashboard` draws it
from the functions here (key figures, the change 2023 → 2024, source lines) and from the same
widgets the notebooks use. :func:`main` is ``make dashboard``: Voilà from this environment on
loopback, code hidden, nothing fetched from outside the machine.

Run ``python -m naravard_lib.dashboard --help`` for the options.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import socket
import sys
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qs

import pandas as pd

from . import allocation as al
from . import data, municipalities, paths
from .errors import UnknownMunicipality
from .formatting import format_number, format_percent
from .report import allocation_overview, key_figures, summary_text
from .schemas import SEED_TITLES

#: The page's title (``<title>`` and its one ``<h1>``).
TITLE = "Nära vård i Jönköpings län – översikt"
#: Shown when the URL names no municipality.
DEFAULT_KOMMUN = "Jönköping"
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

_SEED_000 = SEED_TITLES["000_b4d30c94750151c6.txt"]
_SEED_001 = SEED_TITLES["001_810176a096e53aad.txt"]
_SEED_004 = SEED_TITLES["004_22804defa31be928.txt"]
#: Which population each period's per-inhabitant figure and population share use.
POPULATION_PERIOD = {"2019-2022": "2023", "2023": "2023", "2024": "2024"}


# --------------------------------------------------------------------------- the URL


def kommun_from_query(query: str | None) -> tuple[str, str]:
    """The municipality a dashboard URL asks for, and a Swedish note when it cannot be shown.

    Parameters
    ----------
    query : str or None
        The URL's query string without ``?`` (Voilà passes it to the kernel as ``QUERY_STRING``),
        e.g. ``"kommun=Habo"``; a slug (``kommun=jonkoping``) works too.

    Returns
    -------
    tuple of str
        The municipality to show (:data:`DEFAULT_KOMMUN` if none or an unknown one is asked for)
        and a note for the reader (empty when the request was met).

    Examples
    --------
    >>> kommun_from_query("kommun=v%C3%A4rnamo")
    ('Värnamo', '')
    >>> kommun_from_query("kommun=Habbo")[1]
    'Kommunen ”Habbo” finns inte i Jönköpings län (menade du Habo?). Sidan visar Jönköping.'
    """
    values = parse_qs(query or "").get("kommun", [])
    wanted = values[0].strip() if values else ""
    if not wanted:
        return DEFAULT_KOMMUN, ""
    try:
        return municipalities.lookup(wanted), ""
    except UnknownMunicipality as error:
        return DEFAULT_KOMMUN, f"{error.message_sv}. Sidan visar {DEFAULT_KOMMUN}."


def page_query() -> str:
    """The query string of the page the visitor opened (``"kommun=Habo"``), or ``""`` outside Voilà.

    Voilà passes it to the kernel as ``QUERY_STRING``. With Voilà's pre-heated kernels (``make
    dashboard`` uses one) the notebook runs before anyone asks for the page, so this waits for the
    visitor's request (:func:`voila.utils.get_query_string`); everything above it is ready by then.
    In JupyterLab it returns at once.
    """
    if os.environ.get("VOILA_PREHEAT", "False") != "False":
        from voila.utils import get_query_string

        return get_query_string() or ""
    return os.environ.get("QUERY_STRING", "")


# --------------------------------------------------------------------------- what the page shows


@lru_cache(maxsize=32)
def _facts(kommun: str) -> tuple[dict, pd.DataFrame, pd.Series]:
    """Key figures, allocation overview and 2023 → 2024 change of one municipality, computed once.

    The data do not change while a dashboard runs, so a second visit to a municipality is instant.
    """
    figures = key_figures(kommun)
    kommun = figures["kommun"]
    return figures, allocation_overview(kommun), al.change_2023_2024().set_index("kommun").loc[kommun]


@lru_cache(maxsize=32)
def summary_markdown(kommun: str) -> str:
    """:func:`naravard_lib.report.summary_text`, the report's reading of the key figures (cached)."""
    return summary_text(kommun)


def key_figure_table(kommun: str) -> pd.DataFrame:
    """One row per agreement period: the municipality's money, per inhabitant, share against population, rank.

    Each period counts all its areas (2024 has only Nära vård). The population share uses the
    population the period is divided by (see :data:`POPULATION_PERIOD`); the money share equals it
    in 2023 and 2024, which are pure population splits, but not in 2019-2022.
    """
    figures, overview, _change = _facts(kommun)
    kommun = figures["kommun"]
    rows = []
    for period, group in overview.groupby("period", sort=False):
        row = group[group["insatsomrade"] == "Totalt"]
        row = (row if len(row) else group).iloc[0]
        population = _populations(POPULATION_PERIOD[period])
        areas = "alla insatsområden" if (group["insatsomrade"] == "Totalt").any() else row["insatsomrade"]
        rows.append({
            "Period": f"{period.replace('-', '–')} ({areas})",
            "Belopp (kr)": format_number(row["belopp"]),
            "Per invånare (kr)": format_number(row["per_invanare"], 2),
            "Andel av länets medel": format_percent(row["andel_av_lanet"]),
            "Andel av länets befolkning": format_percent(100 * population[kommun] / population.sum()),
            "Rang i länet": f"{row['rang']} av 13",
        })
    return pd.DataFrame(rows)


@lru_cache(maxsize=4)
def _populations(period: str) -> pd.Series:
    return al.populations(period)


def key_figure_caption(kommun: str) -> str:
    """Caption of :func:`key_figure_table`: what it shows and which population each period uses."""
    kommun = _facts(kommun)[0]["kommun"]
    return (f"{kommun}: statsbidraget per period. Per invånare och befolkningsandel räknas 2024 på "
            "befolkningen 1 nov 2023, 2023 och 2019–2022 på befolkningen 1 nov 2022 (2019–2022 har ingen "
            "egen). Rang 1 är det största beloppet av länets 13 kommuner.")


def change_table(kommun: str) -> pd.DataFrame:
    """The Nära vård amount 2023 → 2024 and what the change consists of (pool, population share, rounding)."""
    k, _overview, change = _facts(kommun)
    rounding = k["forandring_2023_2024"] - k["varav_pott"] - k["varav_befolkningsandel"]
    rows = [
        ("Nära vård 2023", int(change["amount_2023"])),
        ("Nära vård 2024", int(change["amount_2024"])),
        ("Förändring 2023 → 2024", k["forandring_2023_2024"]),
        ("därav: länets pott ändrades", k["varav_pott"]),
        (f"därav: befolkningsandelen ändrades ({format_percent(change['share_2023_pct'], 3)} → "
         f"{format_percent(change['share_2024_pct'], 3)})", k["varav_befolkningsandel"]),
        ("därav: avrundning per cell", rounding),
    ]
    return pd.DataFrame({"Post": [r[0] for r in rows],
                         "Belopp (kr)": [_signed(r[1], i >= 2) for i, r in enumerate(rows)]})


def _signed(value: int, sign: bool) -> str:
    text = format_number(value)
    return f"+{text}" if sign and value > 0 else text


def change_caption(kommun: str) -> str:
    """Caption of :func:`change_table`."""
    return f"{_facts(kommun)[0]['kommun']}: Nära vård 2023 → 2024 och vad förändringen består av."


def source_allocations() -> str:
    """Source line under the key figures (seed 000, the three allocation tables)."""
    sections = data.load_allocations().drop_duplicates("period")["section"]
    return f"Källa: {_SEED_000} (avsnitt: {'; '.join(sections)}). Befolkningarna är härledda ur tabellerna."


def source_what_if() -> str:
    """Source line under the what-if (the 2024 table; the scenario is the workbook's own computation)."""
    cells = data.load_allocations()
    section = cells.loc[cells["period"] == "2024", "section"].iloc[0]
    return (f"Källa: {_SEED_000} (avsnitt: {section}); scenariot är arbetsbokens egen beräkning med samma "
            "befolkning (1 nov 2023).")


def source_initiatives() -> str:
    """Source line under the 2019 → 2023 initiatives (seed 004; levels are the workbook's coding)."""
    return (f"Källa: {_SEED_004} (avsnitt: tabellerna ”Vad fanns 2019? Vad finns 2023?” per fokusområde); "
            "nivåerna är arbetsbokens kodning.")


def source_strategies() -> str:
    """Source line under the strategies (seed 001) and Esther's quotes (seed 000)."""
    table = data.load_strategies()
    quotes = table["citat_section"].iloc[0]
    return (f"Källa: {_SEED_001} (avsnitt: Strategi 1–4); Esthers citat: {_SEED_000} (avsnitt: {quotes}).")


# --------------------------------------------------------------------------- serving


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
    beyond them gets a Swedish "try again in a moment" page, see :mod:`naravard_lib.dashboard_server`).
    A kernel whose page was closed is stopped after ``cull_after`` idle seconds (checked every
    ``cull_interval`` seconds). Run it with :func:`environment`.
    """
    if max_kernels < pool_size + 1:
        raise ValueError(f"max_kernels must leave room for a visitor beside the {pool_size} pre-heated kernel(s)")
    argv = [sys.executable, "-m", "naravard_lib.dashboard_server", str(notebook), f"--Voila.ip={ip}",
            f"--port={port}", "--Voila.port_retries=0",
            f"--template={TEMPLATE}", "--strip_sources=True", "--show_tracebacks=False",
            "--VoilaExporter.language_code=sv", "--theme=light",
            "--preheat_kernel=True", f"--pool_size={pool_size}",
            "--VoilaConfiguration.multi_kernel_manager_class=naravard_lib.dashboard_server.CappedKernelManager",
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
    import errno

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


def main(argv: list[str] | None = None) -> int:
    """``make dashboard``: serve the dashboard with Voilà and print its address.

    A port in use or an address that is not this machine's is one line on stderr and exit code 2.
    """
    parser = argparse.ArgumentParser(
        prog="python -m naravard_lib.dashboard",
        description="Serve the workbook's dashboard (notebooks/oversikt.ipynb) with Voilà.")
    parser.add_argument("--ip", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1: this machine only; 0.0.0.0: every "
                             "network interface, e.g. for a classroom)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    parser.add_argument("--open", action="store_true", help="open the page in a browser")
    parser.add_argument("--max-kernels", type=int, default=DEFAULT_MAX_KERNELS,
                        help=f"visitors' kernels at most, the pre-heated one included (default {DEFAULT_MAX_KERNELS}; "
                             "about 270 MB of memory each); a visitor beyond them is asked to try again in a moment")
    parser.add_argument("--cull-after", type=int, default=DEFAULT_CULL_AFTER,
                        help=f"stop a kernel whose page was closed after this many idle seconds (default "
                             f"{DEFAULT_CULL_AFTER})")
    options = parser.parse_args(argv)
    if not 0 < options.port < 65536:
        parser.error(f"--port: {options.port} is not a port number (1-65535)")
    if options.max_kernels < 2:
        parser.error(f"--max-kernels: {options.max_kernels} leaves no room for a visitor beside the pre-heated "
                     "kernel; give 2 or more")
    if options.cull_after < 10:
        parser.error(f"--cull-after: {options.cull_after} seconds is too short for a page to load; give 10 or more")
    problem = port_problem(options.ip, options.port)
    if problem:
        print(f"dashboard: cannot listen on {options.ip} port {options.port}: {problem}", file=sys.stderr)
        return 2
    host = f"[{options.ip}]" if ":" in options.ip else options.ip
    shown = "127.0.0.1" if options.ip in ("0.0.0.0", "::") else host
    print(f"Dashboard: http://{shown}:{options.port}/  (a municipality: http://{shown}:{options.port}/?kommun=Habo)")
    if not _is_loopback(options.ip):
        print(f"Listening on {options.ip}: anyone who can reach this machine on port {options.port} can open the "
              f"dashboard (no password); each visitor gets a kernel of their own, {options.max_kernels} at most "
              "(about 270 MB each). Stop with Ctrl-C.")
    else:
        print("Only this machine can open it. Stop with Ctrl-C.")
    sys.stdout.flush()
    command = voila_command(options.ip, options.port, open_browser=options.open, max_kernels=options.max_kernels,
                            cull_after=options.cull_after, cull_interval=min(60, max(1, options.cull_after // 5)))
    os.execve(command[0], command, environment())
    return 0  # pragma: no cover - execve does not return


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
