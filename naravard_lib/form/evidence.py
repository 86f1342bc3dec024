"""What a proposal rests on: :class:`Evidence` (one cited data row), :class:`Proposal`, and per data table
the Swedish lines and evidence the draft quotes from it; :func:`proposal_markdown` shows a proposal.

The words of the sources are quoted verbatim (``”…”``); amounts are printed as the tables publish them.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .. import data
from ..formatting import format_number, format_sek
from ..schemas import TABLES
from .model import load_form

YEAR_NOTE = ("Underlaget beskriver läget 2023 jämfört med 2019 – inte 2022, som formuläret frågar om. "
             "Kontrollera att det stämmer för 2022 innan du skickar in.")
PLAN_NOTE = "Formuläret frågar om 2022; kontrollera att svaret stämmer för 2022 innan du skickar in."
MONEY_NOTE = "Beloppen gäller överenskommelserna 2019–2022 och 2023 enligt de publicerade fördelningstabellerna."
NO_EVIDENCE = ("Arbetsbokens data har inga mått på utfall för den här frågan och inga rader om uppföljning av "
               "insatserna i föregående fråga. Svara utifrån egen kunskap.")


@dataclass(frozen=True)
class Evidence:
    """One data row a proposal rests on: file, key, the values used, and the year it describes.

    >>> Evidence("initiatives", (("id", 28),), (), "2019 och 2023", "Samverkan").citation
    'data/initiatives.csv, id 28'
    """

    table: str
    key: tuple  #: ((column, value), …): the row's unique key in the table
    values: tuple  #: ((column, value), …): the values the proposal uses
    describes: str  #: the year(s) the row describes, e.g. "2019 och 2023"
    label: str  #: short Swedish description

    @property
    def file(self) -> str:
        return f"data/{TABLES[self.table].file}"

    @property
    def citation(self) -> str:
        """``"data/initiatives.csv, id 1"``."""
        return f"{self.file}, " + ", ".join(f"{k} {v}" for k, v in self.key)

    def as_dict(self) -> dict:
        return {"fil": self.file, "rad": ", ".join(f"{k} {v}" for k, v in self.key), "beskrivning": self.label,
                "avser": self.describes}


@dataclass(frozen=True)
class Proposal:
    """A proposed answer to one item, with the evidence rows behind it and how strong that evidence is.

    ``strength`` is one of :data:`STRENGTHS`: *står i källan* (the cited words say it), *tolkning*
    (the workbook infers it; ``basis`` names the rule and the words it rests on). ``derived`` names
    numbers in ``text`` computed from the evidence rather than copied from it (none at present).
    """

    item_id: str
    text: str
    evidence: tuple[Evidence, ...]
    describes: str
    choice: str | None = None
    derived: tuple = ()
    strength: str = "står i källan"
    basis: str = ""

    def _repr_markdown_(self) -> str:
        return proposal_markdown(self)


#: How strong a proposal's evidence is: the cited words say it; the workbook infers it; nothing.
STRENGTHS = ("står i källan", "tolkning", "inget underlag")
IN_SOURCE, INFERENCE, NO_BASIS = STRENGTHS


def proposal_markdown(proposal: Proposal | None, item_id: str | None = None) -> str:
    """A proposal as Markdown (Swedish): strength, proposed choice, text, what year it describes, evidence."""
    if proposal is None:
        return f"**Fråga {item_id}:** Underlagets styrka: **{NO_BASIS}**. {NO_EVIDENCE}"
    item = load_form().item(proposal.item_id)
    lines = [f"**Förslag till fråga {item.id}** ({proposal.describes})", ""]
    if proposal.choice:
        lines += [f"Föreslaget val: **{proposal.choice}**", ""]
    lines += [proposal.text, "", "Underlag:"]
    lines += [f"- {e.citation}: {e.label} ({e.describes})" for e in proposal.evidence]
    return "\n".join(lines)


#: Lead-ins of the lists of report_lists.csv, as the draft prints them.
LIST_TITLES = {
    "overenskommelser": "Överenskommelser som delrapporten räknar upp:",
    "revision_fortsatt": "Delrapporten nämner fortsatt arbete för att:",
    "lardomar": "Samordnarnas lärdomar (delrapportens egen summering; här den första eller de första meningarna av varje):",
    "bilagor": "Delrapportens bilagor:",
}


def quoted(text) -> str:
    """The source's words as the draft quotes them, white space folded; an empty cell says so.

    >>> quoted("Fanns\\n ej"), quoted(float("nan"))
    ('”Fanns ej”', '(tom ruta i källan)')
    """
    text = " ".join(str(text).split()) if isinstance(text, str) and text.strip() else ""
    return f"”{text}”" if text else "(tom ruta i källan)"


def initiative_evidence(rows: pd.DataFrame) -> list[Evidence]:
    """One :class:`Evidence` per coded initiative, with the source's cells the proposal quotes."""
    return [Evidence("initiatives", (("id", int(r.id)),),
                     (("namn", r.namn), ("kalla_rubrik", r.kalla_rubrik), ("kalla_2019", r.kalla_2019),
                      ("kalla_2023", r.kalla_2023), ("beslut", r.beslut)), "2019 och 2023", str(r.namn))
            for r in rows.itertuples()]


