"""Faults of the second wave (issue 23) at the door: values, data files, hostile text, the form's files.

Most checks run in this process (fast); one or two per kind run the real command line on a copy of
the inputs (``test_faults.Project``), checking exit code, the one line, the output folder and ``$TMPDIR``.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from test_faults import Project, one_line, slow

from naravard_lib import data, form, pages, paths
from naravard_lib.errors import DataError, ParameterError
from naravard_lib.form import Answers, FormError

#: One hostile string, sent through every kind of page.
HOSTILE = 'väntetid <vecka 2 & andel>50 % <script>alert("x")</script> <img src=x onerror=alert(1)>'
#: What a reader must see of it (the text, tags shown as text).
SEEN = 'väntetid <vecka 2 & andel>50 % <script>alert("x")</script> <img src=x onerror=alert(1)>'


@pytest.fixture
def project(tmp_path):
    """A copy of the project's inputs with an empty output folder (no earlier reports needed here)."""
    empty = tmp_path / "no-reports-yet"
    empty.mkdir()
    return Project(tmp_path, empty)


def _no_markup_from(html_text: str) -> BeautifulSoup:
    soup = BeautifulSoup(html_text, "html.parser")
    assert soup.find("script") is None and soup.find("img", src="x") is None, "hostile markup reached the page"
    return soup


def _text(soup) -> str:
    return " ".join(soup.get_text(" ").replace("\xa0", " ").split())


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """A copy of data/ the library reads instead of the real one (caches cleared before and after)."""
    folder = tmp_path / "data"
    shutil.copytree(paths.DATA_DIR, folder)
    monkeypatch.setattr(paths, "DATA_DIR", folder)
    monkeypatch.setattr(paths, "PROJECT_ROOT", tmp_path)
    data._cached.cache_clear()
    yield folder
    data._cached.cache_clear()


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# ------------------------------------------------------------------ values bounded at the door

OVERFLOW = "9223372036854775807"


def test_an_overflowing_amount_is_refused_by_validate(data_dir):
    _edit(data_dir / "allocations.csv", ",650613,", f",{OVERFLOW},")
    problems = [str(p) for p in data.validate_all()]
    assert problems == [f"data/allocations.csv, line 2, column 'amount_sek': value {OVERFLOW} is out of range; "
                        "plausible values are 0 to 100,000,000,000"]


@pytest.mark.parametrize("table, column", [("published_figures", "value"), ("external_figures", "value"),
                                           ("ok2024_parts", "belopp_sek"), ("populations_recovered", "population"),
                                           ("indicators", "varde_2023"), ("initiatives", "id")])
def test_every_amount_population_and_count_has_a_range(table, column):
    from naravard_lib.schemas import TABLES

    checks = [str(check) for check in TABLES[table].schema.columns[column].checks]
    assert any(check.startswith("<Check in_range") for check in checks), checks


def test_an_overflowing_amount_is_refused_by_validate_and_build(data_dir, tmp_path):
    """The command line in this process (the subprocess path is the same code: tests/test_faults.py)."""
    from typer.testing import CliRunner

    from naravard_lib.cli import app

    _edit(data_dir / "allocations.csv", ",650613,", f",{OVERFLOW},")
    expected = (f"error: data/allocations.csv, line 2, column 'amount_sek': value {OVERFLOW} is out of range; "
                "plausible values are 0 to 100,000,000,000")
    validate = CliRunner().invoke(app, ["validate"])
    assert validate.exit_code == 2 and one_line(validate.output) == expected
    out = tmp_path / "out"
    build = CliRunner().invoke(app, ["build", "-k", "gnosjo", "--out", str(out), "-q"])
    assert build.exit_code == 2 and one_line(build.output) == expected
    assert not out.exists()


@pytest.mark.parametrize("kind", ["fifo", "device", "folder", "too-large"])
def test_a_data_file_must_be_a_regular_file_under_the_cap(data_dir, kind):
    target = data_dir / "allocations.csv"
    target.unlink()
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "device":
        target.symlink_to("/dev/zero")
    elif kind == "folder":
        target.mkdir()
    else:
        target.write_bytes(b"period,kommun\n" + b"x" * data.MAX_BYTES)
    started = time.monotonic()
    with pytest.raises(DataError) as refused:
        data.read_table("allocations")
    assert time.monotonic() - started < 5
    what = {"fifo": "is a named pipe (FIFO), not a regular file", "device": "is a device, not a regular file",
            "folder": "is a folder, not a regular file", "too-large": "is larger than 5 MB"}[kind]
    assert str(refused.value) == (f"data/allocations.csv: {what}; data files are CSV text files of at most 5 MB "
                                  "(see data/README.md)")


