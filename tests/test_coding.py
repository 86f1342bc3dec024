"""The coding of the 2019 → 2023 rows holds to the codebook's rules, or records why not."""

from __future__ import annotations

import re

import pytest

from naravard_lib import coding, data, paths
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
    ("Gemensam handlingsplan som antagits politiskt, i genomförande.", 3),  # the decision sets no level
    ("Beslutad, och med fördjupande beskrivning", 2),                 # decided, extent not given → 2
    ("Framtagen och beslutad 2023.", 2),
    ("i mindre skala. ”Regeringen beslutade … med uppdrag att främja”", 2),  # quoted words are not read
    ("Fortsatt utveckling, påbörjat. Superanvändare finns breddinfört i 13 kommuner", 1),
    ("Har startat och är under uppbyggnad. Några exempel pågående forskningsprojekt", 2),  # 1 only if nothing runs
])
def test_rule_levels(cell, level):
    assert coding.rule_level(cell).level == level


def test_reasons_quote_the_cell_as_printed():
    rule = coding.rule_level("Pilotprojekt pågår med tester")
    assert rule.reason == "”Pilotprojekt” → 2, ”tester” → 2"
    assert "tveksamt → den lägre: 1" in coding.rule_level("påbörjat, i genomförande").reason
    assert coding.rule_level("Beslutad.").reason.startswith("”Beslutad” är ett beslut, inte ett införande")


def test_a_decision_is_not_a_level():
    levels = {level for _, level, _ in coding.PHRASES}
    decided = {name for _, name in coding.DECISION}
    assert not decided & {name for _, _, name in coding.PHRASES}
    for _, name in coding.DECISION:
        assert coding.rule_level(f"Planen är {name}.").level == 2, name
    assert levels == {0, 1, 2, 3, 4}
    book = data.load_codebook().set_index("niva")
    assert book.at[1, "etikett"] == "Påbörjad" and "beslut" not in book.at[4, "typiska_formuleringar"]


def test_every_decision_in_a_cell_is_recorded_in_its_own_column(table):
    for row in table.itertuples():
        cells = " ".join(squash(str(c)) for c in (row.kalla_rubrik, row.kalla_2019, row.kalla_2023) if isinstance(c, str))
        recorded = row.beslut.split("; ") if isinstance(row.beslut, str) else []
        for words in recorded:
            assert squash(words) in cells, (row.id, words)
            assert coding.decisions_in(words), (row.id, words)
        found = coding.decisions_in(coding._own_words(row.kalla_2019)) + coding.decisions_in(
            coding._own_words(row.kalla_2023)) + coding.decisions_in(row.kalla_rubrik)
        assert bool(found) == bool(recorded), row.id
    assert table.set_index("id").loc[[20, 30], "niva_2023"].tolist() == [2, 2]  # decided, not 4


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
    assert len(exceptions) == 7
    assert not set(exceptions["Rad"]) & {16, 38, 39, 40}  # the weak exceptions are gone
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
        assert squash(row.seed_anchor) in sections[row.section], row.id  # whole cells: see the next test
        if not isinstance(row.kalla_2019, str):
            assert row.osaker, f"row {row.id}: a blank 2019 cell is coded 0 and marked uncertain"


_URL = re.compile(r"(?:https?|file):/+\S+")


def _interleaves(block: list[str], parts: list[list[str]]) -> bool:
    """Whether ``block`` is exactly the words of ``parts`` merged, each part's words kept in order."""
    states = {tuple(0 for _ in parts)}
    for word in block:
        states = {s[:k] + (s[k] + 1,) + s[k + 1:] for s in states
                  for k, part in enumerate(parts) if s[k] < len(part) and part[s[k]] == word}
        if not states:
            return False
    return tuple(len(p) for p in parts) in states


def _row_blocks(table, seeds) -> dict[int, str]:
    """Each row's text in seed 004: from its anchor to the next row's anchor (or, for a table's last row,
    to the text that follows the table), links dropped."""
    text = squash((seeds / table["source"].iloc[0]).read_text(encoding="utf-8"))
    starts, pos = [], 0
    for anchor in table["seed_anchor"]:
        pos = text.index(squash(anchor), pos)
        starts.append(pos)
        pos += 1
    blocks = {}
    for k, row in enumerate(table.itertuples()):
        if isinstance(row.seed_foljs_av, str) and row.seed_foljs_av:
            end = text.index(squash(row.seed_foljs_av), starts[k])
        else:
            end = starts[k + 1]
        blocks[row.id] = _URL.sub(" ", text[starts[k]:end])
    return blocks


def _cells_cover_their_block(row, block: str) -> bool:
    parts = [_URL.sub(" ", squash(str(c))).split() for c in (row.kalla_rubrik, row.kalla_2019, row.kalla_2023)
             if isinstance(c, str)]
    return _interleaves(block.split(), parts)


def _not_covered(row, block: str) -> str:
    """The failure message: the seed's words between the anchors that the cells leave out (or add)."""
    from collections import Counter
    cells = Counter(_URL.sub(" ", " ".join(squash(str(c)) for c in (row.kalla_rubrik, row.kalla_2019, row.kalla_2023)
                                           if isinstance(c, str))).split())
    left, missing = Counter(cells), []
    for word in block.split():  # in reading order
        if left[word]:
            left[word] -= 1
        else:
            missing.append(word)
    missing, extra = " ".join(missing), " ".join((cells - Counter(block.split())).elements())
    return f"row {row.id}: seed words not in its cells: {missing!r}; words not in the seed: {extra!r}"


def test_every_cell_is_whole_between_consecutive_anchors(table, seeds):
    """The left cell and the two year cells together are exactly the seed's words between two anchors:
    a cell cut at a page break leaves words over and fails."""
    blocks = _row_blocks(table, seeds)
    for row in table.itertuples():
        assert _cells_cover_their_block(row, blocks[row.id]), _not_covered(row, blocks[row.id])
    last = table[table["seed_foljs_av"].fillna("") != ""]
    assert len(last) == table["section"].nunique()  # one end per table


def test_a_cut_cell_is_caught(table, seeds):
    blocks = _row_blocks(table, seeds)
    row = table.set_index("id").loc[33]
    cut = row.copy()
    cut["kalla_2023"] = row["kalla_2023"].split(" Centralt för arbetet")[0]  # the old, cut cell
    assert not _cells_cover_their_block(cut, blocks[33])
    longer = row.copy()
    longer["kalla_2023"] = row["kalla_2023"] + " Mer text."
    assert not _cells_cover_their_block(longer, blocks[33])


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
    guide = (paths.DATA_DIR / "kodbok.md").read_text(encoding="utf-8")
    for _, name in coding.DECISION:
        assert name in guide, name
