"""The evidence-based draft: one row of :data:`DRAFT_RULES` per question, and :func:`draft`, which follows them.

A rule names what an item cites (initiatives chosen by the source's focus areas or by keywords,
outcome measures, ÖK 2024's expectations, the report's facts and lists, the plan's principles, the
published money) and how it may choose an option. Levels and rows are never named, so a recoded
``initiatives.csv`` gives a draft that follows it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from .. import data, municipalities
from ..errors import UnknownMunicipality
from .answers import Answers
from .evidence import (IN_SOURCE, INFERENCE, MONEY_NOTE, NO_BASIS, PLAN_NOTE, YEAR_NOTE, Evidence, Proposal,
                       expectation_lines_and_evidence, fact_lines_and_evidence, initiative_evidence,
                       initiative_lines, list_lines_and_evidence, money_lines_and_evidence,
                       ok_ska_lines_and_evidence, outcome_lines_and_evidence, principle_lines_and_evidence, quoted)
from .model import ITEM_IDS, FormError, load_form


@dataclass(frozen=True)
class Selection:
    """How a question selects its initiatives: the source's own focus areas and/or a keyword pattern
    over the seed's verbatim cells (a keyword choice is the workbook's inference)."""

    focus: tuple[str, ...] = ()
    pattern: str | None = None
    columns: tuple[str, ...] = ("kalla_rubrik", "kalla_2019", "kalla_2023")


@dataclass(frozen=True)
class DraftRule:
    """What the draft says for one item, and from which data (one row of :data:`DRAFT_RULES`)."""

    intro: str
    initiatives: Selection | None = None
    results_of: str | None = None  #: a results question: the outcome measures of that item's initiatives
    expectations: bool = False  #: ÖK 2024's expectations that name this item (ok2024_expectations.csv)
    facts: tuple[str, ...] = ()  #: keys in report_facts.csv
    lists: tuple[str, ...] = ()  #: lists in report_lists.csv
    principles: bool = False  #: the plan's financial principles (plan_principles.csv)
    ok_ska: tuple[int, ...] = ()  #: rows of frameworks.csv, ramverk ok_ska
    money: tuple[str, str] | None = None  #: (insatsområde, key in published_figures) for 2019-2022 and 2023
    choice: str | None = None  #: "decision": an option needs decision words; "reach"; "none": never (reason)
    choice_subject: tuple[str, ...] = ()  #: ("målbild", "målbilden"); for "none": (why no option,)


_RESULTS_INTRO = "Det underlaget säger om resultat av insatserna i föregående fråga:"
#: Words that say a row was followed up or evaluated (what a results description could rest on).
_FOLLOW_UP_WORDS = r"uppföljning|följs upp|utvärdering|följeforskning"
_PERSON = "Personcentrerat arbetssätt och kontinuitet"
_HEALTH = "Hälsofrämjande och förebyggande"
_TRUST = "Tillit och samverkanskultur, överenskommelser"
_SUPPORT = "Gemensamma stödsystem"
_FOLLOW_UP = "Mätningar, berättelser och uppföljning"

#: The draft as a table of rules: per item, what it cites and how it may choose (levels are never named).
DRAFT_RULES: dict[str, DraftRule] = {
    "1": DraftRule("Det underlaget säger om en gemensam målbild:",
                   Selection(focus=(_FOLLOW_UP,), pattern=r"målbild", columns=("kalla_rubrik",)),
                   expectations=True, choice="decision", choice_subject=("målbild", "målbilden")),
    "2": DraftRule("Det underlaget säger om en gemensam handlingsplan:",
                   Selection(focus=(_FOLLOW_UP,), pattern=r"handlingsplan"), expectations=True,
                   lists=("bilagor",), choice="decision", choice_subject=("handlingsplan", "handlingsplanen")),
    "3": DraftRule("Det underlaget säger om hur uppföljningen är ordnad:",
                   Selection(focus=(_FOLLOW_UP,), pattern=r"följs upp|uppföljning|ledningssystem|länsbarometer"),
                   expectations=True, facts=("start_2022",)),
    "4": DraftRule("Det underlaget säger om kommunernas egen styrning:",
                   Selection(focus=(_FOLLOW_UP,), pattern=r"kommuners ledningssystem|kommunspecifik"),
                   choice="none", choice_subject=("de citerade raderna säger inte att kommunerna har "
                                                  "kommunspecifika handlingsplaner kopplade till målbilden, eller i "
                                                  "hur många kommuner sådana finns",)),
    "5a": DraftRule(f"Insatser som delrapporten redovisar under fokusområdet {_PERSON.lower()}, med källans ord:",
                    Selection(focus=(_PERSON,))),
    "5b": DraftRule(_RESULTS_INTRO, results_of="5a"),
    "6": DraftRule("Rader där källans text nämner något digitalt:",
                   Selection(pattern=r"digital|e-hälso|välfärdsteknik|egenmonitorering")),
    "7": DraftRule("Källans text om socioekonomi, glesbygd eller landsbygd (om insatsen är riktad till sådana "
                   "områden säger raden inte):",
                   Selection(pattern=r"glesbygd|landsbygd|socioekonomi|utsatta områden")),
    "8a": DraftRule("Insatser där källans text nämner patientkontrakt, delaktighet eller peer:",
                    Selection(pattern=r"patientkontrakt|delaktig|\bpeer\b")),
    "8b": DraftRule(_RESULTS_INTRO, results_of="8a"),
    "9a": DraftRule("Samverkan med patient- och brukarorganisationer enligt källan:",
                    Selection(pattern=r"patientorganisation|brukarorganisation|brukarförening"), choice="reach"),
    "9b": DraftRule("Exempel där källan nämner patientorganisationer, patientnämnden eller peer:",
                    Selection(pattern=r"patientorganisation|brukarorganisation|brukarförening|patientnämnd"
                                      r"|\bpeer\b")),
    "10a": DraftRule(f"Insatser som delrapporten redovisar under fokusområdet {_TRUST.lower()}, med källans ord:",
                     Selection(focus=(_TRUST,)), facts=("start_2022", "revision"),
                     lists=("overenskommelser", "revision_fortsatt")),
    "10b": DraftRule(_RESULTS_INTRO, results_of="10a", facts=("revision",)),
    "11a": DraftRule(f"Insatser som delrapporten redovisar under fokusområdet {_HEALTH.lower()}, med källans ord:",
                     Selection(focus=(_HEALTH,))),
    "11b": DraftRule(_RESULTS_INTRO, results_of="11a"),
    "12a": DraftRule("Kommunernas gemensamma plan säger om ekonomin (planens principer och förväntningar – inte "
                     "belägg för insatser under året):", principles=True,
                     money=("Nära vård", "nara_vard")),
    "13a": DraftRule("Insatser där källans text nämner vårdövergångar, vård i hemmet, sköra äldre eller "
                     "hemrehabilitering:", Selection(pattern=r"vårdövergång|i hemmet|sköra|hemrehabilitering")),
    "13b": DraftRule(_RESULTS_INTRO, results_of="13a"),
    "14": DraftRule(f"Insatser som delrapporten redovisar under fokusområdet {_SUPPORT.lower()}, med källans ord:",
                    Selection(focus=(_SUPPORT,)), lists=("lardomar",)),
    "15a": DraftRule("Insatser vars rubrik i källan nämner kompetensutveckling, lärosäte eller framtidens "
                     "medarbetare:",
                     Selection(pattern=r"kompetensutveckling|lärosäte|framtidens medarbetare",
                               columns=("kalla_rubrik",)),
                     ok_ska=(3,), money=("Vårdens medarbetare", "vardens_medarbetare")),
    "15b": DraftRule(_RESULTS_INTRO, results_of="15a"),
}
#: Item → its initiative rule (the selection part of :data:`DRAFT_RULES`).
RULES: dict[str, Selection] = {k: r.initiatives for k, r in DRAFT_RULES.items() if r.initiatives}
#: Single-choice answer proposed from the reach of the rows found (9a asks "in how many kommuner").
REACH_CHOICE = {"alla 13": "I alla länets kommuner", "en kommun": "I hälften eller färre av länets kommuner"}
HUVUDMAN_NAMED = ("Delrapportens underlag gäller länet – regionen och länets kommuner tillsammans. {kommun} nämns "
                  "bara där citaten säger det.")
HUVUDMAN_NOTE = ("Delrapportens underlag gäller länet – regionen och länets kommuner tillsammans – och nämner inte "
                 "{kommun} särskilt.")


def _text_of(table: pd.DataFrame, columns) -> pd.Series:
    return table[list(columns)].fillna("").astype(str).agg(" ".join, axis=1).str.replace(r"\s+", " ", regex=True)


def select_initiatives(rule: Selection, initiatives: pd.DataFrame | None = None) -> pd.DataFrame:
    """The coded initiatives a rule picks, in seed order; a repeat is dropped when its original is picked."""
    table = data.load_initiatives() if initiatives is None else initiatives
    mask = pd.Series(True, index=table.index)
    if rule.focus:
        mask &= table["fokusomrade"].isin(rule.focus)
    if rule.pattern:
        mask &= _text_of(table, rule.columns).str.contains(rule.pattern, case=False, regex=True)
    picked = table[mask]
    ids = set(picked["id"].astype(str))
    return picked[~picked["samma_som"].isin(ids)].reset_index(drop=True)


def _matched_words(rule: Selection, rows: pd.DataFrame) -> list[str]:
    """Per row: 'rad N ”word”', the words of the seed the keyword rule found."""
    found = []
    for row_id, text in zip(rows["id"], _text_of(rows, rule.columns)):
        match = re.search(rule.pattern, text, flags=re.IGNORECASE)
        found.append(f"rad {row_id} ”{match.group(0)}”")
    return found


def _follow_up_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows whose seed text says they were followed up or evaluated."""
    return rows[_text_of(rows, ("kalla_rubrik", "kalla_2019", "kalla_2023")).str.contains(
        _FOLLOW_UP_WORDS, case=False, regex=True)] if not rows.empty else rows


