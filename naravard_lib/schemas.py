"""pandera schemas for every table in a data folder: types, ranges, unique keys, references.

Each entry of :data:`TABLES` names the file, its schema, its key, whether a data folder must have
it (:data:`REQUIRED`) and which of its columns name a row of another table (``refs``: a
municipality, a source, a period). :mod:`naravard_lib.data` reads the files, checks the references
against the active folder's own ``municipalities.csv``, ``sources.csv`` and ``periods.csv``, and
turns any failure into a one-line :class:`~naravard_lib.errors.DataError`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandera.pandas as pa
from pandera.pandas import Check, Column

FOKUSOMRADEN = (
    "Personcentrerat arbetssätt och kontinuitet", "Hälsofrämjande och förebyggande",
    "Tillit och samverkanskultur, överenskommelser",
    "Arbetssätt över organisationsgränser, kompetens och digitalisering", "Gemensamma stödsystem",
    "Mätningar, berättelser och uppföljning",
)
REACH = ("alla 13", "några", "en kommun", "region", "länet", "okänd")  # seed 004's words (one edition: 13 kommuner)
#: The kinds of period in ``periods.csv``: one year's table, or one table summing several years.
PERIOD_KINDS = ("år", "flerår")
#: The 25 question items of Socialstyrelsen's follow-up form (seed 003), in the form's order.
FORM_ITEMS = tuple("1 2 3 4 5a 5b 6 7 8a 8b 9a 9b 10a 10b 11a 11b 12a 12b 13a 13b 14 15a 15b 16a 16b".split())
FORM_SECTIONS = ("malbild", "personcentrerat", "delaktighet", "samverkan", "halsoframjande", "resurser",
                 "slutenvard", "ovrigt", "medarbetare")

_text = Check.str_length(min_value=1)
#: Checked against the active folder's municipalities.csv after reading (see :data:`Table.refs`).
_kommun = Column(str, _text, description="municipality name with å/ä/ö, a row of municipalities.csv")
#: Plausible ranges, checked at the door so that no sum can overflow and no absurd figure reaches a reader.
MAX_SEK = 100_000_000_000  # 100 billion kronor: far above the whole national grant (a few billion)
MAX_COUNT = 10_000_000  # counts, years and percentages in the indicators; a national population fits MAX_SEK
MAX_ORDER = 9_999  # ordinal numbers of rows
_amount = Check.in_range(0, MAX_SEK)
_sek = Column(int, _amount, description="integer kronor, 0 to 100 billion")
_order = Check.in_range(1, MAX_ORDER)
#: Checked against the active folder's sources.csv after reading (see :data:`Table.refs`).
_source = Column(str, _text, description="the document the row is read from: a row of sources.csv")
_date = Check.str_matches(r"^\d{4}-\d{2}-\d{2}$")
_section = Column(str, _text, description="heading or table title in the seed")


@dataclass(frozen=True)
class Table:
    """A data file: its name in the data folder, its schema, its unique key and its references.

    ``refs`` maps a column to the table whose key it names (``{"kommun": "municipalities"}``);
    ``required`` says whether every data folder must have the file (see :data:`REQUIRED`).
    """

    file: str
    schema: pa.DataFrameSchema
    key: tuple[str, ...]
    refs: dict = field(default_factory=dict)
    required: bool = False


def _schema(columns: dict, key: tuple[str, ...]) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(columns, unique=list(key), coerce=True, strict=True, ordered=False)


#: Columns that name a row of another table wherever they appear.
_REFERENCE_COLUMNS = {"kommun": "municipalities", "source": "sources", "citat_source": "sources"}


def _table(file: str, columns: dict, key: tuple[str, ...], *, required: bool = False,
           refs: dict | None = None) -> Table:
    found = {c: t for c, t in _REFERENCE_COLUMNS.items() if c in columns and f"{t}.csv" != file}
    return Table(file, _schema(columns, key), key, {**found, **(refs or {})}, required)


TABLES: dict[str, Table] = {
    # ---- what every data folder has (REQUIRED): the registry, the periods, the municipalities, the money
    "sources": _table(
        "sources.csv",
        {
            "source": Column(str, Check.str_matches(r"^[\w.\-]+$"),
                             description="the id other tables' source columns use (a seed's file name)"),
            "title": Column(str, _text, description="the document's name as a reader is told it"),
            "publisher": Column(str, _text),
            "published": Column(str, Check.str_matches(r"^\d{4}(-\d{2}-\d{2})?$"), nullable=True,
                                description="year or date; empty when the document prints none"),
            "url": Column(str, Check.str_startswith("https://"), nullable=True),
            "file": Column(str, Check.str_matches(r"^[\w.\-]+$"), nullable=True,
                           description="file name in the seeds folder; empty for a document not there"),
        },
        ("source",),
        required=True,
    ),
    "periods": _table(
        "periods.csv",
        {
            "period": Column(str, Check.str_matches(r"^\d{4}(-\d{4})?$"),
                             description="a year (2024) or a span of years (2019-2022)"),
            "kind": Column(str, Check.isin(PERIOD_KINDS), description="år: one year's table; flerår: several years'"),
            "population_date": Column(str, _date, nullable=True,
                                      description="the population the table divides by; empty for a flerår table"),
            "population_date_stated": Column(bool, description="true when the source prints the date"),
            "source": _source,
            "section": _section,
        },
        ("period",),
        required=True,
    ),
    "municipalities": _table(
        "municipalities.csv",
        {
            "kommun": _kommun,
            "kommun_kod": Column(str, Check.str_matches(r"^\d{4}$"), unique=True,
                                 description="SCB code; its first two digits are the län's"),
            "slug": Column(str, Check.str_matches(r"^[a-z0-9]+(-[a-z0-9]+)*$"), unique=True),
            "landsbygdskommun": Column(bool),
            "source": _source,
            "section": _section,
        },
        ("kommun",),
        required=True,
    ),
    "allocations": _table(
        "allocations.csv",
        {
            "period": Column(str, _text, description="a row of periods.csv"),
            "kommun": _kommun,
            "insatsomrade": Column(str, _text, description="the table's column (insatsområde), or Totalt"),
            "column_as_published": Column(str, _text),
            "amount_sek": _sek,
            "source": _source,
            "section": _section,
        },
        ("period", "kommun", "insatsomrade"),
        required=True,
        refs={"period": "periods"},
    ),
    "population_share_2024": _table(
        "population_share_2024.csv",
        {
            "kommun": _kommun,
            "share_percent": Column(float, Check.in_range(0, 100)),
            "as_published": Column(str, _text),
            "reference_date": Column(str, _date),
            "source": _source,
            "section": _section,
        },
        ("kommun",),
    ),
    "published_figures": _table(
        "published_figures.csv",
        {
            "key": Column(str, Check.str_matches(r"^[a-z_]+\.[\w\-]+\.[a-z_]+$")),
            "kind": Column(str, Check.isin(
                ["stated_total", "set_aside", "summary", "national", "budget", "socialtjanst"])),
            "period": Column(str, _text),
            "column": Column(str, nullable=True),
            "label": Column(str, _text),
            "value": Column(int, _amount),
            "unit": Column(str, Check.isin(["SEK", "percent"])),
            "as_published": Column(str, _text),
            "includes": Column(str, nullable=True),
            "source": _source,
            "section": _section,
        },
        ("key",),
        required=True,
    ),
    # Derived, never typed: written by `naravard data derive` (derive.derive_populations).
    "populations_recovered": _table(
        "populations_recovered.csv",
        {
            "period": Column(str, _text, description="the single-year table the key is recovered from"),
            "kommun": _kommun,
            "reference_date": Column(str, _date, description="the period's population_date"),
            "reference_date_stated": Column(bool),
            "population": Column(int, Check.in_range(1, MAX_COUNT)),
            "derived_from": Column(str, _text, description="which published cells"),
            "method": Column(str, _text, description="how: the function and the rounding it assumes"),
            "total_min": Column(int, Check.in_range(1, MAX_SEK), description="search range of the län total, from"),
            "total_max": Column(int, Check.in_range(1, MAX_SEK), description="search range of the län total, to"),
            "solutions": Column(int, Check.in_range(1, MAX_ORDER), description="keys found in the range (1: unique)"),
            "source": _source,
            "section": _section,
        },
        ("period", "kommun"),
        required=True,
        refs={"period": "periods"},
    ),
    "strategies": _table(
        "strategies.csv",
        {
            "strategi": Column(int, Check.isin([1, 2, 3, 4])),
            "titel": Column(str, _text),
            "esther_citat": Column(str, _text, description="short quote, attributed to citat_source"),
            "beskrivning": Column(str, _text, description="our own summary"),
            "koppling_malbild": Column(str, _text, description="'; '-separated list"),
            "matomraden": Column(str, _text, description="'; '-separated list"),
            "utvecklingsomraden": Column(str, _text, description="'; '-separated list"),
            "source": _source,
            "section": _section,
            "citat_source": _source,
            "citat_section": _section,
        },
        ("strategi",),
    ),
    "initiatives": _table(
        "initiatives.csv",
        {
            "id": Column(int, Check.in_range(1, 999)),
            "fokusomrade": Column(str, Check.isin(FOKUSOMRADEN)),
            "namn": Column(str, _text),
            "lage_2019": Column(str, _text, description="2019 state, our short form"),
            "lage_2023": Column(str, _text, description="2023 state, our short form"),
            "kalla_rubrik": Column(str, _text, description="the seed's left cell (what happened), verbatim"),
            "kalla_2019": Column(str, nullable=True, description="the seed's 2019 cell, verbatim (empty when blank)"),
            "kalla_2023": Column(str, _text, description="the seed's 2023 cell, verbatim"),
            "niva_2019": Column(int, Check.in_range(0, 4), description="maturity level, see codebook.csv"),
            "niva_2023": Column(int, Check.in_range(0, 4)),
            "undantag_2019": Column(str, nullable=True, description="why the level departs from coding.rule_level"),
            "undantag_2023": Column(str, nullable=True, description="why the level departs from coding.rule_level"),
            "beslut": Column(str, nullable=True, description="the seed's words about a decision, verbatim, ';'-separated;"
                             " a decision is not a level"),
            "rackvidd_2023": Column(str, Check.isin(REACH)),
            "strategier": Column(str, Check.str_matches(r"^[1-4](;[1-4])*$")),
            "osaker": Column(bool),
            "samma_som": Column(str, Check.str_matches(r"^\d*$"), description="id of the row this repeats"),
            "motivering": Column(str, _text, description="one-line rationale for both levels"),
            "seed_anchor": Column(str, _text, description="verbatim start of the row in the seed"),
            "seed_foljs_av": Column(str, nullable=True, description="for a table's last row: the verbatim start of "
                                    "the text after the table (where the row ends)"),
            "source": _source,
            "section": _section,
        },
        ("id",),
    ),
    "codebook": _table(
        "codebook.csv",
        {
            "niva": Column(int, Check.in_range(0, 4)),
            "etikett": Column(str, _text),
            "beskrivning": Column(str, _text),
            "typiska_formuleringar": Column(str, _text),
        },
        ("niva",),
    ),
    "indicators": _table(
        "indicators.csv",
        {
            "key": Column(str, Check.str_matches(r"^[a-z0-9_]+$")),
            "initiativ_id": Column(int, Check.in_range(1, 999)),
            "matt": Column(str, _text),
            "varde_2019": Column("Int64", Check.in_range(0, MAX_COUNT), nullable=True,
                                  description="a count or amount for 2019; empty = not given"),
            "varde_2023": Column("Int64", Check.in_range(0, MAX_COUNT), nullable=True,
                                  description="a count or amount for 2023; empty = not given"),
            "ar": Column("Int64", Check.in_range(1900, 2100), nullable=True,
                         description="the year of an event (slag = händelse), never a 2019 value"),
            "enhet": Column(str, _text),
            "slag": Column(str, Check.isin(["utfall", "omfattning", "egenskap", "händelse"]),
                           description="utfall: an outcome for a target group (reach); omfattning: spread, structure "
                                       "or volume of the work; egenskap: a property of a tool (a survey's ages); "
                                       "händelse: a dated event"),
            "huvudman": Column(str, Check.isin(["regionen", "kommunerna", "region och kommuner"]),
                               description="whose the figure is, as the cited row says (our reading)"),
            "typ": Column(str, Check.isin(["publicerad", "härledd"]),
                          description="härledd: a value not printed as digits (e.g. 0 from 'Fanns ej')"),
            "berakning": Column(str, nullable=True, description="how each derived value is read, '<year>: …'"),
            "citat_2019": Column(str, nullable=True),
            "citat_2023": Column(str, nullable=True),
            "source": _source,
            "section": _section,
        },
        ("key",),
    ),
    "frameworks": _table(
        "frameworks.csv",
        {
            "ramverk": Column(str, Check.isin(["enkla_regler", "skr_principer", "sormland_begrepp", "forflyttningar",
                                               "framgangsfaktorer", "ok_omraden", "ok_ska", "larmodell",
                                               "grunduppdrag", "ok2024_delar", "medel_kan", "insatser_generella",
                                               "insatser_sarskilda"])),
            "ordning": Column(int, _order),
            "namn": Column(str, _text),
            "citat": Column(str, _text, description="short verbatim phrase from the seed"),
            "beskrivning": Column(str, nullable=True, description="our own words"),
            "strategier": Column(str, Check.str_matches(r"^([1-4](;[1-4])*)?$"), nullable=True),
            "source": _source,
            "section": _section,
        },
        ("ramverk", "ordning"),
    ),
    "strategy_links": _table(
        "strategy_links.csv",
        {
            "strategi": Column(int, Check.isin([1, 2, 3, 4])),
            "sormland_begrepp": Column(str, Check.isin(["Tillsammans", "Nära", "God hälsa, vård och omsorg"])),
            "skr_princip": Column(int, Check.isin([1, 2, 3])),
            "forflyttning": Column(int, Check.isin([1, 2, 3, 4])),
            "kind": Column(str, Check.isin(["egen bedömning"]), description="the whole mapping is our judgement"),
            "motivering": Column(str, _text),
        },
        ("strategi",),
    ),
    "timeline": _table(
        "timeline.csv",
        {
            "datum": Column(str, Check.str_matches(r"^\d{4}-\d{2}-\d{2}$")),
            "slutdatum": Column(str, Check.str_matches(r"^\d{4}-\d{2}-\d{2}$"), nullable=True),
            "handelse": Column(str, _text),
            "typ": Column(str, Check.isin(["beslut", "avsikt", "lag", "överenskommelse", "plan"]),
                          description="avsikt: an intention the source states, not a decision"),
            "citat": Column(str, _text),
            "anmarkning": Column(str, nullable=True),
            "source": _source,
            "section": _section,
        },
        ("datum", "handelse"),
    ),
    "roles": _table(
        "roles.csv",
        {
            "aktor": Column(str, _text),
            "roll": Column(str, _text, description="our own words"),
            "pengar_2024": Column(str, nullable=True, description="key in published_figures.csv"),
            "citat": Column(str, _text),
            "source": _source,
            "section": _section,
        },
        ("aktor",),
    ),
    "external_figures": _table(
        "external_figures.csv",
        {
            "key": Column(str, _text),
            "label": Column(str, _text),
            "value": Column(int, _amount),
            "unit": Column(str, _text),
            "reference_date": Column(str, Check.str_matches(r"^\d{4}-\d{2}-\d{2}$")),
            "source": Column(str, _text),
            "url": Column(str, Check.str_startswith("https://")),
            "accessed": Column(str, Check.str_matches(r"^\d{4}-\d{2}-\d{2}$")),
        },
        ("key",),
    ),
    # --- seeds 000, 001, 002 as data (issue 14): every row carries source and section
    "strategy_lists": _table(
        "strategy_lists.csv",
        {
            "strategi": Column(int, Check.isin([1, 2, 3, 4])),
            "lista": Column(str, Check.isin(["koppling_malbild", "kunskapsstyrning", "kompetensforsorjning",
                                             "implementering", "utvecklingsomraden", "matomraden"])),
            "ordning": Column(int, _order),
            "text": Column(str, _text, description="the item exactly as printed"),
            "grupp": Column(str, nullable=True, description="the printed heading a sub-item stands under"),
            "source": _source,
            "section": _section,
        },
        ("strategi", "lista", "ordning"),
    ),
    "commitments": _table(
        "commitments.csv",
        {
            "ordning": Column(int, Check.in_range(1, 6)),
            "namn": Column(str, _text, description="short name, our words"),
            "citat": Column(str, _text, description="the commitment as printed (its first words)"),
            "strategier": Column(str, Check.str_matches(r"^[1-4](;[1-4])*$"), description="our judgement"),
            "bedomning": Column(str, Check.str_startswith("Egen bedömning: "), description="why, our judgement"),
            "source": _source,
            "section": _section,
        },
        ("ordning",),
    ),
    "organisation": _table(
        "organisation.csv",
        {
            "enhet": Column(str, _text),
            "typ": Column(str, Check.isin(["partnerskap", "samverkansorgan", "fokusområde", "ledningssystem",
                                           "strategigrupp"])),
            "beskrivning": Column(str, nullable=True, description="our words, restating the cited section"),
            "citat": Column(str, _text),
            "source": _source,
            "section": _section,
            "namn_citat": Column(str, nullable=True, description="where the unit's name is printed, if elsewhere"),
            "namn_section": Column(str, nullable=True, description="the section of namn_citat (same source)"),
        },
        ("enhet",),
    ),
    "follow_up": _table(
        "follow_up.csv",
        {
            "ordning": Column(int, _order),
            "punkt": Column(str, _text, description="our short heading"),
            "citat": Column(str, _text),
            "source": _source,
            "section": _section,
        },
        ("ordning",),
    ),
    "ok2024_parts": _table(
        "ok2024_parts.csv",
        {
            "ordning": Column(int, _order),
            "post": Column(str, _text),
            "belopp_sek": _sek,
            "typ": Column(str, Check.isin(["publicerad", "härledd"]),
                          description="härledd: computed from published figures, not printed"),
            "ingar_i": Column(str, nullable=True, description="the post this one is part of"),
            "figure_key": Column(str, nullable=True, description="key in published_figures.csv"),
            "as_published": Column(str, nullable=True),
            "berakning": Column(str, nullable=True, description="how a derived amount is computed"),
            "source": _source,
            "section": _section,
        },
        ("ordning",),
    ),
    "social_services_2024": _table(
        "social_services_2024.csv",
        {
            "del": Column(str, Check.isin(["tidplan", "utgangspunkt", "prioriterade_omraden",
                                           "foreslagna_ataganden"])),
            "ordning": Column(int, _order),
            "text": Column(str, _text, description="the item exactly as printed"),
            "source": _source,
            "section": _section,
        },
        ("del", "ordning"),
    ),
    "social_services_activities": _table(
        "social_services_activities.csv",
        {
            "tabell": Column(str, Check.isin(["projektaktiviteter", "utvecklingsomraden", "arbetssatt_organisation"])),
            "ordning": Column(int, _order),
            "omrade": Column(str, _text),
            "aktiviteter": Column(str, _text, description="the cell as printed, HTML tags removed"),
            "source": _source,
            "section": _section,
        },
        ("tabell", "ordning"),
    ),
    "sormland_goals": _table(
        "sormland_goals.csv",
        {
            "begrepp": Column(str, Check.isin(["Tillsammans", "Nära", "God hälsa, vård och omsorg"])),
            "ordning": Column(int, _order),
            "mal": Column(str, _text, description="one sentence of 'Hit ska vi!', as printed"),
            "source": _source,
            "section": _section,
        },
        ("begrepp", "ordning"),
    ),
    "sormland_plan": _table(
        "sormland_plan.csv",
        {
            "punkt": Column(str, _text),
            "ar_fran": Column("Int64", Check.in_range(2000, 2100), nullable=True),
            "ar_till": Column("Int64", Check.in_range(2000, 2100), nullable=True),
            "beskrivning": Column(str, _text, description="our words"),
            "citat": Column(str, _text),
            "source": _source,
            "section": _section,
        },
        ("punkt",),
    ),
    "sormland_decisions": _table(
        "sormland_decisions.csv",
        {
            "ordning": Column(int, _order),
            "datum": Column(str, Check.str_matches(r"^\d{4}-\d{2}-\d{2}$"), nullable=True),
            "organ": Column(str, _text),
            "paragraf": Column(str, nullable=True),
            "handling": Column(str, _text, description="our words"),
            "citat": Column(str, _text),
            "source": _source,
            "section": _section,
        },
        ("ordning",),
    ),
    # ---- substance the draft and the notebooks show (issue 19); every row cites its seed and section
    "ok2024_expectations": _table(
        "ok2024_expectations.csv",
        {
            "ordning": Column(int, _order),
            "forvantning": Column(str, _text, description="our words"),
            "del_citat": Column(str, _text, description="the words for this expectation, verbatim"),
            "citat": Column(str, _text, description="the whole sentence it stands in, verbatim"),
            "fragor": Column(str, Check.str_matches(r"^[0-9]+[ab]?(;[0-9]+[ab]?)*$"),
                             description="form items it bears on (our judgement)"),
            "source": _source,
            "section": _section,
        },
        ("ordning",),
    ),
    "plan_principles": _table(
        "plan_principles.csv",
        {
            "ordning": Column(int, _order),
            "princip": Column(str, _text, description="our words"),
            "citat": Column(str, _text, description="verbatim"),
            "source": _source,
            "section": _section,
        },
        ("ordning",),
    ),
    "primary_care_mission": _table(
        "primary_care_mission.csv",
        {
            "del": Column(str, Check.isin(["grund", "malbild", "lag", "uppgift"])),
            "ordning": Column(int, _order),
            "text": Column(str, _text, description="verbatim"),
            "source": _source,
            "section": _section,
        },
        ("del", "ordning"),
    ),
    "strangnas": _table(
        "strangnas.csv",
        {
            "del": Column(str, Check.isin(["arbete", "konsekvens"])),
            "ordning": Column(int, _order),
            "rubrik": Column(str, _text, description="our label, or the printed heading of a consequence"),
            "text": Column(str, _text, description="verbatim"),
            "source": _source,
            "section": _section,
        },
        ("del", "ordning"),
    ),
    "form_guidance": _table(
        "form_guidance.csv",
        {
            "ordning": Column(int, _order),
            "krav": Column(str, _text, description="our words"),
            "citat": Column(str, _text, description="verbatim"),
            "source": _source,
            "section": _section,
        },
        ("ordning",),
    ),
    "report_lists": _table(
        "report_lists.csv",
        {
            "lista": Column(str, Check.isin(["fokus_punkter", "overenskommelser", "revision_fortsatt", "lardomar",
                                             "bilagor"])),
            "grupp": Column(str, nullable=True, description="the focus area a list stands under"),
            "ordning": Column(int, _order),
            "text": Column(str, _text, description="verbatim (for lessons: the opening words)"),
            "source": _source,
            "section": _section,
        },
        ("lista", "grupp", "ordning"),
    ),
    "report_facts": _table(
        "report_facts.csv",
        {
            "key": Column(str, Check.str_matches(r"^[a-z0-9_]+$")),
            "fakta": Column(str, _text, description="our words"),
            "ar": Column("Int64", Check.in_range(1900, 2100), nullable=True, description="the year the fact names"),
            "citat": Column(str, _text, description="verbatim"),
            "source": _source,
            "section": _section,
        },
        ("key",),
    ),
    # ---- the follow-up form (seed 003)
    "form_sections": _table(
        "form_sections.csv",
        {
            "sektion": Column(str, Check.isin(FORM_SECTIONS)),
            "ordning": Column(int, Check.in_range(1, len(FORM_SECTIONS)), unique=True),
            "rubrik": Column(str, _text, description="the section heading as printed"),
            "sammanfattning": Column(str, nullable=True, description="our summary of 'Från Överenskommelsen'"),
            "citat": Column(str, nullable=True, description="short verbatim phrase from the passage"),
            "source": _source,
            "section": _section,
        },
        ("sektion",),
    ),
    "form_items": _table(
        "form_items.csv",
        {
            "item_id": Column(str, Check.isin(FORM_ITEMS)),
            "ordning": Column(int, Check.in_range(1, len(FORM_ITEMS)), unique=True),
            "sektion": Column(str, Check.isin(FORM_SECTIONS)),
            "typ": Column(str, Check.isin(["enval", "fritext"]), description="single choice or free text"),
            "fraga": Column(str, _text, description="the question as printed, without its number"),
            "kommentarsfalt": Column(str, nullable=True, description="label of the optional comment field"),
            "source": _source,
            "section": _section,
        },
        ("item_id",),
    ),
    "form_options": _table(
        "form_options.csv",
        {
            "item_id": Column(str, Check.isin(FORM_ITEMS)),
            "ordning": Column(int, _order),
            "alternativ": Column(str, _text, description="the option exactly as printed"),
            "source": _source,
            "section": _section,
        },
        ("item_id", "ordning"),
    ),
    "form_checklist": _table(
        "form_checklist.csv",
        {
            "lista": Column(str, Check.isin(["anvandning", "omrade"]),
                            description="anvandning: the 13 permitted uses; omrade: the three areas of 15a"),
            "ordning": Column(int, _order),
            "text": Column(str, _text, description="the item exactly as printed"),
            "item_id": Column(str, Check.isin(FORM_ITEMS)),
            "source": _source,
            "section": _section,
        },
        ("lista", "ordning"),
    ),
}

#: The tables every data folder has; the others are optional (checked when present) and the sections
#: that use them are left out of reports and the dashboard when they are absent.
REQUIRED: tuple[str, ...] = tuple(name for name, table in TABLES.items() if table.required)
#: Tables computed from the others by ``naravard data derive`` (never typed by hand).
DERIVED: tuple[str, ...] = ("populations_recovered",)
