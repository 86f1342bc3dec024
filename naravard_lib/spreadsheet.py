"""Accessible Swedish spreadsheets of published tables (XlsxWriter), after the UK Analysis Function's guidance.

A cover sheet says what the tables show, where they come from, when they were built and from which
data version. Then one table per sheet: its title in A1, its source line in A2, an Excel table object
with Swedish headings from row 4, header rows frozen, no merged cells. Numbers are stored as numbers,
with formats under which Swedish Excel shows "1 244 655" and "39,63 %"; a missing value is written
out ("uppgift saknas"), never left blank.
"""

from __future__ import annotations

import datetime as dt
import io
import math

import pandas as pd
import xlsxwriter

from . import municipalities
from .tables import MISSING, Table

#: Number formats (Excel's own codes: "," groups thousands and "." marks decimals; Swedish Excel shows them
#: as a space and a comma). Percent values are stored as shares (0.3963) and shown as "39,63 %".
FORMATS = {"integer": "#,##0", "number": "#,##0.00", "percent": '0.00"\u00a0"%', "date": "yyyy-mm-dd"}
HEADER_ROW = 3  # zero-based: title in A1, source in A2, a note in A3, the table from A4
COVER_SHEET = "Om tabellerna"
_MAX_WIDTH = 60
COVER_WIDTH = 75  # characters


def _number_format(kind: str, decimals: int) -> str | None:
    if kind == "number" and decimals != 2:
        return "#,##0" + ("." + "0" * decimals if decimals else "")
    if kind == "percent" and decimals != 2:
        return "0" + ("." + "0" * decimals if decimals else "") + '"\u00a0"%'
    return FORMATS.get(kind)


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _cell(value, kind: str):
    """The value as stored: numbers as numbers (percent as a share), dates as dates, gaps in words."""
    if _missing(value):
        return MISSING
    if kind == "integer":
        return int(value)
    if kind == "number":
        return float(value)
    if kind == "percent":
        return float(value) / 100
    if kind == "date":
        return dt.datetime.strptime(str(value), "%Y-%m-%d")
    return str(value)


def _shown_width(value, kind: str, decimals: int) -> int:
    if isinstance(value, str):
        return len(value)
    if kind == "date":
        return 10
    digits = len(f"{abs(value):,.{decimals}f}") + (1 if kind == "percent" else 0)
    return digits + 2


def workbook_bytes(title: str, about: str, tables: list[Table], built_at: str, data_version: str,
                   notes: tuple[str, ...] = ()) -> bytes:
    """An .xlsx file: a cover sheet, then each of ``tables`` on a sheet of its own.

    Parameters
    ----------
    title : the workbook's title (cover sheet A1 and document properties)
    about : what the tables show, one or two sentences
    tables : the tables, in order
    built_at : when the build ran, as shown (``"2026-11-25 01:00"``)
    data_version : the git commit of data and code (``""`` when unknown)
    notes : extra notes for the cover sheet
    """
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False,
                                            "strings_to_formulas": False, "strings_to_urls": False})
    created = _created(built_at)
    workbook.set_properties({"title": title, "subject": about, "author": f"Nära vård i {municipalities.lan_name()} (arbetsboken)",
                             "comments": "Tillgängligt kalkylblad: ett försättsblad, en tabell per blad.",
                             "created": created})
    heading = workbook.add_format({"bold": True, "font_size": 14})
    subheading = workbook.add_format({"bold": True, "font_size": 12})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    link = workbook.add_format({"font_color": "#0b4f9c", "underline": 1, "text_wrap": True, "valign": "top"})

    cover = workbook.add_worksheet(COVER_SHEET)
    cover.set_column(0, 0, COVER_WIDTH, wrap)
    cover.set_paper(9)  # A4
    cover.fit_to_pages(1, 0)
    lines: list[tuple[str, object]] = [(title, heading), (about, None), ("", None),
                                       ("Tabellerna i den här filen", subheading)]
    for table in tables:
        lines += [(table.sheet, ("link", table.sheet)), (_title(table)[0], None)]
    lines += [("", None), ("Källor", subheading)]
    lines += [(source, None) for source in dict.fromkeys(t.source for t in tables)]
    lines += [("", None), ("Byggd", subheading), (built_at or "okänt", None),
              ("Dataversion", subheading), (data_version or "okänd (ingen git-version)", None),
              ("", None), ("Anteckningar", subheading)]
    general = ["Varje tabell står på ett eget blad, med rubriken i cell A1, källan i A2 och tabellen från rad 4.",
               "Talen är lagrade som tal: belopp i hela kronor, andelar som procent. Kolumnrubrikerna anger enheten.",
               f"Ett värde som saknas står som ”{MISSING}”, aldrig som en tom cell.",
               *notes, *[f"{table.sheet}: {note}" for table in tables
                         for note in [*filter(None, [_title(table)[1]]), *table.notes]]]
    lines += [(note, None) for note in dict.fromkeys(general)]
    for row, (text, style) in enumerate(lines):
        if len(text) > COVER_WIDTH:  # a wrapped line gets the height it needs (Excel does not always grow it)
            cover.set_row(row, 15 * math.ceil(len(text) / (COVER_WIDTH - 5)))
        if isinstance(style, tuple):
            cover.write_url(row, 0, f"internal:'{style[1]}'!A1", link, string=text)
        elif text:
            cover.write_string(row, 0, text, style or wrap)
    cover.activate()

    for number, table in enumerate(tables, 1):
        _table_sheet(workbook, table, number, heading, wrap)
    workbook.close()
    return buffer.getvalue()


