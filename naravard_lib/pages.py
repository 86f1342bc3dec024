"""Pages for readers: the HTML of a municipality report and the index of all reports.

Presentation only: :mod:`naravard_lib.batch` runs the reports and calls these to write the pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from bs4 import BeautifulSoup
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from . import files, municipalities, periods, report
from .formatting import format_number, format_percent, swedish_date


@dataclass
class IndexEntry:
    """One row of the index: a municipality's report as it stands in the output folder.

    ``status`` is ``"ny"`` (built by this run), ``"fel"`` (this run failed; ``error`` says why) or
    ``"tidigare"`` (kept from an earlier build, dated ``built_at``). ``figures`` holds the
    key figures of the report on disk (empty when there is none). ``pdf_built_at`` dates a PDF
    kept from an earlier build than the report (a build without PDFs never deletes one).
    """

    kommun: str
    slug: str
    status: str
    error: str = ""
    figures: dict = field(default_factory=dict)
    built_at: str = ""
    has_pdf: bool = False
    pdf_built_at: str = ""  # the PDF's date when it is from an earlier build than the report
    downloads: list = field(default_factory=list)  # (href, label, type) of the report's downloads on disk


#: The downloads published beside each report: file kind (``<slug>.<kind>``), link text, media type.
DOWNLOADS = (("xlsx", "Kalkylblad", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
             ("datapaket.zip", "Datapaket", "application/zip"))


def download_links(slug: str, folder: Path | None = None) -> list[tuple[str, str, str]]:
    """``(href, label, type)`` of a report's downloads; with ``folder``, only those that are there."""
    return [(f"{slug}.{kind}", label, mime) for kind, label, mime in DOWNLOADS
            if folder is None or (Path(folder) / f"{slug}.{kind}").is_file()]


TEMPLATES = Path(__file__).resolve().parent / "templates"
TEMPLATE_NAME = "naravard"


def site_name() -> str:
    """The site's name from the active data folder's län: ``"Nära vård i Jönköpings län"``."""
    return f"Nära vård i {municipalities.lan_name()}"


def page_css() -> str:
    """The site's stylesheet (``templates/naravard/page.css``), inlined in every page the workbook publishes."""
    return (TEMPLATES / TEMPLATE_NAME / "page.css").read_text(encoding="utf-8")




@lru_cache(maxsize=1)
def _exporter():
    """One HTML exporter per process: loading its templates costs more than one export."""
    from nbconvert import HTMLExporter  # nbconvert's import takes seconds; processes that only check do not pay it
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = HTMLExporter(template_name=TEMPLATE_NAME, extra_template_basedirs=[str(TEMPLATES)],
                            exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags={"key-figures", "report-tables"}, enabled=True), True)
    return exporter


def report_title(kommun: str, rubrik: str = "") -> str:
    """The page title of a report: ``"Nära vård i Aneby – kommunrapport"`` (or the ``rubrik`` given)."""
    heading = rubrik.strip() or f"Nära vård i {kommun}"
    return f"{heading} – kommunrapport" if kommun in heading else f"{heading} – kommunrapport för {kommun}"


_NUMERIC = re.compile(r"[−+-]?[\d \u00a0]+(,\d+)?([ \u00a0]%| av \d+)?|–|\d{4}(-\d{4})?")
#: In print a table of up to this many rows stays whole with its caption: a longer one would move to the next
#: page and leave the one before half empty, so it breaks between rows instead (header rows repeated).
KEEP_TOGETHER_ROWS = 6


