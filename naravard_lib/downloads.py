"""The files published beside the reports: spreadsheets, data packages, a CSV for Swedish Excel,
the accessibility statement and the checksums. :mod:`naravard_lib.batch` calls two functions here:

- :func:`stage_report` while a report is staged: ``<slug>.xlsx`` and ``<slug>.datapaket.zip``, and the
  accessibility checks of its page and PDF;
- :func:`folder_files` after ``index.html``: ``lanet.xlsx``, ``summary_sv.csv``, ``tillganglighet.html``;
  then :func:`checksums` for ``SHA256SUMS``.
"""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

import yaml

from . import accessibility, datapackage, pages, paths, spreadsheet
from .errors import SetupError
from .tables import key_figure_table, lan_tables, report_tables, tables_from_json

SWEDISH_CSV = "summary_sv.csv"
LAN_WORKBOOK = "lanet.xlsx"
STATEMENT = "tillganglighet.html"
CHECKSUMS = "SHA256SUMS"
#: Who publishes: ``ansvarig`` and ``kontakt`` for the accessibility statement (empty: a placeholder is shown).
PUBLISHER_FILE = paths.PARAMETERS_DIR / "utgivare" / "tillganglighet.yaml"


TABLES_TAG = "report-tables"  # the template's cell that shows the report's tables as JSON


def executed_tables(notebook) -> list:
    """The report's tables as its run computed them (the cell tagged ``report-tables``).

    A template without that cell gets them from :func:`tables.report_tables`, the function the cell calls.
    """
    for cell in notebook.cells:
        if TABLES_TAG in cell.metadata.get("tags", []):
            for output in cell.get("outputs", []):
                if "application/json" in output.get("data", {}):
                    return tables_from_json(output["data"]["application/json"])
    return report_tables(str(notebook.metadata["papermill"]["parameters"]["kommun"]))


def stage_report(notebook, slug: str, folder: Path, html_text: str, pdf: Path | None, built_at: str,
                 data_version: str) -> tuple[dict, dict]:
    """Write a report's spreadsheet and data package into ``folder``; check its page (and PDF).

    ``notebook`` is the executed report. Returns ``({kind: path}, checks)``: the staged files by kind
    (see :data:`pages.DOWNLOADS`) and :func:`accessibility.checks_summary` of the page (``"html"``) and
    the PDF (``"pdf"``, when made and pikepdf is installed).
    """
    kommun = str(notebook.metadata["papermill"]["parameters"]["kommun"])
    tables = executed_tables(notebook)
    title = f"Nära vård i {kommun} – tabellerna i kommunrapporten"
    about = (f"Tabellerna bakom kommunrapporten för {kommun}: statsbidraget per period och insatsområde, "
             "värdena i rapportens diagram och karta, och de gemensamma insatser som omfattar kommunen.")
    staged = {"xlsx": folder / f"{slug}.xlsx", "datapaket.zip": folder / f"{slug}.datapaket.zip"}
    staged["xlsx"].write_bytes(spreadsheet.workbook_bytes(title, about, tables, built_at, data_version))
    staged["datapaket.zip"].write_bytes(datapackage.package_zip(f"naravard-{slug}", title, about, tables, built_at,
                                                                data_version))
    checks = {"html": accessibility.checks_summary(accessibility.page_checks(html_text))}
    if pdf is not None:
        try:
            checks["pdf"] = accessibility.checks_summary(accessibility.pdf_checks(pdf))
        except ImportError:
            checks["pdf_not_measured"] = "programmet som läser PDF-filernas uppbyggnad saknades"
    return staged, checks


