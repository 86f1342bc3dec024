"""Self-check helpers and the participant copy."""

import nbformat
import pytest
from nbclient import NotebookClient

from naravard_lib import exercises, paths
from naravard_lib.participant import SOLUTION_TAG, write_participant_copies

RIGHT = {
    "per_invanare": 69.94,
    "nya_breda_strategi_2": [5, 1],
    "beslutad_inte_infort": [20, 24, 30, 32, 40],
    "sormland_strategi_3": " nära ",
    "skillnad_2019": 1689,
    "lika_bas_aneby": 780_309,
}
WRONG = {
    "per_invanare": 69.9,
    "nya_breda_strategi_2": [1, 5, 20],  # row 20 is decided, not introduced everywhere
    "beslutad_inte_infort": [20, 30],
    "sormland_strategi_3": "Tillsammans",
    "skillnad_2019": -1689,
    "lika_bas_aneby": 478_810,
}


@pytest.mark.parametrize("key", sorted(exercises.EXERCISES))
def test_right_answers_are_accepted(key):
    assert exercises.feedback(key, RIGHT[key]).startswith("Rätt")


@pytest.mark.parametrize("key", sorted(exercises.EXERCISES))
def test_wrong_answers_get_a_hint_but_not_the_answer(key):
    text = exercises.feedback(key, WRONG[key])
    assert text.startswith("Inte riktigt") and "Tips:" in text
    answer = exercises.EXERCISES[key].answer()
    spelled = {str(answer), str(round(answer, 2)) if isinstance(answer, float) else "", "69,94", "780 309",
               "1 689", "780309", "[1, 5]", "20, 24, 30"} - {""}
    if key == "sormland_strategi_3":
        spelled = {"Nära"} if "Nära" not in exercises.EXERCISES[key].hint else set()
    assert not any(s in text for s in spelled), text


@pytest.mark.parametrize("answer", [None, ..., "sjuttio", [], object()])
def test_missing_or_malformed_answers_are_not_right(answer):
    assert not exercises.is_right("per_invanare", answer)
    assert "Rätt" not in exercises.feedback("per_invanare", answer)


def test_unknown_exercise():
    assert exercises.feedback("per_invanarna", 1) == "Okänd uppgift ”per_invanarna” – menade du ”per_invanare”?"


@pytest.mark.parametrize("typed", ["69,94", " 69,94 ", "69.94", 69.94])
def test_a_decimal_comma_is_a_decimal(typed):
    assert exercises.feedback("per_invanare", typed) == "Rätt! ✔"


def test_thousands_spaces_are_read_the_swedish_way():
    assert exercises.is_right("lika_bas_aneby", "780 309") and exercises.is_right("skillnad_2019", "1 689")


def test_the_tuple_a_decimal_comma_becomes_gets_a_hint_about_the_point():
    answer = 69,94  # what `svar = 69,94` gives in Python  # noqa: E231
    text = exercises.feedback("per_invanare", answer)
    assert not exercises.is_right("per_invanare", answer)
    assert "69.94" in text and '"69,94"' in text and "två tal" in text
    wrong = exercises.feedback("per_invanare", (69, 90))
    assert "69.90" in wrong and "69.94" not in wrong  # the hint repeats what was typed, never the right answer


def test_a_set_answer_typed_as_a_tuple_is_still_a_set():
    assert exercises.is_right("nya_breda_strategi_2", tuple(RIGHT["nya_breda_strategi_2"]))


def test_solution_notebook_tags_its_solutions():
    source = paths.NOTEBOOKS_DIR / "ovningar" / "01_ovningar_losning.ipynb"
    cells = nbformat.read(source, as_version=4).cells
    solutions = [c for c in cells if SOLUTION_TAG in c.metadata.get("tags", [])]
    assert len(solutions) == len(exercises.EXERCISES)
    assert all("svar =" in c.source for c in solutions)


@pytest.mark.slow
def test_participant_copy_has_no_solutions_and_still_runs(tmp_path):
    [copy] = write_participant_copies(tmp_path)
    assert copy.name == "01_ovningar.ipynb"
    notebook = nbformat.read(copy, as_version=4)
    assert not any(SOLUTION_TAG in c.metadata.get("tags", []) for c in notebook.cells)
    assert not any("filter_initiatives(strategi=2" in c.source for c in notebook.cells)
    assert all(not c.get("outputs") for c in notebook.cells if c.cell_type == "code")
    NotebookClient(notebook, timeout=300, kernel_name=paths.KERNEL_NAME,
                   resources={"metadata": {"path": str(paths.NOTEBOOKS_DIR / "ovningar")}}).execute()
    feedback = [o["data"]["text/markdown"] for c in notebook.cells if c.source.startswith("check(")
                for o in c.get("outputs", []) if "text/markdown" in o.get("data", {})]
    assert len(feedback) == len(exercises.EXERCISES)
    assert all("Inget svar ännu" in f for f in feedback)
