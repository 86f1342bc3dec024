"""Faults of the second wave (issue 23): publishing, foreign folders, PDFs, stopping, a full disk.

The same harness as ``test_faults.py`` (a copy of the inputs, a tiny template, an output folder with
three earlier reports, an empty ``$TMPDIR``); each test checks the exit code, the one-line message,
the exact contents of the output folder afterwards and that ``$TMPDIR`` is left empty.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_faults import PREVIOUS, Project, assert_gone, one_line, previous, slow, snapshot  # noqa: F401

from naravard_lib import batch, files, paths
from naravard_lib.errors import DiskFull, SetupError
from naravard_lib.parameters import select

REPORT = ["{s}.html", "{s}.ipynb", "{s}.xlsx", "{s}.datapaket.zip"]  # a report's files, downloads included
FOLDER = ["SHA256SUMS", "index.html", "lanet.xlsx", "summary.csv", "summary_sv.csv", "tillganglighet.html"]


def report_files(*slugs: str) -> list[str]:
    return sorted(name.format(s=s) for s in slugs for name in REPORT)


@pytest.fixture
def project(tmp_path, previous):  # noqa: F811 - the module fixture imported above
    return Project(tmp_path, previous)


def _index(project) -> str:
    return (project.out / "index.html").read_text(encoding="utf-8").replace("\xa0", " ")


# ------------------------------------------------------------------ publishing never destroys

@slow
def test_reports_that_cannot_be_replaced_fail_alone_and_keep_their_files(project):
    """aneby.html is a folder, habo.html immutable (chattr +i): both fail (fel), their files whole; Mullsjö is built."""
    (project.out / "aneby.html").unlink()
    (project.out / "aneby.html").mkdir()
    (project.out / "aneby.html" / "mine.txt").write_text("the user's", encoding="utf-8")
    immutable = subprocess.run(["chattr", "+i", str(project.out / "habo.html")], capture_output=True).returncode == 0
    try:
        run = project.run("-k", "aneby", "-k", "habo", "-k", "mullsjo", "-j", "1")
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(project.out / "habo.html")], check=True)
    assert run.returncode == 1, run.stderr
    failures = [line for line in run.stderr.splitlines() if line.strip()]
    assert failures == [
        "failed: Aneby: PublishError: cannot replace aneby.html: is a folder, not a file; the report's earlier files "
        "are unchanged",
        *(["failed: Habo: PublishError: cannot replace habo.html: Operation not permitted; the report's earlier "
           "files are unchanged"] if immutable else [])]
    after = snapshot(project.out)
    # Not half-replaced: the notebooks keep their date (a rebuild would write the same bytes).
    assert (project.out / "aneby.ipynb").stat().st_mtime < time.time() - 3600
    assert after["aneby.html/mine.txt"] == b"the user's"
    if immutable:
        assert (project.out / "habo.ipynb").stat().st_mtime < time.time() - 3600
        assert after["habo.html"] == project.before["habo.html"]
    assert (project.out / "mullsjo.ipynb").stat().st_mtime > time.time() - 3600  # the others go on
    logs = [".naravard/logs/aneby.log", *([".naravard/logs/habo.log"] if immutable else [])]
    assert sorted(after) == sorted([".naravard/build.lock", *logs, "aneby.html/mine.txt", "aneby.ipynb", "aneby.xlsx",
                                    "aneby.datapaket.zip", *report_files("habo", "mullsjo"), *FOLDER])
    assert [(s, r["status"]) for s, r in project.summary().items()] == [
        ("aneby", "fel"), ("habo", "fel" if immutable else "ny"), ("mullsjo", "ny")]
    assert "cannot replace aneby.html" in _index(project)
    project.assert_clean()


# ------------------------------------------------------------------ only the tool's own folders

@slow
def test_a_folder_naravard_did_not_make_is_refused_unless_forced(project, tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "index.html").write_text("<p>my own page</p>", encoding="utf-8")
    (mine / "summary.csv").write_text("my,own\n", encoding="utf-8")
    before = snapshot(mine)
    run = project.run("-k", "habo", out=mine)
    assert run.returncode == 2
    assert one_line(run.stderr) == (f"error: --out {mine}: this folder was not made by naravard (no .naravard/ in "
                                    "it) and holds 2 entries (index.html, …); choose a new or empty folder, or add "
                                    "--force to write the reports into it")
    assert snapshot(mine) == before
    batch.check_output_folder(mine, force=True)  # --force: accepted (the build itself is the usual one)
    project.assert_clean()


@slow
def test_an_empty_out_or_reports_variable_is_refused(project):
    for args, env, expected in [
            (["--out", ""], {}, "error: --out is empty; give the name of a folder (default: reports/)"),
            ([], {"NARAVARD_REPORTS": ""}, "error: NARAVARD_REPORTS is set but empty; unset it (the default is "
                                           "reports/) or set it to a folder")]:
        argv = [sys.executable, "-m", "naravard_lib.cli", "build", "-q", "-k", "habo", *args]
        run = subprocess.run(argv, env={**project.env(), **env}, cwd=project.root, capture_output=True, text=True,
                             timeout=60)
        assert run.returncode == 2
        assert one_line(run.stderr) == expected
    assert sorted(p.name for p in project.root.iterdir()) == ["data", "naravard_lib", "parameters"]
    assert snapshot(project.out) == project.before
    project.assert_clean()


@pytest.mark.parametrize("where", ["data", "notebooks", "parameters", "naravard_lib", "data/sub", ".", "/"])
def test_the_projects_own_folders_and_root_are_refused_even_with_force(where):
    target = Path(where) if where.startswith("/") else paths.PROJECT_ROOT / where
    with pytest.raises(SetupError) as refused:
        batch.check_output_folder(target, force=True, template=paths.REPORT_TEMPLATE)
    message = str(refused.value)
    assert message == (f"--out {target.absolute()}: is the project's own folder (or /); the reports need a folder "
                       "of their own, e.g. reports/ (the default)")
    batch.check_output_folder(paths.PROJECT_ROOT / "reports", template=paths.REPORT_TEMPLATE)  # the default is fine


@slow
def test_out_at_the_root_is_one_line(project):
    run = project.run("-k", "habo", out=Path("/"))
    assert run.returncode == 2
    assert one_line(run.stderr) == ("error: --out /: is the project's own folder (or /); the reports need a folder of "
                                    "their own, e.g. reports/ (the default)")
    project.assert_clean()


# ------------------------------------------------------------------ stopping

@slow
def test_sighup_stops_the_build_cleanly_with_129(project):
    build = project.start("-k", "gnosjo", "-k", "habo", "-j", "2", faults={"Habo": "sleep:120"})
    kernels = project.wait_for("Habo")
    deadline = time.monotonic() + 60
    while not (project.out / "gnosjo.html").exists():
        assert time.monotonic() < deadline and build.poll() is None
        time.sleep(0.1)
    os.killpg(build.pid, signal.SIGHUP)  # a closed terminal: the whole foreground process group
    _, stderr = build.communicate(timeout=30)
    assert build.returncode == 129
    assert one_line(stderr) == (f"interrupted: stopped by SIGHUP: 1 of 2 reports written to {project.out}; the "
                                "index lists what is there")
    after = snapshot(project.out)
    assert sorted(after) == sorted([".naravard/build.lock", *report_files(*PREVIOUS, "gnosjo"), *FOLDER])
    assert [(s, r["status"]) for s, r in project.summary().items()] == [
        ("aneby", "tidigare"), ("gnosjo", "ny"), ("habo", "tidigare"), ("mullsjo", "tidigare")]
    assert_gone(kernels)
    project.assert_clean()


@slow
def test_when_the_main_process_is_killed_the_workers_end_quietly(project):
    build = project.start("-k", "habo", "-k", "mullsjo", "-j", "2", faults={"Habo": "sleep:3", "Mullsjö": "sleep:3"})
    kernels = project.wait_for("Habo", "Mullsjö")
    workers = [p.pid for p in __import__("psutil").Process(build.pid).children()]
    os.kill(build.pid, signal.SIGKILL)  # the main process only: its workers and kernels are left behind
    stdout, stderr = build.communicate(timeout=30)  # returns when every process holding the pipes has ended
    assert build.returncode == -signal.SIGKILL
    assert stderr == "" and stdout == ""  # no worker tracebacks on the terminal
    assert_gone(workers + kernels)
    after = snapshot(project.out)
    assert all(after[name] == content for name, content in project.before.items()
               if not name.startswith(".naravard/"))  # nothing lost (the lock file names the killed build)
    # What it left in .naravard/tmp the next build removes: tests/test_faults.py (a killed build).
    assert list(project.tmpdir.iterdir()) == []


# ------------------------------------------------------------------ a full disk

_FULL_DISK = """\
import errno, os, pathlib
_write_text = pathlib.Path.write_text

