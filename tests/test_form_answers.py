"""One report's answers (form.answers): options, fields by item type, proposals, the file's object."""

from __future__ import annotations

import json

import pytest

from naravard_lib import form
from naravard_lib.form import Answers, FormError


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

def test_check_choice_explains_in_swedish():
    answers = Answers("Habo")
    assert answers.check_choice("4", "Nej, ingen") == ""
    assert "inte ett av formulärets alternativ" in answers.check_choice("4", "Nej")
    assert "okänd fråga" in answers.check_choice("4b", "Ja")
