"""Fault injection against the real ``naravard build`` in a subprocess.

Every test runs the command line on a copy of the project's inputs (library, data, parameters) with
a tiny template whose behaviour per municipality is set from the environment (fail, sleep, kill its
own kernel, kill its worker). Each test checks the exit code, the one-line message, the exact contents
of the output folder afterwards and that ``$TMPDIR`` is left empty.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from naravard_lib import batch, paths
from naravard_lib.parameters import select

slow = pytest.mark.slow  # runs kernels or the real CLI in a subprocess

PREVIOUS = ("aneby", "habo", "mullsjo")  # the reports already in the output folder before each test
FIXTURE_NOTEBOOKS = Path(__file__).parent / "notebooks"


def _template(folder: Path) -> Path:
    """``tests/notebooks/fault_template.ipynb`` copied into ``folder``: a tiny template whose behaviour per
    municipality comes from ``$FAULTS`` (fail, sleep, kill its kernel or its worker); figures made up from
    the name, so the kernel needs no pandas and a report takes about a second."""
    return Path(shutil.copy(FIXTURE_NOTEBOOKS / "fault_template.ipynb", Path(folder) / "template.ipynb"))


@pytest.fixture(scope="module")
def previous(tmp_path_factory):
    """A folder with three good reports, built once (the state a user's reports/ is in)."""
    root = tmp_path_factory.mktemp("previous")
    out = root / "out"
    results = batch.build(select(list(PREVIOUS)), out, workers=2, template=_template(root), show_progress=False)
    assert all(r.ok for r in results), [r.error for r in results]
    old = time.time() - 86_400  # built "yesterday", so kept reports show an earlier date
    for path in out.glob("*.*"):
        os.utime(path, (old, old))
    return out


class Project:
    """A copy of the inputs the CLI reads, an output folder with earlier reports, an empty $TMPDIR."""

    def __init__(self, root: Path, previous: Path):
        self.root = root / "project"
        for part in ("naravard_lib", "data", "parameters"):
            shutil.copytree(paths.PROJECT_ROOT / part, self.root / part,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        self.template = _template(root)
        self.out = root / "out"
        shutil.copytree(previous, self.out)
        self.tmpdir = root / "tmpdir"
        self.markers = root / "markers"
        self.tmpdir.mkdir()
        self.markers.mkdir()
        self.before = snapshot(self.out)

    def env(self, faults: dict | None = None) -> dict:
        return {**os.environ, "PYTHONPATH": str(self.root), "TMPDIR": str(self.tmpdir),
                "FAULT_DIR": str(self.markers), "FAULTS": json.dumps(faults or {}), "PYTHONDONTWRITEBYTECODE": "1"}

    def argv(self, *args, out: Path | None = None) -> list[str]:
        return [sys.executable, "-m", "naravard_lib.cli", "build", "--out", str(out or self.out), "-q",
                "--template", str(self.template), *args]

    def run(self, *args, faults=None, out=None, timeout=120) -> subprocess.CompletedProcess:
        return subprocess.run(self.argv(*args, out=out), env=self.env(faults), cwd=self.root, capture_output=True,
                              text=True, timeout=timeout)

    def start(self, *args, faults=None) -> subprocess.Popen:
        """Start a build in a process group of its own, so signals reach it as from a terminal."""
        return subprocess.Popen(self.argv(*args), env=self.env(faults), cwd=self.root, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, start_new_session=True)

    def wait_for(self, *kommuner: str, timeout: float = 60) -> list[int]:
        """Wait until these municipalities' kernels are running; return their process ids."""
        files = [self.markers / f"{k}.pid" for k in kommuner]
        deadline = time.monotonic() + timeout
        while not all(f.exists() and f.read_text() for f in files):
            assert time.monotonic() < deadline, f"kernels for {kommuner} did not start"
            time.sleep(0.1)
        return [int(f.read_text()) for f in files]

    def summary(self) -> dict:
        with open(self.out / "summary.csv", encoding="utf-8") as handle:
            return {row["slug"]: row for row in csv.DictReader(handle)}

    def assert_clean(self) -> None:
        assert list(self.tmpdir.iterdir()) == [], "the build left files in $TMPDIR"
        assert not (self.out / ".naravard" / "tmp").exists(), "the build left its staging folder"


def snapshot(folder: Path) -> dict:
    """Every file under ``folder`` (hidden ones too) with its bytes; missing folder -> {}."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


#: Published beside the reports and the index; their promises are tested in test_downloads.py.
_DOWNLOADS = re.compile(r".*\.(xlsx|datapaket\.zip)$|^(SHA256SUMS|summary_sv\.csv|tillganglighet\.html)$")


def reports_and_index(files: dict) -> list[str]:
    """The names in a :func:`snapshot` without the downloads (spreadsheets, data packages, statement, sums)."""
    return sorted(name for name in files if not _DOWNLOADS.match(name))


def one_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one line, got: {text!r}"
    assert "Traceback" not in text
    return lines[0]


def assert_gone(pids: list[int], timeout: float = 10) -> None:
    """Kernels must not outlive the build (an orphaned kernel notices within about a second)."""
    deadline = time.monotonic() + timeout
    while any(psutil.pid_exists(p) and psutil.Process(p).status() != psutil.STATUS_ZOMBIE for p in pids):
        assert time.monotonic() < deadline, f"processes still running: {pids}"
        time.sleep(0.2)


@pytest.fixture
def project(tmp_path, previous):
    return Project(tmp_path, previous)


# ------------------------------------------------------------------ bad input: one line, exit 2, nothing touched

def _allocations(project, edit):
    path = project.root / "data" / "allocations.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text(edit(lines), encoding="utf-8")


BAD_DATA = [
    (lambda l: l[0] + l[1].replace(",650613,", ",-5,") + "".join(l[2:]),
     "data/allocations.csv, line 2, column 'amount_sek': value -5 is negative"),
    (lambda l: l[0], "data/allocations.csv: has a header line but no rows"),
    (lambda l: "".join(x for x in l if ",Habo," not in x),
     "data/allocations.csv: periods 2019-2022, 2023, 2024: 12 of 13 municipalities; missing Habo"),
    (lambda l: "", "data/allocations.csv: file is empty"),
    (lambda l: l[0] + l[1] + l[2].rstrip("\n") + ",extra\n" + "".join(l[3:]),
     "data/allocations.csv, line 3: 8 fields where the header has 7"),
]


@slow
@pytest.mark.parametrize("edit, expected", BAD_DATA[:2], ids=["negative", "header-only"])  # all: see below
def test_bad_data_is_refused_before_any_kernel(project, edit, expected):
    _allocations(project, edit)
    run = project.run("-k", "gnosjo")
    assert run.returncode == 2
    assert one_line(run.stderr).startswith(f"error: {expected}")
    assert snapshot(project.out) == project.before  # earlier reports untouched
    assert list(project.markers.iterdir()) == []  # no kernel started
    project.assert_clean()


BAD_PARAMETERS = [
    ("habo.yaml", "kommun: H\xe4bo\n".encode("latin-1"), "parameters/habo.yaml, line 1: not UTF-8 text"),
    ("x.yaml", None, "parameters/x.yaml: is not a regular file"),
    ("habo.yaml", b"a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                  b"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n",
     "parameters/habo.yaml, line 1: not valid YAML (anchors and aliases"),
    ("habo.yaml", b"kommun: Habo\nvisa_karta: true\nvisa_karta: false\n",
     "parameters/habo.yaml, line 3: not valid YAML (duplicate key 'visa_karta')"),
    ("habo.yml", b"kommun: Habo\n", "parameters/habo.yml: parameter files end in .yaml and habo.yaml is already there "
                                    "(only it is read); move what you need into habo.yaml and remove habo.yml"),
]


@slow
@pytest.mark.parametrize("name, content, expected", BAD_PARAMETERS[:2], ids=["latin-1", "directory"])  # all: below
def test_bad_parameter_files_are_refused(project, name, content, expected):
    target = project.root / "parameters" / name
    if content is None:
        target.mkdir()
    else:
        target.write_bytes(content)
    run = project.run("-k", "gnosjo")
    assert run.returncode == 2
    line = one_line(run.stderr)
    assert line.startswith("error: ") and expected in line and len(line) < 300
    assert snapshot(project.out) == project.before
    project.assert_clean()


@slow
def test_bad_output_folders_get_one_line(project, tmp_path):
    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine", encoding="utf-8")
    for out, expected in [(a_file, f"error: --out {a_file}: is a file, not a folder"),
                          (a_file / "reports", f"error: --out {a_file / 'reports'}: cannot write there")]:
        run = project.run("-k", "gnosjo", out=out)
        assert run.returncode == 2, run.stderr
        assert one_line(run.stderr).startswith(expected)
    assert a_file.read_text(encoding="utf-8") == "mine"
    assert snapshot(project.out) == project.before
    project.assert_clean()


@slow
def test_an_unreachable_scheduler_fails_within_seconds(project):
    import socket

    with socket.socket() as probe:  # a port with nothing listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    started = time.monotonic()
    run = project.run("-k", "gnosjo", "--executor", "dask", "--scheduler", f"tcp://127.0.0.1:{port}")
    assert time.monotonic() - started < 20
    assert run.returncode == 2
    assert one_line(run.stderr).startswith(f"error: --scheduler tcp://127.0.0.1:{port}: no dask scheduler answered")
    assert snapshot(project.out) == project.before
    project.assert_clean()


# ------------------------------------------------------------------ failures keep good work

@slow
def test_a_failed_rebuild_keeps_the_previous_report_and_a_subset_keeps_the_other_rows(project):
    (project.root / "parameters" / ".#habo.yaml").write_text("an editor's lock file", encoding="utf-8")
    run = project.run("-k", "habo", "-k", "Gnosjo\u0308", "-j", "1000", faults={"Habo": "fail"})
    assert run.returncode == 1
    failures = [line for line in run.stderr.splitlines() if line.startswith("failed:")]
    assert failures == ["failed: Habo: RuntimeError: forced failure for Habo"]
    after = snapshot(project.out)
    for slug in PREVIOUS:  # the failed report and the ones not asked for are untouched
        for kind in ("ipynb", "html"):
            assert after[f"{slug}.{kind}"] == project.before[f"{slug}.{kind}"]
    assert reports_and_index(after) == [".naravard/build.lock", ".naravard/logs/habo.log", "aneby.html", "aneby.ipynb",
                             "gnosjo.html", "gnosjo.ipynb", "habo.html", "habo.ipynb", "index.html",
                             "mullsjo.html", "mullsjo.ipynb", "summary.csv"]
    assert "forced failure for Habo" in after[".naravard/logs/habo.log"].decode()
    rows = project.summary()
    assert [(s, r["status"]) for s, r in rows.items()] == [
        ("aneby", "tidigare"), ("gnosjo", "ny"), ("habo", "fel"), ("mullsjo", "tidigare")]
    assert rows["habo"]["nara_vard"] == "4000"  # the figures of the report still on disk
    assert rows["aneby"]["byggd"] < rows["gnosjo"]["byggd"]
    index = after["index.html"].decode()
    assert 'href="aneby.html"' in index and 'href="gnosjo.html"' in index and "forced failure for Habo" in index
    project.assert_clean()


@slow
def test_a_killed_worker_or_kernel_fails_only_its_report(project):
    run = project.run("-k", "aneby", "-k", "habo", "-k", "mullsjo", "-j", "3",
                      faults={"Habo": "kill-worker", "Mullsjö": "kill-kernel"})
    assert run.returncode == 1
    failures = sorted(line for line in run.stderr.splitlines() if line.startswith("failed:"))
    assert failures[0].startswith("failed: Habo: WorkerDied: the worker process running this report was killed by SIGKILL")
    assert failures[1].startswith("failed: Mullsjö: DeadKernelError")
    if (os.cpu_count() or 1) < 3:
        assert f"warning: --jobs 3 is more than the {os.cpu_count()} CPU cores here" in run.stderr
    rows = project.summary()
    assert [(s, r["status"]) for s, r in rows.items()] == [("aneby", "ny"), ("habo", "fel"), ("mullsjo", "fel")]
    after = snapshot(project.out)
    assert after["habo.html"] == project.before["habo.html"] and after["mullsjo.ipynb"] == project.before["mullsjo.ipynb"]
    assert reports_and_index(after) == [".naravard/build.lock", ".naravard/logs/habo.log", ".naravard/logs/mullsjo.log",
                             "aneby.html", "aneby.ipynb", "habo.html", "habo.ipynb", "index.html", "mullsjo.html",
                             "mullsjo.ipynb", "summary.csv"]
    assert_gone(project.wait_for("Habo", "Mullsjö"))
    project.assert_clean()


@slow
def test_a_dead_warm_kernel_is_replaced_and_fails_only_its_report(project):
    """One worker, one warm kernel for all three reports: the kernel Habo kills is replaced for Mullsjö."""
    run = project.run("-k", "aneby", "-k", "habo", "-k", "mullsjo", "-j", "1", faults={"Habo": "kill-kernel"})
    assert run.returncode == 1
    assert [line for line in run.stderr.splitlines() if line.startswith("failed:")] == [
        "failed: Habo: DeadKernelError: Kernel died"]
    kernels = dict(zip(("Aneby", "Habo", "Mullsjö"), project.wait_for("Aneby", "Habo", "Mullsjö")))
    assert kernels["Aneby"] == kernels["Habo"] != kernels["Mullsjö"]
    assert [(s, r["status"]) for s, r in project.summary().items()] == [("aneby", "ny"), ("habo", "fel"),
                                                                        ("mullsjo", "ny")]
    after = snapshot(project.out)
    assert after["habo.html"] == project.before["habo.html"]  # the failed report keeps its previous files
    assert "DeadKernelError" in after[".naravard/logs/habo.log"].decode()
    assert_gone(list(kernels.values()))
    project.assert_clean()


# ------------------------------------------------------------------ stopping

@slow
@pytest.mark.parametrize("signum, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["SIGINT", "SIGTERM"])
def test_a_signal_stops_the_build_cleanly(project, signum, code):
    build = project.start("-k", "gnosjo", "-k", "habo", "-k", "mullsjo", "-j", "2",
                          faults={"Habo": "sleep:120", "Mullsjö": "sleep:120"})
    kernels = project.wait_for("Habo", "Mullsjö")
    deadline = time.monotonic() + 60
    while not (project.out / "gnosjo.html").exists():  # one report finishes before the signal
        assert time.monotonic() < deadline and build.poll() is None, build.stderr.read()
        time.sleep(0.1)
    os.killpg(build.pid, signum)  # as a terminal or `timeout` would: the whole process group
    _, stderr = build.communicate(timeout=30)
    assert build.returncode == code
    assert one_line(stderr) == (f"interrupted: stopped by {signal.Signals(signum).name}: 1 of 3 reports written "
                                f"to {project.out}; the index lists what is there")
    after = snapshot(project.out)
    assert reports_and_index(after) == [".naravard/build.lock", "aneby.html", "aneby.ipynb", "gnosjo.html", "gnosjo.ipynb",
                             "habo.html", "habo.ipynb", "index.html", "mullsjo.html", "mullsjo.ipynb", "summary.csv"]
    assert all(after[f"{s}.ipynb"] == project.before[f"{s}.ipynb"] for s in PREVIOUS)
    assert [(s, r["status"]) for s, r in project.summary().items()] == [
        ("aneby", "tidigare"), ("gnosjo", "ny"), ("habo", "tidigare"), ("mullsjo", "tidigare")]
    assert_gone(kernels)
    project.assert_clean()


@slow
def test_a_concurrent_build_is_refused_and_a_killed_build_is_cleaned_up_by_the_next(project):
    first = project.start("-k", "habo", faults={"Habo": "sleep:120"})
    kernels = project.wait_for("Habo")
    second = project.run("-k", "gnosjo")
    assert second.returncode == 2
    assert one_line(second.stderr) == (f"error: --out {project.out}: another naravard build (pid {first.pid}) is "
                                       "writing to this folder; wait for it to finish or choose another --out")
    os.killpg(first.pid, signal.SIGKILL)  # no chance to clean up
    first.communicate(timeout=10)
    assert_gone(kernels)  # the orphaned kernel notices its parent is gone
    assert list((project.out / ".naravard" / "tmp").iterdir())  # the killed build's staging folder
    third = project.run("-k", "gnosjo")
    assert third.returncode == 0, third.stderr
    after = snapshot(project.out)
    assert reports_and_index(after) == [".naravard/build.lock", "aneby.html", "aneby.ipynb", "gnosjo.html", "gnosjo.ipynb",
                             "habo.html", "habo.ipynb", "index.html", "mullsjo.html", "mullsjo.ipynb", "summary.csv"]
    assert all(after[f"{s}.ipynb"] == project.before[f"{s}.ipynb"] for s in PREVIOUS)
    project.assert_clean()


# ------------------------------------------------------------------ the same checks in-process (fast)

@pytest.mark.parametrize("edit, expected", BAD_DATA, ids=["negative", "header-only", "missing-kommun", "empty",
                                                           "extra-field"])
def test_every_data_fault_is_one_line_from_validate_all(tmp_path, monkeypatch, edit, expected):
    from naravard_lib import data

    folder = tmp_path / "data"
    shutil.copytree(paths.DATA_DIR, folder)
    monkeypatch.setattr(paths, "DATA_DIR", folder)
    monkeypatch.setattr(paths, "PROJECT_ROOT", tmp_path)
    path = folder / "allocations.csv"
    path.write_text(edit(path.read_text(encoding="utf-8").splitlines(keepends=True)), encoding="utf-8")
    problems = [str(p) for p in data.validate_all()]
    assert len(problems) == 1 and problems[0].startswith(expected) and "\n" not in problems[0]


@pytest.mark.parametrize("name, content, expected", BAD_PARAMETERS,
                         ids=["latin-1", "directory", "alias-bomb", "duplicate-key", "yml"])
def test_every_parameter_fault_is_one_line(tmp_path, name, content, expected):
    from naravard_lib.errors import ParameterError
    from naravard_lib.parameters import all_parameters

    folder = tmp_path / "parameters"
    shutil.copytree(paths.PARAMETERS_DIR, folder)
    target = folder / name
    if content is None:
        target.mkdir()
    else:
        target.write_bytes(content)
    with pytest.raises(ParameterError) as info:
        all_parameters(folder)
    message = str(info.value)
    assert expected.removeprefix("parameters/") in message and "\n" not in message and len(message) < 300