def _created(built_at: str) -> dt.datetime:
    try:
        return dt.datetime.strptime(built_at, "%Y-%m-%d %H:%M")
    except ValueError:
        return dt.datetime(2000, 1, 1)


def _title(table: Table) -> tuple[str, str]:
    """The table's title as A1 shows it (its first sentence) and the rest of it (a note on the cover sheet)."""
    first, _, rest = table.title.partition(". ")
    return (first if first.endswith(".") or not rest else first + "."), rest.strip()


def _table_sheet(workbook, table: Table, number: int, heading, wrap) -> None:
    sheet = workbook.add_worksheet(table.sheet[:31])
    title, rest = _title(table)
    sheet.write_string(0, 0, title, heading)
    sheet.write_string(1, 0, table.source)
    sheet.write_string(2, 0, f"Tabell {number} börjar i cell A{HEADER_ROW + 1} och har {len(table.frame)} rader."
                             + (" Anteckning på bladet ”Om tabellerna”." if rest or table.notes else ""))
    rows = [[_cell(value, column.kind) for value, column in zip(record, table.columns, strict=True)]
            for record in table.frame[[c.name for c in table.columns]].itertuples(index=False)]
    formats = {}
    columns = []
    for column in table.columns:
        code = _number_format(column.kind, column.decimals)
        options = {"num_format": code} if code else {"text_wrap": True, "valign": "top"}
        if code:
            options["align"] = "right"
        header = {"bold": True, "text_wrap": True, "valign": "bottom", "bottom": 2, "align": options.get("align", "left")}
        for spec in (options, header):
            formats.setdefault(tuple(sorted(spec.items())), workbook.add_format(spec))
        columns.append({"header": column.title, "format": formats[tuple(sorted(options.items()))],
                        "header_format": formats[tuple(sorted(header.items()))]})
    last_row = HEADER_ROW + max(len(rows), 1)
    sheet.add_table(HEADER_ROW, 0, last_row, len(table.columns) - 1, {
        "name": f"Tabell{number}_{table.name}"[:255], "columns": columns,
        "data": rows or [[MISSING] * len(table.columns)], "style": "Table Style Light 1", "autofilter": True})
    for index, column in enumerate(table.columns):
        widest = max([len(column.title) + 3, *(_shown_width(r[index], column.kind, column.decimals) for r in rows)])
        sheet.set_column(index, index, min(_MAX_WIDTH, max(10, widest)))
    sheet.freeze_panes(HEADER_ROW + 1, 0)  # title, source and header rows stay in view
    sheet.set_paper(9)  # printed: A4 landscape, as wide as one page, the header row on every page
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(HEADER_ROW)