def _finish_report(body: str, kommun: str) -> str:
    """Give the exported page what a template alone cannot: scoped header cells and a table of contents."""
    soup = BeautifulSoup(body, features="html.parser")
    for table in soup.find_all("table"):
        for cell in table.find_all("th"):
            if not cell.get("scope"):
                cell["scope"] = "row" if cell.find_parent("tbody") else "col"
        for cell in table.find_all("td"):
            if _NUMERIC.fullmatch(cell.get_text(strip=True)):
                cell["class"] = [*cell.get("class", []), "num"]  # figures never wrap mid-number
        # In print a short table stays on one page with its caption; a long one breaks between rows.
        holder = table.find_parent("div", class_="jp-Cell") or table.parent  # with its source line
        holder["class"] = [*holder.get("class", []),
                           "keep-together" if len(table.find_all("tr")) <= KEEP_TOGETHER_ROWS else "long-table"]
    main = soup.find("main")
    for cell in main.select("div.jp-MarkdownCell"):  # a cell ending in a heading stays with what follows
        last = cell.select(".jp-RenderedMarkdown > *")
        if last and last[-1].name in ("h1", "h2", "h3", "h4"):
            cell["class"] = [*cell.get("class", []), "ends-with-heading"]
            _move_into_next_cell(last[-1], cell)
            if not cell.select_one(".jp-RenderedMarkdown").get_text(strip=True):
                cell.decompose()  # a section heading alone in its cell: nothing is left of the cell
    sections = [h for h in main.find_all("h2") if h.get("id")]
    if sections:
        nav = soup.new_tag("nav", attrs={"class": "toc", "aria-labelledby": "innehall-rubrik"})
        title = soup.new_tag("h2", attrs={"id": "innehall-rubrik"})
        title.string = "Innehåll"
        items = soup.new_tag("ol")
        for heading in sections:
            item, link = soup.new_tag("li"), soup.new_tag("a", href=f"#{heading['id']}")
            link.string = heading.get_text(" ", strip=True).rstrip("¶").strip()
            item.append(link)
            items.append(item)
        nav.extend([title, items])
        main.find("h1").insert_after(nav) if main.find("h1") else main.insert(0, nav)
    for element in soup.find_all(["script", "link"]):  # nothing may load from outside the file
        element.decompose()
    for element in soup.select("div.jp-OutputArea-output[tabindex]"):
        del element["tabindex"]  # nbconvert makes every output focusable; the reader tabs through links only
    return str(soup)


def _move_into_next_cell(heading, cell) -> None:
    """Put ``heading`` at the start of the next cell's content: in print a heading then never ends a page.

    A page break is avoided only between siblings, and a heading that ends its cell has none after it.
    The reading order and the page on screen stay the same.
    """
    for following in cell.find_next_siblings("div", class_="jp-Cell"):
        content = following.select_one(".jp-OutputArea-output, .jp-RenderedMarkdown")
        if content is not None:
            content.insert(0, heading.extract())
            return


def drop_empty_sections(notebook) -> None:
    """Remove, in place, each report section whose code cells showed nothing (its data are not in the folder).

    A section is a Markdown cell tagged ``section`` and the code cells after it, up to the next Markdown
    cell. The template's cells show nothing when the active data folder lacks their data (e.g. the
    initiatives 2019 → 2023); the reader then sees no empty heading.
    """
    cells, keep, index = notebook.cells, [], 0
    while index < len(cells):
        cell = cells[index]
        end = index + 1
        while end < len(cells) and cells[end].cell_type == "code":
            end += 1
        body = cells[index + 1:end]
        empty = (cell.cell_type == "markdown" and "section" in cell.metadata.get("tags", [])
                 and not any(c.get("outputs") for c in body))
        if not empty:
            keep.extend(cells[index:end] if cell.cell_type == "markdown" else [cell])
        index = end if (empty or cell.cell_type == "markdown") else index + 1
    notebook.cells = keep


def report_html(notebook) -> str:
    """The report as a standalone page to publish, without code, prompts or the key-figures cell.

    The municipality and heading come from ``notebook.metadata.papermill.parameters``. The page is
    in Swedish, has landmarks, a skip link, a breadcrumb back to ``index.html``, a table of contents,
    figures with the alt text the library wrote, and no script or request outside the file.
    """
    parameters = notebook.metadata.get("papermill", {}).get("parameters", {})
    kommun = str(parameters.get("kommun", ""))
    slugs = municipalities.municipalities().set_index("kommun")["slug"]
    drop_empty_sections(notebook)
    resources = {"naravard": {"title": report_title(kommun, str(parameters.get("rubrik") or "")), "kommun": kommun,
                              "site_name": site_name(),
                              "footer": f"{site_name()}: kommunrapport för {kommun}. Källorna anges under varje "
                                        "figur och tabell och i avsnittet Om rapporten.",
                              "downloads": download_links(slugs[kommun]) if kommun in slugs else []},
                 "naravard_css": page_css()}
    body, _ = _exporter().from_notebook_node(notebook, resources=resources)
    return _finish_report(body, kommun)


_STATUS_TEXT = {"ny": "Ny", "fel": "Misslyckades", "tidigare": "Från tidigare körning"}


@lru_cache(maxsize=1)
def _environment():
    return Environment(loader=FileSystemLoader(TEMPLATES / TEMPLATE_NAME), autoescape=True,
                       undefined=StrictUndefined, keep_trailing_newline=True)


