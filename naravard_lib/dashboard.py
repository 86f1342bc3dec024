"""The dashboard: what ``notebooks/oversikt.ipynb`` shows for one municipality, and how Voilà serves it.

The page is for people who never open JupyterLab. :class:`naravard_lib.widgets.Dashboard` draws it
from the functions here (key figures, this year's change, source lines) and from the same
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
from . import data, municipalities, paths, periods, report, sources
from .errors import UnknownMunicipality
from .formatting import format_number, format_percent
from .report import allocation_overview, key_figures, summary_text

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


#: The page's ``<title>`` (the notebook's ``metadata.title``, fixed before any data is read, so it names no
#: län); its ``<h1>`` is :func:`title`, from the data folder.
PAGE_TITLE = "Nära vård – översikt"


def title() -> str:
    """The page's title and its one ``<h1>``, from the data folder's län: ``"Nära vård i Jönköpings län – översikt"``."""
    return f"Nära vård i {municipalities.lan_name()} – översikt"


def default_kommun() -> str:
    """The municipality shown when the URL names none (:func:`naravard_lib.report.default_kommun`)."""
    return report.default_kommun()


def intro_markdown() -> str:
    """The page's heading and first paragraphs (Markdown): what it shows, from what the data folder holds."""
    labels = [report.period_label(p) for p in data.load_allocations()["period"].unique()]
    parts = [f"kommunens del av statsbidraget för Nära vård {_and(labels)}",
             f"vad som hade hänt med andra antaganden om fördelningen {periods.latest_year()}"]
    if report.has_initiatives():
        parts.append("de gemensamma insatser 2019–2023 som omfattar kommunen")
    if report.has_strategies():
        parts.append("länets fyra strategier med Esthers ord")
    example = next(name for name in municipalities.names() if name != default_kommun())
    return (f"# {title()}\n\nVälj en kommun i listan. Sidan visar då {_and(parts)}. Under varje tabell står källan.\n\n"
            "Vill du öppna sidan direkt för en viss kommun kan du skriva kommunens namn sist i adressen, till exempel "
            f"`?kommun={example}`.")


def intro():
    """:func:`intro_markdown` for display as the notebook's first output (the page's h1 and lead)."""
    from IPython.display import Markdown

    return Markdown(intro_markdown())


def closing():
    """:func:`closing_markdown` for display as the notebook's last output."""
    from IPython.display import Markdown

    return Markdown(closing_markdown())


def closing_markdown() -> str:
    """The page's last paragraph (Markdown): which notebooks it shares its computations with."""
    notebooks = ["01 fördelningen"]
    if report.has_initiatives():
        notebooks.append("02 förflyttningen 2019–2023")
    if report.has_strategies():
        notebooks.append("03 de fyra strategierna")
    years = periods.single_years()
    return (f"Sidan bygger på samma beräkningar som arbetsbokens anteckningsböcker ({_and(notebooks)}). "
            f"Fördelning{'arna' if len(years) > 1 else 'en'} {_and(years)} följer invånarantalet; befolkningen bakom "
            f"{'dem' if len(years) > 1 else 'den'} är härledd ur de publicerade tabellerna.")


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
        The municipality to show (:func:`default_kommun` if none or an unknown one is asked for)
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
        return default_kommun(), ""
    try:
        return municipalities.lookup(wanted, "kommun"), ""
    except UnknownMunicipality as error:
        return default_kommun(), f"{error.message_sv.rstrip('.')}. Sidan visar {default_kommun()}."


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


def _folder() -> str:
    return str(paths.data_dir())  # the caches below are per data folder


def _facts(kommun: str) -> tuple[dict, pd.DataFrame, pd.Series | None]:
    """Key figures, allocation overview and this year's change of one municipality, computed once per folder."""
    return _cached_facts(_folder(), municipalities.lookup(kommun, "kommun"))


@lru_cache(maxsize=32)
def _cached_facts(folder: str, kommun: str) -> tuple[dict, pd.DataFrame, pd.Series | None]:
    # The data do not change while a dashboard runs, so a second visit to a municipality is instant.
    figures = key_figures(kommun)
    changes = report.change_table()
    change = changes.set_index("kommun").loc[kommun] if changes is not None else None
    return figures, allocation_overview(kommun), change


def summary_markdown(kommun: str) -> str:
    """:func:`naravard_lib.report.summary_text`, the report's reading of the key figures (cached)."""
    return _summary(_folder(), municipalities.lookup(kommun, "kommun"))


@lru_cache(maxsize=32)
def _summary(folder: str, kommun: str) -> str:
    return summary_text(kommun)


def clear_caches() -> None:
    """Forget the cached figures (run when the data folder changes, or after its files were edited)."""
    for cached in (_cached_facts, _summary, _populations):
        cached.cache_clear()


