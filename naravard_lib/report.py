"""Figures and sentences for one municipality's report (the template calls these).

Everything a report shows is computed here, so the template stays a sequence of short calls
and the batch's summary (:func:`key_figures`) uses the very same numbers.
"""

from __future__ import annotations

import html

import pandas as pd

from . import allocation as al
from . import data, municipalities
from .formatting import format_mnkr, format_number, format_percent, format_sek
from .schemas import SEED_TITLES

#: The population table the 2019-2022 figures are divided by (that period has none of its own):
#: the 2023 table's, 1 Nov 2022, the nearest known. The report's map and table both use it.
MAP_POPULATION_PERIOD = "2023"

#: Source lines printed under the report's figures and tables (seed document and section).
SOURCE_ALLOCATIONS = (f"Källa: {SEED_TITLES['000_b4d30c94750151c6.txt']} "
                      "(fördelningstabellerna 2019–2022, 2023 och 2024).")
SOURCE_INITIATIVES = f"Källa: {SEED_TITLES['004_22804defa31be928.txt']}; nivåerna är arbetsbokens kodning."


def _check(kommun: str) -> str:
    return municipalities.lookup(kommun, "kommun")


def allocation_overview(kommun: str) -> pd.DataFrame:
    """The municipality's published amounts in every table, with its share and rank in the län.

    Returns
    -------
    pandas.DataFrame
        ``period, insatsomrade, belopp, lanet, andel_av_lanet`` (percent), ``rang`` (1 = largest
        of 13), ``per_invanare`` (kronor per inhabitant) and ``befolkning_datum`` (the population it
        divides by: the table's own for 2023 and 2024; for 2019-2022, which has none, the nearest
        known one, 1 Nov 2022, as on the report's map).
    """
    kommun = _check(kommun)
    cells = data.load_allocations()
    rows = []
    for (period, area), group in cells.groupby(["period", "insatsomrade"], sort=False):
        amounts = group.set_index("kommun")["amount_sek"]
        key = period if period in al.POPULATION_DATES else MAP_POPULATION_PERIOD
        population = al.populations(key)
        rows.append(dict(
            period=period, insatsomrade=area, belopp=int(amounts[kommun]), lanet=int(amounts.sum()),
            andel_av_lanet=100 * amounts[kommun] / amounts.sum(),
            rang=int(amounts.rank(ascending=False, method="min")[kommun]),
            per_invanare=float(amounts[kommun] / population[kommun]),
            befolkning_datum=al.POPULATION_DATES[key],
        ))
    return pd.DataFrame(rows)


def key_figures(kommun: str) -> dict:
    """The figures the index page and the summary CSV show for one municipality."""
    kommun = _check(kommun)
    overview = allocation_overview(kommun).set_index(["period", "insatsomrade"])
    change = al.change_2023_2024().set_index("kommun").loc[kommun]
    population = al.populations("2024")
    municipalities = data.load_municipalities().set_index("kommun")
    share_money = overview.loc[("2024", "Nära vård"), "andel_av_lanet"]
    return {
        "kommun": kommun,
        "slug": municipalities.at[kommun, "slug"],
        "landsbygdskommun": bool(municipalities.at[kommun, "landsbygdskommun"]),
        "befolkning_2023_11_01": int(population[kommun]),
        "nara_vard_2024": int(overview.loc[("2024", "Nära vård"), "belopp"]),
        "per_invanare_2024": round(float(overview.loc[("2024", "Nära vård"), "per_invanare"]), 2),
        "andel_medel_2024_pct": round(float(share_money), 2),
        "andel_befolkning_2024_pct": round(float(100 * population[kommun] / population.sum()), 2),
        "rang_2024": int(overview.loc[("2024", "Nära vård"), "rang"]),
        "totalt_2023": int(overview.loc[("2023", "Totalt"), "belopp"]),
        "totalt_2019_2022": int(overview.loc[("2019-2022", "Totalt"), "belopp"]),
        "forandring_2023_2024": int(change["change"]),
        "varav_pott": round(float(change["pool_effect"])),
        "varav_befolkningsandel": round(float(change["share_effect"])),
    }


def lan_key_figures() -> dict:
    """The län's 13 municipalities together, in the keys of :func:`key_figures` the index shows."""
    amounts = allocation_overview_2024()
    change = al.change_2023_2024()["change"]
    return {"nara_vard_2024": int(amounts.sum()),
            "per_invanare_2024": round(float(amounts.sum() / al.populations("2024").sum()), 2),
            "andel_medel_2024_pct": 100.0, "forandring_2023_2024": int(change.sum())}


