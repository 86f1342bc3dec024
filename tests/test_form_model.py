"""The follow-up form as data (form.model), checked against seed 003."""

from __future__ import annotations

import re

import pytest

from naravard_lib import data, form
from naravard_lib.schemas import FORM_ITEMS
from seedtext import squash

SEED = "003_d60446f7c2fbcbb5.txt"
ORDER = "1 2 3 4 5a 5b 6 7 8a 8b 9a 9b 10a 10b 11a 11b 12a 12b 13a 13b 14 15a 15b 16a 16b".split()


def _plain(text: str) -> str:
    """Seed text without markdown emphasis and headings, white space folded."""
    return squash(re.sub(r"[*#]", "", text))


def test_all_25_items_in_the_forms_order():
    items = data.read_table("form_items").sort_values("ordning")
    assert list(items["item_id"]) == ORDER == list(FORM_ITEMS)
    assert set(items.loc[items.typ == "enval", "item_id"]) == {"1", "2", "4", "9a"}
    assert items.loc[items.typ == "enval", "kommentarsfalt"].eq("Lämna gärna en kommentar här:").all()
    assert items.loc[items.typ == "fritext", "kommentarsfalt"].isna().all()


def test_each_single_choice_item_has_its_four_printed_options():
    options = data.read_table("form_options")
    assert options.groupby("item_id").size().to_dict() == {"1": 4, "2": 4, "4": 4, "9a": 4}
    assert form.load_form().item("9a").options[0] == "I alla länets kommuner"


def test_checklist_has_13_uses_and_3_areas():
    checklist = data.read_table("form_checklist")
    assert checklist.groupby("lista").size().to_dict() == {"anvandning": 13, "omrade": 3}


def test_a_broken_form_row_is_reported_in_one_line(data_copy):
    path = data_copy("form_items.csv")
    path.write_text(path.read_text(encoding="utf-8").replace("\n5a,5,", "\n5c,5,"), encoding="utf-8")
    with pytest.raises(data.DataError, match=r"form_items.csv, line 6, column 'item_id'"):
        data.read_table("form_items", path)


def test_every_question_and_option_is_in_its_section_of_seed_003(seeds):
    text = _plain((seeds / SEED).read_text(encoding="utf-8"))
    sections = data.read_table("form_sections").sort_values("ordning")
    starts = [text.index(title) for title in sections["rubrik"]]
    assert starts == sorted(starts), "sections out of order"
    bounds = dict(zip(sections["rubrik"], zip(starts, starts[1:] + [len(text)])))
    position = 0
    for row in data.read_table("form_items").sort_values("ordning").itertuples():
        start, end = bounds[row.section]
        found = text.find(f"{row.item_id}. {row.fraga}", max(start, position))
        assert start <= found < end, row.item_id
        position = found
    for row in data.read_table("form_options").itertuples():
        start, end = bounds[row.section]
        assert row.alternativ in text[start:end], row.alternativ
    for row in data.read_table("form_checklist").itertuples():
        start, end = bounds[row.section]
        assert row.text in text[start:end], row.text
    for row in sections.itertuples():
        start, end = bounds[row.section]
        assert isinstance(row.citat, str) == isinstance(row.sammanfattning, str)
        if isinstance(row.citat, str):
            assert row.citat in text[start:end], row.citat
            assert "Från Överenskommelsen" in text[start:end]
            assert len(row.citat.split()) <= 8, "quote briefly"
