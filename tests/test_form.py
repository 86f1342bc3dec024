"""Socialstyrelsen's follow-up form: the data against seed 003, the answer logic without widgets,
atomic saving, the draft's evidence, export and the command line."""

from __future__ import annotations

import functools
import json
import os
import re
import stat

import pytest
from typer.testing import CliRunner

from naravard_lib import data, form
from naravard_lib.cli import app
from naravard_lib.form import Answers, FormError
from naravard_lib.schemas import FORM_ITEMS
from seedtext import squash

SEED = "003_d60446f7c2fbcbb5.txt"
ORDER = "1 2 3 4 5a 5b 6 7 8a 8b 9a 9b 10a 10b 11a 11b 12a 12b 13a 13b 14 15a 15b 16a 16b".split()


def _plain(text: str) -> str:
    """Seed text without markdown emphasis and headings, white space folded."""
    return squash(re.sub(r"[*#]", "", text))


# --------------------------------------------------------------------------- the form as data

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


# --------------------------------------------------------------------------- answers, without widgets

def test_single_choice_accepts_only_printed_options():
    answers = Answers("Jönköpings län")
    answers.set_choice("1", "Ja, men arbete pågår med att revidera målbilden")
    with pytest.raises(FormError) as refused:
        answers.set_choice("1", "Ja, delvis")
    assert "inte ett av formulärets alternativ" in refused.value.sv and "'Ja, delvis'" in refused.value.sv
    assert answers.get("1").choice == "Ja, men arbete pågår med att revidera målbilden"  # unchanged
    with pytest.raises(FormError, match="free text"):
        answers.set_choice("3", "Ja")


def test_unknown_question_is_refused_with_a_suggestion():
    with pytest.raises(FormError, match=r"unknown question '5c' \(did you mean '5a'\?\)") as refused:
        Answers("Jönköpings län").set_text("5c", "text")
    assert "okänd fråga '5c' (menade du '5a'?)" in refused.value.sv


def test_fields_follow_the_item_type():
    answers = Answers("Eksjö")
    with pytest.raises(FormError):
        answers.set_text("1", "fritext på ett envalsfråga")
    with pytest.raises(FormError):
        answers.set_comment("3", "ingen kommentar på fritext")
    with pytest.raises(FormError, match="no checklist"):
        answers.set_checked("5a", ["omrade:1"])
    with pytest.raises(FormError, match="unknown checklist entry"):
        answers.set_checked("15a", ["omrade:4"])
    answers.set_checked("15a", ["anvandning:2", "omrade:3", "anvandning:2"])
    assert answers.get("15a").checked == ["omrade:3", "anvandning:2"]
    assert answers.answered() == ["15a"]


def test_accept_edit_and_discard_a_proposal():
    proposals = form.draft()
    answers = Answers("Jönköpings län")
    answers.accept(proposals["8a"])
    assert answers.get("8a").text == proposals["8a"].text and answers.get("8a").proposal == "antaget"
    answers.set_text("8a", proposals["8a"].text + "\nVi lägger till ett exempel.")
    assert answers.get("8a").proposal == "redigerat"
    answers.accept(proposals["1"])
    assert answers.get("1").choice == proposals["1"].choice
    answers.discard("1")
    assert answers.get("1").is_empty() and answers.get("1").proposal == "avvisat"
    answers.discard("8a")  # an edited answer keeps the user's text
    assert "Vi lägger till" in answers.get("8a").text


def test_round_trip_through_the_file(tmp_path):
    answers = form.draft_answers("Jönköpings län")
    answers.set_comment("1", "Kommentar med <b>tecken</b> & citat \"så här\"")
    answers.set_checked("15a", ["omrade:1", "anvandning:13"])
    path = form.save_answers(answers, tmp_path / "svar.json")
    again = form.load_answers(path)
    assert again == answers
    assert again.get("1").proposal == "redigerat"
    assert json.loads(path.read_text(encoding="utf-8"))["svar"]["15a"]["kryss"] == ["omrade:1", "anvandning:13"]


# --------------------------------------------------------------------------- files