def summary_text(kommun: str) -> str:
    """A short Swedish paragraph (Markdown) that reads the key figures for a non-programmer.

    The change from 2023 is told as its parts (the pool, the population share and, where the
    rounding of each cell to the krona makes a difference, that rounding), each with its own
    direction, so that the parts add up to the change to the krona.
    """
    k = key_figures(kommun)
    rural = ("räknas i överenskommelsen som **landsbygdskommun**" if k["landsbygdskommun"]
             else "räknas inte som landsbygdskommun i överenskommelsen")
    change = k["forandring_2023_2024"]
    rounding = change - k["varav_pott"] - k["varav_befolkningsandel"]
    parts = [(f"att länets pott {'växte' if k['varav_pott'] > 0 else 'krympte'}", k["varav_pott"]),
             (f"att kommunens befolkningsandel {'ökade' if k['varav_befolkningsandel'] > 0 else 'minskade'}",
              k["varav_befolkningsandel"]),
             ("avrundningen till hela kronor", rounding)]
    effects = [f"{cause} {'lade till' if amount > 0 else 'drog ner det med'} {format_sek(abs(amount))}"
               for cause, amount in parts if amount]
    return (
        f"{k['kommun']} fick **{format_sek(k['nara_vard_2024'])}** inom insatsområde Nära vård 2024, "
        f"{format_sek(k['per_invanare_2024'], 2)} per invånare. Det är {format_percent(k['andel_medel_2024_pct'])} "
        f"av det som fördelades till länets 13 kommuner – samma som kommunens andel av befolkningen "
        f"({format_percent(k['andel_befolkning_2024_pct'])}), eftersom fördelningen görs efter invånarantal. "
        f"Jämfört med 2023 blev beloppet {format_sek(abs(change))} {'större' if change > 0 else 'mindre'}: "
        f"{', '.join(effects[:-1]) + ' och ' + effects[-1] if len(effects) > 1 else ''.join(effects)}. "
        f"{k['kommun']} {rural}."
    )


#: The Swedish headings of :func:`allocation_overview`'s columns, in the report's table and its spreadsheet.
OVERVIEW_HEADERS = {"period": "Period", "insatsomrade": "Insatsområde", "belopp": "Belopp (kr)",
                    "lanet": "Länets 13 kommuner (kr)", "andel_av_lanet": "Andel av länet",
                    "rang": "Rang i länet", "per_invanare": "Per invånare (kr)",
                    "befolkning_datum": "Befolkningens datum"}


def overview_table(kommun: str) -> pd.DataFrame:
    """:func:`allocation_overview` written for readers: Swedish headings and number style."""
    table = allocation_overview(kommun)
    return pd.DataFrame({
        OVERVIEW_HEADERS["period"]: table["period"],
        OVERVIEW_HEADERS["insatsomrade"]: table["insatsomrade"],
        OVERVIEW_HEADERS["belopp"]: table["belopp"].map(format_number),
        OVERVIEW_HEADERS["lanet"]: table["lanet"].map(format_number),
        OVERVIEW_HEADERS["andel_av_lanet"]: table["andel_av_lanet"].map(format_percent),
        OVERVIEW_HEADERS["rang"]: table["rang"].astype(str) + " av 13",
        OVERVIEW_HEADERS["per_invanare"]: table["per_invanare"].map(lambda v: format_number(v, 2)),
    })


def overview_caption(kommun: str) -> str:
    """The caption of :func:`overview_table`: what it shows and which population each period uses."""
    kommun = _check(kommun)
    return (f"{kommun}: statsbidraget per period och insatsområde. Per invånare räknas 2024 på befolkningen "
            "1 nov 2023 och 2023 på befolkningen 1 nov 2022 (de befolkningar tabellerna bygger på); "
            "2019–2022 har ingen egen befolkning och räknas på 1 nov 2022, samma som kartan.")


def allocation_overview_2024() -> pd.Series:
    """The 2024 Nära vård amount of every municipality (for the bar chart)."""
    return data.allocation_table("2024")["Nära vård"]


def per_capita_2019_2022() -> pd.Series:
    """All 2019-2022 money per inhabitant, using the population of 1 Nov 2022 (the nearest known).

    An approximation for shading the map: the four years' populations differed a little.
    """
    return al.per_capita(data.allocation_table("2019-2022")["Totalt"], al.populations(MAP_POPULATION_PERIOD))


