"""What one municipality's report says."""

import shutil

import pytest

from naravard_lib import report
from naravard_lib.errors import UnknownMunicipality


def _plain(text) -> str:
    """``text`` with no-break spaces read as spaces (the output keeps them; the test compares words)."""
    return str(text).replace("\xa0", " ")


def test_key_figures_for_aneby():
    figures = report.key_figures("Aneby")
    assert figures["ar"] == "2024" and figures["foregaende_ar"] == "2023" and figures["flerarsperiod"] == "2019-2022"
    assert figures["nara_vard"] == 478_810
    assert figures["rang"] == 13 and figures["landsbygdskommun"] is True
    assert figures["andel_medel_pct"] == figures["andel_befolkning_pct"] == 1.85
    assert figures["forandring"] == figures["nara_vard"] - 505_708
    assert abs(figures["varav_pott"] + figures["varav_befolkningsandel"] - figures["forandring"]) <= 2
    assert figures["befolkning"] == 6846 and figures["befolkning_datum"] == "2023-11-01"
    assert figures["totalt_foregaende_ar"] == 716_880 and figures["totalt_flerarsperiod"] == 1_928_270
    assert not any(any(ch.isdigit() for ch in name) for name in figures)  # names carry no year


def test_summary_text_reads_the_numbers_the_swedish_way():
    text = _plain(report.summary_text("Jönköping"))
    assert "10 234 342 kr" in text and "39,63 %" in text and "krympte" in text
    assert "räknas inte som landsbygdskommun" in text
    assert "landsbygdskommun**" in report.summary_text("Vetlanda")


def test_overview_table_covers_every_published_cell_of_the_municipality():
    table = report.overview_table("Värnamo")
    assert len(table) == 9  # 4 columns 2019-2022, 4 in 2023, 1 in 2024
    assert _plain(table.iloc[-1]["Belopp (kr)"]) == "2 421 258" and table.iloc[-1]["Rang i länet"] == "2 av 13"


def test_initiatives_for_a_municipality():
    jonkoping = report.initiatives_for("Jönköping")
    aneby = report.initiatives_for("Aneby")
    assert "Elevhälsocentral" in set(jonkoping["Insats"])  # piloted with Jönköpings kommun
    assert "Elevhälsocentral" not in set(aneby["Insats"])
    assert "Regelboken stödjer omställningen" not in set(aneby["Insats"])  # the region's own
    assert aneby.iloc[0]["Nivå 2023"].startswith("4 –")


def test_map_values_and_rural_text():
    per_capita = report.map_values()
    assert per_capita.idxmax() == "Aneby" and per_capita.idxmin() == "Jönköping"
    assert "inte en av länets landsbygdskommuner" in report.rural_text("Habo")


def test_unknown_municipality_is_a_plain_error():
    with pytest.raises(UnknownMunicipality, match="did you mean 'Tranås'"):
        report.key_figures("Tranaas")


def test_html_table_is_deterministic_and_left_aligns_text():
    frame = report.initiatives_for("Habo")
    first = report.html_table(frame, left=("Insats",), name="insatser")
    assert first == report.html_table(frame, left=("Insats",), name="insatser")
    assert "text-align: left" in first and "Patientkontrakt" in first


def test_bar_chart_alt_text_states_the_key_fact():
    assert _plain(report.bars_alt("Aneby")) == ("Stapeldiagram: Nära vård 2024 per kommun. Aneby får 478 810 kr, minst i "
                                        "länet. Mest får Jönköping, 10 234 342 kr.")
    habo = _plain(report.bars_alt("Habo"))
    assert "Habo får 927 826 kr, plats 9 av 13 i länet" in habo and "Minst får Aneby, 478 810 kr" in habo
    assert "mest i länet" in report.bars_alt("Jönköping")


def test_map_alt_text_names_the_population_and_agrees_with_the_table():
    text = _plain(report.map_alt("Aneby"))
    assert text.startswith("Karta över Jönköpings läns 13 kommuner")
    assert "befolkningen 1 november 2022" in text and "Aneby är markerad och fick 282,20 kr per invånare" in text
    assert "mest i länet" in text and "Minst fick Jönköping, 241,70 kr" in text
    table = report.overview_table("Aneby").set_index(["Period", "Insatsområde"])
    assert table.loc[("2019-2022", "Totalt"), "Per invånare (kr)"] == "282,20"  # the map's number
    assert "1 nov 2022, samma som kartan" in report.overview_caption("Aneby")


