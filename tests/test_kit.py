"""The trainer's kit as a trainer opens it: the decks read back with python-pptx, the handouts with pdftotext.

The kit is built once for the module (about 15 s: two decks, three handouts, one report), for Habo.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import zipfile

import pikepdf
import pytest
from pptx import Presentation
from typer.testing import CliRunner

from naravard_lib import deck, guide, handouts, report
from naravard_lib.cli import app
from naravard_lib.exercises import EXERCISES
from naravard_lib.kit import MARKER, README_NAME, Kit
from naravard_lib.pages import pdf_unavailable_reason

PDF = pdf_unavailable_reason() is None and shutil.which("pdftotext") is not None
needs_pdf = pytest.mark.skipif(not PDF, reason=f"PDFs cannot be made or read here: {pdf_unavailable_reason()}")


def text_of(path) -> str:
    """A PDF's text, spaces normalised (the number formatter may use non-breaking spaces)."""
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(out.replace("\xa0", " ").replace("\u202f", " ").split())


def slide_text(slide) -> str:
    return " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame).replace("\xa0", " ")


@pytest.fixture(scope="module")
def kit(tmp_path_factory):
    root = tmp_path_factory.mktemp("kit")
    result = CliRunner().invoke(app, ["kit", "--kommun", "habo", "--out", str(root / "kit")])
    assert result.exit_code == 0, result.output
    return Kit(root / "kit", root / "kit.zip", [])  # paths only; the files are on disk


def test_the_kit_holds_decks_handouts_notebooks_report_readme_and_a_zip(kit):
    files = sorted(p.relative_to(kit.folder).as_posix() for p in kit.folder.rglob("*") if p.is_file())
    for name in ("bildspel-90-minuter-habo.pptx", "bildspel-halvdag-habo.pptx", "deltagare/01_ovningar.ipynb",
                 "rapport/habo.html", "utskrifter/ovningar.html", "utskrifter/ovningar-facit.html",
                 "utskrifter/faktablad-habo.html", README_NAME):
        assert name in files
    if PDF:
        assert {"rapport/habo.pdf", "utskrifter/ovningar.pdf", "utskrifter/faktablad-habo.pdf"} <= set(files)
    assert not any(part.startswith(".") for f in files if f != MARKER for part in f.split("/"))
    with zipfile.ZipFile(kit.zip_path) as archive:
        assert sorted(archive.namelist()) == sorted(f"kit/{f}" for f in files if f != MARKER)
        assert archive.testzip() is None
    readme = (kit.folder / README_NAME).read_text(encoding="utf-8")
    assert "make dashboard IP=0.0.0.0 PORT=8866" in readme and "Habo" in readme
    assert all(f"`{f}`" in readme for f in files if f != MARKER)


@pytest.mark.parametrize("slug", list(guide.session_plans()))
def test_deck_has_a_slide_per_step_with_notes_pictures_alt_texts_and_habo(kit, slug):
    plan = guide.session_plans()[slug]
    presentation = Presentation(str(kit.folder / f"bildspel-{slug}-habo.pptx"))
    slides = list(presentation.slides)
    assert len(slides) == len(plan.steps) + 3  # title, the plan, one per step, sources
    assert slide_text(slides[0]).count("Habo") == 1
    talk = guide.talking_points()
    pictures = 0
    for step, slide in zip(plan.steps, slides[2:]):
        assert slide.shapes.title.text == deck.step_title(step)
        notes = slide.notes_slide.notes_text_frame.text
        assert notes.startswith(f"Tid: {step.time}")
        for name in step.notebooks:
            assert guide.plain(talk[name]["ask"]) in notes and guide.plain(talk[name]["watch"]) in notes
        shown = [s for s in slide.shapes if s.shape_type == 13]  # MSO_SHAPE_TYPE.PICTURE
        assert len(shown) == (1 if step.picture else 0)
        for picture in shown:
            pictures += 1
            alt = picture._element.nvPicPr.cNvPr.get("descr")
            assert len(alt) > 40 and "Källa:" in slide_text(slide)
            assert picture.left + picture.width <= presentation.slide_width
            assert picture.top + picture.height <= presentation.slide_height
        if step.picture in ("stapel-2024", "karta", "lika-bas"):  # Habo's own figures beside the picture
            text = slide_text(slide)
            assert "Nära vård 2024: 927 826 kr" in text and "Plats 9 av 13" in text
            assert "Habo" in shown[0]._element.nvPicPr.cNvPr.get("descr")
        if step.picture == "stapel-2024":
            assert "Habo får 927 826 kr" in shown[0]._element.nvPicPr.cNvPr.get("descr").replace("\xa0", " ")
    assert pictures == sum(1 for s in plan.steps if s.picture) >= 5
    assert slides[-1].shapes.title.text == "Källor" and report.source_allocations() in slide_text(slides[-1])
    with zipfile.ZipFile(kit.folder / f"bildspel-{slug}-habo.pptx") as archive:  # same deck, same bytes
        assert {entry.date_time for entry in archive.infolist()} == {(2024, 1, 1, 0, 0, 0)}


