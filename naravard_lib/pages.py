"""Pages for readers: the HTML of a municipality report and the index of all reports.

Presentation only: :mod:`naravard_lib.batch` runs the reports and calls these to write the pages.
"""

from __future__ import annotations

import html
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .formatting import format_number, format_percent


@dataclass
class IndexEntry:
    """One row of the index: a municipality's report as it stands in the output folder.

    ``status`` is ``"ny"`` (built by this run), ``"fel"`` (this run failed; ``error`` says why) or
    ``"tidigare"`` (kept from an earlier build, dated ``built_at``). ``figures`` holds the
    key figures of the report on disk (empty when there is none).
    """

    kommun: str
    slug: str
    status: str
    error: str = ""
    figures: dict = field(default_factory=dict)
    built_at: str = ""
    has_pdf: bool = False


@lru_cache(maxsize=1)
def _exporter():
    """One HTML exporter per process: loading its templates costs more than one export."""
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags={"key-figures"}, enabled=True), True)
    return exporter


def report_html(notebook) -> str:
    """The report as a standalone HTML page without code, prompts or the key-figures cell."""
    body, _ = _exporter().from_notebook_node(notebook)
    return body


_PAGE = """<!DOCTYPE html>
<html lang="sv">
<head><meta charset="utf-8"><title>Nära vård – kommunrapporter</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; color: #222; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ padding: .4rem .6rem; border-bottom: 1px solid #ddd; text-align: right; }}
th:first-child, td:first-child {{ text-align: left; }}
.fel {{ color: #b00020; }}
</style></head>
<body>
<h1>Nära vård i Jönköpings län – kommunrapporter</h1>
<p>En rapport per kommun. Beloppen är insatsområde Nära vård 2024 enligt den publicerade fördelningen.</p>
<table>
<thead><tr><th>Kommun</th><th>Nära vård 2024 (kr)</th><th>Per invånare (kr)</th><th>Andel av länet</th>
<th>Förändring från 2023 (kr)</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>
{failures}
</body>
</html>
"""


def index_page(entries: list[IndexEntry], built_at: str = "", data_version: str = "") -> str:
    """The index page: a link and key figures per report, failures listed with their error."""
    rows, failures = [], []
    for r in entries:
        name = html.escape(r.kommun)
        if r.figures:
            f = r.figures
            rows.append(f'<tr><td><a href="{r.slug}.html">{name}</a></td><td>{format_number(f["nara_vard_2024"])}</td>'
                        f'<td>{format_number(f["per_invanare_2024"], 2)}</td><td>{format_percent(f["andel_medel_2024_pct"])}</td>'
                        f'<td>{format_number(f["forandring_2023_2024"])}</td></tr>')
        else:
            rows.append(f'<tr><td>{name}</td><td class="fel" colspan="4">rapporten kunde inte skapas</td></tr>')
            failures.append(f"<li><b>{name}</b>: {html.escape(r.error)}</li>")
    failed = (f'<h2 class="fel">Rapporter som inte blev klara</h2><ul>{"".join(failures)}</ul>' if failures else "")
    return _PAGE.format(rows="\n".join(rows), failures=failed)



# The Debian packages WeasyPrint loads at run time (via cffi), named in the reason PDFs are skipped.
PDF_SYSTEM_PACKAGES = ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0", "fonts-dejavu-core")


def pdf_unavailable_reason() -> str | None:
    """Why PDFs cannot be made on this machine, in one English line; ``None`` when they can.

    WeasyPrint is a Python package, but it loads Pango, HarfBuzz and fontconfig from the system
    when it is imported; a missing library shows up as an ``OSError`` there.
    """
    try:
        import weasyprint  # noqa: F401
    except ImportError:
        return "the Python package weasyprint is not installed (pip install weasyprint)"
    except OSError as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return (f"WeasyPrint cannot load a system library ({first}); install the Debian packages "
                f"{' '.join(PDF_SYSTEM_PACKAGES)}")
    return None


def _offline_fetcher():
    """A WeasyPrint URL fetcher that serves ``data:`` URLs only, so making a PDF never reaches out."""
    from weasyprint.urls import URLFetcher

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
    import weasyprint

    target = Path(target)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        document = weasyprint.HTML(string=html_text, url_fetcher=_offline_fetcher(), media_type="print")
        document.write_pdf(temporary, pdf_tags=True)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
