"""Figures and sentences for one municipality's report (the template calls these).

Everything a report shows is computed here, so the template stays a sequence of short calls
and the batch's summary (:func:`key_figures`) uses the very same numbers. Everything comes from the
active data folder: "this year" is its latest single year, the län and its municipalities are its
``municipalities.csv``, and a section whose data the folder lacks is left out (``has_*``).
"""

from __future__ import annotations

import html

import pandas as pd

from . import allocation as al
from . import data, municipalities, periods, sources
from .formatting import format_mnkr, format_number, format_percent, format_sek, number_word, swedish_date, swedish_list
from .transition import includes, initiatives

#: The insatsområde the report's key figures are about (the workbook's subject); a year whose table has no
#: such column uses its first column instead (see :func:`headline_area`).
HEADLINE_AREA = "Nära vård"
#: The column that holds a table's stated total, when the table has one.
TOTAL_AREA = "Totalt"


# --------------------------------------------------------------------------- which periods readers see


def this_year() -> str:
    """The latest single year in the data folder: "this year" wherever readers see it (e.g. ``"2024"``)."""
    return periods.latest_year()


def default_kommun() -> str:
    """The municipality shown when none is named: the most populous one in this year's population."""
    return str(al.populations(this_year()).idxmax())


def previous_year() -> str | None:
    """The single year before :func:`this_year` (the change is measured from it), or ``None``."""
    return periods.previous_year(this_year())


def map_period() -> str | None:
    """The multi-year period the report's map shows (the latest one), or ``None`` when the folder has none."""
    multi = periods.multi_year()
    return multi[-1] if multi else None


def headline_area(period: str | None = None) -> str:
    """The insatsområde of the key figures in ``period`` (default this year): Nära vård, else the first."""
    columns = periods.columns(period or this_year())
    return HEADLINE_AREA if HEADLINE_AREA in columns else columns[0]


def period_label(period: str) -> str:
    """A period as readers see it: ``"2019–2022"`` (en dash), ``"2024"``.

    >>> period_label("2019-2022")
    '2019–2022'
    """
    return period.replace("-", "–")


def period_total(period: str) -> pd.Series:
    """Every municipality's money in ``period``: its stated Totalt column, else the sum of its columns."""
    table = data.allocation_table(period)
    if TOTAL_AREA in table.columns:
        return table[TOTAL_AREA]
    return table.sum(axis=1)


def count_phrase() -> str:
    """``"länets 13 kommuner"``: the municipalities in the data folder, counted.

    >>> count_phrase()
    'länets 13 kommuner'
    """
    return f"länets {municipalities.count()} kommuner"


# --------------------------------------------------------------------------- sources


def source_allocations() -> str:
    """The "Källa: …" line under the report's amounts: the allocation tables' documents, from ``sources.csv``."""
    cells = data.load_allocations()
    labels = [period_label(p) for p in cells["period"].unique()]
    tables = "fördelningstabellerna" if len(labels) > 1 else "fördelningstabellen"
    return sources.source_line(list(dict.fromkeys(cells["source"])), f"({tables} {swedish_list(labels)})")


def source_initiatives() -> str:
    """The "Källa: …" line under the 2019 → 2023 initiatives (their document; the levels are our coding)."""
    return sources.source_line(list(dict.fromkeys(data.load_initiatives()["source"])),
                               "; nivåerna är arbetsbokens kodning")


def report_sources() -> list[tuple[str, list[str]]]:
    """The documents this report rests on, in the order of ``sources.csv``: ``(title, what for)``."""
    uses = [(data.load_allocations(), "beloppen"),
            (data.load_municipalities(), "landsbygdskommunerna" if has_rural() else "kommunerna")]
    if has_initiatives():
        uses.append((data.load_initiatives(), "insatserna 2019 → 2023"))
    if has_strategies():
        uses.append((data.load_strategies(), "strategierna"))
    return [(sources.title(source), [what for frame, what in uses if source in set(frame["source"])])
            for source in sources.cited(*(frame for frame, _what in uses))]


def about_text() -> str:
    """The "Om rapporten" paragraph: the documents the report rests on, from the registry (Markdown)."""
    listed = "; ".join(f"*{title}* för {swedish_list(used_for)}" for title, used_for in report_sources())
    return f"Källor: {listed}. Varje siffra i arbetsbokens data anger fil och avsnitt."


# --------------------------------------------------------------------------- which sections the data allow


