"""A report's tables as a Frictionless Data Package: CSV files and a ``datapackage.json``, in one zip file.

Machine-readable, for whoever republishes a figure: comma-separated UTF-8 with a dot as decimal mark,
percent values in percent units, missing values as empty fields. ``datapackage.json`` describes each
resource's fields (type, Swedish title, unit) and its source. The zip is the same bytes for the same
inputs (fixed member dates, fixed order).
"""

from __future__ import annotations

import csv
import io
import json

import pandas as pd

from . import files
from .tables import Table

_TYPES = {"text": "string", "integer": "integer", "number": "number", "percent": "number", "date": "date"}
PACKAGE_FILE = "datapackage.json"


def _csv_text(table: Table) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([c.name for c in table.columns])
    for record in table.frame[[c.name for c in table.columns]].itertuples(index=False):
        row = []
        for value, column in zip(record, table.columns, strict=True):
            if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
                row.append("")
            elif column.kind == "integer":
                row.append(str(int(value)))
            elif column.kind in ("number", "percent"):
                row.append(repr(round(float(value), 10)))
            else:
                row.append(str(value))
        writer.writerow(row)
    return buffer.getvalue()


def descriptor(name: str, title: str, description: str, tables: list[Table], built_at: str,
               data_version: str) -> dict:
    """The ``datapackage.json`` of ``tables`` (Frictionless Data Package, tabular)."""
    sources = [{"title": source.removeprefix("Källa: ").rstrip(".")}
               for source in dict.fromkeys(t.source for t in tables)]
    resources = []
    for table in tables:
        fields = []
        for column in table.columns:
            spec = {"name": column.name, "title": column.title, "type": _TYPES[column.kind]}
            if column.description:
                spec["description"] = column.description
            if column.unit:
                spec["unit"] = column.unit
            if column.kind == "percent":
                spec["description"] = (column.description + "; " if column.description else "") + "i procent (0–100)"
            fields.append(spec)
        resources.append({
            "name": table.name, "path": f"{table.name}.csv", "profile": "tabular-data-resource",
            "title": table.title, "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "sources": [{"title": table.source.removeprefix("Källa: ").rstrip(".")}],
            "schema": {"fields": fields, "missingValues": [""]},
        })
    package = {"profile": "tabular-data-package", "name": name, "title": title, "description": description,
               "language": "sv", "sources": sources, "resources": resources}
    package["naravard"] = {"byggd": built_at or "okänt", "dataversion": data_version or "okänd"}
    return package


def package_zip(name: str, title: str, description: str, tables: list[Table], built_at: str = "",
                data_version: str = "") -> bytes:
    """The zip file: ``datapackage.json`` and one CSV per table, the same bytes for the same inputs."""
    members = {PACKAGE_FILE: json.dumps(descriptor(name, title, description, tables, built_at, data_version),
                                        ensure_ascii=False, indent=2) + "\n"}
    members.update({f"{table.name}.csv": _csv_text(table) for table in tables})
    return files.zip_bytes((f"{name}/{member}", text.encode("utf-8")) for member, text in members.items())