def _choice(rule: DraftRule, item_id: str, rows: pd.DataFrame) -> tuple[str | None, str, str]:
    """(option, Swedish sentence on the choice, strength of the choice) for a single-choice item.

    An option is proposed only when cited words match it: "Ja" needs decision words (``beslut``)
    in a cited row, and "Ja, men … revidera …" also the word "revider…"; otherwise nothing, and why.
    """
    options = load_form().item(item_id).options
    if rule.choice == "decision":
        decided = [b for b in rows["beslut"].fillna("") if b]
        revising = _text_of(rows, ("kalla_rubrik", "kalla_2023")).str.contains(r"revider", case=False).any()
        if decided:
            option = options[1] if revising else options[0]
            return option, f"Valet bygger på källans ord om ett beslut: {quoted(decided[0])}.", IN_SOURCE
        said = "; ".join(f"rad {r.id}: {quoted(r.kalla_2023)}" for r in rows.itertuples())
        thing, the_thing = rule.choice_subject
        return None, (f"Inget alternativ föreslås. Alternativen ”{options[0]}” och ”{options[1]}” gäller en "
                      f"beslutad {thing}, men de citerade raderna säger inte att {the_thing} är beslutad "
                      f"({said}). Välj själv."), NO_BASIS
    if rule.choice == "reach":
        reaches = set(rows["rackvidd_2023"])
        if len(reaches) == 1 and next(iter(reaches)) in REACH_CHOICE:
            option = REACH_CHOICE[next(iter(reaches))]
            return option, (f"Valet är en tolkning: arbetsbokens kodade räckvidd ({next(iter(reaches))}) "
                            "översatt till formulärets alternativ."), INFERENCE
        return None, "Inget alternativ föreslås: raderna säger inte i hur många kommuner det sker. Välj själv.", \
            NO_BASIS
    return None, f"Inget alternativ föreslås: {rule.choice_subject[0]}. Välj själv.", NO_BASIS