def has_initiatives() -> bool:
    """Whether the data folder holds the coded 2019 → 2023 initiatives (the report's section on them)."""
    return data.available("initiatives") and data.available("codebook")


def has_strategies() -> bool:
    """Whether the data folder holds the strategies of a joint plan (the report's strategy section)."""
    return data.available("strategies")


def has_follow_up() -> bool:
    """Whether the data folder holds the plan's mätområden and åtaganden (the follow-up section)."""
    return all(data.available(t) for t in ("strategies", "strategy_lists", "commitments"))


def rural_figure_key() -> str | None:
    """The published figure of the regions' money for rural primary care, latest year first, or ``None``."""
    keys = data.load_published_figures()["key"]
    found = sorted(k for k in keys if k.startswith("national.") and k.endswith(".regioner_landsbygd"))
    return found[-1] if found else None


def has_rural() -> bool:
    """Whether the landsbygd section has data: some municipality is a landsbygdskommun and the ÖK figure is there."""
    table = data.load_municipalities()
    return bool(table["landsbygdskommun"].any()) and rural_figure_key() is not None


# --------------------------------------------------------------------------- the figures


def allocation_overview(kommun: str) -> pd.DataFrame:
    """The municipality's published amounts in every table, with its share and rank in the län.

    Returns
    -------
    pandas.DataFrame
        ``period, insatsomrade, belopp, lanet, andel_av_lanet`` (percent), ``rang`` (1 = largest in the
        län), ``per_invanare`` (kronor per inhabitant) and ``befolkning_datum`` (the population it
        divides by: a single year's own; for a multi-year period, which has none, the nearest single
        year's, as on the report's map; see :func:`naravard_lib.periods.population_period`).
    """
    kommun = municipalities.lookup(kommun, "kommun")
    cells = data.load_allocations()
    rows = []
    for (period, area), group in cells.groupby(["period", "insatsomrade"], sort=False):
        amounts = group.set_index("kommun")["amount_sek"]
        key = periods.population_period(period)
        population = al.populations(key)
        rows.append(dict(
            period=period, insatsomrade=area, belopp=int(amounts[kommun]), lanet=int(amounts.sum()),
            andel_av_lanet=100 * amounts[kommun] / amounts.sum(),
            rang=int(amounts.rank(ascending=False, method="min")[kommun]),
            per_invanare=float(amounts[kommun] / population[kommun]),
            befolkning_datum=periods.population_date(key),
        ))
    return pd.DataFrame(rows)


def change_table() -> pd.DataFrame | None:
    """:func:`naravard_lib.allocation.change` from the previous year to this year, or ``None`` without one."""
    before = previous_year()
    if before is None or headline_area(before) != headline_area():
        return None
    return al.change(this_year())


def key_figures(kommun: str) -> dict:
    """The figures the index page and the summary CSV show for one municipality.

    The names carry no year: ``ar`` is this year (the latest single year), ``foregaende_ar`` the year
    the change is measured from and ``flerarsperiod`` the multi-year period; each is ``None`` when the
    folder has no such period, and so are the figures that need it.
    """
    kommun = municipalities.lookup(kommun, "kommun")
    year, before, multi = this_year(), previous_year(), map_period()
    area = headline_area(year)
    overview = allocation_overview(kommun).set_index(["period", "insatsomrade"])
    population = al.populations(year)
    table = data.load_municipalities().set_index("kommun")
    changes = change_table()
    change = changes.set_index("kommun").loc[kommun] if changes is not None else None
    this = overview.loc[(year, area)]
    return {
        "kommun": kommun,
        "slug": table.at[kommun, "slug"],
        "landsbygdskommun": bool(table.at[kommun, "landsbygdskommun"]),
        "ar": year,
        "insatsomrade": area,
        "befolkning": int(population[kommun]),
        "befolkning_datum": periods.population_date(year),
        "nara_vard": int(this["belopp"]),
        "per_invanare": round(float(this["per_invanare"]), 2),
        "andel_medel_pct": round(float(this["andel_av_lanet"]), 2),
        "andel_befolkning_pct": round(float(100 * population[kommun] / population.sum()), 2),
        "rang": int(this["rang"]),
        "foregaende_ar": before,
        "totalt_foregaende_ar": int(period_total(before)[kommun]) if before else None,
        "flerarsperiod": multi,
        "totalt_flerarsperiod": int(period_total(multi)[kommun]) if multi else None,
        "forandring": int(change["change"]) if change is not None else None,
        "varav_pott": round(float(change["pool_effect"])) if change is not None else None,
        "varav_befolkningsandel": round(float(change["share_effect"])) if change is not None else None,
    }