def key_figure_table(kommun: str) -> pd.DataFrame:
    """One row per agreement period: the municipality's money, per inhabitant, share against population, rank.

    Each period counts all its areas (a table with one area shows that area). The population share
    uses the population the period is divided by (:func:`naravard_lib.periods.population_period`); the
    money share equals it in a year split by population, but not in a multi-year period.
    """
    figures, overview, _change = _facts(kommun)
    kommun = figures["kommun"]
    count = municipalities.count()
    rows = []
    for period, group in overview.groupby("period", sort=False):
        row = group[group["insatsomrade"] == report.TOTAL_AREA]
        row = (row if len(row) else group).iloc[0]
        population = _populations(_folder(), periods.population_period(period))
        areas = ("alla insatsområden" if (group["insatsomrade"] == report.TOTAL_AREA).any()
                 else row["insatsomrade"])
        rows.append({
            "Period": f"{report.period_label(period)} ({areas})",
            "Belopp (kr)": format_number(row["belopp"]),
            "Per invånare (kr)": format_number(row["per_invanare"], 2),
            "Andel av länets medel": format_percent(row["andel_av_lanet"]),
            "Andel av länets befolkning": format_percent(100 * population[kommun] / population.sum()),
            "Rang i länet": f"{row['rang']} av {count}",
        })
    return pd.DataFrame(rows)


@lru_cache(maxsize=8)
def _populations(folder: str, period: str) -> pd.Series:
    return al.populations(period)


def key_figure_caption(kommun: str) -> str:
    """Caption of :func:`key_figure_table`: what it shows and which population each period uses."""
    kommun = _facts(kommun)[0]["kommun"]
    by_date: dict[str, list[str]] = {}
    for period in [*reversed(periods.single_years()), *periods.multi_year()]:
        date = periods.population_date(periods.population_period(period))
        by_date.setdefault(date, []).append(report.period_label(period))
    used = [f"{_and(labels)} på befolkningen {report.short_date(date)}" for date, labels in by_date.items()]
    own = [report.period_label(p) for p in periods.multi_year()]
    text = f"{kommun}: statsbidraget per period. Per invånare och befolkningsandel räknas {', '.join(used)}"
    text += f" ({_and(own)} har ingen egen)" if own else ""
    return text + f". Rang 1 är det största beloppet av {report.count_phrase()}."


def _and(items: list[str]) -> str:
    return ", ".join(items[:-1]) + " och " + items[-1] if len(items) > 1 else "".join(items)


def change_table(kommun: str) -> pd.DataFrame | None:
    """This year's amount against the previous year's and what the change consists of; ``None`` without one."""
    k, _overview, change = _facts(kommun)
    if change is None:
        return None
    before, year, area = k["foregaende_ar"], k["ar"], k["insatsomrade"]
    rounding = k["forandring"] - k["varav_pott"] - k["varav_befolkningsandel"]
    rows = [
        (f"{area} {before}", int(change["amount_before"])),
        (f"{area} {year}", int(change["amount_after"])),
        (f"Förändring {before} → {year}", k["forandring"]),
        ("därav: länets pott ändrades", k["varav_pott"]),
        (f"därav: befolkningsandelen ändrades ({format_percent(change['share_before_pct'], 3)} → "
         f"{format_percent(change['share_after_pct'], 3)})", k["varav_befolkningsandel"]),
        ("därav: avrundning per cell", rounding),
    ]
    return pd.DataFrame({"Post": [r[0] for r in rows],
                         "Belopp (kr)": [_signed(r[1], i >= 2) for i, r in enumerate(rows)]})


def _signed(value: int, sign: bool) -> str:
    text = format_number(value)
    return f"+{text}" if sign and value > 0 else text


def change_caption(kommun: str) -> str:
    """Caption of :func:`change_table`."""
    k = _facts(kommun)[0]
    return f"{k['kommun']}: {k['insatsomrade']} {k['foregaende_ar']} → {k['ar']} och vad förändringen består av."


def source_allocations() -> str:
    """Source line under the key figures (the allocation tables' documents and sections)."""
    return sources.source_line(data.load_allocations(), "Befolkningarna är härledda ur tabellerna.")


def source_what_if() -> str:
    """Source line under the what-if (this year's table; the scenario is the workbook's own computation)."""
    cells = data.load_allocations()
    year = periods.latest_year()
    date = report.short_date(periods.population_date(year))
    rows = cells.loc[cells["period"] == year, ["source", "section"]].drop_duplicates()
    return sources.source_line(rows, f"; scenariot är arbetsbokens egen beräkning med samma befolkning ({date})")


def source_initiatives() -> str:
    """Source line under the 2019 → 2023 initiatives (levels are the workbook's coding)."""
    section = "tabellerna ”Vad fanns 2019? Vad finns 2023?” per fokusområde"
    return sources.source_line({s: section for s in data.load_initiatives()["source"].unique()},
                               "; nivåerna är arbetsbokens kodning")


def source_strategies() -> str:
    """Source line under the strategies and Esther's quotes."""
    table = data.load_strategies()
    quoted = table.iloc[0]
    return sources.source_line({s: "Strategi 1–4" for s in table["source"].unique()},
                               f"; Esthers citat: {sources.title(quoted['citat_source'])} "
                               f"(avsnitt: {quoted['citat_section']})")


paths.on_data_switch(clear_caches)


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
    parser.add_argument("--data", type=Path, default=None,
                        help="data folder to show (default: $NARAVARD_DATA, else the workbook's own data/)")
    options = parser.parse_args(argv)
    if options.data is not None:
        if not options.data.is_dir():
            parser.error(f"--data: {options.data} is not a folder; give the data folder (see data/README.md)")
        paths.use_data(options.data)  # the Voilà kernels inherit NARAVARD_DATA
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
    example = municipalities.slug(municipalities.names()[0])
    print(f"Dashboard: http://{shown}:{options.port}/  (a municipality: http://{shown}:{options.port}/?kommun={example})")
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