def write_text(self, *args, **kwargs):
    if self.name == os.environ.get("FULL_DISK_AT"):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
    return _write_text(self, *args, **kwargs)

pathlib.Path.write_text = write_text
"""


@slow
def test_a_full_disk_stops_the_build_in_one_line_and_keeps_what_is_finished(project, tmp_path):
    """ENOSPC injected where Habo's page is staged (a ``sitecustomize`` on the build's path): deterministic."""
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(_FULL_DISK, encoding="utf-8")
    env = {**project.env(), "FULL_DISK_AT": "habo.html"}
    env["PYTHONPATH"] = os.pathsep.join([str(hook), env["PYTHONPATH"]])
    run = subprocess.run(project.argv("-k", "aneby", "-k", "habo", "-k", "mullsjo", "-j", "1"), env=env,
                         cwd=project.root, capture_output=True, text=True, timeout=120)
    assert run.returncode == 1
    assert one_line(run.stderr) == (
        f"error: the disk is full (Habo: habo.html: No space left on device): the build stopped; 1 of 3 reports "
        f"written to {project.out}, the index lists what is there; free some space and run the build again")
    after = snapshot(project.out)
    assert after["aneby.ipynb"] != project.before["aneby.ipynb"]  # finished before the disk filled: kept
    assert after["habo.html"] == project.before["habo.html"] and after["mullsjo.ipynb"] == project.before["mullsjo.ipynb"]
    assert sorted(after) == sorted([".naravard/build.lock", ".naravard/logs/habo.log", *report_files(*PREVIOUS),
                                    *FOLDER])
    rows = project.summary()
    assert [(s, r["status"]) for s, r in rows.items()] == [("aneby", "ny"), ("habo", "fel"), ("mullsjo", "tidigare")]
    assert rows["habo"]["fel"] == "DiskFull: habo.html: No space left on device"
    project.assert_clean()


def test_a_full_disk_while_writing_the_index_is_one_error(tmp_path, monkeypatch, previous):  # noqa: F811
    from test_faults import _template

    out = tmp_path / "out"
    shutil.copytree(previous, out)
    real = files.write_atomic

    def full(path, content, scratch=None):
        if Path(path).name == "index.html":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        return real(path, content, scratch)

    monkeypatch.setattr(files, "write_atomic", full)
    with pytest.raises(DiskFull) as stopped:
        batch.build(select(["habo"]), out, workers=1, template=_template(tmp_path), show_progress=False)
    assert str(stopped.value) == (f"the disk is full (index.html: No space left on device): 1 of 1 reports written "
                                  f"to {out}, but the index could not be updated; free some space and run the build "
                                  "again")
    assert (out / "index.html").read_bytes() == (previous / "index.html").read_bytes()  # the old one, whole
    assert not (out / ".naravard" / "tmp").exists()


# ------------------------------------------------------------------ the small ones

@slow
def test_no_loopback_network_is_one_line_within_seconds(project):
    if shutil.which("unshare") is None or subprocess.run(["unshare", "-n", "true"]).returncode != 0:
        pytest.skip("unshare -n (a network namespace without loopback) needs root and util-linux")
    started = time.monotonic()
    run = subprocess.run(["unshare", "-n", *project.argv("-k", "habo")], env=project.env(), cwd=project.root,
                         capture_output=True, text=True, timeout=120)
    assert time.monotonic() - started < 20
    assert run.returncode == 2
    assert one_line(run.stderr) == (
        "error: this machine has no working loopback network (127.0.0.1: Network is unreachable); Jupyter kernels "
        "talk to the build over it; bring the interface up (as root: ip link set lo up) and run the build again")
    assert snapshot(project.out) == project.before
    project.assert_clean()


def test_help_shows_no_bool_placeholder_for_flags():
    run = subprocess.run([sys.executable, "-m", "naravard_lib.cli", "build", "--help"], capture_output=True,
                         text=True, timeout=60, env={**os.environ, "COLUMNS": "120"})
    assert run.returncode == 0
    assert "<bool>" not in run.stdout and "bool" not in run.stdout
    for flag in ("--pdf / --no-pdf", "--force", "--isolate", "-q, --quiet", "--verbose"):
        assert flag in run.stdout