def lan_key_figures() -> dict:
    """The län's municipalities together, in the keys of :func:`key_figures` the index shows."""
    amounts = latest_amounts()
    changes = change_table()
    return {"ar": this_year(), "nara_vard": int(amounts.sum()),
            "per_invanare": round(float(amounts.sum() / al.populations(this_year()).sum()), 2),
            "andel_medel_pct": 100.0,
            "forandring": int(changes["change"].sum()) if changes is not None else None}


def summary_text(kommun: str) -> str:
    """A short Swedish paragraph (Markdown) that reads the key figures for a non-programmer.

    The change from the previous year is told as its parts (the pool, the population share and, where
    the rounding of each cell to the krona makes a difference, that rounding), each with its own
    direction, so that the parts add up to the change to the krona. Without a previous year there is
    no change to tell.
    """
    k = key_figures(kommun)
    text = (
        f"{k['kommun']} fick **{format_sek(k['nara_vard'])}** inom insatsområde {k['insatsomrade']} {k['ar']}, "
        f"{format_sek(k['per_invanare'], 2)} per invånare. Det är {format_percent(k['andel_medel_pct'])} "
        f"av det som fördelades till {count_phrase()} – samma som kommunens andel av befolkningen "
        f"({format_percent(k['andel_befolkning_pct'])}), eftersom fördelningen görs efter invånarantal. ")
    change = k["forandring"]
    if change is not None:
        rounding = change - k["varav_pott"] - k["varav_befolkningsandel"]
        parts = [(f"att länets pott {'växte' if k['varav_pott'] > 0 else 'krympte'}", k["varav_pott"]),
                 (f"att kommunens befolkningsandel {'ökade' if k['varav_befolkningsandel'] > 0 else 'minskade'}",
                  k["varav_befolkningsandel"]),
                 ("avrundningen till hela kronor", rounding)]
        effects = [f"{cause} {'lade till' if amount > 0 else 'drog ner det med'} {format_sek(abs(amount))}"
                   for cause, amount in parts if amount]
        text += (f"Jämfört med {k['foregaende_ar']} blev beloppet {format_sek(abs(change))} "
                 f"{'större' if change > 0 else 'mindre'}: "
                 f"{swedish_list(effects)}. ")
    if has_rural():
        text += (f"{k['kommun']} räknas i överenskommelsen som **landsbygdskommun**." if k["landsbygdskommun"]
                 else f"{k['kommun']} räknas inte som landsbygdskommun i överenskommelsen.")
    return text.rstrip()


def overview_headers() -> dict[str, str]:
    """The Swedish headings of :func:`allocation_overview`'s columns, in the report's table and its spreadsheet."""
    return {"period": "Period", "insatsomrade": "Insatsområde", "belopp": "Belopp (kr)",
            "lanet": f"Länets {municipalities.count()} kommuner (kr)", "andel_av_lanet": "Andel av länet",
            "rang": "Rang i länet", "per_invanare": "Per invånare (kr)", "befolkning_datum": "Befolkningens datum"}


def overview_table(kommun: str) -> pd.DataFrame:
    """:func:`allocation_overview` written for readers: Swedish headings and number style."""
    table = allocation_overview(kommun)
    headers = overview_headers()
    return pd.DataFrame({
        headers["period"]: table["period"],
        headers["insatsomrade"]: table["insatsomrade"],
        headers["belopp"]: table["belopp"].map(format_number),
        headers["lanet"]: table["lanet"].map(format_number),
        headers["andel_av_lanet"]: table["andel_av_lanet"].map(format_percent),
        headers["rang"]: table["rang"].astype(str) + f" av {municipalities.count()}",
        headers["per_invanare"]: table["per_invanare"].map(lambda v: format_number(v, 2)),
    })


def overview_caption(kommun: str) -> str:
    """The caption of :func:`overview_table`: what it shows and which population each period uses."""
    kommun = municipalities.lookup(kommun, "kommun")
    years = list(reversed(periods.single_years()))
    singles = swedish_list([f"{year} på befolkningen {swedish_date(periods.population_date(year), short=True)}"
                            for year in years])
    own = "de befolkningar tabellerna bygger på" if len(years) > 1 else "den befolkning tabellen bygger på"
    multi = "; ".join(f"{period_label(p)} har ingen egen befolkning och räknas på "
                      f"{swedish_date(periods.population_date(periods.population_period(p)), short=True)}"
                      for p in periods.multi_year())
    text = f"{kommun}: statsbidraget per period och insatsområde. Per invånare räknas {singles} ({own})"
    return text + (f"; {multi}, samma som kartan." if multi else ".")