def test_reopening_resumes_where_the_user_stopped(tmp_path):
    answers, path = form.open_answers("Jönköpings län", tmp_path)
    assert answers.answered() == [] and path == tmp_path / "jonkopings-lan.json" and not path.exists()
    answers.set_choice("9a", "Inga av länets kommuner")
    answers.set_text("3", "Uppföljning i Reko.")
    form.save_answers(answers, path)
    resumed, _ = form.open_answers("Jönköpings län", tmp_path)
    assert resumed.get("9a").choice == "Inga av länets kommuner" and resumed.get("3").text == "Uppföljning i Reko."


def test_an_interrupted_save_leaves_the_earlier_file_intact(tmp_path, monkeypatch):
    answers = Answers("Habo")
    answers.set_text("3", "första versionen")
    path = form.save_answers(answers, tmp_path / "habo.json")
    before = path.read_bytes()
    answers.set_text("3", "andra versionen " * 1000)

    calls = []
    real_fsync = os.fsync

    def crash(fd):  # the backup is written; then the power goes after part of the new text, before the rename
        calls.append(fd)
        if len(calls) == 3:  # 1: backup file, 2: its folder, 3: the new answers file
            raise OSError(5, "Input/output error")
        real_fsync(fd)

    monkeypatch.setattr(form.os, "fsync", crash)
    with pytest.raises(FormError, match="the earlier file is unchanged"):
        form.save_answers(answers, path)
    monkeypatch.undo()
    assert len(calls) == 3
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["habo.json", "habo.json.bak"]  # no temp files left
    assert form.load_answers(path).get("3").text == "första versionen"


def test_a_killed_writer_leaves_only_a_temp_file_that_loading_ignores(tmp_path):
    answers = Answers("Habo")
    answers.set_text("3", "sparat")
    path = form.save_answers(answers, tmp_path / "habo.json")
    (tmp_path / ".habo.json.x1y2.tmp").write_text('{"format": "naravard-upp', encoding="utf-8")  # half a file
    assert form.load_answers(path).get("3").text == "sparat"
    assert form.answer_files(tmp_path) == [path]


@pytest.mark.parametrize("content, field, swedish", [
    ("{not json", "line 1, column 2", "inte giltig JSON"),
    ('{"format": "naravard-uppfoljning", "version": 1, "rapport": "Habo", "svar": {"17": {"text": "x"}}}',
     "'svar.17'", "okänd fråga '17'"),
    ('{"format": "naravard-uppfoljning", "version": 1, "rapport": "Habo", "svar": {"1": {"val": "Kanske"}}}',
     "'svar.1.val'", "'Kanske' är inte ett av formulärets alternativ"),
    ('{"format": "naravard-uppfoljning", "version": 1, "rapport": "Habo", "svar": {"3": {"txet": "x"}}}',
     "'svar.3.txet'", "okänt fält"),
    ('{"format": "naravard-uppfoljning", "version": 2, "rapport": "Habo", "svar": {}}', "'version'", "stöds inte"),
    ('[1, 2]', "expected a JSON object", "JSON-objekt"),
])
def test_a_corrupt_or_hand_edited_file_names_file_and_field_and_is_not_overwritten(tmp_path, content, field,
                                                                                    swedish):
    path = tmp_path / "habo.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(FormError) as refused:
        form.load_answers(path)
    message = str(refused.value)
    assert "habo.json" in message and field in message and "\n" not in message
    assert swedish in refused.value.sv
    with pytest.raises(FormError, match="refusing to overwrite"):
        form.save_answers(Answers("Habo"), path)
    assert path.read_text(encoding="utf-8") == content
    form.save_answers(Answers("Habo"), path, replace_invalid=True)  # only when asked, and with a backup
    assert (tmp_path / "habo.json.bak").read_text(encoding="utf-8") == content
    assert form.load_answers(path).report == "Habo"


def test_saving_over_another_reports_file_is_refused(tmp_path):
    form.save_answers(Answers("Habo"), tmp_path / "svar.json")
    with pytest.raises(FormError, match="holds the answers of 'Habo'"):
        form.save_answers(Answers("Eksjö"), tmp_path / "svar.json")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only folders")
