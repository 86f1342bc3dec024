"""What the build can measure about accessibility, and the statement (tillgänglighetsredogörelse) it publishes.

- :func:`page_checks`: structural checks of a published HTML page (language, title, headings, alt texts,
  table captions and scoped header cells, nothing loaded from outside).
- :func:`pdf_checks`: the PDF/UA-1 requirements read from a PDF's structure tree with pikepdf
  (identification, tags, alt texts, header cells, title shown, language, embedded fonts).
- :func:`statement_page`: ``tillganglighet.html`` in DIGG's structure, claiming only what this build measured.

Automated checks cannot find every barrier; the statement says so.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import pikepdf
from bs4 import BeautifulSoup
from markupsafe import Markup

from . import pages


@dataclass
class Check:
    """One requirement and whether a file meets it (``detail`` says what failed)."""

    requirement: str  # plain Swedish, as the statement shows it
    passed: bool
    detail: str = ""
    technical: str = ""  # what exactly was read (for the statement's technical section)


# ------------------------------------------------------------------ HTML pages

def page_checks(html_text: str) -> list[Check]:
    """Structural WCAG checks of one page, the ones a program can decide."""
    soup = BeautifulSoup(html_text, features="html.parser")
    html_tag = soup.find("html")
    headings = [int(h.name[1]) for h in soup.find_all(["h1", "h2", "h3", "h4", "h5", "h6"])]
    skips = [f"h{a}→h{b}" for a, b in zip(headings, headings[1:]) if b > a + 1]
    images = soup.find_all("img")
    tables = soup.find_all("table")
    outside = [e.get("src") or e.get("href") for e in soup.find_all(["img", "script", "link", "iframe"])
               if (e.get("src") or e.get("href") or "").startswith(("http:", "https:", "//"))]
    return [
        Check("Sidans språk är angivet som svenska", bool(html_tag and html_tag.get("lang") == "sv"),
              technical='lang="sv" på html-elementet'),
        Check("Sidan har en titel", bool(soup.title and soup.title.get_text(strip=True)), technical="title-elementet"),
        Check("Sidan har exakt en huvudrubrik", headings.count(1) == 1, f"{headings.count(1)} st", technical="ett h1"),
        Check("Rubriknivåerna hoppar inte över någon nivå", not skips, ", ".join(skips), technical="h1–h6 i följd"),
        Check("Sidan är indelad i sidhuvud, huvudinnehåll och sidfot",
              all(soup.find(t) for t in ("header", "main", "footer")), technical="landmärkena header, main, footer"),
        Check("Det finns en länk för att hoppa direkt till innehållet", bool(soup.find("a", class_="skip-link")),
              technical="a.skip-link"),
        Check("Varje bild har en textbeskrivning", all(img.get("alt", "").strip() for img in images),
              f"{sum(not img.get('alt', '').strip() for img in images)} bilder utan textbeskrivning",
              technical="alt-attribut på varje img"),
        Check("Varje tabell har en rubrik", all(t.find("caption") for t in tables), technical="caption i varje table"),
        Check("Tabellernas rubrikceller är kopplade till sina rader eller kolumner",
              all(th.get("scope") for t in tables for th in t.find_all("th")), technical="scope på varje th"),
        Check("Sidan hämtar inget från andra webbplatser och kör inga program", not outside and not soup.find("script"),
              ", ".join(outside)[:200], technical="inga externa img/script/link/iframe, inga script-element"),
    ]


# ------------------------------------------------------------------ PDF/UA

def pdf_checks(path) -> list[Check]:
    """The PDF/UA-1 requirements of a PDF, read with pikepdf (structure tree, metadata, fonts)."""
    try:
        pdf = pikepdf.open(path)
    except pikepdf.PdfError as exc:  # a damaged file is a failed check, not a failed build
        return [Check("PDF-filen kan läsas", False, " ".join(str(exc).split())[:160])]
    with pdf:
        root = pdf.Root
        counts, figures, tables = {}, [], []
        tree = root.get("/StructTreeRoot")
        if tree is not None:
            _walk(tree, counts, figures, tables)
        with pdf.open_metadata() as xmp:
            part = str(xmp.get("pdfuaid:part", ""))
            xmp_title = str(xmp.get("dc:title", "")).strip()
        mark_info = root.get("/MarkInfo", {})
        preferences = root.get("/ViewerPreferences", {})
        unembedded = sorted(_unembedded_fonts(pdf))
        pages_with_links = [n for n, page in enumerate(pdf.pages, 1) if page.get("/Annots")]
        tab_order = all(str(pdf.pages[n - 1].get("/Tabs", "")) == "/S" for n in pages_with_links)
        missing_alt = sum(not str(alt).strip() for alt in figures)
        headerless = sum(not has_th for has_th in tables)
        return [
            Check("PDF-filen anger att den följer standarden för tillgängliga PDF-filer", part == "1",
                  f"part={part!r}", technical="pdfuaid:part = 1 i XMP-metadata (PDF/UA-1)"),
            Check("PDF-filen är märkt med struktur (taggad)", bool(mark_info.get("/Marked", False)),
                  technical="MarkInfo/Marked"),
            Check("PDF-filens rubriker, stycken, tabeller och figurer är märkta",
                  tree is not None and counts.get("/H1", 0) >= 1 and counts.get("/P", 0) >= 1,
                  ", ".join(f"{k[1:]} {v}" for k, v in sorted(counts.items()) if k in ("/H1", "/H2", "/P",
                                                                                      "/Table", "/Figure")),
                  technical="StructTreeRoot med H1 och P"),
            Check("Varje figur har en textbeskrivning", missing_alt == 0,
                  f"{len(figures)} figurer, {missing_alt} utan textbeskrivning", technical="Alt på varje Figure"),
            Check("Varje tabell har rubrikceller", headerless == 0,
                  f"{len(tables)} tabeller, {headerless} utan rubrikceller", technical="TH i varje Table"),
            Check("Dokumenttiteln visas i fönstrets namnlist",
                  bool(preferences.get("/DisplayDocTitle", False)) and bool(xmp_title), xmp_title[:80],
                  technical="ViewerPreferences/DisplayDocTitle och dc:title"),
            Check("Dokumentets språk är angivet", bool(str(root.get("/Lang", "")).strip()), str(root.get("/Lang", "")),
                  technical="Lang i dokumentkatalogen"),
            Check("Alla typsnitt är inbäddade i filen", not unembedded, ", ".join(unembedded),
                  technical="FontFile i varje typsnitts FontDescriptor"),
            Check("Tangentbordet går mellan länkarna i läsordning", tab_order, technical="Tabs /S på sidor med länkar"),
        ]


def _walk(element, counts: dict, figures: list, tables: list) -> None:
    kind = str(element.get("/S", "")) if isinstance(element, pikepdf.Dictionary) else ""
    if kind:
        counts[kind] = counts.get(kind, 0) + 1
        if kind == "/Figure":
            figures.append(element.get("/Alt", ""))
        if kind == "/Table":
            found = {}
            _walk_children(element, found, [], [])
            tables.append(found.get("/TH", 0) > 0)
    _walk_children(element, counts, figures, tables)


def _walk_children(element, counts, figures, tables) -> None:
    if not isinstance(element, pikepdf.Dictionary) or "/K" not in element:
        return
    kids = element.K
    for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]):
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            _walk(kid, counts, figures, tables)


def _unembedded_fonts(pdf) -> set[str]:
    missing = set()
    for page in pdf.pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for font in fonts.values():
            for actual in [font, *font.get("/DescendantFonts", [])]:
                descriptor = actual.get("/FontDescriptor")
                if descriptor is None:
                    continue
                if not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                    missing.add(str(actual.get("/BaseFont", "?")))
    return missing


def checks_summary(checks: list[Check]) -> dict:
    """A small, picklable summary: how many requirements passed, and the ones that failed."""
    return {"passed": sum(c.passed for c in checks), "total": len(checks),
            "requirements": [c.requirement for c in checks], "technical": [c.technical for c in checks],
            "failed": [f"{c.requirement}: {c.detail}".rstrip(": ") for c in checks if not c.passed]}


# ------------------------------------------------------------------ the statement

@dataclass
class Measured:
    """What this build checked, per page type: ``{"Rapporterna (HTML)": [summary, …], …}``."""

    by_type: dict = field(default_factory=dict)
    not_measured: dict = field(default_factory=dict)  # page type -> why not


#: The publisher fills these in (``parameters/utgivare/tillganglighet.yaml``); until then the statement shows these.
PLACEHOLDERS = {"ansvarig": "[Ansvarig myndighet – fylls i av utgivaren]",
                "kontakt": "[E-postadress eller webbformulär – fylls i av utgivaren]"}

KNOWN_SHORTCOMINGS = [
    ("Diagrammen och kartan är bilder.",
     "Deras innehåll finns som textbeskrivning skriven ur datan, och talen bakom dem finns i kalkylbladet och "
     "datapaketet för varje rapport. Den som behöver läsa värdena i en tabell hittar dem där."),
    ("Kartan skiljer kommunerna åt med färgnyanser, och närliggande nyanser är svåra att skilja åt.",
     "Därför står alla värden också i textbeskrivningen och i tabellerna, och den markerade kommunen har streckning "
     "och svart kant."),
    ("Automatiska kontroller hittar inte alla brister.",
     "Programmet som skapar rapporterna kontrollerar det en dator kan avgöra (se ovan). Läsordning med "
     "skärmläsare, begriplighet och tangentbordsanvändning i sin helhet har inte granskats manuellt när "
     "rapporterna skapades."),
    ("På smala skärmar (320 pixlar breda, eller vid stor förstoring) går översiktens faktalista, rapporternas "
     "tabeller och tabellrubrikerna utanför skärmen, så att man måste rulla i sidled (WCAG 1.4.10 Anpassning "
     "till skärmstorlek).",
     "Tabellerna är breda statistiktabeller med många kolumner som inte går att bryta om utan att de blir "
     "svåra att läsa. Samma uppgifter finns i kalkylbladet och datapaketet för varje rapport."),
]


def compliance(types: list[dict], not_measured: dict, shortcomings: list) -> str:
    """``"helt"``, ``"delvis"`` or ``"inte"``: how far the site complies, as far as this build can tell.

    ``"helt"`` only when something was measured, everything measured passed, nothing was left unmeasured and no
    shortcoming is known; ``"inte"`` when nothing measured passed; otherwise ``"delvis"``.

    >>> compliance([{"passed": 10, "total": 10, "failed": []}], {}, [])
    'helt'
    >>> compliance([{"passed": 10, "total": 10, "failed": []}], {"PDF": "inga PDF-filer"}, [])
    'delvis'
    >>> compliance([{"passed": 0, "total": 10, "failed": ["x"]}], {}, [])
    'inte'
    """
    if types and not sum(t["passed"] for t in types):
        return "inte"
    if types and not not_measured and not shortcomings and all(not t["failed"] for t in types):
        return "helt"
    return "delvis"


def statement_page(measured: Measured, assessed_on: str, publisher: dict | None = None) -> str:
    """``tillganglighet.html``: DIGG's structure with this build's measured results (Swedish).

    Parameters
    ----------
    measured : what the build checked, per page type
    assessed_on : the date of the assessment (this build), e.g. ``"2026-11-25"``
    publisher : ``ansvarig`` and ``kontakt`` (placeholders when missing or empty)
    """
    who = {key: str((publisher or {}).get(key) or text) for key, text in PLACEHOLDERS.items()}
    types = []
    for kind, summaries in measured.by_type.items():
        failed = [f for s in summaries for f in s["failed"]]
        passed = sum(s["passed"] for s in summaries)
        total = sum(s["total"] for s in summaries)
        types.append({"kind": kind, "files": len(summaries), "passed": passed, "total": total,
                      "failed": list(dict.fromkeys(failed)), "requirements": summaries[0].get("requirements", []),
                      "technical": list(itertools.zip_longest(summaries[0].get("requirements", []),
                                                              summaries[0].get("technical", []), fillvalue=""))})
    met = all(not t["failed"] for t in types)
    return pages.render_page("tillganglighet.html.j2", title=f"Tillgänglighetsredogörelse – {pages.site_name()}",
                             site_name=pages.site_name(),
                             css=Markup(pages.page_css()), types=types, not_measured=measured.not_measured,
                             all_met=met, shortcomings=KNOWN_SHORTCOMINGS,
                             compliance=compliance(types, measured.not_measured, KNOWN_SHORTCOMINGS),
                             assessed_on=assessed_on,
                             pdf_measured=any("PDF" in kind for kind in measured.by_type), **who)