def test_a_fifo_as_data_file_stops_the_build_in_one_line(data_dir, tmp_path):
    from typer.testing import CliRunner

    from naravard_lib.cli import app

    target = data_dir / "allocations.csv"
    target.unlink()
    os.mkfifo(target)
    started = time.monotonic()
    build = CliRunner().invoke(app, ["build", "-k", "gnosjo", "--out", str(tmp_path / "out"), "-q"])
    assert time.monotonic() - started < 20  # it used to wait here forever
    assert build.exit_code == 2
    assert one_line(build.output) == ("error: data/allocations.csv: is a named pipe (FIFO), not a regular file; data "
                                      "files are CSV text files of at most 5 MB (see data/README.md)")
    assert not (tmp_path / "out").exists()


# ------------------------------------------------------------------ escape once, at the edge

@slow
def test_a_hostile_string_shows_as_text_in_a_published_report(project):
    """In the data (an initiative, a strategy) and in the parameters (rubrik), through the real template."""
    data_dir = project.root / "data"
    (project.root / "notebooks").mkdir()
    shutil.copy(paths.REPORT_TEMPLATE, project.root / "notebooks")
    first = data.load_initiatives().query("rackvidd_2023 == 'alla 13'").iloc[0]
    _edit(data_dir / "initiatives.csv", f",{first['namn']},", f",\"{HOSTILE.replace(chr(34), chr(34) * 2)}\",")
    strategy = data.load_strategies().iloc[0]
    _edit(data_dir / "strategies.csv", strategy["titel"], HOSTILE.replace('"', '""'))
    (project.root / "parameters" / "aneby.yaml").write_text(
        f"kommun: Aneby\nrubrik: '{HOSTILE}'\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "naravard_lib.cli", "build", "--out", str(project.out), "-q",
                          "-k", "aneby"], env=project.env(), cwd=project.root, capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr
    page = (project.out / "aneby.html").read_text(encoding="utf-8")
    soup = _no_markup_from(page)
    text = _text(soup)
    assert text.count(SEEN) >= 3  # the heading, the initiatives table, the strategy cards
    assert HOSTILE in soup.title.get_text()
    import nbformat

    outputs = [output for cell in nbformat.read(project.out / "aneby.ipynb", as_version=4).cells
               for output in cell.get("outputs", [])]
    shown = "".join(str(o.get("data", {}).get(mime, "")) for o in outputs for mime in ("text/html", "text/markdown"))
    assert "<script" not in shown and "&lt;script&gt;" in shown  # the notebook's outputs too, not only the page
    index = _no_markup_from((project.out / "index.html").read_text(encoding="utf-8"))
    assert "Aneby" in _text(index)
    project.assert_clean()


def test_a_hostile_string_shows_as_text_in_the_index():
    entries = [pages.IndexEntry("Aneby", "aneby", "fel", error=f"RuntimeError: {HOSTILE}", built_at="2026-01-01 10:00"),
               pages.IndexEntry("Habo", "habo", "tidigare", built_at="2026-01-01 10:00", has_pdf=True,
                                pdf_built_at=HOSTILE)]
    soup = _no_markup_from(pages.index_page(entries, HOSTILE, HOSTILE))
    assert _text(soup).count(SEEN) == 4  # the error, the PDF's date, the build date, the data version


def test_a_hostile_string_shows_as_text_in_the_dashboard(data_dir):
    from naravard_lib import dashboard, widgets

    strategy = data.load_strategies().iloc[0]["titel"]
    _edit(data_dir / "strategies.csv", strategy, HOSTILE.replace('"', '""'))
    first = data.load_initiatives().query("rackvidd_2023 == 'alla 13'").iloc[0]["namn"]
    _edit(data_dir / "initiatives.csv", f",{first},", f",\"{HOSTILE.replace(chr(34), chr(34) * 2)}\",")
    data._cached.cache_clear()
    dashboard.clear_caches()
    page = widgets.Dashboard(kommun="Aneby", note=f"Kommunen ”{HOSTILE}” finns inte")
    html_parts = [child.value for child in _widgets(page.view) if hasattr(child, "value") and
                  type(child).__name__ == "HTML"]
    soup = _no_markup_from("".join(html_parts))
    assert _text(soup).count(SEEN) >= 2  # the note, the strategy profile (and its initiatives)


def _widgets(box):
    for child in getattr(box, "children", ()):
        yield child
        yield from _widgets(child)


def test_a_hostile_string_shows_as_text_in_the_form_export(tmp_path):
    answers = Answers(HOSTILE)
    answers.set_text("3", HOSTILE)
    [markdown, page] = form.export(answers, tmp_path)
    soup = _no_markup_from(page.read_text(encoding="utf-8"))
    assert _text(soup).count(SEEN) >= 3  # title, heading, the answer


# ------------------------------------------------------------------ the form's files

def _answers_file(tmp_path, text: str) -> Path:
    path = tmp_path / "svar.json"
    path.write_text(text, encoding="utf-8")
    return path


