"""The answers files (form.store): resuming, atomic saving, corrupt files, unwritable folders."""

from __future__ import annotations

import os
import stat

import pytest

from naravard_lib import files, form
from naravard_lib.form import Answers, FormError


def test_reopening_resumes_where_the_user_stopped(tmp_path):
    answers, path = form.open_answers("Jönköpings län", tmp_path)
    assert answers.answered() == [] and path == tmp_path / "jonkopings-lan.json" and not path.exists()
    answers.set_choice("9a", "Inga av länets kommuner")
    answers.set_text("3", "Uppföljning i Reko.")
    form.save_answers(answers, path)
    resumed, _ = form.open_answers("Jönköpings län", tmp_path)
    assert resumed.get("9a").choice == "Inga av länets kommuner" and resumed.get("3").text == "Uppföljning i Reko."


def test_an_interrupted_save_leaves_the_earlier_file_intact(tmp_path, monkeypatch):
    answers = Answers("Habo")
    answers.set_text("3", "första versionen")
    path = form.save_answers(answers, tmp_path / "habo.json")
    before = path.read_bytes()
    answers.set_text("3", "andra versionen " * 1000)

    calls = []
    real_fsync = os.fsync

    def crash(fd):  # the backup is written; then the power goes after part of the new text, before the rename
        calls.append(fd)
        if len(calls) == 3:  # 1: backup file, 2: its folder, 3: the new answers file
            raise OSError(5, "Input/output error")
        real_fsync(fd)

    monkeypatch.setattr(files.os, "fsync", crash)
    with pytest.raises(FormError, match="the earlier file is unchanged"):
        form.save_answers(answers, path)
    monkeypatch.undo()
    assert len(calls) == 3
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["habo.json", "habo.json.bak"]  # no temp files left
    assert form.load_answers(path).get("3").text == "första versionen"


def test_a_killed_writer_leaves_only_a_temp_file_that_loading_ignores(tmp_path):
    answers = Answers("Habo")
    answers.set_text("3", "sparat")
    path = form.save_answers(answers, tmp_path / "habo.json")
    (tmp_path / ".habo.json.x1y2.tmp").write_text('{"format": "naravard-upp', encoding="utf-8")  # half a file
    assert form.load_answers(path).get("3").text == "sparat"
    assert form.answer_files(tmp_path) == [path]


@pytest.mark.parametrize("content, field, swedish", [
    ("{not json", "line 1, column 2", "inte giltig JSON"),
    ('{"format": "naravard-uppfoljning", "version": 1, "rapport": "Habo", "svar": {"17": {"text": "x"}}}',
     "'svar.17'", "okänd fråga '17'"),
    ('{"format": "naravard-uppfoljning", "version": 1, "rapport": "Habo", "svar": {"1": {"val": "Kanske"}}}',
     "'svar.1.val'", "'Kanske' är inte ett av formulärets alternativ"),
    ('{"format": "naravard-uppfoljning", "version": 1, "rapport": "Habo", "svar": {"3": {"txet": "x"}}}',
     "'svar.3.txet'", "okänt fält"),
    ('{"format": "naravard-uppfoljning", "version": 2, "rapport": "Habo", "svar": {}}', "'version'", "stöds inte"),
    ('[1, 2]', "expected a JSON object", "JSON-objekt"),
])
def test_a_corrupt_or_hand_edited_file_names_file_and_field_and_is_not_overwritten(tmp_path, content, field,
                                                                                    swedish):
    path = tmp_path / "habo.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(FormError) as refused:
        form.load_answers(path)
    message = str(refused.value)
    assert "habo.json" in message and field in message and "\n" not in message
    assert swedish in refused.value.sv
    with pytest.raises(FormError, match="refusing to overwrite"):
        form.save_answers(Answers("Habo"), path)
    assert path.read_text(encoding="utf-8") == content
    form.save_answers(Answers("Habo"), path, replace_invalid=True)  # only when asked, and with a backup
    assert (tmp_path / "habo.json.bak").read_text(encoding="utf-8") == content
    assert form.load_answers(path).report == "Habo"


def test_saving_over_another_reports_file_is_refused(tmp_path):
    form.save_answers(Answers("Habo"), tmp_path / "svar.json")
    with pytest.raises(FormError, match="holds the answers of 'Habo'"):
        form.save_answers(Answers("Eksjö"), tmp_path / "svar.json")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only folders")
def test_a_read_only_folder_is_one_clear_line(tmp_path):
    folder = tmp_path / "las"
    folder.mkdir()
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        with pytest.raises(FormError, match="cannot write to this folder"):
            form.save_answers(Answers("Habo"), folder / "habo.json")
    finally:
        folder.chmod(stat.S_IRWXU)


def test_a_folder_refusing_new_files_is_one_clear_line_even_for_root(tmp_path, monkeypatch):
    path = form.save_answers(Answers("Habo"), tmp_path / "habo.json")
    before = path.read_bytes()

    def refuse(**kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(files.tempfile, "mkstemp", refuse)
    with pytest.raises(FormError, match=r"cannot write to this folder \(Permission denied\)"):
        form.save_answers(Answers("Habo"), path)
    assert path.read_bytes() == before


def test_a_folder_that_cannot_be_created_is_one_clear_line(tmp_path):
    blocker = tmp_path / "fil"
    blocker.write_text("en fil, ingen mapp", encoding="utf-8")
    with pytest.raises(FormError, match="cannot write to this folder") as refused:
        form.save_answers(Answers("Habo"), blocker / "habo.json")
    assert "det går inte att skriva i mappen" in refused.value.sv
