"""Export (form.export) and the form's command line: documents in the form's order, the summary, bad input."""

from __future__ import annotations

from bs4 import BeautifulSoup
from typer.testing import CliRunner

from naravard_lib import form, pages
from naravard_lib.cli import app
from naravard_lib.form import Answers


def test_export_in_the_forms_order_with_evidence_at_the_end(tmp_path):
    answers = form.draft_answers("Jönköpings län")
    answers.set_comment("4", "<script>alert('x')</script> & mer")
    markdown = form.to_markdown(answers)
    positions = [markdown.index(f"**{item.label}**") for item in answers.form.items]
    assert positions == sorted(positions)
    assert markdown.index("## Underlag") > positions[-1]
    assert "data/initiatives.csv, id" in markdown.split("## Underlag")[1]
    assert "*Inte besvarad.*" in markdown
    page = form.to_html(answers)
    assert '<html lang="sv">' in page and page.count("<h1>") == 1
    assert "<script>" not in page and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; mer" in page
    written = form.export(answers, tmp_path / "ut")
    assert [p.name for p in written] == ["jonkopings-lan.md", "jonkopings-lan.html"]
    assert written[0].read_text(encoding="utf-8") == markdown


def test_the_html_page_is_the_markdown_in_the_reports_frame():
    answers = form.draft_answers("Habo (utkast)", "Habo")
    answers.set_text("3", "Första stycket <b>fet?</b>\nandra raden\n\n- ett & två\n- tre")
    soup = BeautifulSoup(form.to_html(answers), "html.parser")
    assert soup.html["lang"] == "sv" and soup.title.string == soup.h1.string
    assert soup.style.string.strip() == pages.page_css().strip()  # the reports' stylesheet, not a second one
    assert [h.get_text() for h in soup.find_all("h3")] == [item.label for item in answers.form.items]
    answer = soup.find("h3", id="fraga-3").find_next_sibling("div", class_="svar").find_all(recursive=False)
    assert [str(e) for e in answer] == ["<p>Första stycket &lt;b&gt;fet?&lt;/b&gt;<br/>\nandra raden</p>",
                                        "<ul><li>ett &amp; två</li><li>tre</li></ul>"]
    shown = " ".join(soup.main.get_text(" ").split())
    for line in form.to_markdown(answers).splitlines():  # every line of the Markdown, without its markup
        words = " ".join(line.strip("*#- ").replace("**", "").split())
        assert words.strip("*") in shown, line


def test_a_proposal_as_html_escapes_its_text():
    proposal = form.Proposal("1", "Underlagets styrka: tolkning.\n\n<i>kursiv</i>\n- a & b", (), "2019 <och> 2023",
                             choice="Ja")
    fragment = form.proposal_html(proposal)
    assert fragment.startswith("<p><b>Förslag</b> (underlaget avser 2019 &lt;och&gt; 2023)</p>\n")
    assert "<p>&lt;i&gt;kursiv&lt;/i&gt;</p>\n<ul><li>a &amp; b</li></ul>" in fragment
    assert "<p>Underlagets styrka: <b>inget underlag</b>.</p>" in form.proposal_html(None)


def test_summary_counts_every_printed_option(tmp_path):
    for name, choice in (("Habo", "Ja"), ("Eksjö", "Ja"), ("Aneby", None)):
        answers = Answers(name)
        if choice:
            answers.set_choice("1", choice)
        form.save_answers(answers, form.answers_path(name, tmp_path))
    table = form.summarize(tmp_path)
    one = table[table["fråga"] == "1"].set_index("alternativ")["antal"]
    assert one["Ja"] == 2 and one["(inte besvarad)"] == 1 and one["Nej, och inget förslag finns framtaget"] == 0
    assert len(table) == 4 * 5
    assert "| Ja | 2 |" in form.summary_markdown(tmp_path)


# --------------------------------------------------------------------------- command line

def test_cli_export_writes_documents_and_a_summary(tmp_path):
    folder = tmp_path / "svar"
    for name in ("Habo", "Eksjö"):
        answers = Answers(name)
        answers.set_choice("2", "Ja")
        form.save_answers(answers, form.answers_path(name, folder))
    result = CliRunner().invoke(app, ["form", "export", "--answers", str(folder), "--out", str(tmp_path / "ut")])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "ut").iterdir()) == [
        "eksjo.html", "eksjo.md", "habo.html", "habo.md", "sammanstallning.csv", "sammanstallning.md"]


def test_cli_export_keeps_two_files_of_the_same_report_apart(tmp_path):
    folder = tmp_path / "svar"
    form.save_answers(Answers("Habo"), folder / "habo.json")
    form.save_answers(Answers("Habo"), folder / "habo-kopia.json")
    result = CliRunner().invoke(app, ["form", "export", "--answers", str(folder), "--out", str(tmp_path / "ut")])
    assert result.exit_code == 0, result.output
    assert {"habo.md", "habo-kopia.md", "sammanstallning.md"} <= {p.name for p in (tmp_path / "ut").iterdir()}


def test_cli_export_of_the_draft(tmp_path):
    result = CliRunner().invoke(app, ["form", "export", "--draft", "--kommun", "Habo", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "Vidareutbildning" in (tmp_path / "utkast-habo.md").read_text(encoding="utf-8")


def test_cli_bad_input_is_one_line_and_writes_nothing(tmp_path):
    folder = tmp_path / "svar"
    form.save_answers(Answers("Habo"), form.answers_path("Habo", folder))
    (folder / "eksjo.json").write_text('{"format": "naravard-uppfoljning", "version": 1, "rapport": "Eksjö", '
                                       '"svar": {"4": {"val": "Ja"}}}', encoding="utf-8")
    out = tmp_path / "ut"
    result = CliRunner().invoke(app, ["form", "export", "--answers", str(folder), "--out", str(out)])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "eksjo.json" in lines[0] and "svar.4.val" in lines[0]
    assert not out.exists()
    result = CliRunner().invoke(app, ["form", "draft", "--item", "5c"])
    assert result.exit_code == 2 and "did you mean '5a'" in result.output


def test_cli_unwritable_output_folder(tmp_path):
    blocker = tmp_path / "fil"
    blocker.write_text("x", encoding="utf-8")
    result = CliRunner().invoke(app, ["form", "export", "--draft", "--out", str(blocker / "ut")])
    assert result.exit_code == 2
    assert "cannot write to this folder" in result.output and len(result.output.strip().splitlines()) == 1