def test_every_picture_the_guide_names_exists_and_every_step_notebook_has_goals_and_talking_points():
    goals, talk = guide.learning_goals(), guide.talking_points()
    assert set(goals) == set(talk)
    for plan in guide.session_plans().values():
        for step in plan.steps:
            assert step.picture in deck.VISUALS or step.picture == ""
            assert set(step.notebooks) <= set(goals)


@needs_pdf
def test_participant_handout_asks_every_exercise_without_answers_and_the_key_has_them(kit):
    items, _ = handouts.exercise_items()
    assert [i.title[:2] for i in items] == [f"{n}." for n in range(1, len(EXERCISES) + 1)]
    sheet = text_of(kit.folder / "utskrifter" / "ovningar.pdf")
    key = text_of(kit.folder / "utskrifter" / "ovningar-facit.pdf")
    squeezed = lambda text: "".join(text.split())  # noqa: E731 - a line may break after a dash
    for item in items:
        assert squeezed(item.question) in squeezed(sheet) and squeezed(item.question) in squeezed(key)
    assert sheet.count("Ditt svar:") == len(items)
    for answer in ("69,94", "1 689", "780 309"):
        assert answer not in sheet and f"Svar: {answer}" in key
    assert len(EXERCISES) == len(items)


@needs_pdf
def test_fact_sheet_is_one_page_with_habos_key_figures_and_share(kit):
    path = kit.folder / "utskrifter" / "faktablad-habo.pdf"
    text = text_of(path)
    assert "Habo – Nära vård i siffror" in text
    assert "927 826 kr" in text and "69,94 kr" in text and "3,59 %" in text and "9 av 13" in text
    assert "Källa:" in text
    with pikepdf.open(path) as pdf:
        assert len(pdf.pages) == 1
        assert "/StructTreeRoot" in pdf.Root and pdf.Root.MarkInfo.Marked  # tagged, as the reports
        assert str(pdf.Root.Lang) == "sv"


def test_a_misspelled_municipality_is_one_line_and_writes_nothing(tmp_path):
    result = CliRunner().invoke(app, ["kit", "--kommun", "Habbo", "--out", str(tmp_path / "kit")])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        result.output.strip().splitlines()[0]] and "did you mean 'Habo'?" in result.output
    assert list(tmp_path.iterdir()) == []


def test_a_folder_with_other_files_is_not_replaced(tmp_path):
    (tmp_path / "kit").mkdir()
    mine = tmp_path / "kit" / "mina-anteckningar.txt"
    mine.write_text("viktigt", encoding="utf-8")
    result = CliRunner().invoke(app, ["kit", "--kommun", "Habo", "--out", str(tmp_path / "kit")])
    assert result.exit_code == 2 and "was not made by `naravard kit`" in result.output
    assert mine.read_text(encoding="utf-8") == "viktigt" and sorted(tmp_path.iterdir()) == [tmp_path / "kit"]


@pytest.mark.skipif(not shutil.which("soffice") or not shutil.which("pdfinfo"),
                    reason="LibreOffice (soffice) or poppler-utils is not installed")
