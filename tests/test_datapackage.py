"""The data package of a report: valid Frictionless, fields typed and described, values the report's own."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest

from naravard_lib import datapackage, report
from naravard_lib.tables import report_tables


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    content = datapackage.package_zip("naravard-aneby", "Nära vård i Aneby", "Tabellerna.", report_tables("Aneby"),
                                      "2026-11-25 01:00", "abc1234")
    folder = tmp_path_factory.mktemp("package")
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        archive.extractall(folder)
    return content, folder / "naravard-aneby"


def test_the_package_validates_with_frictionless(package):
    from frictionless import validate

    _, folder = package
    result = validate(folder / "datapackage.json")
    assert result.valid, result.flatten(["rowNumber", "fieldName", "type", "note"])[:5]


def test_fields_have_types_titles_units_and_sources(package):
    _, folder = package
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["language"] == "sv" and descriptor["naravard"]["dataversion"] == "abc1234"
    resources = {r["name"]: r for r in descriptor["resources"]}
    assert list(resources) == ["belopp", "nara_vard_2024", "per_invanare_2019_2022", "insatser"]
    fields = {f["name"]: f for f in resources["belopp"]["schema"]["fields"]}
    assert fields["belopp"] == {**fields["belopp"], "type": "integer", "unit": "kr", "title": "Belopp (kr)"}
    assert fields["andel_av_lanet"]["type"] == "number" and "procent" in fields["andel_av_lanet"]["description"]
    assert fields["befolkning_datum"]["type"] == "date"
    assert resources["belopp"]["sources"][0]["title"] in report.source_allocations()
    assert resources["insatser"]["sources"][0]["title"] in report.source_initiatives()


def test_the_csv_holds_the_report_s_numbers(package):
    _, folder = package
    with open(folder / "belopp.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    overview = report.allocation_overview("Aneby")
    assert [int(r["belopp"]) for r in rows] == overview["belopp"].tolist()
    assert float(rows[-1]["andel_av_lanet"]) == pytest.approx(overview["andel_av_lanet"].iloc[-1])


def test_the_zip_is_the_same_bytes_for_the_same_inputs(package):
    content, _ = package
    again = datapackage.package_zip("naravard-aneby", "Nära vård i Aneby", "Tabellerna.", report_tables("Aneby"),
                                    "2026-11-25 01:00", "abc1234")
    assert again == content
