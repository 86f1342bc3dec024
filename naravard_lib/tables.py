"""The tables a report publishes as data: numbers as numbers, with Swedish titles, units and sources.

One description per table serves the spreadsheet (:mod:`naravard_lib.spreadsheet`), the data package
(:mod:`naravard_lib.datapackage`) and the Swedish CSV. The values come from the same functions of
:mod:`naravard_lib.report` that the report's template calls, so the download shows the report's numbers.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import pandas as pd

from . import data, report

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
    h = report.OVERVIEW_HEADERS
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


def report_tables(kommun: str) -> list[Table]:
    """The tables of ``kommun``'s report: the amounts per period, the chart's and the map's values, the initiatives.

    >>> [t.name for t in report_tables("Aneby")]
    ['belopp', 'nara_vard_2024', 'per_invanare_2019_2022', 'insatser']
    """
    bars = report.allocation_overview_2024().rename_axis("kommun").rename("belopp").reset_index()
    per_capita = report.per_capita_2019_2022().rename_axis("kommun").rename("per_invanare").reset_index()
    initiatives = report.initiatives_for(kommun)
    initiative_columns = [Column(name, title) for name, title in
                          zip(("insats", "lage_2023", "niva_2019", "niva_2023"), initiatives.columns, strict=True)]
    return [
        Table("belopp", "Belopp per period", report.overview_caption(kommun), report.SOURCE_ALLOCATIONS,
              _overview_columns(), report.allocation_overview(kommun)),
        Table("nara_vard_2024", "Nära vård 2024", "Nära vård 2024, alla kommuner i länet (kr).",
              report.SOURCE_ALLOCATIONS,
              [Column("kommun", "Kommun"), Column("belopp", "Belopp (kr)", "integer", "kr")], bars),
        Table("per_invanare_2019_2022", "Per invånare 2019–2022",
              "Statsbidraget 2019–2022 per invånare, alla kommuner i länet (befolkning 1 nov 2022), som på kartan.",
              report.SOURCE_ALLOCATIONS,
              [Column("kommun", "Kommun"), Column("per_invanare", "Per invånare (kr)", "number", "kr per invånare", 2)],
              per_capita),
        Table("insatser", "Insatser", f"Gemensamma insatser som omfattar {kommun}, med nivå 2019 och 2023.",
              report.SOURCE_INITIATIVES, initiative_columns,
              initiatives.set_axis([c.name for c in initiative_columns], axis=1)),
    ]


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


#: The key figures of one report (summary.csv's figures), as columns of the län's table.
KEY_FIGURE_COLUMNS = [
    Column("kommun", "Kommun"), Column("status", "Status"),
    Column("nara_vard_2024", "Nära vård 2024 (kr)", "integer", "kr"),
    Column("per_invanare_2024", "Nära vård 2024 per invånare (kr)", "number", "kr per invånare", 2),
    Column("andel_medel_2024_pct", "Andel av länets medel 2024", "percent", "procent", 2),
    Column("andel_befolkning_2024_pct", "Andel av länets befolkning 2024", "percent", "procent", 2),
    Column("rang_2024", "Rang i länet 2024 (1 = störst)", "integer"),
    Column("totalt_2023", "Totalt 2023 (kr)", "integer", "kr"),
    Column("totalt_2019_2022", "Totalt 2019–2022 (kr)", "integer", "kr"),
    Column("forandring_2023_2024", "Förändring 2023–2024, Nära vård (kr)", "integer", "kr"),
    Column("varav_pott", "Varav potten (kr)", "integer", "kr"),
    Column("varav_befolkningsandel", "Varav befolkningsandelen (kr)", "integer", "kr"),
    Column("befolkning_2023_11_01", "Befolkning 1 nov 2023", "integer", "invånare"),
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
                 report.SOURCE_ALLOCATIONS, KEY_FIGURE_COLUMNS, frame,
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
                            report.SOURCE_ALLOCATIONS, columns, frame.set_axis(names, axis=1)))
    return tables
