"""The codebook's decision rules, executable: which maturity level a seed cell points to.

The 2019 → 2023 rows of seed 004 are coded on the scale of ``data/codebook.csv`` (0 did not exist
… 4 introduced across the whole system). ``data/kodbok.md`` states the rules for trainers; this
module applies the mechanical ones to the verbatim seed cells (``kalla_2019``, ``kalla_2023`` in
``data/initiatives.csv``):

1. An empty cell is 0 (and the row must be marked uncertain); "Fanns ej" is 0.
2. Phrases point to levels (:data:`PHRASES`), e.g. "pilot" → 2, "under spridning" → 3,
   "i hela systemet" → 4. Naming all 13 municipalities ("13 kommuner", "samtliga") → 4.
   A decision ("beslutad", "antagits politiskt": :data:`DECISION`) is not a level: it is recorded
   on its own (``beslut``), and the level says only how far the work has got.
3. Doubtful between levels → the lower: when a cell's phrases point to several levels, the
   lowest wins.
   Words the cell quotes from another document (inside ”…”) are not read.
4. Level 1 means "nothing running yet": when the cell also says something is going on
   ("pågår", "pågående", "genomförs"), a 1 becomes 2.
5. "Pågår"/"genomförs" without any phrase about extent → 2; a cell that describes something
   existing but matches no phrase at all → 2 as well ("finns, omfattningen anges inte").

A row whose level differs from the rule records why in ``undantag_2019``/``undantag_2023``,
quoting the seed's own words; :func:`disagreements` lists rows that differ without one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

#: (pattern, level, what the codebook calls it). Patterns are matched case-insensitively on the
#: white-space-folded cell. Each phrase is also listed in ``codebook.csv`` (typiska_formuleringar).
PHRASES: tuple[tuple[str, int, str], ...] = (
    (r"\bfanns ej\b", 0, "fanns ej"),
    (r"\bpåbörja\w*", 1, "påbörjat"),
    (r"\bunder framtagande\b", 1, "under framtagande"),
    (r"\buppdrag att\b", 1, "uppdrag"),
    (r"\butredningar genomförda\b", 1, "utredningar genomförda"),
    (r"\bhar startat\b", 1, "har startat"),
    (r"\bunder uppbyggnad\b", 1, "under uppbyggnad"),
    (r"\bpilot\w*", 2, "pilot"),
    (r"\btest\w*", 2, "test"),
    (r"\blokala stöd\b", 2, "lokala stöd"),
    (r"\ben av länets kommuner\b", 2, "en av länets kommuner"),
    (r"\bnågra av länets kommuner\b", 2, "några av länets kommuner"),
    (r"\bi mindre skala\b", 2, "i mindre skala"),
    (r"\bunder spridning\b", 3, "under spridning"),
    (r"\bi flera kommuner\b", 3, "i flera kommuner"),
    (r"\bi många verksamheter\b", 3, "i många verksamheter"),
    (r"\bflertalet\b", 3, "flertalet"),
    (r"\brealisering pågår\b", 3, "realisering pågår"),
    (r"\bfortsätter (?:att )?(?:utvecklas|utformas|fördjupas)\b", 3, "fortsätter utvecklas"),
    (r"\bfinns och fördjupas\b", 3, "finns och fördjupas"),
    (r"\bi genomförande\b", 3, "i genomförande"),
    (r"\bi hela systemet\b", 4, "i hela systemet"),
    (r"\bbreddinfört\b", 4, "breddinfört"),
    (r"\bsamtliga\b", 4, "samtliga"),
    (r"\b(?:13|tretton) kommuner", 4, "alla 13 kommuner nämns"),
)

#: Phrases that say something was decided or adopted. A decision is not an implementation: these
#: never set a level; ``initiatives.csv`` records them in ``beslut`` (the seed's words), and a cell
#: that says only that something was decided is coded by the other rules (usually 2, "finns").
DECISION: tuple[tuple[str, str], ...] = (
    (r"\bbeslutad\b", "beslutad"),
    (r"\bbeslutat\b", "beslutat"),
    (r"\bantagits politiskt\b", "antagits politiskt"),
    (r"\bantagen\b", "antagen"),
    (r"\bantagit\b", "antagit"),
)

#: Phrases that say something is going on, without saying how widely.
ACTIVITY: tuple[tuple[str, str], ...] = (
    (r"\bpågår\b", "pågår"),
    (r"\bpågående\b", "pågående"),
    (r"\bgenomförs\b", "genomförs"),
)

#: Level given to a cell that describes something existing but matches no phrase.
DEFAULT_LEVEL = 2


@dataclass(frozen=True)
class Rule:
    """What the rules say about one cell: the level, the phrases found and the rule that decided."""

    level: int
    phrases: tuple[str, ...]
    reason: str

    def explain(self) -> str:
        """The decision in Swedish, e.g. ``"”pilot” → 2"``."""
        return self.reason


def _squash(text) -> str:
    """White space folded; anything that is not text (None, NaN for a blank cell) is empty."""
    return re.sub(r"\s+", " ", text).strip() if isinstance(text, str) else ""


def _own_words(text) -> str:
    """The cell without what it quotes from other documents (”…”): the rules read the cell's own words."""
    return re.sub(r"”[^”]*”", " ", _squash(text))