def overview_intro() -> str:
    """The paragraph before the report's table of amounts (Markdown): which tables, rank, population."""
    multi, singles = periods.multi_year(), periods.single_years()
    parts = []
    if multi:
        parts.append(f"för perioden {' och '.join(period_label(p) for p in multi)}")
    if singles:
        parts.append(f"för {'åren' if len(singles) > 1 else 'året'} {swedish_list(singles)}")
    text = (f"Beloppen är de publicerade {' och '.join(parts)}. *Rang* är kommunens plats bland\n{count_phrase()} "
            "(1 = störst belopp). Per invånare räknas på den befolkning som tabellen för året bygger på")
    if multi:
        period = map_period()
        date = periods.population_date(periods.population_period(period))
        text += (f";\nperioden {period_label(period)} har ingen egen, så där används befolkningen "
                 f"{swedish_date(date)} – samma som kartan längre ned")
    return text + "."


def latest_amounts() -> pd.Series:
    """This year's amount of every municipality in the headline area (the bar chart's values)."""
    return data.allocation_table(this_year())[headline_area()]


def bars_title() -> str:
    """The bar chart's title, e.g. ``"Nära vård 2024, alla kommuner i länet"``."""
    return f"{headline_area()} {this_year()}, alla kommuner i länet"


def map_values() -> pd.Series:
    """All money of the multi-year period per inhabitant, using the nearest single year's population.

    An approximation for shading the map: the years' populations differed a little.
    """
    period = map_period()
    return al.per_capita(period_total(period), al.populations(periods.population_period(period)))


def map_title() -> str:
    """The map's title, e.g. ``"2019–2022 per invånare (befolkning 1 nov 2022)"``."""
    period = map_period()
    return (f"{period_label(period)} per invånare (befolkning "
            f"{swedish_date(periods.population_date(periods.population_period(period)), short=True)})")


def map_intro() -> str:
    """The paragraph before the report's map (Markdown): what it shows and why it differs by municipality."""
    period = map_period()
    population = periods.population_period(period)
    text = (f"Kartan visar hela perioden {period_label(period)} per invånare, räknat på befolkningen "
            f"{swedish_date(periods.population_date(population))} (den som {population} års\ntabell bygger på; "
            f"perioden har ingen egen). Det är samma tal som raden *{period} {TOTAL_AREA}* i tabellen ovan.")
    if "Vidareutbildning" in periods.columns(period):
        text += (" Under\nde åren gick *vidareutbildning av sjuksköterskor* ut i hela poster om 400 000 kr, vilket "
                 "ger mindre kommuner mer\nper invånare.")
    later = [year for year in periods.single_years() if year > period]
    if later:
        text += f" {swedish_list(later)} fick alla kommuner i stort sett samma belopp per invånare."
    return text + " Den markerade kommunen är\nstreckad och har en svart kant."


def rural_text(kommun: str) -> str:
    """What the agreement says about rural areas, and whether it concerns this municipality."""
    kommun = municipalities.lookup(kommun, "kommun")
    table = data.load_municipalities().set_index("kommun")
    rural = sorted(table.index[table["landsbygdskommun"]])
    key = rural_figure_key()
    status = (f"**{kommun} är en av länets {number_word(len(rural))} landsbygdskommuner**" if kommun in rural
              else f"**{kommun} är inte en av länets landsbygdskommuner**")
    return (
        f"{status} ({', '.join(rural)}). I ÖK {key.split('.')[1]} går {format_mnkr(data.figure(key), 0)} till "
        "regionerna för primärvård på landsbygd; pengarna går alltså inte direkt till kommunerna, men "
        "överenskommelsen säger att regionerna bör samverka med relevanta kommuner i länet i den delen. "
        "Att utveckla primärvården på landsbygd är ett av de fem områden som medlen får användas till."
    )


def report_intro() -> str:
    """The report's lead paragraph (Markdown, in italics), naming the län and counting its municipalities."""
    return (f"*En rapport ur arbetsboken om omställningen till Nära vård i {municipalities.lan_name()}s "
            f"{municipalities.count()} kommuner. Alla belopp kommer\nfrån de publicerade fördelningstabellerna; "
            "befolkningen är den som tabellerna själva bygger på.*")