def initiative_lines(rows: pd.DataFrame) -> list[str]:
    """One line per initiative: its row, heading and the source's words for 2019 and 2023."""
    return [f"- Rad {r.id}: {quoted(r.kalla_rubrik)} – 2019: {quoted(r.kalla_2019)}; 2023: {quoted(r.kalla_2023)}."
            for r in rows.itertuples()]


def outcome_lines_and_evidence(initiative_ids) -> tuple[list[str], list[Evidence]]:
    """The outcome measures (slag = utfall) of some initiatives: the seed's phrase per year, the number
    only where it is printed. Counts of structures, spread or volume (omfattning) are not outcomes."""
    table = data.load_indicators()
    rows = table[table["initiativ_id"].isin(list(initiative_ids)) & (table["slag"] == "utfall")]
    lines, evidence = [], []
    for r in rows.itertuples():
        parts = []
        for year in ("2019", "2023"):
            value, phrase = getattr(r, f"varde_{year}"), getattr(r, f"citat_{year}")
            if pd.isna(value):
                continue
            derived = r.typ == "härledd" and f"{year}:" in str(r.berakning or "")
            shown = quoted(phrase) if derived else f"{format_number(int(value))} {r.enhet} ({quoted(phrase)})"
            parts.append(f"{year}: {shown}")
        lines.append(f"- {r.matt} (rad {r.initiativ_id}): {'; '.join(parts)}.")
        values = [("initiativ_id", r.initiativ_id), ("matt", r.matt), ("enhet", r.enhet), ("slag", r.slag),
                  ("typ", r.typ)]
        values += [(c, getattr(r, c)) for c in ("citat_2019", "citat_2023") if isinstance(getattr(r, c), str)]
        values += [(c, int(getattr(r, c))) for c in ("varde_2019", "varde_2023") if pd.notna(getattr(r, c))]
        evidence.append(Evidence("indicators", (("key", r.key),), tuple(values), "2019 och 2023", r.matt))
    if lines:
        lines.insert(0, "Mått på utfall för målgruppen:")
    return lines, evidence



def expectation_lines_and_evidence(item_id: str) -> tuple[list[str], list[Evidence]]:
    """ÖK 2024's expectations that name this item (``ok2024_expectations.csv``), quoted."""
    table = data.load("ok2024_expectations")
    rows = table[table["fragor"].str.split(";").map(lambda items: item_id in items)]
    if rows.empty:
        return [], []
    lines = [f"Bildspelets avsnitt ”{rows['section'].iloc[0]}” säger (om vad som är centralt – inte ett belägg för "
             "läget 2022):"]
    lines += [f"- {quoted(sentence)}" for sentence in dict.fromkeys(rows["citat"])]
    evidence = [Evidence("ok2024_expectations", (("ordning", int(r.ordning)),),
                         (("citat", r.citat), ("section", r.section)), "2024", r.forvantning)
                for r in rows.itertuples()]
    return lines, evidence


def fact_lines_and_evidence(keys) -> tuple[list[str], list[Evidence]]:
    """The report's facts with these keys (``report_facts.csv``), quoted."""
    table = data.load("report_facts").set_index("key")
    lines, evidence = ["Delrapporten säger också:"], []
    for key in keys:
        row = table.loc[key]
        lines.append(f"- {quoted(row.citat)}")
        year = "" if pd.isna(row.ar) else str(int(row.ar))
        evidence.append(Evidence("report_facts", (("key", key),), (("citat", row.citat),), year or "2019–2023",
                                 row.fakta))
    return lines, evidence


