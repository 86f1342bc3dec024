"""Self-check for the exercises: tells a participant whether an answer is right, with a hint.

The right answers are computed from the workbook's data when checked, never stored as text,
and feedback never prints them.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass

from IPython.display import Markdown

from . import allocation, data
from .allocation import Scenario, what_if_table
from .reconciliation import reconcile_totals
from .transition import filter_initiatives


@dataclass(frozen=True)
class Exercise:
    """One exercise: the question, how to compute the answer, how to compare, and a hint."""

    question: str
    answer: Callable[[], object]
    hint: str
    kind: str = "number"  # number | set | text
    tolerance: float = 0.0


def _per_capita_eksjo():
    return float(data.allocation_table("2024").at["Eksjö", "Nära vård"] / allocation.populations("2024")["Eksjö"])


def _new_broad_strategy_2():
    return set(filter_initiatives(strategi=2, bara_nya=True, min_niva_2023=4)["id"])


def _decided_not_everywhere():
    table = data.load_initiatives()
    return set(table[table["beslut"].fillna("").ne("") & table["niva_2023"].lt(4)]["id"])


def _gap_2019():
    found = reconcile_totals().query("period == '2019-2022' and column == 'Vårdens medarbetare'")
    return int(found["difference"].iloc[0])


def _aneby_equal_base():
    table = what_if_table(Scenario(base_share=0.2)).set_index("kommun")
    return int(table.at["Aneby", "belopp"])


def _strategy_3_concept():
    return data.load_strategy_links().set_index("strategi").at[3, "sormland_begrepp"]


EXERCISES: dict[str, Exercise] = {
    "per_invanare": Exercise(
        "Hur många kronor per invånare fick Eksjö inom Nära vård 2024? Svara med två decimaler.",
        _per_capita_eksjo, "Dela Eksjös belopp 2024 med Eksjös befolkning 1 nov 2023: "
        "`data.allocation_table('2024')` och `allocation.populations('2024')`.", tolerance=0.005),
    "nya_breda_strategi_2": Exercise(
        "Vilka insatser (id) fanns inte 2019, tjänar strategi 2 och är 2023 införda i hela systemet?",
        _new_broad_strategy_2, "Använd `transition.filter_initiatives` med strategi, bara_nya och min_niva_2023.",
        kind="set"),
    "beslutad_inte_infort": Exercise(
        "Vilka insatser (id) säger källan är beslutade eller antagna, men är inte införda i hela systemet 2023?",
        _decided_not_everywhere, "Kolumnen `beslut` i `data.load_initiatives()` har källans ord om ett beslut; "
        "jämför med `niva_2023`.", kind="set"),
    "sormland_strategi_3": Exercise(
        "Vilket av Sörmlands tre begrepp passar bäst med strategi 3, Förändrade arbetssätt?",
        _strategy_3_concept, "Läs vad begreppen betyder (`data.load_frameworks()`, ramverk sormland_begrepp) "
        "och tänk på tillgänglighet och digitala tjänster.", kind="text"),
    "skillnad_2019": Exercise(
        "Hur många kronor större är summaraden än cellerna i kolumnen Vårdens medarbetare 2019–2022?",
        _gap_2019, "`reconcile_totals()` listar varje summa som inte stämmer."),
    "lika_bas_aneby": Exercise(
        "Hur många kronor hade Aneby fått 2024 om en femtedel av potten delats lika mellan kommunerna?",
        _aneby_equal_base, "Använd `what_if_table(Scenario(base_share=0.2))`."),
}


#: What the exercises are about: the tables, periods and municipalities of the edition they teach.
NEEDS = dict(tables=("initiatives", "strategy_links", "frameworks"), periods=("2019-2022", "2024"),
             kommuner=("Eksjö", "Aneby"))


def require_data() -> None:
    """Stop the exercises' first cell with one Swedish sentence when the data folder is another edition or län."""
    from . import data

    data.require("Övningarna (Jönköpings län, tabellerna 2019–2022 och 2024)", **NEEDS)


def _number(value) -> float:
    """A number from what a participant typed: ``69.94``, ``"69,94"`` or ``"1 689"`` (Swedish style)."""
    if isinstance(value, str):
        text = "".join(value.split())
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")
        return float(text)
    if isinstance(value, bool):
        raise TypeError("a yes/no value is not a number")
    return float(value)


def _decimal_comma_tuple(value) -> bool:
    """Whether ``value`` looks like ``69,94`` typed as code, which Python reads as the tuple ``(69, 94)``."""
    return (isinstance(value, tuple) and len(value) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) for v in value) and value[1] >= 0)


def _normalise(value, kind):
    if kind == "set":
        return {int(v) for v in value}
    if kind == "text":
        return str(value).strip().casefold()
    return _number(value)


def is_right(exercise_id: str, answer) -> bool:
    """Whether ``answer`` is right (False for a missing or malformed answer)."""
    exercise = EXERCISES[exercise_id]
    if answer is None or answer is Ellipsis:
        return False
    try:
        given, right = _normalise(answer, exercise.kind), _normalise(exercise.answer(), exercise.kind)
    except (TypeError, ValueError):
        return False
    if exercise.kind == "number":
        return abs(given - right) <= exercise.tolerance
    return given == right


def feedback(exercise_id: str, answer) -> str:
    """Swedish feedback: right, not yet answered, or a hint – never the answer itself."""
    if exercise_id not in EXERCISES:
        close = difflib.get_close_matches(str(exercise_id), list(EXERCISES), n=1)
        return f"Okänd uppgift ”{exercise_id}”" + (f" – menade du ”{close[0]}”?" if close else ".")
    exercise = EXERCISES[exercise_id]
    if answer is None or answer is Ellipsis:
        return f"Inget svar ännu. Tips: {exercise.hint}"
    if is_right(exercise_id, answer):
        return "Rätt! ✔"
    if exercise.kind == "number" and _decimal_comma_tuple(answer):
        whole, decimals = answer
        return (f"Python läser {whole},{decimals} som två tal ({whole} och {decimals}), inte som ett decimaltal. "
                f"Skriv decimaler med punkt, {whole}.{decimals}, eller som text med citattecken: \"{whole},{decimals}\".")
    return f"Inte riktigt – försök igen. Tips: {exercise.hint}"


def check(exercise_id: str, answer):
    """Show feedback on an answer in the notebook (Markdown)."""
    return Markdown(f"**{feedback(exercise_id, answer)}**")


def question(exercise_id: str):
    """Show an exercise's question (Markdown)."""
    return Markdown(f"**Uppgift:** {EXERCISES[exercise_id].question}")