def test_a_read_only_folder_is_one_clear_line(tmp_path):
    folder = tmp_path / "las"
    folder.mkdir()
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        with pytest.raises(FormError, match="cannot write to this folder"):
            form.save_answers(Answers("Habo"), folder / "habo.json")
    finally:
        folder.chmod(stat.S_IRWXU)


def test_a_folder_refusing_new_files_is_one_clear_line_even_for_root(tmp_path, monkeypatch):
    path = form.save_answers(Answers("Habo"), tmp_path / "habo.json")
    before = path.read_bytes()

    def refuse(**kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(form.files.tempfile, "mkstemp", refuse)
    with pytest.raises(FormError, match=r"cannot write to this folder \(Permission denied\)"):
        form.save_answers(Answers("Habo"), path)
    assert path.read_bytes() == before


def test_a_folder_that_cannot_be_created_is_one_clear_line(tmp_path):
    blocker = tmp_path / "fil"
    blocker.write_text("en fil, ingen mapp", encoding="utf-8")
    with pytest.raises(FormError, match="cannot write to this folder") as refused:
        form.save_answers(Answers("Habo"), blocker / "habo.json")
    assert "det går inte att skriva i mappen" in refused.value.sv


# --------------------------------------------------------------------------- the draft

_NUMBER = re.compile(r"\d{1,3}(?:[  ]\d{3})+|\d+")
#: Years the draft's standard sentences name (the form's year and the span the sources describe).
_FRAME_YEARS = {2019, 2022, 2023}


def _numbers(text: str) -> set[int]:
    return {int(re.sub(r"\D", "", n)) for n in _NUMBER.findall(str(text).replace("\xa0", " "))}


def _row(evidence):
    table = data.read_table(evidence.table)  # the data as it is now, not as it was when the draft was written
    mask = True
    for column, value in evidence.key:
        mask = mask & (table[column].astype(str) == str(value))
    rows = table[mask]
    assert len(rows) == 1, f"{evidence.citation} does not exist"
    return rows.iloc[0]


def test_every_proposal_cites_existing_rows_with_the_values_it_uses():
    proposals = form.draft()
    assert sum(p is not None for p in proposals.values()) >= 15
    for item_id, proposal in proposals.items():
        if proposal is None:
            continue
        assert proposal.evidence, item_id
        for evidence in proposal.evidence:
            row = _row(evidence)
            for column, value in evidence.values:
                assert str(row[column]) == str(value), (item_id, evidence.citation, column)


def test_every_number_in_a_proposal_is_in_its_evidence_or_derived_from_it():
    for kommun in (None, "Jönköping", "Aneby"):
        for item_id, proposal in form.draft(kommun).items():
            if proposal is None:
                continue
            supported = set(_FRAME_YEARS)
            for evidence in proposal.evidence:
                for _, value in evidence.values + evidence.key:
                    supported |= _numbers(value)
            supported |= {number for _, number, _ in proposal.derived} | {unit for *_, unit in proposal.derived}
            unsupported = _numbers(proposal.text) - supported
            assert not unsupported, (kommun, item_id, unsupported)


@functools.lru_cache(maxsize=None)
def _draft(kommun=None):
    """The draft, computed once per municipality for the read-only tests below."""
    return form.draft(kommun)


def _cited(proposal, table: str) -> list:
    return [dict(e.key) for e in proposal.evidence if e.table == table]


def _norm(text: str) -> str:
    return text.replace("\xa0", " ")


def test_every_proposal_states_its_strength_first_and_the_cli_shows_it():
    for kommun in (None, "Habo"):
        for item_id, proposal in _draft(kommun).items():
            if proposal is None:
                assert f"**{form.NO_BASIS}**" in form.proposal_markdown(None, item_id)
                continue
            assert proposal.strength in form.STRENGTHS[:2], item_id
            assert proposal.text.startswith(f"Underlagets styrka: {proposal.strength}."), item_id
            if proposal.strength == form.INFERENCE:  # a tolkning names its rule and the words it rests on
                assert "regel" in proposal.basis or "läsning" in proposal.basis, item_id
                assert "”" in proposal.basis, item_id
    result = CliRunner().invoke(app, ["form", "draft", "--item", "7", "--item", "16b"])
    assert result.exit_code == 0
    assert "Underlagets styrka: tolkning" in result.output and "Underlagets styrka: **inget underlag**" in result.output


def test_q1_proposes_no_choice_without_decision_words():
    proposal = _draft()["1"]
    assert proposal.choice is None and proposal.strength == form.INFERENCE
    assert _cited(proposal, "initiatives") == [{"id": 39}]
    assert _cited(proposal, "ok2024_expectations") == [{"ordning": 2}]
    assert "Inget alternativ föreslås" in proposal.text and "säger inte att målbilden är beslutad" in proposal.text
    assert "nivå" not in proposal.text and "införd i hela systemet" not in proposal.text
    # with a recorded decision in the cited row, "Ja" is proposed from those words
    initiatives = data.load_initiatives()
    decided = initiatives.copy()
    decided.loc[decided["id"] == 39, "beslut"] = "Beslutad"
    rows = form.select_initiatives(form.RULES["1"], decided)
    option, sentence, _ = form._choice(form.DRAFT_RULES["1"], "1", rows)
    assert option == "Ja" and "”Beslutad”" in sentence


def test_q2_and_q4_propose_no_choice_and_say_why():
    q2, q4 = _draft()["2"], _draft()["4"]
    assert q2.choice is None and _cited(q2, "initiatives") == [{"id": 42}]
    assert {"lista": "bilagor", "ordning": 3} in _cited(q2, "report_lists")
    assert q4.choice is None and "säger inte att kommunerna har kommunspecifika handlingsplaner" in q4.text


def test_q3_cites_the_plan_for_primary_care_the_2022_start_and_the_expectations():
    proposal = _draft()["3"]
    assert [k["id"] for k in _cited(proposal, "initiatives")] == [40, 41, 42, 44, 46]
    assert _cited(proposal, "report_facts") == [{"key": "start_2022"}]
    assert [k["ordning"] for k in _cited(proposal, "ok2024_expectations")] == [1, 3, 4]
    assert "påbörjades under 2022" in proposal.text and proposal.strength == form.INFERENCE


def test_q5b_q8b_and_q11b_cite_outcome_measures_only():
    indicators = data.load_indicators().set_index("key")
    for item_id in ("5b", "8b", "11b"):
        proposal = _draft()[item_id]
        keys = [k["key"] for k in _cited(proposal, "indicators")]
        assert (indicators.loc[keys, "slag"] == "utfall").all(), item_id
        for words in ("Högsta ålder", "Året", "ingen övre gräns", "2019: 0", "processledare för IBIC",
                      "superanvändare", "800 000 överenskommelser", "region och kommuner tillsammans"):
            assert words not in proposal.text, (item_id, words)
    # counts of structures, spread or volume are not outcomes; the reach of the target group is
    assert [k["key"] for k in _cited(_draft()["11b"], "indicators")] == ["familjecentraler_barn_0_6"]
    assert "Undantagsvis ngn familj som avböjer BVC." in _draft()["11b"].text
    assert _cited(_draft()["5b"], "indicators") == [] and _cited(_draft()["8b"], "indicators") == []


def test_results_questions_name_the_follow_ups_of_their_initiatives_as_an_inference():
    for item_id, rows in (("5b", [1, 5]), ("11b", [14, 17]), ("13b", [5, 42]), ("15b", [27])):
        proposal = _draft()[item_id]
        assert [k["id"] for k in _cited(proposal, "initiatives")] == rows, item_id
        assert proposal.strength == form.INFERENCE and "inga mått på resultat" in proposal.text, item_id
        assert "”uppföljning”" in proposal.basis, item_id
    assert _draft()["16b"] is None and "inga mått på utfall" in form.proposal_markdown(None, "16b")
    assert _cited(_draft()["10b"], "report_facts") == [{"key": "revision"}]  # the audit is a follow-up too


def test_q6_finds_the_e_health_strategy():
    proposal = _draft()["6"]
    assert [k["id"] for k in _cited(proposal, "initiatives")] == [2, 5, 29, 30]
    assert "rad 30 ”E-hälso”" in proposal.basis and "inga träffar på ”välfärdsteknik”, ”egenmonitorering”" in proposal.basis


def test_q7_cites_the_socioeconomic_sentence_of_row_33_as_an_inference():
    proposal = _draft()["7"]
    assert _cited(proposal, "initiatives") == [{"id": 33}]
    assert "Centralt för arbetet är de socioekonomiska utmaningarna i länet" in proposal.text
    assert proposal.strength == form.INFERENCE and "säger raden inte" in proposal.text


def test_q10a_cites_the_eight_agreements_and_the_revision():
    proposal = _draft()["10a"]
    lists = _cited(proposal, "report_lists")
    assert sum(k["lista"] == "overenskommelser" for k in lists) == 8
    assert sum(k["lista"] == "revision_fortsatt" for k in lists) == 3
    assert _cited(proposal, "report_facts") == [{"key": "start_2022"}, {"key": "revision"}]
    assert proposal.strength == form.IN_SOURCE


def test_q12a_cites_money_and_the_plans_principles_not_the_lansbarometer():
    proposal = _draft()["12a"]
    assert _cited(proposal, "initiatives") == []
    assert len(_cited(proposal, "plan_principles")) == 7
    assert "Ingen av parterna har tolkningsföreträde" in proposal.text and "(PSVF)" in proposal.text
    assert [k["key"] for k in _cited(proposal, "published_figures")] == ["total.2019-2022.nara_vard",
                                                                         "total.2023.nara_vard"]
    assert proposal.strength == form.IN_SOURCE


def test_q15a_cites_the_money_and_what_the_kommuner_ska_do():
    proposal = _draft()["15a"]
    assert _cited(proposal, "frameworks") == [{"ramverk": "ok_ska", "ordning": 3}]
    assert [k["id"] for k in _cited(proposal, "initiatives")] == [27, 32]
    assert proposal.strength == form.INFERENCE and "rad 32 ”framtidens medarbetare”" in proposal.basis
    assert "radens rubrik i källan" in proposal.basis
    assert "inte minst viktigt inom den kommunala hälso- och sjukvården" in proposal.text


def test_q16a_states_the_published_amounts_only():
    for kommun in (None, "Jönköping", "Habo"):
        proposal = _draft(kommun)["16a"]
        assert proposal.derived == () and proposal.strength == form.IN_SOURCE
        for evidence in proposal.evidence:
            amount = int(_row(evidence)["amount_sek" if evidence.table == "allocations" else "value"])
            assert form.format_sek(amount).replace("\xa0", " ") in _norm(proposal.text)
        for invented in ("post", "minst en per kommun", "invånarantal"):
            assert invented not in proposal.text
    assert [k["key"] for k in _cited(_draft()["16a"], "published_figures")] == [
        "total.2019-2022.vidareutbildning", "total.2023.vidareutbildning"]
    assert "9 600 000 kr" in _norm(_draft()["16a"].text) and "3 800 909 kr" in _norm(_draft()["16a"].text)


def test_a_municipalitys_draft_says_the_evidence_is_the_lans():
    habo = _draft("Habo")
    for item_id in ("1", "3", "5a", "11b", "14"):
        assert "nämner inte Habo särskilt" in habo[item_id].text, item_id
    assert "nämner inte" not in habo["16a"].text  # Habo's own cells
    jonkoping = _draft("Jönköping")["11a"].text  # row 18 names "Jönköpings kommun"
    assert "nämner inte Jönköping" not in jonkoping and "Jönköping nämns bara där citaten säger det" in jonkoping


def test_patientkontrakt_proposal_carries_the_800_000_figure():
    proposal = form.draft()["8a"]
    assert "800 000" in proposal.text
    assert any(e.table == "initiatives" and "patientkontrakt" in str(dict(e.values)["namn"]).lower()
               for e in proposal.evidence)
    results = form.draft()["8b"]  # a cumulative count of agreements is not an outcome: only quoted, with its row
    assert not any(e.table == "indicators" for e in results.evidence)
    assert "Mått på utfall" not in results.text


def test_the_draft_says_the_evidence_describes_2023_not_2022():
    for proposal in filter(None, form.draft().values()):
        assert "2023" in proposal.describes
        assert "inte 2022" in proposal.text or "Formuläret frågar om 2022" in proposal.text


def test_questions_without_evidence_stay_empty_and_say_so():
    proposals = form.draft()
    empty = [item_id for item_id, p in proposals.items() if p is None]
    assert "16b" in empty
    assert form.NO_EVIDENCE in form.proposal_markdown(None, "16b")
    answers = form.draft_answers("Jönköpings län")
    assert all(answers.get(item_id).is_empty() for item_id in empty)


def test_the_draft_follows_the_data_by_rules_not_fixed_rows():
    initiatives = data.load_initiatives()
    person = initiatives[initiatives.fokusomrade == "Personcentrerat arbetssätt och kontinuitet"]
    picked = form.select_initiatives(form.RULES["5a"], initiatives)
    assert list(picked["id"]) == list(person[person.samma_som == ""]["id"])
    recoded = initiatives.copy()
    recoded.loc[recoded.namn.str.contains("målbild", case=False), "niva_2023"] = 2
    assert form.select_initiatives(form.RULES["1"], recoded)["niva_2023"].eq(2).all()


def test_unknown_municipality_for_the_draft():
    with pytest.raises(FormError, match=r"unknown municipality 'Jonkoping' \(did you mean 'Jönköping'\?\)"):
        form.draft("Jonkoping")


# --------------------------------------------------------------------------- export

def test_export_in_the_forms_order_with_evidence_at_the_end(tmp_path):
    answers = form.draft_answers("Jönköpings län")
    answers.set_comment("4", "<script>alert('x')</script> & mer")
    markdown = form.to_markdown(answers)
    positions = [markdown.index(f"**{item.label}**") for item in answers.form.items]
    assert positions == sorted(positions)
    assert markdown.index("## Underlag") > positions[-1]
    assert "data/initiatives.csv, id" in markdown.split("## Underlag")[1]
    assert "*Inte besvarad.*" in markdown
    page = form.to_html(answers)
    assert '<html lang="sv">' in page and page.count("<h1>") == 1
    assert "<script>" not in page and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; mer" in page
    written = form.export(answers, tmp_path / "ut")
    assert [p.name for p in written] == ["jonkopings-lan.md", "jonkopings-lan.html"]
    assert written[0].read_text(encoding="utf-8") == markdown


def test_summary_counts_every_printed_option(tmp_path):
    for name, choice in (("Habo", "Ja"), ("Eksjö", "Ja"), ("Aneby", None)):
        answers = Answers(name)
        if choice:
            answers.set_choice("1", choice)
        form.save_answers(answers, form.answers_path(name, tmp_path))
    table = form.summarize(tmp_path)
    one = table[table["fråga"] == "1"].set_index("alternativ")["antal"]
    assert one["Ja"] == 2 and one["(inte besvarad)"] == 1 and one["Nej, och inget förslag finns framtaget"] == 0
    assert len(table) == 4 * 5
    assert "| Ja | 2 |" in form.summary_markdown(tmp_path)


# --------------------------------------------------------------------------- command line

def test_cli_export_writes_documents_and_a_summary(tmp_path):
    folder = tmp_path / "svar"
    for name in ("Habo", "Eksjö"):
        answers = Answers(name)
        answers.set_choice("2", "Ja")
        form.save_answers(answers, form.answers_path(name, folder))
    result = CliRunner().invoke(app, ["form", "export", "--answers", str(folder), "--out", str(tmp_path / "ut")])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "ut").iterdir()) == [
        "eksjo.html", "eksjo.md", "habo.html", "habo.md", "sammanstallning.csv", "sammanstallning.md"]


