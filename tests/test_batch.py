"""End-to-end batch: real template for two municipalities, forced failures, interruption, dask."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import time

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook
from typer.testing import CliRunner

from naravard_lib import batch, pages, paths
from naravard_lib.cli import app
from naravard_lib.parameters import select

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Aneby and Sävsjö built once with the real template (two workers)."""
    out = tmp_path_factory.mktemp("reports")
    results = batch.build(select(["aneby", "savsjo"]), out, workers=2, show_progress=False)
    return out, results


def _summary(out):
    with open(out / "summary.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_reports_index_and_summary_exist(built):
    out, results = built
    assert [r.ok for r in results] == [True, True], [r.error for r in results]
    for slug in ("aneby", "savsjo"):
        assert (out / f"{slug}.html").stat().st_size > 10_000
        assert (out / f"{slug}.ipynb").exists()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert '<a href="aneby.html">Aneby</a>' in index and '<a href="savsjo.html">Sävsjö</a>' in index
    rows = {r["slug"]: r for r in _summary(out)}
    assert rows["aneby"]["status"] == "ny" and rows["aneby"]["nara_vard"] == "478810"
    assert rows["savsjo"]["nara_vard"] == "816062" and rows["savsjo"]["rang"] == "10"
    assert [p.name for p in out.glob(".*")] == [".naravard"]  # no temporary files left, only the lock
    assert [p.name for p in (out / ".naravard").iterdir()] == ["build.lock"]


def test_html_is_for_readers(built):
    out, _ = built
    page = (out / "aneby.html").read_text(encoding="utf-8")
    assert "Nära vård i Aneby" in page
    assert "478 810" in page.replace("\xa0", " ")  # the 2024 amount, written the Swedish way
    assert "landsbygdskommun" in page
    assert "from naravard_lib" not in page and "validate_parameters" not in page  # code is hidden
    assert "nara_vard" not in page  # the machine-readable key-figures cell is removed


def test_executed_notebook_records_its_parameters_and_no_timings(built):
    out, _ = built
    notebook = nbformat.read(out / "savsjo.ipynb", as_version=4)
    assert notebook.metadata.papermill.parameters["kommun"] == "Sävsjö"
    assert "start_time" not in notebook.metadata.papermill


def test_nbval_passes_on_an_executed_report(built):
    out, _ = built
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval",
                          "--nbval-current-env", "--nbval-sanitize-with", str(paths.PROJECT_ROOT / "tests/nbval_sanitize.cfg"),
                          str(out / "aneby.ipynb")], capture_output=True, text=True, cwd=out)
    assert run.returncode == 0, run.stdout[-2000:]


def test_rebuilding_is_idempotent(built, tmp_path):
    out, _ = built
    again = batch.build(select(["aneby"]), tmp_path, workers=1, show_progress=False)
    assert again[0].ok
    assert (tmp_path / "aneby.html").read_bytes() == (out / "aneby.html").read_bytes()
    assert (tmp_path / "aneby.ipynb").read_bytes() == (out / "aneby.ipynb").read_bytes()


# ------------------------------------------------------------------ a small fixture template

def _template(folder, fail_for: str = "", sleep: float = 0):
    """A tiny template with the real key-figures cell that fails for one municipality."""
    parameters = new_code_cell('kommun = "Aneby"\nvisa_karta = True\nrubrik = ""')
    parameters.metadata["tags"] = ["parameters"]
    figures = new_code_cell("from IPython.display import JSON\nfrom naravard_lib import report\n"
                            "JSON(report.key_figures(kommun))")
    figures.metadata["tags"] = ["key-figures"]
    cells = [parameters,
             new_code_cell(f"import time\ntime.sleep({sleep})\n"
                           f"if kommun == {fail_for!r}:\n    raise RuntimeError('forced failure for ' + kommun)"),
             figures]
    notebook = new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": paths.KERNEL_NAME, "display_name": "naravard", "language": "python"}
    path = folder / "template.ipynb"
    nbformat.write(notebook, path)
    return path


def test_one_failure_leaves_the_others_intact(tmp_path):
    template = _template(tmp_path, fail_for="Habo")
    out = tmp_path / "out"
    (out / ".naravard").mkdir(parents=True)  # a folder an earlier build made
    (out / "habo.html").write_text("an old page", encoding="utf-8")  # a failed rebuild deletes nothing
    results = batch.build(select(["aneby", "habo", "mullsjo"]), out, workers=2, template=template,
                          show_progress=False)
    assert [(r.slug, r.ok) for r in results] == [("aneby", True), ("habo", False), ("mullsjo", True)]
    assert "forced failure for Habo" in results[1].error and "\n" not in results[1].error
    assert sorted(p.name for p in out.iterdir()) == [
        ".naravard", "SHA256SUMS", "aneby.datapaket.zip", "aneby.html", "aneby.ipynb", "aneby.xlsx", "habo.html",
        "index.html", "lanet.xlsx", "mullsjo.datapaket.zip", "mullsjo.html", "mullsjo.ipynb", "mullsjo.xlsx",
        "summary.csv", "summary_sv.csv", "tillganglighet.html"]
    assert (out / "habo.html").read_text(encoding="utf-8") == "an old page"
    assert "forced failure for Habo" in (out / ".naravard" / "logs" / "habo.log").read_text(encoding="utf-8")
    rows = {r["slug"]: r for r in _summary(out)}
    assert rows["habo"]["status"] == "fel" and "forced failure" in rows["habo"]["fel"]
    assert rows["mullsjo"]["status"] == "ny" and rows["mullsjo"]["nara_vard"] == "530076"
    assert "forced failure for Habo" in (out / "index.html").read_text(encoding="utf-8")  # the index says why