def _find(pattern: str, cell: str) -> str | None:
    match = re.search(pattern, cell, flags=re.IGNORECASE)
    return match.group(0) if match else None


def phrases_in(text: str) -> list[tuple[str, int]]:
    """The codebook phrases found in a cell, as ``(words in the cell, level)``, in reading order.

    The words are returned as printed in the seed, so a rationale can quote them.
    """
    cell = _own_words(text)
    found = []
    for pattern, level, _ in PHRASES:
        match = re.search(pattern, cell, flags=re.IGNORECASE)
        if match:
            found.append((match.start(), match.group(0), level))
    return [(words, level) for _, words, level in sorted(found)]  # in reading order


def activity_in(text: str) -> list[str]:
    """The "something is going on" phrases found in a cell, as printed."""
    cell = _own_words(text)
    return [words for words in (_find(pattern, cell) for pattern, _ in ACTIVITY) if words]


def decisions_in(text: str) -> list[str]:
    """The decision phrases (:data:`DECISION`) found in a cell, as printed, in reading order.

    >>> decisions_in("Gemensam handlingsplan som antagits politiskt, i genomförande.")
    ['antagits politiskt']
    """
    cell = _squash(text)
    found = []
    for pattern, _ in DECISION:
        for match in re.finditer(pattern, cell, flags=re.IGNORECASE):
            found.append((match.start(), match.group(0)))
    return [words for _, words in sorted(found)]


def rule_level(text: str) -> Rule:
    """The level the codebook's mechanical rules give a verbatim seed cell.

    Parameters
    ----------
    text : str
        The cell as printed in seed 004 (white space may differ); empty when the seed leaves it blank.

    Returns
    -------
    Rule
        ``level`` 0-4, the ``phrases`` that decided and a Swedish ``reason``.

    Examples
    --------
    >>> rule_level("Pilotprojekt pågår med tester").level
    2
    >>> rule_level("Aktivt arbete i 13 kommuner med processledare IBIC").level
    4
    >>> rule_level("Gemensam handlingsplan som antagits politiskt, i genomförande.").reason
    '”i genomförande” → 3'
    >>> rule_level("Beslutad, och med fördjupande beskrivning").level  # a decision is not an implementation
    2
    """
    if not _squash(text):
        return Rule(0, (), "tom cell → 0 (osäker)")
    found = phrases_in(text)
    going = activity_in(text)
    if found:
        level = min(lvl for _, lvl in found)
        listed = ", ".join(f"”{name}” → {lvl}" for name, lvl in found)
        reason = listed
        if len({lvl for _, lvl in found}) > 1:
            reason += f"; tveksamt → den lägre: {level}"
        if level == 1 and going:
            level = 2
            reason += f"; men ”{going[0]}”: något är i drift, så inte 1 → 2"
        return Rule(level, tuple(name for name, _ in found), reason)
    if going:
        return Rule(2, tuple(going), f"”{going[0]}” utan angiven omfattning → 2")
    decided = decisions_in(text)
    if decided:
        return Rule(DEFAULT_LEVEL, (), f"”{decided[0]}” är ett beslut, inte ett införande; "
                                       "ingen fras om omfattning → 2")
    return Rule(DEFAULT_LEVEL, (), "finns, men ingen fras om omfattning → 2")