def test_cli_export_keeps_two_files_of_the_same_report_apart(tmp_path):
    folder = tmp_path / "svar"
    form.save_answers(Answers("Habo"), folder / "habo.json")
    form.save_answers(Answers("Habo"), folder / "habo-kopia.json")
    result = CliRunner().invoke(app, ["form", "export", "--answers", str(folder), "--out", str(tmp_path / "ut")])
    assert result.exit_code == 0, result.output
    assert {"habo.md", "habo-kopia.md", "sammanstallning.md"} <= {p.name for p in (tmp_path / "ut").iterdir()}


def test_cli_export_of_the_draft(tmp_path):
    result = CliRunner().invoke(app, ["form", "export", "--draft", "--kommun", "Habo", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "Vidareutbildning" in (tmp_path / "utkast-habo.md").read_text(encoding="utf-8")


def test_cli_bad_input_is_one_line_and_writes_nothing(tmp_path):
    folder = tmp_path / "svar"
    form.save_answers(Answers("Habo"), form.answers_path("Habo", folder))
    (folder / "eksjo.json").write_text('{"format": "naravard-uppfoljning", "version": 1, "rapport": "Eksjö", '
                                       '"svar": {"4": {"val": "Ja"}}}', encoding="utf-8")
    out = tmp_path / "ut"
    result = CliRunner().invoke(app, ["form", "export", "--answers", str(folder), "--out", str(out)])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "eksjo.json" in lines[0] and "svar.4.val" in lines[0]
    assert not out.exists()
    result = CliRunner().invoke(app, ["form", "draft", "--item", "5c"])
    assert result.exit_code == 2 and "did you mean '5a'" in result.output


def test_cli_unwritable_output_folder(tmp_path):
    blocker = tmp_path / "fil"
    blocker.write_text("x", encoding="utf-8")
    result = CliRunner().invoke(app, ["form", "export", "--draft", "--out", str(blocker / "ut")])
    assert result.exit_code == 2
    assert "cannot write to this folder" in result.output and len(result.output.strip().splitlines()) == 1


# --------------------------------------------------------------------------- the widget wires to the model

def test_widget_saves_and_resumes(tmp_path):
    from naravard_lib.widgets import FollowUpForm

    widget = FollowUpForm("Jönköpings län", folder=tmp_path)
    widget.set_answer("1", "Ja")
    widget.set_answer("3", "Följs upp i Reko <varje kvartal>")
    widget.set_answer("15a", ["omrade:2"])
    widget.accept("16a")
    assert "Osparade" in widget.status.value
    assert widget.save() and (tmp_path / "jonkopings-lan.json").exists()
    again = FollowUpForm("Jönköpings län", folder=tmp_path)
    assert again.controls["1"]["choice"].value == "Ja"
    assert again.controls["3"]["text"].value == "Följs upp i Reko <varje kvartal>"
    assert again.controls["15a"]["checks"]["omrade:2"].value
    assert again.controls["16a"]["text"].value == form.draft()["16a"].text
    assert again.controls["16a"]["state"].value == "Förslaget används."


def test_widget_refuses_an_unprinted_option_with_an_escaped_swedish_message(tmp_path):
    from naravard_lib.widgets import FollowUpForm

    widget = FollowUpForm("Habo", folder=tmp_path)
    widget.set_answer("9a", "<b>Några</b>")
    assert "&lt;b&gt;Några&lt;/b&gt;" in widget.status.value and "inte ett av formulärets alternativ" in widget.status.value
    assert widget.answers.get("9a").choice is None


def test_widget_on_a_corrupt_file_shows_the_error_and_never_saves_over_it(tmp_path):
    from naravard_lib.widgets import FollowUpForm

    path = tmp_path / "habo.json"
    path.write_text("{trasig", encoding="utf-8")
    widget = FollowUpForm("Habo", folder=tmp_path)
    assert "kan inte läsas" in widget.status.value and widget.save_button.disabled
    widget.set_answer("3", "nytt")
    assert not widget.save() and path.read_text(encoding="utf-8") == "{trasig"


def test_widget_is_displayed_with_the_swedish_note_not_a_widget_repr(tmp_path, monkeypatch):
    from naravard_lib import widgets

    shown = []
    monkeypatch.setattr(widgets, "show", shown.append)
    widget = widgets.FollowUpForm("Habo", folder=tmp_path)
    widget._ipython_display_()
    assert shown == [widget.view]


def test_check_choice_explains_in_swedish():
    answers = Answers("Habo")
    assert answers.check_choice("4", "Nej, ingen") == ""
    assert "inte ett av formulärets alternativ" in answers.check_choice("4", "Nej")
    assert "okänd fråga" in answers.check_choice("4b", "Ja")


def test_q16a_does_not_say_how_the_2019_2022_amounts_split_over_the_years():
    text = _draft()["16a"].text
    assert "fyra år" not in text and "säger inte hur mycket av dem som gäller 2022" in text