def _proposal(item_id: str, intro: str, lines: list[str], evidence: list[Evidence], describes: str,
              choice: str | None = None, derived: tuple = (), note: str = YEAR_NOTE,
              strength: str = IN_SOURCE, basis: str = "") -> Proposal | None:
    if not evidence:
        return None
    text = "\n".join([f"Underlagets styrka: {strength}. {basis}".strip(), "", intro, "", *lines, "", note]).strip()
    text = re.sub(r"\n{3,}", "\n\n", text)
    unique = tuple(dict.fromkeys(evidence))
    return Proposal(item_id, text, unique, describes, choice, derived, strength, basis)


def _initiative_part(rule: DraftRule, rows: pd.DataFrame) -> tuple[list[str], list[Evidence], list[str]]:
    """The initiatives a rule cites (for a results question: their outcome measures and the rows that
    mention a follow-up), with the keyword rules a *tolkning* rests on."""
    lines: list[str] = []
    evidence: list[Evidence] = []
    inferred: list[str] = []
    if rule.results_of:
        lines, evidence = outcome_lines_and_evidence(rows["id"])
        followed = _follow_up_rows(rows)
        if not followed.empty:
            lines += ["", "Rader i föregående fråga som nämner uppföljning eller utvärdering (det en "
                          "resultatbeskrivning kan bygga på – inga mått på resultat):", *initiative_lines(followed)]
            evidence += initiative_evidence(followed)
            inferred.append(_keyword_basis(Selection(pattern=_FOLLOW_UP_WORDS), followed, "rader"))
    elif rule.initiatives is not None and not rows.empty:
        lines, evidence = initiative_lines(rows), initiative_evidence(rows)
    selection = rule.initiatives or (DRAFT_RULES[rule.results_of].initiatives if rule.results_of else None)
    if evidence and selection is not None and selection.pattern:
        cited = {dict(e.values)["initiativ_id"] for e in evidence if e.table == "indicators"}
        cited |= {dict(e.key)["id"] for e in evidence if e.table == "initiatives"}
        shown = rows[rows["id"].isin(cited)] if rule.results_of else rows
        if not shown.empty:
            inferred.insert(0, _keyword_basis(selection, shown, "insatser" if rule.results_of else "rader",
                                              all_rows=not rule.results_of))
    return lines, evidence, inferred