def render_page(template: str, **values) -> str:
    """Render one of the site's own page templates (autoescaped, the shared layout)."""
    return _environment().get_template(template).render(**values)


def _figure_cells(figures: dict) -> list[str]:
    change = figures.get("forandring")
    return [format_number(figures["nara_vard"]), format_number(figures["per_invanare"], 2),
            format_percent(figures["andel_medel_pct"]), "–" if change is None else format_number(change)]


def index_page(entries: list[IndexEntry], built_at: str = "", data_version: str = "") -> str:
    """The index page: build date, data version, a row per report with its links and status, the län total.

    Parameters
    ----------
    entries : list of IndexEntry
        One per municipality, in the order to show.
    built_at : str
        When this build ran (shown as given, e.g. ``"2026-11-25 01:00"``).
    data_version : str
        The git commit of the data and code (``""`` when unknown).

    Returns
    -------
    str
        A standalone HTML page: Swedish, the same template as the reports, no script.
    """
    rows, failures = [], []
    for entry in entries:
        status_text = _STATUS_TEXT.get(entry.status, entry.status)
        if entry.status == "tidigare" and entry.built_at:
            status_text += f" ({entry.built_at})"
        has_report = entry.status != "fel" or bool(entry.built_at)
        figures = entry.figures if "nara_vard" in entry.figures else {}  # a report of an older version: no figures
        rows.append({"kommun": entry.kommun, "slug": entry.slug, "status": entry.status, "status_text": status_text,
                     "cells": _figure_cells(figures) if figures else [],
                     "has_report": has_report and bool(figures), "has_pdf": entry.has_pdf,
                     "pdf_built_at": entry.pdf_built_at, "downloads": entry.downloads})
        if entry.status == "fel":
            failures.append(entry)
    total = report.lan_key_figures()
    year, before = report.this_year(), report.previous_year()
    return _environment().get_template("site_index.html.j2").render(
        title=f"{site_name()} – kommunrapporter", site_name=site_name(), css=Markup(page_css()), built_at=built_at,
        data_version=data_version, rows=rows, failures=failures, source=report.source_allocations(),
        year=year, area=report.headline_area(), before=before, count=municipalities.count(),
        population_date=swedish_date(periods.population_date(year), short=True),
        total={"label": f"Hela länet ({municipalities.count()} kommuner)", "cells": _figure_cells(total)})


# The Debian packages WeasyPrint loads at run time (via cffi), named in the reason PDFs are skipped.
PDF_SYSTEM_PACKAGES = ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0", "fonts-dejavu-core")


def pdf_unavailable_reason() -> str | None:
    """Why PDFs cannot be made on this machine, in one English line; ``None`` when they can.

    WeasyPrint is a Python package, but it loads Pango, HarfBuzz and fontconfig from the system
    when it is imported; a missing library shows up as an ``OSError`` there.
    """
    try:
        import weasyprint  # noqa: F401 - loads system libraries and takes seconds: only when PDFs are asked for
    except ImportError:
        return "the Python package weasyprint is not installed (pip install weasyprint)"
    except OSError as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return (f"WeasyPrint cannot load a system library ({first}); install the Debian packages "
                f"{' '.join(PDF_SYSTEM_PACKAGES)}")
    return None


def _offline_fetcher():
    """A WeasyPrint URL fetcher that serves ``data:`` URLs only, so making a PDF never reaches out."""
    from weasyprint.urls import URLFetcher  # deferred: WeasyPrint is imported only when PDFs are made

    return URLFetcher(allowed_protocols={"data"}, fail_on_errors=False)


def write_pdf(html_text: str, target: Path) -> None:
    """Write the page ``html_text`` as a tagged PDF to ``target`` (WeasyPrint, offline).

    The PDF embeds its fonts, takes its title from ``<title>`` and its language from
    ``<html lang>``, and uses the page's print stylesheet. Only ``data:`` URLs are loaded.
    The file appears only when complete.

    Raises
    ------
    RuntimeError
        When PDFs cannot be made here (see :func:`pdf_unavailable_reason`).
    """
    reason = pdf_unavailable_reason()
    if reason is not None:
        raise RuntimeError(reason)
    import weasyprint  # deferred: see pdf_unavailable_reason

    document = weasyprint.HTML(string=html_text, url_fetcher=_offline_fetcher(), media_type="print")
    files.write_atomic(target, document.write_pdf(pdf_variant="pdf/ua-1"))  # tagged, PDF/UA-1 identification
