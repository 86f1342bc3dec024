"""The tables a report publishes as data: numbers as numbers, with Swedish titles, units and sources.

One description per table serves the spreadsheet (:mod:`naravard_lib.spreadsheet`), the data package
(:mod:`naravard_lib.datapackage`) and the Swedish CSV. The values come from the same functions of
:mod:`naravard_lib.report` that the report's template calls, so the download shows the report's numbers.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import asdict, dataclass, field

import pandas as pd

from . import data, periods, report
from .formatting import swedish_date

#: How a missing value is written where a reader sees it (spreadsheets), instead of a blank cell.
MISSING = "uppgift saknas"


@dataclass(frozen=True)
class Column:
    """One column: machine name, Swedish heading, kind and unit.

    ``kind`` is ``"text"``, ``"integer"``, ``"number"`` (``decimals`` shown), ``"percent"`` (values in
    percent units, 39.63 for 39,63 %) or ``"date"`` (ISO text, ``"2023-11-01"``).
    """

    name: str
    title: str
    kind: str = "text"
    unit: str = ""
    decimals: int = 0
    description: str = ""


@dataclass
class Table:
    """A published table: ``frame`` holds one column per :class:`Column`, by name."""

    name: str  # ASCII, used for file and sheet-table names
    sheet: str  # the spreadsheet tab (at most 31 characters)
    title: str  # what the table shows, one sentence (A1 of its sheet)
    source: str  # the "Källa: …" line of the report
    columns: list[Column]
    frame: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def _overview_columns() -> list[Column]:
    h = report.overview_headers()
    return [Column("period", h["period"]), Column("insatsomrade", h["insatsomrade"]),
            Column("belopp", h["belopp"], "integer", "kr", description="Kommunens publicerade belopp"),
            Column("lanet", h["lanet"], "integer", "kr", description="Summan för länets kommuner"),
            Column("andel_av_lanet", h["andel_av_lanet"], "percent", "procent", 2,
                   "Kommunens belopp som andel av länets"),
            Column("rang", f"{h['rang']} (1 = störst)", "integer", description="Plats bland länets kommuner"),
            Column("per_invanare", h["per_invanare"], "number", "kr per invånare", 2,
                   "Beloppet delat med befolkningen den dag som anges"),
            Column("befolkning_datum", h["befolkning_datum"], "date",
                   description="Den befolkning som beloppet per invånare räknas på")]


def ascii_name(text: str) -> str:
    """``text`` as an ASCII file or table name: ``"Nära vård 2024"`` → ``"nara_vard_2024"``.

    >>> ascii_name("Nära vård 2019-2022")
    'nara_vard_2019_2022'
    """
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "_", plain).strip("_")


def report_tables(kommun: str) -> list[Table]:
    """The tables of ``kommun``'s report: the amounts per period, the chart's and the map's values, the initiatives.

    The map's and the initiatives' tables are there when the data folder has their data (as in the report).

    >>> [t.name for t in report_tables("Aneby")]
    ['belopp', 'nara_vard_2024', 'per_invanare_2019_2022', 'insatser']
    """
    year, area = report.this_year(), report.headline_area()
    bars = report.latest_amounts().rename_axis("kommun").rename("belopp").reset_index()
    source = report.source_allocations()
    tables = [
        Table("belopp", "Belopp per period", report.overview_caption(kommun), source,
              _overview_columns(), report.allocation_overview(kommun)),
        Table(ascii_name(f"{area} {year}"), f"{area} {year}", f"{report.bars_title()} (kr).", source,
              [Column("kommun", "Kommun"), Column("belopp", "Belopp (kr)", "integer", "kr")], bars),
    ]
    period = report.map_period()
    if period:
        per_capita = report.map_values().rename_axis("kommun").rename("per_invanare").reset_index()
        label = report.period_label(period)
        date = swedish_date(periods.population_date(periods.population_period(period)), short=True)
        tables.append(Table(
            ascii_name(f"per invanare {period}"), f"Per invånare {label}",
            f"Statsbidraget {label} per invånare, alla kommuner i länet (befolkning {date}), som på kartan.", source,
            [Column("kommun", "Kommun"), Column("per_invanare", "Per invånare (kr)", "number", "kr per invånare", 2)],
            per_capita))
    if report.has_initiatives():
        initiatives = report.initiatives_for(kommun)
        initiative_columns = [Column(name, title) for name, title in
                              zip(("insats", "lage_2023", "niva_2019", "niva_2023"), initiatives.columns, strict=True)]
        tables.append(Table("insatser", "Insatser", f"Gemensamma insatser som omfattar {kommun}, med nivå 2019 och 2023.",
                            report.source_initiatives(), initiative_columns,
                            initiatives.set_axis([c.name for c in initiative_columns], axis=1)))
    return tables


def tables_json(tables: list[Table]) -> dict:
    """``tables`` as JSON-ready data (the report template displays it for the batch to read)."""
    def plain(value):
        if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
            return None
        return value.item() if hasattr(value, "item") else value

    return {"tables": [{"name": t.name, "sheet": t.sheet, "title": t.title, "source": t.source, "notes": t.notes,
                        "columns": [asdict(c) for c in t.columns],
                        "rows": [[plain(v) for v in row] for row in
                                 t.frame[[c.name for c in t.columns]].itertuples(index=False)]} for t in tables]}


def tables_from_json(payload: dict) -> list[Table]:
    """The tables of :func:`tables_json` back as :class:`Table` items."""
    result = []
    for spec in payload["tables"]:
        columns = [Column(**c) for c in spec["columns"]]
        frame = pd.DataFrame(spec["rows"], columns=[c.name for c in columns])
        result.append(Table(spec["name"], spec["sheet"], spec["title"], spec["source"], columns, frame,
                            list(spec["notes"])))
    return result


def report_tables_json(kommun: str) -> dict:
    """:func:`report_tables` as JSON-ready data: the template's last cell shows it, the batch publishes it.

    >>> [t["name"] for t in report_tables_json("Aneby")["tables"]][:2]
    ['belopp', 'nara_vard_2024']
    """
    return tables_json(report_tables(kommun))


#: The key figures of one report (summary.csv's figures), as columns of the län's table. The names carry no
#: year: ``ar`` is the year the figures are for (the latest single year of the data folder).
KEY_FIGURE_COLUMNS = [
    Column("kommun", "Kommun"), Column("status", "Status"), Column("ar", "År", description="Det år nyckeltalen gäller"),
    Column("nara_vard", "Nära vård (kr)", "integer", "kr", description="Kommunens belopp inom Nära vård året"),
    Column("per_invanare", "Nära vård per invånare (kr)", "number", "kr per invånare", 2),
    Column("andel_medel_pct", "Andel av länets medel", "percent", "procent", 2),
    Column("andel_befolkning_pct", "Andel av länets befolkning", "percent", "procent", 2),
    Column("rang", "Rang i länet (1 = störst)", "integer"),
    Column("foregaende_ar", "Föregående år", description="Året som förändringen räknas från"),
    Column("totalt_foregaende_ar", "Totalt föregående år (kr)", "integer", "kr"),
    Column("flerarsperiod", "Flerårsperiod"),
    Column("totalt_flerarsperiod", "Totalt flerårsperioden (kr)", "integer", "kr"),
    Column("forandring", "Förändring från föregående år, Nära vård (kr)", "integer", "kr"),
    Column("varav_pott", "Varav potten (kr)", "integer", "kr"),
    Column("varav_befolkningsandel", "Varav befolkningsandelen (kr)", "integer", "kr"),
    Column("befolkning", "Befolkning", "integer", "invånare", description="Den befolkning året räknas på"),
    Column("befolkning_datum", "Befolkningens datum", "date"),
    Column("landsbygdskommun", "Landsbygdskommun"), Column("byggd", "Byggd"), Column("fel", "Fel"),
]
_STATUS = {"ny": "ny", "fel": "misslyckades", "tidigare": "från tidigare körning"}


def key_figure_table(entries) -> Table:
    """The key figures of every report in the folder (``pages.IndexEntry`` items), one row per municipality."""
    rows = []
    for entry in entries:
        figures = dict(entry.figures)
        if "landsbygdskommun" in figures:
            figures["landsbygdskommun"] = "ja" if figures["landsbygdskommun"] else "nej"
        rows.append({**figures, "kommun": entry.kommun, "status": _STATUS.get(entry.status, entry.status),
                     "byggd": entry.built_at or None, "fel": entry.error or "inget"})
    frame = pd.DataFrame(rows, columns=[c.name for c in KEY_FIGURE_COLUMNS])
    return Table("nyckeltal", "Nyckeltal per kommun", "Nyckeltalen i varje kommunrapport, en rad per kommun.",
                 report.source_allocations(), KEY_FIGURE_COLUMNS, frame,
                 notes=[f"En kommun vars rapport inte blev klar har {MISSING!r} i stället för nyckeltal."])


def lan_tables(entries) -> list[Table]:
    """The län's tables: the key figures of the reports, then each published allocation table in full."""
    tables = [key_figure_table(entries)]
    periods = data.load_allocations()["period"].unique()
    for period in periods:
        table = data.allocation_table(period)
        frame = table.rename_axis("kommun").reset_index()
        names = ["kommun", *[f"omrade_{i}" for i in range(1, len(table.columns) + 1)]]
        columns = [Column("kommun", "Kommun"), *[Column(n, f"{area} (kr)", "integer", "kr", description=area)
                                                for n, area in zip(names[1:], table.columns, strict=True)]]
        tables.append(Table(f"fordelning_{period.replace('-', '_')}", f"Fördelning {period}",
                            f"Den publicerade fördelningen {period} per kommun och insatsområde (kr).",
                            report.source_allocations(), columns, frame.set_axis(names, axis=1)))
    return tables