def apply_rules(table: pd.DataFrame) -> pd.DataFrame:
    """Rule levels beside the coded levels for every row of ``initiatives.csv``.

    Returns
    -------
    pandas.DataFrame
        ``id, namn``, and for each year ``niva_<år>``, ``regel_<år>`` (rule level), ``regelskal_<år>``
        (the reason) and ``undantag_<år>`` (the row's recorded exception, empty when none).
    """
    out = table[["id", "namn"]].copy()
    for year in ("2019", "2023"):
        rules = table[f"kalla_{year}"].map(rule_level)
        out[f"niva_{year}"] = table[f"niva_{year}"]
        out[f"regel_{year}"] = rules.map(lambda r: r.level)
        out[f"regelskal_{year}"] = rules.map(Rule.explain)
        out[f"undantag_{year}"] = table[f"undantag_{year}"].fillna("")
    return out


def disagreements(table: pd.DataFrame) -> pd.DataFrame:
    """Rows whose coded level differs from the rule without a recorded exception, per year.

    Also lists stale exceptions: rows that record an exception although the code equals the rule.
    Returns an empty frame when the coding holds to its rules.
    """
    checked = apply_rules(table)
    problems = []
    for year in ("2019", "2023"):
        for row in checked.itertuples():
            coded, rule = getattr(row, f"niva_{year}"), getattr(row, f"regel_{year}")
            exception = getattr(row, f"undantag_{year}")
            if coded != rule and not exception:
                problems.append((row.id, year, coded, rule, "avviker utan undantag"))
            elif coded == rule and exception:
                problems.append((row.id, year, coded, rule, "undantag men koden följer regeln"))
    return pd.DataFrame(problems, columns=["id", "år", "kodad", "regel", "problem"])


def exception_table(table: pd.DataFrame) -> pd.DataFrame:
    """The recorded exceptions, one per row and year, with the rule's level (Swedish headers)."""
    checked = apply_rules(table)
    rows = []
    for year in ("2019", "2023"):
        for row in checked.itertuples():
            exception = getattr(row, f"undantag_{year}")
            if exception:
                rows.append((row.id, row.namn, int(year), getattr(row, f"regel_{year}"),
                             getattr(row, f"niva_{year}"), exception))
    frame = pd.DataFrame(rows, columns=["Rad", "Insats", "År", "Regeln ger", "Kodad", "Varför"])
    return frame.sort_values(["Rad", "År"]).reset_index(drop=True)


def rationale(row) -> str:
    """The one-line ``motivering`` of a row: per year the recorded exception, or else the rule's reason.

    ``row`` is a row of ``initiatives.csv`` (a mapping or namedtuple with ``kalla_*``, ``undantag_*``
    and ``samma_som``). Only seed words are quoted; interpretations start with "Tolkning".
    """
    get = row.get if hasattr(row, "get") else lambda name: getattr(row, name)
    parts = []
    for year in ("2019", "2023"):
        exception = get(f"undantag_{year}")
        text = exception if isinstance(exception, str) and exception else rule_level(get(f"kalla_{year}")).reason
        parts.append(f"{year}: {text.rstrip('.')}.")
    same = get("samma_som")
    prefix = f"Samma insats som rad {same}. " if isinstance(same, str) and same else ""
    return prefix + " ".join(parts)


def quoted(text: str) -> list[str]:
    """Phrases quoted with ”…” in a rationale (they must be the seed's own words)."""
    return re.findall(r"”([^”]+)”", str(text or ""))