def initiatives_intro() -> str:
    """The paragraph before the initiatives (Markdown)."""
    return ("Delrapporten om förflyttningen 2019–2023 beskriver insatser i hela länet. Här visas de som enligt "
            f"källan gäller\nalla {municipalities.count()} kommuner eller hela länet (och de som nämner kommunen vid "
            "namn), med vår kodning av hur långt de kommit\n(0 = fanns inte, 4 = infört i hela systemet).")


def initiatives_for(kommun: str) -> pd.DataFrame:
    """Shared initiatives whose 2023 reach includes ``kommun``: all the län's municipalities, the whole län, or named.

    Initiatives of the region alone, or in "some" municipalities not named, are left out: the
    seed does not say whether this municipality takes part.
    """
    kommun = municipalities.lookup(kommun, "kommun")
    table = initiatives(distinct=True)
    chosen = table[includes(table, kommun)]
    labels = data.load_codebook().set_index("niva")["etikett"]
    chosen = chosen.sort_values(["niva_2023", "id"], ascending=[False, True])
    return pd.DataFrame({
        "Insats": chosen["namn"],
        "Läge 2023": chosen["lage_2023"],
        "Nivå 2019": chosen["niva_2019"].map(lambda n: f"{n} – {labels[n]}"),
        "Nivå 2023": chosen["niva_2023"].map(lambda n: f"{n} – {labels[n]}"),
    }).reset_index(drop=True)


def html_table(frame: pd.DataFrame, left: tuple[str, ...] = (), name: str = "tabell", caption: str = "") -> str:
    """A report table as HTML: :class:`naravard_lib.plots.TableOutput`, the one table renderer.

    >>> "&lt;b&gt;" in html_table(pd.DataFrame({"<b>": ["<b>"]}))
    True
    """
    from .plots import TableOutput  # plots imports matplotlib (1-2 s): the build's processes, which import
    # this module for the key figures and render no table, do not pay for it
    return TableOutput(frame, caption, left, name).html


def _rank_phrase(rank: int, count: int | None = None) -> str:
    count = municipalities.count() if count is None else count
    if rank == 1:
        return "mest i länet"
    if rank == count:
        return "minst i länet"
    return f"plats {rank} av {count} i länet"


def bars_alt(kommun: str) -> str:
    """Alt text for the report's bar chart of this year's amounts, written from the data (Swedish).

    >>> bars_alt("Aneby").replace("\\xa0", " ")  # doctest: +ELLIPSIS
    'Stapeldiagram: Nära vård 2024 per kommun. Aneby får 478 810 kr, minst i länet. ...'
    """
    kommun = municipalities.lookup(kommun, "kommun")
    values = latest_amounts()
    rank = int(values.rank(ascending=False, method="min")[kommun])
    text = (f"Stapeldiagram: {headline_area()} {this_year()} per kommun. {kommun} får {format_sek(values[kommun])}, "
            f"{_rank_phrase(rank)}.")
    return text + _extremes(values, kommun, "får", format_sek)


def _extremes(values: pd.Series, kommun: str, verb: str, fmt) -> str:
    """The " Mest … Minst …" end of an alt text, leaving out ``kommun`` (already named)."""
    top, bottom = values.idxmax(), values.idxmin()
    text = f" Mest {verb} {top}, {fmt(values[top])}." if kommun != top else ""
    return text + (f" Minst {verb} {bottom}, {fmt(values[bottom])}." if kommun != bottom else "")


def map_alt(kommun: str) -> str:
    """Alt text for the report's map of the multi-year period per inhabitant, written from the data (Swedish)."""
    kommun = municipalities.lookup(kommun, "kommun")
    values = map_values()
    rank = int(values.rank(ascending=False, method="min")[kommun])
    period = map_period()
    date = periods.population_date(periods.population_period(period))
    text = (f"Karta över {municipalities.lan_name()}s {municipalities.count()} kommuner, färgade efter statsbidraget "
            f"{period_label(period)} per invånare (befolkningen {swedish_date(date)}). {kommun} är markerad och fick "
            f"{format_sek(values[kommun], 2)} per invånare, {_rank_phrase(rank)}.")
    return text + _extremes(values, kommun, "fick", lambda v: format_sek(v, 2))


def heading_html(kommun: str, rubrik: str = "") -> str:
    """The report's heading as HTML: ``rubrik`` (escaped, so it shows as typed) or "Nära vård i <kommun>"."""
    kommun = municipalities.lookup(kommun, "kommun")
    return f"<h1>{html.escape(rubrik.strip() or f'Nära vård i {kommun}')}</h1>"
