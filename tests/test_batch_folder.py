"""The output folder in this process (no kernels): lock, leftovers, publishing, the summary's columns.

The same promises end to end, through the command line, are in ``tests/test_faults_publish.py``.
"""

from __future__ import annotations

import csv
import io
import os

import pytest

from naravard_lib.batch import SUMMARY_FIELDS, OutputFolder, ReportResult, summary_csv
from naravard_lib.errors import SetupError
from naravard_lib.pages import IndexEntry


def test_one_build_at_a_time_holds_the_folder(tmp_path):
    with OutputFolder(tmp_path / "out"):
        with pytest.raises(SetupError) as refused:
            OutputFolder(tmp_path / "out").__enter__()
    assert str(refused.value) == (f"--out {tmp_path / 'out'}: another naravard build (pid {os.getpid()}) is writing "
                                  "to this folder; wait for it to finish or choose another --out")
    with OutputFolder(tmp_path / "out"):  # released when the first one ended
        pass


def test_leftovers_of_a_killed_build_are_removed_and_nothing_temporary_stays(tmp_path):
    killed = tmp_path / "out" / ".naravard" / "tmp" / "4242"
    killed.mkdir(parents=True)
    (killed / "aneby.log").write_text("a killed build's log", encoding="utf-8")
    with OutputFolder(tmp_path / "out") as folder, folder.confined():
        assert not killed.exists()
        assert os.environ["TMPDIR"].startswith(str(folder.staging))
        (folder.staging / "scratch.txt").write_text("temporary", encoding="utf-8")
    assert "TMPDIR" not in os.environ or not os.environ["TMPDIR"].startswith(str(folder.staging))
    assert sorted(p.name for p in (tmp_path / "out" / ".naravard").iterdir()) == ["build.lock"]


def test_publish_moves_every_staged_file_and_drops_an_earlier_failures_log(tmp_path):
    with OutputFolder(tmp_path / "out") as folder:
        folder.logs.mkdir()
        (folder.logs / "habo.log").write_text("the last build failed", encoding="utf-8")
        staged = {}
        for kind in ("ipynb", "html"):
            staged[kind] = folder.staging / f"staged.{kind}"
            staged[kind].write_text(kind, encoding="utf-8")
        folder.publish(ReportResult("Habo", "habo", True, staged={k: str(v) for k, v in staged.items()}))
        assert (folder.path / "habo.ipynb").read_text(encoding="utf-8") == "ipynb"
        assert (folder.path / "habo.html").read_text(encoding="utf-8") == "html"
        assert not (folder.logs / "habo.log").exists()


def test_summary_has_one_row_per_entry_in_the_summary_fields(tmp_path):
    entries = [IndexEntry("Habo", "habo", "fel", "RuntimeError: x", {"nara_vard": 927826, "okänd": 1},
                          "2026-01-01 10:00")]
    rows = list(csv.DictReader(io.StringIO(summary_csv(entries))))
    assert list(rows[0]) == SUMMARY_FIELDS
    assert (rows[0]["slug"], rows[0]["status"], rows[0]["fel"], rows[0]["nara_vard"]) == (
        "habo", "fel", "RuntimeError: x", "927826")