GOOD = {"format": form.FILE_FORMAT, "version": form.FILE_VERSION, "rapport": "Habo", "ar": 2022, "svar": {}}
BAD_ANSWERS = [
    ('{"a":' * 100_000 + "1" + "}" * 100_000, "nested more than 6 levels deep"),
    (json.dumps(GOOD)[:-1] + ', "ar": ' + "9" * 5000 + "}", "a number of 5000 characters (at most 20)"),
    (json.dumps(GOOD)[:-1] + ', "rapport": "Eksjö"}', "the key 'rapport' appears twice"),
    (json.dumps(GOOD).replace("2022", "NaN"), "NaN is not a JSON number"),
    (json.dumps({**GOOD, "svar": {"3": {"text": "x" * form.MAX_ANSWERS_BYTES}}}), "is larger than 1 MB"),
]


@pytest.mark.parametrize("text, expected", BAD_ANSWERS, ids=["deep", "long-number", "duplicate-key", "nan", "large"])
def test_a_hostile_answers_file_is_one_line(tmp_path, text, expected):
    path = _answers_file(tmp_path, text)
    with pytest.raises(FormError) as refused:
        form.load_answers(path)
    message = str(refused.value)
    assert expected in message and "\n" not in message and len(message) < 300
    assert refused.value.sv and "\n" not in refused.value.sv


def test_a_fifo_answers_file_is_one_line_not_a_hang(tmp_path):
    os.mkfifo(tmp_path / "svar.json")
    with pytest.raises(FormError, match=r"is a named pipe \(FIFO\), not a regular file"):
        form.load_answers(tmp_path / "svar.json")


@slow
def test_form_check_on_a_hostile_file_exits_2_with_one_line(tmp_path):
    path = _answers_file(tmp_path, BAD_ANSWERS[1][0])
    run = subprocess.run([sys.executable, "-m", "naravard_lib.cli", "form", "check", "-a", str(path)],
                         capture_output=True, text=True, timeout=60, env={**os.environ, "TMPDIR": str(tmp_path)})
    assert run.returncode == 2
    assert one_line(run.stderr) == (f"error: {path}: a number of 5000 characters (at most 20); it was not written by "
                                    "the workbook and has not been overwritten")


def test_a_failed_export_writes_nothing(tmp_path):
    out = tmp_path / "ut"
    out.mkdir()
    (out / "habo.md").write_text("earlier export", encoding="utf-8")
    (out / "eksjo.html").mkdir()  # a folder where the second report's page would go
    documents = {"habo": Answers("Habo"), "eksjo": Answers("Eksjö")}
    with pytest.raises(FormError) as refused:
        form.export_documents(documents, out)
    assert str(refused.value).endswith("nothing exported, eksjo.html: is a folder, not a file")
    assert sorted(p.name for p in out.iterdir()) == ["eksjo.html", "habo.md"]  # no staging, nothing new
    assert (out / "habo.md").read_text(encoding="utf-8") == "earlier export"


def test_exported_and_saved_files_get_the_users_normal_permissions(tmp_path):
    previous_mask = os.umask(0o022)
    try:
        written = form.export_documents({"habo": Answers("Habo"), "eksjo": Answers("Eksjö")}, tmp_path / "ut")
        saved = form.save_answers(Answers("Habo"), tmp_path / "svar" / "habo.json")
    finally:
        os.umask(previous_mask)
    assert len(written) == 6
    for path in [*written, saved]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path


# ------------------------------------------------------------------ clear hints for parameter files

def _parameters(tmp_path) -> Path:
    folder = tmp_path / "parameters"
    shutil.copytree(paths.PARAMETERS_DIR, folder)
    return folder


def test_a_second_parameter_file_for_a_municipality_says_so(tmp_path):
    from naravard_lib.parameters import all_parameters

    folder = _parameters(tmp_path)
    (folder / "habo2.yaml").write_text("kommun: Habo\nvisa_karta: false\n", encoding="utf-8")
    with pytest.raises(ParameterError) as refused:
        all_parameters(folder)
    assert str(refused.value) == (f"{folder / 'habo2.yaml'}: a second parameter file for Habo, whose file is "
                                  "habo.yaml; each municipality has one: move what you need into habo.yaml and "
                                  "remove habo2.yaml")


def test_a_yml_file_beside_the_yaml_file_says_which_is_read(tmp_path):
    from naravard_lib.parameters import all_parameters

    folder = _parameters(tmp_path)
    (folder / "habo.yml").write_text("kommun: Habo\n", encoding="utf-8")
    with pytest.raises(ParameterError) as refused:
        all_parameters(folder)
    assert str(refused.value) == (f"{folder / 'habo.yml'}: parameter files end in .yaml and habo.yaml is already "
                                  "there (only it is read); move what you need into habo.yaml and remove habo.yml")
    (folder / "habo.yaml").unlink()
    with pytest.raises(ParameterError, match="parameter files end in .yaml; rename it to habo.yaml$"):
        all_parameters(folder)