def _draft_item(item_id: str, rule: DraftRule, picked: dict, kommun: str | None) -> Proposal | None:
    """One item of the draft, from its row of :data:`DRAFT_RULES`."""
    rows = picked.get(rule.results_of or item_id, pd.DataFrame())
    lines, evidence, inferred = _initiative_part(rule, rows)  # inferred: the rules a "tolkning" rests on
    about_lan = bool(evidence)
    extras = ((rule.expectations, lambda: expectation_lines_and_evidence(item_id)),
              (bool(rule.facts), lambda: fact_lines_and_evidence(rule.facts)),
              (bool(rule.lists), lambda: list_lines_and_evidence(rule.lists)),
              (bool(rule.ok_ska), lambda: ok_ska_lines_and_evidence(rule.ok_ska)))
    for wanted, build in extras:
        more_lines, more = build() if wanted else ([], [])
        if more:
            lines += [line for line in [""] + more_lines if line or lines]
            evidence += more
            about_lan = about_lan or bool(rule.facts or rule.lists)
    if rule.principles:
        more_lines, more = principle_lines_and_evidence()
        lines += more_lines
        evidence += more
    describes = "2019 och 2023"
    if rule.money:
        money_lines, money_evidence = money_lines_and_evidence(*rule.money, kommun)
        lines += ["", MONEY_NOTE, *money_lines]
        evidence += money_evidence
        describes = ("2019 och 2023" if about_lan else "planen") + "; pengarna 2019–2022 och 2023"
    if not evidence:
        return None
    choice = None
    if rule.choice:
        choice, sentence, choice_strength = _choice(rule, item_id, rows)
        lines += ["", sentence]
        if choice_strength == INFERENCE:
            inferred.append("valet följer arbetsbokens kodade räckvidd")
    if kommun and about_lan:
        named = any(re.search(rf"\b{re.escape(kommun)}s? kommun", str(value)) for e in evidence for _, value in e.values)
        lines += ["", (HUVUDMAN_NAMED if named else HUVUDMAN_NOTE).format(kommun=kommun)]
    note = YEAR_NOTE if about_lan or rule.initiatives or rule.results_of else PLAN_NOTE
    return _proposal(item_id, rule.intro, lines, evidence, describes, choice, note=note,
                     strength=INFERENCE if inferred else IN_SOURCE, basis=_basis(inferred, evidence, rule))


def _basis(inferred: list[str], evidence: list[Evidence], rule: DraftRule) -> str:
    """The sentence saying what a proposal rests on: the keyword rules it infers from, or the cited rows alone."""
    if inferred:
        return "Det bygger på att " + "; och att ".join(inferred) + ". Källans ord citeras ordagrant."
    what = [w for w, present in (("källans ord", any(e.table not in ("allocations", "published_figures")
                                                       for e in evidence)),
                                 ("publicerade belopp", bool(rule.money))) if present]
    return f"De citerade raderna säger det; texten återger {' och '.join(what)}."