def list_lines_and_evidence(names) -> tuple[list[str], list[Evidence]]:
    """The report's lists with these names (``report_lists.csv``), each under its lead-in."""
    table = data.load("report_lists")
    lines, evidence = [], []
    for name in names:
        rows = table[table["lista"] == name]
        lines += ["", LIST_TITLES[name]] + [f"- {quoted(r.text)}" for r in rows.itertuples()]
        evidence += [Evidence("report_lists", (("lista", name), ("ordning", int(r.ordning))),
                              (("text", r.text),), "2019–2023", f"{name} {r.ordning}") for r in rows.itertuples()]
    return lines, evidence


def principle_lines_and_evidence() -> tuple[list[str], list[Evidence]]:
    """The plan's financial principles (``plan_principles.csv``), quoted."""
    rows = data.load("plan_principles")
    lines = [f"- {quoted(r.citat)}" for r in rows.itertuples()]
    evidence = [Evidence("plan_principles", (("ordning", int(r.ordning)),), (("citat", r.citat),), "planen",
                         r.princip) for r in rows.itertuples()]
    return lines, evidence


def ok_ska_lines_and_evidence(numbers) -> tuple[list[str], list[Evidence]]:
    """What the kommuner ska use the money for (``frameworks.csv``, ramverk ok_ska), these rows, quoted."""
    table = data.load_frameworks().query("ramverk == 'ok_ska'").set_index("ordning")
    lines = ["Bildspelet från Kommunal utveckling, avsnittet ”Vad ska medlen användas till?” (avsnittet anger inget "
             "år; det är en förväntan, inte ett belägg för läget):"]
    lines += [f"- {quoted(table.at[n, 'citat'])}" for n in numbers]
    evidence = [Evidence("frameworks", (("ramverk", "ok_ska"), ("ordning", int(n))),
                         (("citat", table.at[n, "citat"]),), "utan år", table.at[n, "namn"]) for n in numbers]
    return lines, evidence


def _figure_evidence(key: str) -> tuple[int, Evidence]:
    figures = data.load_published_figures().set_index("key")
    row = figures.loc[key]
    return int(row["value"]), Evidence("published_figures", (("key", key),),
                                       (("value", int(row["value"])), ("label", str(row["label"]))),
                                       str(row["period"]), str(row["label"]))


def _allocation_evidence(period: str, kommun: str, insatsomrade: str) -> tuple[int, Evidence]:
    cells = data.load_allocations().set_index(["period", "kommun", "insatsomrade"])
    amount = int(cells.loc[(period, kommun, insatsomrade), "amount_sek"])
    column = str(cells.loc[(period, kommun, insatsomrade), "column_as_published"])
    return amount, Evidence("allocations", (("period", period), ("kommun", kommun), ("insatsomrade", insatsomrade)),
                            (("amount_sek", amount), ("column_as_published", column)), period,
                            f"{insatsomrade}, {kommun} {period}")


def _money_line(period: str, key: str, insatsomrade: str, kommun: str | None) -> tuple[str, Evidence]:
    """One published amount as the table prints it: the län's stated total, or one kommun's cell."""
    shown = period.replace("-", "–")
    if kommun:
        amount, ev = _allocation_evidence(period, kommun, insatsomrade)
        return (f"- {kommun}: {format_sek(amount)} i kolumnen ”{dict(ev.values)['column_as_published']}”, "
                f"fördelningstabellen {shown}."), ev
    amount, ev = _figure_evidence(f"total.{period}.{key}")
    printed = data.load_published_figures().set_index("key").at[f"total.{period}.{key}", "as_published"]
    mark = f" (tryckt ”{printed}”, med fotnotstecken)" if "*" in str(printed) else ""
    return f"- Fördelningstabellen {shown}, raden ”{dict(ev.values)['label']}”: {format_sek(amount)}{mark}.", ev


def money_lines_and_evidence(insatsomrade: str, key: str, kommun: str | None) -> tuple[list[str], list[Evidence]]:
    """Lines and evidence for one insatsområde's money in 2019-2022 and 2023, for the län or one kommun."""
    pairs = [_money_line(period, key, insatsomrade, kommun) for period in ("2019-2022", "2023")]
    return [line for line, _ in pairs], [ev for _, ev in pairs]
