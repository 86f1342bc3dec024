"""Every amount in data/ appears in the seed file and section it cites."""

from __future__ import annotations

import re

import pytest

from naravard_lib import data
from naravard_lib.formatting import format_number, parse_swedish_amount
from seedtext import region, squash


_squash = squash
_region = region


def test_every_allocation_cell_is_in_its_table_row_and_column(seeds):
    cells = data.load_allocations()
    for (source, section), group in cells.groupby(["source", "section"]):
        region = _region((seeds / source).read_text(encoding="utf-8"), section)
        header = next(line for line in region.splitlines() if line.startswith("Kommun\t"))
        columns = header.split("\t")
        rows = {line.split("\t")[0]: line.split("\t") for line in region.splitlines() if "\t" in line}
        for cell in group.itertuples():
            published = rows[cell.kommun][columns.index(cell.column_as_published)]
            assert published == format_number(cell.amount_sek), (cell.kommun, cell.insatsomrade)


def test_population_shares_are_in_the_2024_table(seeds):
    shares = data.load_population_share_2024()
    text = (seeds / shares.source.iloc[0]).read_text(encoding="utf-8")
    region = _region(text, shares.section.iloc[0])
    for row in shares.itertuples():
        assert f"{row.kommun}\t{row.as_published}\t" in region
        assert row.as_published == f"{row.share_percent:.2f}".replace(".", ",") + "%"


def test_every_published_figure_is_in_its_section_and_reads_as_its_value(seeds):
    figures = data.load_published_figures()
    for row in figures.itertuples():
        region = _squash(_region((seeds / row.source).read_text(encoding="utf-8"), row.section))
        assert row.as_published in region, row.key
        parsed = parse_swedish_amount(row.as_published)
        if parsed is not None:  # e.g. "motsvarande summa" carries its value by reference (includes)
            assert round(parsed) == row.value, row.key
        else:
            assert data.figure(row.includes) == row.value, row.key


def test_recovered_populations_cite_existing_tables(seeds):
    populations = data.load_populations()
    for row in populations.drop_duplicates("section").itertuples():
        assert _region((seeds / row.source).read_text(encoding="utf-8"), row.section)


def test_municipality_rural_status_is_from_seed(seeds):
    table = data.load_municipalities()
    text = _squash((seeds / table.source.iloc[0]).read_text(encoding="utf-8"))
    listed = re.search(r"Landsbygdskommuner i vårt län: (.*?)\. ", text).group(1)
    named = {n.strip() for n in re.split(r",| och ", listed)}
    assert named == set(table.loc[table.landsbygdskommun, "kommun"])


@pytest.mark.parametrize("text, value", [
    ("1 ,2 miljoner kronor", 1_200_000), ("Länssamordning 1,9 milj", 1_900_000),
    ("2 420 mnkr till regionerna", 2_420_000_000), ("3 430 250 000 kronor", 3_430_250_000),
    ("11% av medlen", 11), ("25,8 miljoner", 25_800_000), ("motsvarande summa", None),
])
def test_parse_swedish_amount(text, value):
    parsed = parse_swedish_amount(text)
    assert (parsed if parsed is None else round(parsed)) == value


@pytest.mark.parametrize("table", ["frameworks", "timeline", "roles"])
def test_quoted_phrases_are_in_their_sections(seeds, table):
    frame = data.read_table(table)
    for row in frame.itertuples():
        text = squash(region((seeds / row.source).read_text(encoding="utf-8"), row.section))
        assert squash(row.citat) in text, (table, row.citat)


def test_strategies_quote_esther_and_the_plan(seeds):
    for row in data.load_strategies().itertuples():
        plan = squash(region((seeds / row.source).read_text(encoding="utf-8"), row.section))
        assert row.titel in plan
        slides = squash(region((seeds / row.citat_source).read_text(encoding="utf-8"), row.citat_section))
        assert row.esther_citat in slides