def _keyword_basis(selection: Selection, rows: pd.DataFrame, what: str, all_rows: bool = True) -> str:
    """'arbetsbokens regel väljer rader där … (träffar: …; inga träffar på …)': the rule and its words.

    ``all_rows``: ``rows`` is everything the rule found, so words without a hit can be named.
    """
    words = selection.pattern.replace("\\b", "").split("|")
    hits = _matched_words(selection, rows)
    missing = [w for w in words if not _text_of(rows, selection.columns).str.contains(w, case=False).any()]
    listed = ", ".join(f"”{w}”" for w in words)
    none = f"; inga träffar på {', '.join(f'”{w}”' for w in missing)}" if missing and all_rows else ""
    where = "radens rubrik i källan" if tuple(selection.columns) == ("kalla_rubrik",) else "källans text"
    return (f"arbetsbokens regel väljer {what} där {where} innehåller något av orden {listed} "
            f"(träffar: {', '.join(hits)}{none})")


def draft(kommun: str | None = None) -> dict[str, Proposal | None]:
    """Propose an answer, with its evidence and its strength, for every item the workbook's data can inform.

    Each item follows its row of :data:`DRAFT_RULES`: initiatives chosen by the source's focus areas
    or by keywords over the seed's verbatim cells (then the proposal is a *tolkning* and names the
    words), outcome measures only for the results questions, ÖK 2024's expectations, the report's
    facts and lists, the plan's principles and the published money. Never by naming rows or levels,
    so a recoded ``initiatives.csv`` gives a draft that follows it.

    Parameters
    ----------
    kommun : str, optional
        A municipality using the form internally: the money questions then cite its own cells, and
        proposals about the whole län say that they are not about this municipality.

    Returns
    -------
    dict
        Item id → :class:`Proposal`, or None where no evidence was found (*inget underlag*).
    """
    if kommun is not None:  # checked first: nothing is drafted for a misspelt name
        try:
            kommun = municipalities.lookup(kommun)
        except UnknownMunicipality as error:  # the project's one check; the form's error carries both texts
            raise FormError(error.message_en, error.message_sv) from None
    initiatives = data.load_initiatives()
    # Results questions cite the rows of their initiatives question, so every selection is made once, up front.
    picked = {item_id: select_initiatives(rule, initiatives) for item_id, rule in RULES.items()}
    result: dict[str, Proposal | None] = dict.fromkeys(ITEM_IDS)  # an item without a rule has no evidence
    for item_id, rule in DRAFT_RULES.items():
        result[item_id] = _draft_item(item_id, rule, picked, kommun)
    # 16a cites money only, with its own note: the tables do not say how much of 2019–2022 is 2022.
    result["16a"] = _vidareutbildning(kommun)
    return result


def _vidareutbildning(kommun: str | None) -> Proposal:
    """16a: the vidareutbildning money of 2019-2022 and 2023, as published (the län's totals or one kommun's cells)."""
    lines, evidence = money_lines_and_evidence("Vidareutbildning", "vidareutbildning", kommun)
    return _proposal("16a", "Pengarna för vidareutbildning enligt fördelningstabellerna:", lines, evidence,
                     "2019–2022 och 2023",
                     note=MONEY_NOTE + " Formuläret frågar om 2022; tabellerna anger beloppen för perioden 2019–2022 "
                     "och säger inte hur mycket av dem som gäller 2022.",
                     basis="De citerade raderna säger det; texten återger publicerade belopp.")


def draft_table(proposals: dict | None = None) -> pd.DataFrame:
    """One row per item: strength, proposed choice, evidence count and years."""
    proposals = draft() if proposals is None else proposals
    return pd.DataFrame([{"fråga": item_id, "underlagets styrka": p.strength if p else NO_BASIS,
                          "föreslaget val": (p.choice or "") if p else "",
                          "underlag (rader)": len(p.evidence) if p else 0,
                          "underlaget avser": p.describes if p else ""}
                         for item_id, p in proposals.items()]).set_index("fråga")


def draft_answers(report: str, kommun: str | None = None) -> Answers:
    """Answers with every proposal of the draft accepted, e.g. to export the draft for review."""
    answers = Answers(report)
    for proposal in draft(kommun).values():
        if proposal is not None:
            answers.accept(proposal)
    return answers