def test_cli_exit_code_is_non_zero_when_a_report_fails(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "REPORT_TEMPLATE", _template(tmp_path, fail_for="Habo"))
    result = CliRunner().invoke(app, ["build", "-k", "habo", "--out", str(tmp_path / "o"), "-q", "-j", "1"])
    assert result.exit_code == 1
    assert "failed: Habo: RuntimeError: forced failure for Habo" in result.output


def test_an_interrupted_run_leaves_no_files(tmp_path, monkeypatch):
    template = _template(tmp_path)

    def interrupted(_notebook):
        raise KeyboardInterrupt

    monkeypatch.setattr(pages, "report_html", interrupted)
    staging = tmp_path / "staging"
    staging.mkdir()
    with pytest.raises(KeyboardInterrupt):
        batch.run_report(select(["gnosjo"])[0], staging, batch.BuildOptions(template=template))
    assert list(staging.iterdir()) == []


def test_dask_executor_on_a_local_cluster(tmp_path):
    template = _template(tmp_path, fail_for="Tranås")
    results = batch.build(select(["eksjo", "tranas"]), tmp_path / "out", workers=2, executor="dask",
                          template=template, show_progress=False)
    assert [(r.slug, r.ok) for r in results] == [("eksjo", True), ("tranas", False)]
    assert results[0].figures["nara_vard"] == 1_244_655
    assert (tmp_path / "out" / "eksjo.html").exists() and not (tmp_path / "out" / "tranas.html").exists()
    assert not (tmp_path / "out" / ".naravard" / "tmp").exists()


def test_pdf_is_published_with_its_report_and_a_build_without_pdfs_keeps_and_dates_it(tmp_path, monkeypatch):
    def fake_pdf(html_text, target):
        assert html_text.lstrip().lower().startswith("<!doctype html")
        target.write_bytes(b"%PDF-1.7 made by the test")

    monkeypatch.setattr(pages, "write_pdf", fake_pdf)  # forked workers inherit the patch
    template = _template(tmp_path)
    out = tmp_path / "out"
    results = batch.build(select(["aneby", "habo"]), out, workers=2, template=template, show_progress=False, pdf=True)
    assert all(r.ok for r in results)
    assert (out / "aneby.pdf").read_bytes() == b"%PDF-1.7 made by the test"
    yesterday = time.time() - 86_400
    os.utime(out / "habo.pdf", (yesterday, yesterday))
    batch.build(select(["habo"]), out, workers=1, template=template, show_progress=False)  # no --pdf this time
    assert (out / "habo.pdf").read_bytes() == b"%PDF-1.7 made by the test"  # kept, never silently deleted
    entries = {e.slug: e for e in batch.describe_folder(out, {}, {})}
    assert (entries["aneby"].has_pdf, entries["habo"].has_pdf) == (True, True)
    assert entries["aneby"].pdf_built_at == "" and entries["habo"].pdf_built_at == time.strftime(
        "%Y-%m-%d %H:%M", time.localtime(yesterday))  # from the earlier build: the index says so
    assert (entries["aneby"].status, entries["habo"].status) == ("tidigare", "tidigare")


def test_cli_builds_html_and_says_so_last_when_pdfs_cannot_be_made(tmp_path, monkeypatch):
    """``--pdf`` (``make reports``) where WeasyPrint cannot load Pango: HTML written, earlier PDF kept, exit 3."""
    monkeypatch.setattr(pages, "pdf_unavailable_reason", lambda: "WeasyPrint cannot load libpango")
    out = tmp_path / "o"
    (out / ".naravard").mkdir(parents=True)  # a folder an earlier build made, with its PDF
    (out / "gnosjo.pdf").write_bytes(b"%PDF-1.7 an earlier build")
    yesterday = time.time() - 86_400
    os.utime(out / "gnosjo.pdf", (yesterday, yesterday))
    result = CliRunner().invoke(app, ["build", "-k", "gnosjo", "--out", str(out), "-q", "--pdf",
                                      "--template", str(_template(tmp_path))])
    assert result.exit_code == 3, result.output
    assert result.output.splitlines()[-1] == (
        "error: PDF not made: WeasyPrint cannot load libpango; the HTML reports are written and earlier PDFs kept "
        "(the index dates them); fix that or build with --no-pdf")
    assert sorted(p.name for p in out.iterdir()) == [
        ".naravard", "SHA256SUMS", "gnosjo.datapaket.zip", "gnosjo.html", "gnosjo.ipynb", "gnosjo.pdf", "gnosjo.xlsx",
        "index.html", "lanet.xlsx", "summary.csv", "summary_sv.csv", "tillganglighet.html"]
    assert (out / "gnosjo.pdf").read_bytes() == b"%PDF-1.7 an earlier build"
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="gnosjo.pdf"' in index and "PDF från tidigare körning" in index


def test_cli_isolate_asks_for_a_fresh_kernel_per_report(tmp_path, monkeypatch):
    calls = []

    def fake_build(jobs, out, **options):
        calls.append(options["isolate"])
        return [batch.ReportResult(p.kommun, p.slug, True) for p in jobs]

    monkeypatch.setattr(batch, "build", fake_build)
    for args in (["--isolate"], []):
        result = CliRunner().invoke(app, ["build", "-k", "habo", "--out", str(tmp_path / "o"), "-q", *args])
        assert result.exit_code == 0, result.output
    assert calls == [True, False]