def test_libreoffice_opens_the_deck_with_every_slide(kit, tmp_path):
    deck_path = kit.folder / "bildspel-90-minuter-habo.pptx"
    profile = (tmp_path / "profile").as_uri()  # a profile of its own: runs beside another soffice
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(deck_path)], capture_output=True, check=True, timeout=120)
    info = subprocess.run(["pdfinfo", str(tmp_path / "bildspel-90-minuter-habo.pdf")], capture_output=True,
                          text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages == len(Presentation(str(deck_path)).slides)
    text = text_of(tmp_path / "bildspel-90-minuter-habo.pdf")
    assert "Passets upplägg (90 minuter)" in text and "Nära vård 2024: 927 826 kr" in text


def test_the_trainer_guide_points_to_the_kit_and_the_slideshow():
    text = guide.GUIDE.read_text(encoding="utf-8")
    assert "make kit KOMMUN=" in text and "Alt + R" in text and "## Utbildarens kit" in text


def test_every_link_in_the_kit_resolves_to_a_file_in_the_kit(kit):
    from html.parser import HTMLParser
    from urllib.parse import unquote, urlsplit

    class Links(HTMLParser):
        def __init__(self):
            super().__init__()
            self.hrefs = []

        def handle_starttag(self, tag, attrs):
            self.hrefs += [value for name, value in attrs if name in ("href", "src") and value is not None]

    pages = sorted(kit.folder.rglob("*.html"))
    assert {"rapport/habo.html", "rapport/index.html", "utskrifter/ovningar.html"} <= {
        p.relative_to(kit.folder).as_posix() for p in pages}
    checked, dead = 0, []
    for page in pages:
        parser = Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for href in parser.hrefs:
            parts = urlsplit(href)
            if href.startswith("data:") or (not parts.path and not parts.scheme and not parts.netloc):
                continue  # an embedded picture, or a #fragment of the same page
            assert not parts.scheme and not parts.netloc, f"{page.name}: external link {href}"
            target = (page.parent / unquote(parts.path)).resolve()
            checked += 1
            if not (target.is_file() and target.is_relative_to(kit.folder.resolve())):
                dead.append(f"{page.relative_to(kit.folder)} -> {href}")
    assert dead == [] and checked >= 10
    sums = (kit.folder / "rapport" / "SHA256SUMS").read_text(encoding="utf-8")  # the folder verifies as published
    for line in sums.splitlines():
        digest, name = line.split("  ")
        assert hashlib.sha256((kit.folder / "rapport" / name).read_bytes()).hexdigest() == digest


def _kit_cli(out, *more):
    return CliRunner().invoke(app, ["kit", "--kommun", "Habo", "--out", str(out), *more])


@pytest.fixture
def quick_rebuild(kit, monkeypatch):
    """Re-runs without PDFs and with the module kit's report copied in (the batch is tested elsewhere)."""
    from naravard_lib import kit as kit_module
    from naravard_lib import pages

    monkeypatch.setattr(pages, "pdf_unavailable_reason", lambda: "skipped in this test")
    monkeypatch.setattr(kit_module, "_report", lambda kommun, staging, pdf: shutil.copytree(
        kit.folder / "rapport", staging / "rapport"))


def test_a_rerun_refuses_an_edited_file_and_force_replaces_it(kit, tmp_path, monkeypatch, quick_rebuild):
    from naravard_lib import kit as kit_module

    shutil.copytree(kit.folder, tmp_path / "kit")  # the module's kit, as an earlier build left it
    recorded = dict(reversed(line.split("  ")) for line in (tmp_path / "kit" / MARKER).read_text().splitlines())
    deck_name = "bildspel-90-minuter-habo.pptx"
    assert recorded[deck_name] == hashlib.sha256((tmp_path / "kit" / deck_name).read_bytes()).hexdigest()
    assert set(recorded) == {p.relative_to(tmp_path / "kit").as_posix() for p in (tmp_path / "kit").rglob("*")
                             if p.is_file() and p.name != MARKER}
    edited = tmp_path / "kit" / deck_name
    edited.write_bytes(edited.read_bytes() + b"\0")  # the trainer's edit
    before = {p: p.read_bytes() for p in (tmp_path / "kit").rglob("*") if p.is_file()}
    calls = []
    with monkeypatch.context() as patch:
        patch.setattr(kit_module, "write_decks", lambda *args: calls.append(args))  # must not be reached
        result = _kit_cli(tmp_path / "kit")
    assert result.exit_code == 2 and calls == []
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and deck_name in lines[0] and "--force" in lines[0] and "elsewhere" in lines[0]
    assert {p: p.read_bytes() for p in (tmp_path / "kit").rglob("*") if p.is_file()} == before  # nothing changed
    assert sorted(tmp_path.iterdir()) == [tmp_path / "kit"]  # no zip, no staging left behind

    result = _kit_cli(tmp_path / "kit", "--force")
    assert result.exit_code == 0, result.output
    assert edited.read_bytes() == (kit.folder / deck_name).read_bytes()  # replaced by the generated deck


def test_an_untouched_earlier_kit_is_replaced(kit, tmp_path, quick_rebuild):
    shutil.copytree(kit.folder, tmp_path / "kit")
    (tmp_path / "kit" / "utskrifter" / "ovningar.html").unlink()  # a file the trainer removed is no edit
    result = _kit_cli(tmp_path / "kit")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "kit" / "utskrifter" / "ovningar.html").read_bytes() == (
        kit.folder / "utskrifter" / "ovningar.html").read_bytes()
    assert (tmp_path / "kit.zip").is_file()
    assert not (tmp_path / "kit" / "utskrifter" / "ovningar.pdf").exists()  # this run's files, no earlier ones