def swedish_csv(entries) -> bytes:
    """The key figures for Swedish Excel: semicolons, decimal commas, Swedish headings, UTF-8 with BOM."""
    table = key_figure_table(entries)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([c.title for c in table.columns])
    for record in table.frame[[c.name for c in table.columns]].itertuples(index=False):
        row = []
        for value, column in zip(record, table.columns, strict=True):
            if value is None or (isinstance(value, float) and value != value):
                row.append("")
            elif column.kind == "integer":
                row.append(str(int(value)))
            elif column.kind in ("number", "percent"):
                row.append(f"{float(value):.{column.decimals}f}".replace(".", ","))
            else:
                row.append(str(value))
        writer.writerow(row)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def read_publisher(path: Path | None = None) -> dict:
    """``ansvarig`` and ``kontakt`` from the publisher's file (safe_load); empty when it is absent."""
    path = Path(path or PUBLISHER_FILE)
    if not path.is_file():
        return {}
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError, OSError) as exc:
        raise SetupError(f"{path}: cannot be read as YAML ({' '.join(str(exc).split())[:160]})") from None
    if not isinstance(raw, dict) or any(k not in accessibility.PLACEHOLDERS or not isinstance(v, (str, type(None)))
                                        for k, v in raw.items()):
        raise SetupError(f"{path}: expected the text keys {', '.join(accessibility.PLACEHOLDERS)} only")
    return {k: (v or "").strip() for k, v in raw.items()}


def placeholder_warning(publisher: dict | None = None) -> str | None:
    """One line naming the publisher's fields still empty (shown as placeholders in the statement), or None."""
    publisher = read_publisher() if publisher is None else publisher
    empty = [key for key in accessibility.PLACEHOLDERS if not (publisher.get(key) or "").strip()]
    if not empty:
        return None
    return f"note: {STATEMENT} has placeholders: fill in {paths.display_path(PUBLISHER_FILE)} ({', '.join(empty)})"


def measured(fresh: dict, entries, index_html: str | None) -> accessibility.Measured:
    """What this build checked: the pages and PDFs of the reports it built, and its index page."""
    result = accessibility.Measured()
    checks = [r.checks for r in fresh.values() if getattr(r, "checks", None)]
    if checks:
        result.by_type["Kommunrapporterna (webbsidor)"] = [c["html"] for c in checks]
    if index_html is not None:
        result.by_type["Översikten över alla rapporter"] = [
            accessibility.checks_summary(accessibility.page_checks(index_html))]
    pdfs = [c["pdf"] for c in checks if "pdf" in c]
    if pdfs:
        result.by_type["Kommunrapporterna (PDF, PDF/UA-1)"] = pdfs
    else:
        reasons = {c.get("pdf_not_measured") for c in checks} - {None}
        result.not_measured["Kommunrapporterna (PDF)"] = (
            next(iter(reasons)) if reasons else "inga PDF-filer skapades i den här körningen") + "."
    kept = [e.kommun for e in entries if e.slug not in fresh and e.status == "tidigare"]
    if kept:
        result.not_measured["Rapporter från tidigare körningar"] = (
            f"{', '.join(kept)} skapades inte nu och kontrollerades därför inte.")
    result.not_measured["Granskning i webbläsare"] = (
        "görs av projektets egna tester i en webbläsare, inte när rapporterna skapas; resultatet anges därför "
        "inte här.")
    return result


def folder_files(entries, fresh: dict, built_at: str, data_version: str,
                 index_html: str | None = None) -> dict[str, bytes | str]:
    """The folder's own downloads and statement, by file name (the caller writes them atomically).

    ``index_html`` is the index page about to be published; the statement reports its checks.
    """
    about = ("Nyckeltalen i länets kommunrapporter, en rad per kommun, och de publicerade fördelningstabellerna "
             "för statsbidraget till Nära vård i sin helhet.")
    return {
        LAN_WORKBOOK: spreadsheet.workbook_bytes(f"{pages.site_name()} – nyckeltal och fördelning", about,
                                                 lan_tables(entries), built_at, data_version),
        SWEDISH_CSV: swedish_csv(entries),
        STATEMENT: accessibility.statement_page(measured(fresh, entries, index_html), built_at[:10] or "okänt datum",
                                                read_publisher()),
    }


def checksums(out: Path) -> str:
    """``SHA256SUMS`` of every published file in ``out`` (its top level, hidden files and itself excepted).

    The format of ``sha256sum``, so that ``sha256sum -c SHA256SUMS`` verifies what was received.
    """
    lines = []
    for path in sorted(Path(out).iterdir()):
        if path.is_file() and not path.name.startswith(".") and path.name != CHECKSUMS:
            lines.append(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.name}\n")
    return "".join(lines)


def report_links(out: Path, slug: str) -> list:
    """The downloads of ``slug``'s report that are in ``out`` (for the index)."""
    return pages.download_links(slug, out)