def test_every_period_has_a_per_inhabitant_figure_and_its_population():
    overview = report.allocation_overview("Eksjö")
    assert overview["per_invanare"].notna().all()
    assert dict(zip(overview["period"], overview["befolkning_datum"])) == {
        "2019-2022": "2022-11-01", "2023": "2022-11-01", "2024": "2023-11-01"}


def test_heading_escapes_the_rubrik():
    assert report.heading_html("Aneby") == "<h1>Nära vård i Aneby</h1>"
    assert report.heading_html("Aneby", "<b>Vår</b> & er") == "<h1>&lt;b&gt;Vår&lt;/b&gt; &amp; er</h1>"


def test_html_table_caption_is_escaped():
    html = report.html_table(report.initiatives_for("Habo").head(2), name="insatser", caption="A <b> & B")
    assert "<caption>A &lt;b&gt; &amp; B</caption>" in html


def test_lan_key_figures_are_the_sum_of_the_municipalities():
    total = report.lan_key_figures()
    parts = [report.key_figures(k) for k in ("Aneby", "Eksjö", "Gislaved", "Gnosjö", "Habo", "Jönköping", "Mullsjö",
                                             "Nässjö", "Sävsjö", "Tranås", "Vaggeryd", "Vetlanda", "Värnamo")]
    assert total["nara_vard"] == sum(p["nara_vard"] for p in parts) == 25_821_973
    assert total["forandring"] == sum(p["forandring"] for p in parts)
    assert total["per_invanare"] == 69.94 and total["ar"] == "2024"


@pytest.mark.slow
def test_built_report_and_its_pdf(tmp_path):
    """One real report through the batch with ``pdf=True`` and a rubrik holding HTML."""
    import subprocess

    from bs4 import BeautifulSoup

    from naravard_lib import batch, pages
    from naravard_lib.parameters import ReportParameters

    if pages.pdf_unavailable_reason():
        pytest.skip(f"PDF engine unavailable: {pages.pdf_unavailable_reason()}")
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils (pdftotext) is not installed; `apt-get install poppler-utils`")
    rubrik = '<script>alert("x")</script> Gnosjö & <b>vi</b>'
    results = batch.build([ReportParameters("Gnosjö", "gnosjo", True, rubrik)], tmp_path, workers=1,
                          show_progress=False, pdf=True)
    assert results[0].ok, results[0].error
    page = (tmp_path / "gnosjo.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(page, features="html.parser")
    assert soup.h1.text == rubrik and not soup.find("script") and "<b>vi</b>" not in page
    assert soup.title.string == f"{rubrik} – kommunrapport"
    assert [img["alt"][:40] for img in soup.find_all("img")] == [report.bars_alt("Gnosjö")[:40],
                                                                 report.map_alt("Gnosjö")[:40]]
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "gnosjo.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "649 115 kr" in _plain(text)  # Gnosjö's Nära vård 2024, written the Swedish way
    assert rubrik in " ".join(text.split())  # the rubrik as typed, not as markup (the h1 may wrap)
    info = subprocess.run(["pdfinfo", str(tmp_path / "gnosjo.pdf")], capture_output=True, text=True).stdout
    assert "Tagged:          yes" in info and "kommunrapport" in info


def test_summary_tells_each_part_of_the_change_with_its_direction_and_they_add_up():
    habo = report.summary_text("Habo").replace("\xa0", " ")
    assert ("41 108 kr mindre: att länets pott krympte drog ner det med 52 687 kr och att kommunens "
            "befolkningsandel ökade lade till 11 579 kr.") in habo
    eksjo = report.summary_text("Eksjö").replace("\xa0", " ")  # 72 012 + 7 661 + 1 = 79 674
    assert ("79 674 kr mindre: att länets pott krympte drog ner det med 72 012 kr, att kommunens befolkningsandel "
            "minskade drog ner det med 7 661 kr och avrundningen till hela kronor drog ner det med 1 kr.") in eksjo