def rural_text(kommun: str) -> str:
    """What the agreement says about rural areas, and whether it concerns this municipality."""
    kommun = _check(kommun)
    table = data.load_municipalities().set_index("kommun")
    rural = sorted(table.index[table["landsbygdskommun"]])
    region_part = data.figure("national.2024.regioner_landsbygd")
    status = (f"**{kommun} är en av länets sex landsbygdskommuner**" if kommun in rural
              else f"**{kommun} är inte en av länets landsbygdskommuner**")
    return (
        f"{status} ({', '.join(rural)}). I ÖK 2024 går {format_mnkr(region_part, 0)} till "
        "regionerna för primärvård på landsbygd; pengarna går alltså inte direkt till kommunerna, men "
        "överenskommelsen säger att regionerna bör samverka med relevanta kommuner i länet i den delen. "
        "Att utveckla primärvården på landsbygd är ett av de fem områden som medlen får användas till."
    )


def initiatives_for(kommun: str) -> pd.DataFrame:
    """Shared initiatives whose 2023 reach includes ``kommun``: all 13, the whole län, or named.

    Initiatives of the region alone, or in "some" municipalities not named, are left out: the
    seed does not say whether this municipality takes part.
    """
    from .transition import includes, initiatives

    kommun = _check(kommun)
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
    """A table as HTML with the ``left`` columns left-aligned (text reads better so).

    A fixed ``name`` replaces pandas' random table id, so the same table gives the same HTML.
    ``caption`` (plain text, escaped here) says what the table shows; published pages need one.
    Every text cell and heading is HTML-escaped here (pandas' Styler does not escape by default),
    so text from the data shows as written: ``"<vecka 2 & andel>50 %"`` stays visible.

    >>> "&lt;b&gt;" in html_table(pd.DataFrame({"<b>": ["<b>"]}))
    True
    """
    text = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
    styler = (frame.style.set_uuid(name).hide(axis="index").format(escape="html", subset=text)
              .format_index(escape="html", axis=1))
    if caption:
        styler = styler.set_caption(html.escape(caption))
    if left:
        styler = styler.set_properties(subset=list(left), **{"text-align": "left"})
        styler = styler.set_table_styles([{"selector": f"th.col{frame.columns.get_loc(c)}",
                                           "props": [("text-align", "left")]} for c in left])
    return styler.to_html()


def _rank_phrase(rank: int, count: int = 13) -> str:
    if rank == 1:
        return "mest i länet"
    if rank == count:
        return "minst i länet"
    return f"plats {rank} av {count} i länet"


def bars_alt(kommun: str) -> str:
    """Alt text for the report's bar chart of Nära vård 2024, written from the data (Swedish).

    >>> bars_alt("Aneby").replace("\\xa0", " ")  # doctest: +ELLIPSIS
    'Stapeldiagram: Nära vård 2024 per kommun. Aneby får 478 810 kr, minst i länet. ...'
    """
    kommun = _check(kommun)
    values = allocation_overview_2024()
    rank = int(values.rank(ascending=False, method="min")[kommun])
    text = (f"Stapeldiagram: Nära vård 2024 per kommun. {kommun} får {format_sek(values[kommun])}, "
            f"{_rank_phrase(rank)}.")
    return text + _extremes(values, kommun, "får", format_sek)


def _extremes(values: pd.Series, kommun: str, verb: str, fmt) -> str:
    """The " Mest … Minst …" end of an alt text, leaving out ``kommun`` (already named)."""
    top, bottom = values.idxmax(), values.idxmin()
    text = f" Mest {verb} {top}, {fmt(values[top])}." if kommun != top else ""
    return text + (f" Minst {verb} {bottom}, {fmt(values[bottom])}." if kommun != bottom else "")


def map_alt(kommun: str) -> str:
    """Alt text for the report's map of 2019-2022 per inhabitant, written from the data (Swedish)."""
    kommun = _check(kommun)
    values = per_capita_2019_2022()
    rank = int(values.rank(ascending=False, method="min")[kommun])
    date = al.POPULATION_DATES[MAP_POPULATION_PERIOD]
    text = (f"Karta över Jönköpings läns 13 kommuner, färgade efter statsbidraget 2019–2022 per invånare "
            f"(befolkningen {_swedish_date(date)}). {kommun} är markerad och fick "
            f"{format_sek(values[kommun], 2)} per invånare, {_rank_phrase(rank)}.")
    return text + _extremes(values, kommun, "fick", lambda v: format_sek(v, 2))


_MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
           "november", "december")


def _swedish_date(iso: str) -> str:
    year, month, day = (int(part) for part in iso.split("-"))
    return f"{day} {_MONTHS[month - 1]} {year}"


def heading_html(kommun: str, rubrik: str = "") -> str:
    """The report's heading as HTML: ``rubrik`` (escaped, so it shows as typed) or "Nära vård i <kommun>"."""
    kommun = _check(kommun)
    return f"<h1>{html.escape(rubrik.strip() or f'Nära vård i {kommun}')}</h1>"
