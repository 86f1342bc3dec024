"""Every amount in data/ appears in the seed file and section it cites."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from naravard_lib import data
from naravard_lib.formatting import format_number, parse_swedish_amount
from seedtext import region, squash


_squash = squash
_region = region


def _plain(text) -> str:
    """``text`` with no-break spaces read as spaces (the output keeps them; the test compares words)."""
    return str(text).replace("\xa0", " ")


def test_every_allocation_cell_is_in_its_table_row_and_column(seeds):
    cells = data.load_allocations()
    for (source, section), group in cells.groupby(["source", "section"]):
        region = _region((seeds / source).read_text(encoding="utf-8"), section)
        header = next(line for line in region.splitlines() if line.startswith("Kommun\t"))
        columns = header.split("\t")
        rows = {line.split("\t")[0]: line.split("\t") for line in region.splitlines() if "\t" in line}
        for cell in group.itertuples():
            published = rows[cell.kommun][columns.index(cell.column_as_published)]
            assert published == _plain(format_number(cell.amount_sek)), (cell.kommun, cell.insatsomrade)


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


def _section_text(seeds, source: str, section: str) -> str:
    """The cited section, white space folded and HTML tags (in seed 000's tables) removed."""
    text = region((seeds / source).read_text(encoding="utf-8"), section)
    return squash(re.sub(r"<[^>]+>", " ", text))


@pytest.mark.parametrize("table, column", [
    ("frameworks", "citat"), ("timeline", "citat"), ("roles", "citat"),
    ("commitments", "citat"), ("organisation", "citat"), ("follow_up", "citat"), ("sormland_plan", "citat"),
    ("sormland_decisions", "citat"), ("strategy_lists", "text"), ("social_services_2024", "text"),
    ("social_services_activities", "omrade"), ("social_services_activities", "aktiviteter"),
    ("sormland_goals", "mal"), ("ok2024_parts", "as_published"),
    ("ok2024_expectations", "citat"), ("ok2024_expectations", "del_citat"), ("plan_principles", "citat"), ("primary_care_mission", "text"),
    ("strangnas", "text"), ("form_guidance", "citat"), ("report_lists", "text"), ("report_facts", "citat"),
])
def test_quoted_phrases_are_in_their_sections(seeds, table, column):
    frame = data.read_table(table)
    for row in frame.itertuples():
        quote = getattr(row, column)
        if not isinstance(quote, str):  # e.g. a derived amount has no printed phrase (typ == "härledd")
            continue
        assert squash(quote) in _section_text(seeds, row.source, row.section), (table, quote)


def test_a_wrong_section_is_caught(seeds):
    # the 2024 row of timeline.csv used to cite SKR's social-services agreement for the Nära vård agreement
    assert "Överenskommelsen omfattar totalt" not in _section_text(
        seeds, "000_b4d30c94750151c6.txt", "Information om överenskommelse 2024")


def test_ok2024_parts_add_up_with_the_unspecified_remainder_explicit(seeds):
    parts = data.read_table("ok2024_parts").set_index("post")
    total = parts.at["Hela överenskommelsen", "belopp_sek"]
    top = parts[parts["ingar_i"].isna() & (parts.index != "Hela överenskommelsen")]
    assert top["belopp_sek"].sum() == total == data.figure("national.2024.ok_total")
    published = parts[parts["typ"] == "publicerad"]
    for post, row in published.iterrows():
        assert data.figure(row.figure_key) == row.belopp_sek, post
    derived = parts[parts["typ"] == "härledd"]
    assert list(derived.index) == ["Ej specificerat i källan"]
    listed = published.loc[top.index.intersection(published.index), "belopp_sek"].sum()
    assert derived["belopp_sek"].item() == total - listed
    assert derived["berakning"].item().startswith("3 430 250 000 − 2 420 000 000 − 750 000 000 − 34 000 000")


def test_strategy_lists_cover_every_list_of_the_plan(seeds):
    lists = data.read_table("strategy_lists")
    counts = lists.groupby(["strategi", "lista"]).size().to_dict()
    assert counts[(2, "matomraden")] == 5 and counts[(4, "implementering")] == 4
    assert counts[(4, "kunskapsstyrning")] == 2 and counts[(4, "kompetensforsorjning")] == 1
    assert sum(n for (s, kind), n in counts.items() if kind == "matomraden") == 11
    text = squash((seeds / "001_810176a096e53aad.txt").read_text(encoding="utf-8"))
    assert text.count("Mätområden:") == 4  # one list per strategy, all four in the table


def test_strategies_quote_esther_and_the_plan(seeds):
    for row in data.load_strategies().itertuples():
        plan = squash(region((seeds / row.source).read_text(encoding="utf-8"), row.section))
        assert row.titel in plan
        slides = squash(region((seeds / row.citat_source).read_text(encoding="utf-8"), row.citat_section))
        assert row.esther_citat in slides


def _unmarked_derived_values(table) -> list[tuple[str, str, int]]:
    """Indicator values not printed as digits in their phrase and not marked ``typ = härledd`` with a
    ``berakning`` for that year (and events' years not printed in either phrase)."""
    problems = []
    for row in table.itertuples():
        for year in ("2019", "2023"):
            value = getattr(row, f"varde_{year}")
            if value is None or value is pd.NA or value != value:
                continue
            quote = squash(str(getattr(row, f"citat_{year}") or ""))
            digits = re.escape(format_number(int(value)).replace("\xa0", " "))
            printed = re.search(rf"(?<!\d)(?<!\d ){digits}(?![\d])", quote.replace("\xa0", " "))
            marked = row.typ == "härledd" and f"{year}:" in str(row.berakning or "")
            if not printed and not marked:
                problems.append((row.key, year, int(value)))
        if not (row.ar is None or row.ar is pd.NA or row.ar != row.ar):
            quotes = " ".join(str(q) for q in (row.citat_2019, row.citat_2023) if isinstance(q, str))
            if str(int(row.ar)) not in quotes:
                problems.append((row.key, "ar", int(row.ar)))
    return problems


def test_every_indicator_value_is_printed_or_marked_as_derived(seeds):
    table = data.load_indicators()
    unmarked = _unmarked_derived_values(table)
    assert not unmarked, "values neither printed in their phrase nor marked typ = härledd with a berakning: " + \
        "; ".join(f"{key} {year} = {value}" for key, year, value in unmarked)
    text = squash((seeds / table["source"].iloc[0]).read_text(encoding="utf-8"))
    for row in table.itertuples():
        for quote in (row.citat_2019, row.citat_2023):
            if isinstance(quote, str):
                assert squash(quote) in text, row.key
        if row.typ == "härledd":
            for part in coding_quotes(row.berakning):
                assert part in text, (row.key, part)
    # one meaning per column: an event has its year in `ar` and no values; a value is never a calendar year
    events = table["slag"] == "händelse"
    assert table.loc[events, "ar"].notna().all() and table.loc[events, ["varde_2019", "varde_2023"]].isna().all().all()
    assert table.loc[~events, "ar"].isna().all()
    years_as_values = table.loc[~events & (table["enhet"] == "år"), ["varde_2019", "varde_2023"]]
    assert not (years_as_values >= 1900).any().any()  # ages and intervals, never a calendar year


def test_an_unmarked_derived_value_is_caught():
    table = data.load_indicators()
    broken = table.copy()
    row = broken.index[broken["key"] == "halsocenter_kommuner"][0]
    broken.loc[row, ["typ", "berakning"]] = ["publicerad", None]  # 13 from "samtliga", as it used to be
    assert ("halsocenter_kommuner", "2023", 13) in _unmarked_derived_values(broken)


def coding_quotes(text) -> list[str]:
    return re.findall(r"”([^”]+)”", str(text or ""))


def test_scope_and_wording_fixes_of_issue_19(seeds):
    sections = data.read_table("form_sections").set_index("sektion")
    assert sections.at["resurser", "sammanfattning"].startswith("Utredningen") and \
        "bedömer" in sections.at["resurser", "sammanfattning"]            # an inquiry's assessment, attributed
    assert "synlig via 1177" not in sections.at["delaktighet", "sammanfattning"]
    assert "ska kunna visualiseras digitalt via 1177 Vårdguiden" in sections.at["delaktighet", "sammanfattning"]
    groups = data.read_table("organisation").query("typ == 'strategigrupp'")
    assert (groups["section"] == "Organisation för genomförande / Gemensamt ledningssystem").all()
    for row in groups.itertuples():
        assert squash(row.namn_citat) in _section_text(seeds, row.source, row.namn_section)
        assert row.enhet.removeprefix("Strategigrupp ") in row.namn_citat
    timeline = data.load_timeline().set_index("datum")
    assert timeline.at["2025-01-01", "typ"] == "avsikt"
    roles = data.load_roles().set_index("aktor")
    assert roles.at["SKR (överenskommelsen med staten)", "source"] == "002_afb530c70a69af00.txt"
    assert "överenskommelse med staten" not in roles.at["SKR", "roll"]
    heading = ("Utvecklingen av den nära vården med primärvården som nav och goda förutsättningar för vårdens "
               "medarbetare")
    figures = data.load_published_figures().set_index("key")
    for key in ("national.2024.regioner", "national.2024.kommuner", "national.2024.skr"):
        assert figures.at[key, "section"].endswith(heading), key


def test_the_coordinators_lessons_are_whole_sentences():
    """A lesson cut mid-sentence can reverse its point ("… gör inte skillnad." without "Men processen …")."""
    lessons = data.read_table("report_lists").query("lista == 'lardomar'").set_index("ordning")["text"]
    assert "Men processen när de arbetas fram hjälper till" in lessons[3]
    # every lesson ends where its sentence ends; the last one has no full stop in the seed either
    assert all(text.endswith(".") for text in lessons.drop(11)), lessons[~lessons.str.endswith(".")].to_dict()
