"""The evidence-based draft (form.draft, form.evidence): every proposal cites real rows, per question."""

from __future__ import annotations

import functools
import re

import pytest
from typer.testing import CliRunner

from naravard_lib import data, form
from naravard_lib.cli import app
from naravard_lib.form import FormError
from naravard_lib.form.draft import _choice
from naravard_lib.formatting import format_sek


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
    option, sentence, _ = _choice(form.DRAFT_RULES["1"], "1", rows)
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
            assert format_sek(amount).replace("\xa0", " ") in _norm(proposal.text)
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
    with pytest.raises(FormError, match=r"unknown municipality 'Jonkopping' \(did you mean 'Jönköping'\?\)") as raised:
        form.draft("Jonkopping")
    assert raised.value.sv.startswith("Kommunen ”Jonkopping” finns inte i Jönköpings län")
    assert form.draft("jonkoping")["1"] == form.draft("Jönköping")["1"]  # a slug names the municipality too

def test_q16a_does_not_say_how_the_2019_2022_amounts_split_over_the_years():
    text = _draft()["16a"].text
    assert "fyra år" not in text and "säger inte hur mycket av dem som gäller 2022" in text
