"""The coding of the 2019 → 2023 rows holds to the codebook's rules, or records why not."""

from __future__ import annotations

import re

import pytest

from naravard_lib import coding, data
from seedtext import squash


@pytest.fixture(scope="module")
def table():
    return data.load_initiatives()


@pytest.mark.parametrize("cell, level", [
    ("Fanns ej", 0),
    ("", 0),
    (None, 0),
    ("Under framtagande nationellt", 1),
    ("Pilotprojekt pågår med tester", 2),
    ("Pågår", 2),
    ("Nytt arbetssätt infört", 2),                                   # no extent → the lower
    ("Nytt arbetssätt som är under spridning i länet", 3),
    ("Infört på flertalet mötesplatser för chefer", 3),
    ("Aktivt arbete i 13 kommuner med processledare IBIC", 4),      # all 13 named → 4
    ("Finns i samtliga av länets kommuner", 4),
    ("Gemensam handlingsplan som antagits politiskt, i genomförande.", 3),  # doubtful → the lower
    ("Fortsatt utveckling, påbörjat. Superanvändare finns breddinfört i 13 kommuner", 1),
    ("Har startat och är under uppbyggnad. Några exempel pågående forskningsprojekt", 2),  # 1 only if nothing runs
])
def test_rule_levels(cell, level):
    assert coding.rule_level(cell).level == level


def test_reasons_quote_the_cell_as_printed():
    rule = coding.rule_level("Pilotprojekt pågår med tester")
    assert rule.reason == "”Pilotprojekt” → 2, ”tester” → 2"
    assert "tveksamt → den lägre: 3" in coding.rule_level("antagits politiskt, i genomförande").reason


def test_every_row_follows_the_rules_or_records_an_exception(table):
    problems = coding.disagreements(table)
    assert problems.empty, "\n" + problems.to_string()


def test_the_rule_test_catches_a_row_that_breaks_the_rules(table):
    broken = table.copy()
    broken.loc[broken["id"] == 4, "niva_2023"] = 3          # the old coding of IBIC
    broken.loc[broken["id"] == 3, "undantag_2023"] = None   # an exception removed
    broken.loc[broken["id"] == 1, "undantag_2023"] = "Tolkning: ingen"  # a stale exception
    found = set(zip(coding.disagreements(broken)["id"], coding.disagreements(broken)["problem"]))
    assert found == {(4, "avviker utan undantag"), (3, "avviker utan undantag"),
                     (1, "undantag men koden följer regeln")}


def test_exceptions_are_marked_as_interpretation_and_quote_the_seed(table, seeds):
    text = squash((seeds / table["source"].iloc[0]).read_text(encoding="utf-8"))
    exceptions = coding.exception_table(table)
    assert len(exceptions) == 12
    for row in exceptions.itertuples():
        assert row.Varför.startswith("Tolkning"), row.Rad
        quotes = coding.quoted(row.Varför)
        assert quotes, f"row {row.Rad}: an exception gives its reason in the seed's own words"
        for quote in quotes:
            assert quote in text, (row.Rad, quote)


def _sections(table, seeds) -> dict[str, str]:
    """Seed 004's focus-area sections, white space folded: from each heading to the next."""
    text = squash((seeds / table["source"].iloc[0]).read_text(encoding="utf-8"))
    heads = sorted((text.index(squash(s)), s) for s in table["section"].unique())
    ends = [start for start, _ in heads[1:]] + [len(text)]
    return {name: text[start:end] for (start, name), end in zip(heads, ends)}


def test_verbatim_cells_are_in_their_section(table, seeds):
    sections = _sections(table, seeds)
    for row in table.itertuples():
        section = sections[row.section]
        assert squash(row.kalla_2023) in section, row.id
        if isinstance(row.kalla_2019, str):
            assert squash(row.kalla_2019) in section, row.id
        else:
            assert row.osaker, f"row {row.id}: a blank 2019 cell is coded 0 and marked uncertain"


def test_rationales_only_quote_the_seed(table):
    for row in table.itertuples():
        assert row.motivering.startswith(coding.rationale(row._asdict())), row.id
        cells = " ".join(str(v) for v in (row.kalla_2019, row.kalla_2023, row.seed_anchor))
        for quote in coding.quoted(row.motivering):
            if quote not in cells:  # exceptions may quote another row of the same seed
                assert any(quote in str(e) for e in (row.undantag_2019, row.undantag_2023)), (row.id, quote)


def test_rationales_no_longer_claim_what_the_seed_does_not_say(table):
    text = " ".join(table["motivering"])
    for claim in ("fortfarande under utveckling", "begränsad form", "öppen för alla", "etablerade kanaler",
                  "ingen verksamhet i drift"):
        assert claim not in text


def test_reach_follows_the_words_of_the_cell(table):
    for row in table.itertuples():
        cell = row.kalla_2023
        if re.search(r"\b13 kommuner|samtliga av länets kommuner", cell):
            assert row.rackvidd_2023 == "alla 13", row.id
        elif re.search(r"i flera kommuner|många verksamheter|några av länets kommuner", cell) and row.id != 18:
            assert row.rackvidd_2023 == "några", row.id
    # row 18: a pilot with one named municipality ("tillsammans med Jönköpings kommun")
    assert table.set_index("id").at[18, "rackvidd_2023"] == "en kommun"


def test_codebook_lists_every_phrase_the_rules_use():
    book = data.load_codebook().set_index("niva")["typiska_formuleringar"]
    for _, level, name in coding.PHRASES:
        assert name in book[level], (level, name)
    for _, name in coding.ACTIVITY:
        assert name in book[2], name
