"""Run the cases of issue 23 against a checkout of the workbook and print one row per case.

    python benchmarks/faults_before_after.py CODE_ROOT [CASE ...]

``CODE_ROOT`` is a checkout (e.g. ``git archive main`` unpacked in /tmp/before, or this worktree). Each
case copies that checkout's library, data and parameters into a temporary project with a tiny
template (as ``tests/test_faults.py`` does), provokes the fault with the real command line and
prints: the exit code, how many lines went to stderr (and the first), and what happened to the files.
It is a measurement for the closing note of issue 23, not a test: the tests are tests/test_faults*.py.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import psutil
from nbformat.v4 import new_code_cell, new_notebook

HOSTILE = "väntetid <vecka 2 & andel>50 % <script>alert(1)</script>"
BEHAVIOUR = """\
import json, os, pathlib, time
action = json.loads(os.environ.get("FAULTS", "{}")).get(kommun, "")
if action.startswith("sleep:"):
    time.sleep(float(action[6:]))
"""
FULL_DISK = """\
import errno, os, pathlib
_write_text = pathlib.Path.write_text
def write_text(self, *args, **kwargs):
    if self.name == os.environ.get("FULL_DISK_AT"):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
    return _write_text(self, *args, **kwargs)
pathlib.Path.write_text = write_text
"""


class Project:
    def __init__(self, code: Path, root: Path, template: str = "tiny"):
        self.code, self.root = code, root / "project"
        for part in ("naravard_lib", "data", "parameters"):
            shutil.copytree(code / part, self.root / part, ignore=shutil.ignore_patterns("__pycache__"))
        (self.root / "notebooks").mkdir()
        shutil.copy(code / "notebooks" / "kommunrapport.ipynb", self.root / "notebooks")
        self.template = self._tiny(root) if template == "tiny" else self.root / "notebooks" / "kommunrapport.ipynb"
        self.out = root / "out"
        self.tmpdir = root / "tmpdir"
        self.tmpdir.mkdir()

    @staticmethod
    def _tiny(folder: Path) -> Path:
        parameters = new_code_cell('kommun = "Aneby"\nvisa_karta = True\nrubrik = ""')
        parameters.metadata["tags"] = ["parameters"]
        figures = new_code_cell('from IPython.display import JSON\nJSON({"kommun": kommun, "nara_vard": 1000 * '
                                'len(kommun), "per_invanare": 70.5, "andel_medel_pct": 1.85, '
                                '"forandring": -100})')
        figures.metadata["tags"] = ["key-figures"]
        notebook = new_notebook(cells=[parameters, new_code_cell(BEHAVIOUR), figures])
        notebook.metadata["kernelspec"] = {"name": "naravard", "display_name": "naravard", "language": "python"}
        path = folder / "template.ipynb"
        nbformat.write(notebook, path)
        return path

    def env(self, **extra) -> dict:
        return {**os.environ, "PYTHONPATH": str(self.root), "TMPDIR": str(self.tmpdir),
                "PYTHONDONTWRITEBYTECODE": "1", **extra}

    def argv(self, *args, out=None) -> list[str]:
        return [sys.executable, "-m", "naravard_lib.cli", "build", "--out", str(self.out if out is None else out),
                "-q", "--template", str(self.template), *args]

    def run(self, *args, out=None, env=None, prefix=(), timeout=300):
        started = time.monotonic()
        try:
            done = subprocess.run([*prefix, *self.argv(*args, out=out)], env=env or self.env(), cwd=self.root,
                                  capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return None, f"still running after {timeout} s (killed)", time.monotonic() - started
        return done.returncode, done.stderr, time.monotonic() - started

    def cli(self, *args, env=None, timeout=120):
        done = subprocess.run([sys.executable, "-m", "naravard_lib.cli", *args], env=env or self.env(),
                              cwd=self.root, capture_output=True, text=True, timeout=timeout)
        return done.returncode, done.stderr + done.stdout

    def build_previous(self, *slugs):
        code, err, _ = self.run(*[a for s in slugs for a in ("-k", s)])
        assert code == 0, err
        old = time.time() - 86_400
        for path in self.out.glob("*.*"):
            os.utime(path, (old, old))

    def files(self) -> list[str]:
        return sorted(str(p.relative_to(self.out)) for p in self.out.rglob("*") if p.is_file())

    def tmp_left(self) -> int:
        return len(list(self.tmpdir.rglob("*"))) + len(list((self.out / ".naravard" / "tmp").rglob("*")))


def lines(text: str) -> str:
    shown = [line for line in text.splitlines() if line.strip()]
    first = shown[0][:150] if shown else ""
    return f"{len(shown)} line(s): {first}"


# ------------------------------------------------------------------ the cases

def case_no_pdf_build(p: Project):
    p.build_previous("habo")
    (p.out / "habo.pdf").write_bytes(b"%PDF earlier")
    code, err, _ = p.run("-k", "habo")
    return code, lines(err), f"habo.pdf {'kept' if (p.out / 'habo.pdf').exists() else 'DELETED'}"


def case_pdf_impossible(p: Project):
    p.build_previous("habo")
    (p.out / "habo.pdf").write_bytes(b"%PDF earlier")
    fake = p.root.parent / "no-pango" / "weasyprint"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise OSError(\"cannot load library 'libpango-1.0-0'\")\n")
    env = p.env(PYTHONPATH=f"{fake.parent}{os.pathsep}{p.root}")
    code, err, _ = p.run("-k", "habo", "--pdf", env=env)
    last = [line for line in err.splitlines() if line.strip()][-1:] or [""]
    return code, f"last line: {last[0][:150]}", f"habo.pdf {'kept' if (p.out / 'habo.pdf').exists() else 'DELETED'}"


def case_foreign_folder(p: Project):
    p.out.mkdir()
    (p.out / "index.html").write_text("mine")
    (p.out / "summary.csv").write_text("mine")
    code, err, _ = p.run("-k", "habo")
    mine = (p.out / "index.html").read_text() == "mine"
    return code, lines(err), f"user's index.html {'kept' if mine else 'OVERWRITTEN'}"


def case_unpublishable(p: Project):
    p.build_previous("aneby", "habo", "mullsjo")
    (p.out / "aneby.html").unlink()
    (p.out / "aneby.html").mkdir()
    code, err, _ = p.run("-k", "aneby", "-k", "habo", "-k", "mullsjo", "-j", "1")
    half = (p.out / "aneby.ipynb").stat().st_mtime > time.time() - 3600  # the build is byte-identical: dates tell
    others = sum((p.out / f"{s}.ipynb").stat().st_mtime > time.time() - 3600 for s in ("habo", "mullsjo"))
    summary = (p.out / "summary.csv").read_text()
    aneby = [row for row in summary.splitlines() if row.startswith("Aneby")][0].split(",")[2]
    return code, lines(err), (f"aneby {'HALF-REPLACED' if half else 'whole'}; {others} of 2 others rebuilt; "
                              f"summary says aneby={aneby}")


def case_overflow(p: Project):
    path = p.root / "data" / "allocations.csv"
    path.write_text(path.read_text().replace(",650613,", ",9223372036854775807,", 1))
    code, text = p.cli("validate")
    build_code, err, _ = p.run("-k", "aneby")
    return code, lines(text), f"build: exit {build_code}, {lines(err)}"


def case_hostile_text(p: Project):
    import csv

    path = p.root / "data" / "initiatives.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    first = next(r["namn"] for r in rows if r["rackvidd_2023"] == "alla 13")
    for row in rows:
        if row["namn"] == first:
            row["namn"] = HOSTILE
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    p.template = p.root / "notebooks" / "kommunrapport.ipynb"
    code, err, _ = p.run("-k", "aneby")
    if code != 0:
        return code, lines(err), ""
    from bs4 import BeautifulSoup

    page = BeautifulSoup((p.out / "aneby.html").read_text(), "html.parser")
    shown = HOSTILE in page.get_text(" ")
    notebook = nbformat.read(p.out / "aneby.ipynb", as_version=4)
    html_out = "".join(str(o.get("data", {}).get("text/html", "")) for c in notebook.cells for o in c.get("outputs", []))
    return code, lines(err), (f"page shows the text: {shown}; raw <script> in the .ipynb's HTML outputs: "
                              f"{'<script>' in html_out}")


def _signal_case(p: Project, signum: int, group: bool):
    p.build_previous("aneby", "gnosjo", "habo")
    (p.out / "gnosjo.pdf").write_bytes(b"%PDF earlier")
    build = subprocess.Popen(p.argv("-k", "gnosjo", "-k", "habo", "-j", "2"), env=p.env(FAULTS=json.dumps(
        {"Habo": "sleep:60", "Gnosjö": "sleep:2"})), cwd=p.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, start_new_session=True)
    deadline = time.monotonic() + 60
    while (p.out / "gnosjo.ipynb").stat().st_mtime < time.time() - 3600 and time.monotonic() < deadline:
        time.sleep(0.1)  # until the new gnosjo is published
    time.sleep(0.5)
    if group:
        os.killpg(build.pid, signum)
    else:
        os.kill(build.pid, signum)
    try:
        _, err = build.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(build.pid, signal.SIGKILL)
        _, err = build.communicate()
    time.sleep(2)
    index = (p.out / "index.html").read_text()
    dangling = 'href="gnosjo.pdf"' in index and not (p.out / "gnosjo.pdf").exists()
    return build.returncode, lines(err), (f"temporary files left: {p.tmp_left()}; index links a missing PDF: "
                                          f"{dangling}")


def case_sighup(p: Project):
    return _signal_case(p, signal.SIGHUP, group=True)


def case_sigkill_main(p: Project):
    return _signal_case(p, signal.SIGKILL, group=False)


def case_full_disk(p: Project):
    p.build_previous("aneby", "habo", "mullsjo")
    hook = p.root.parent / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(FULL_DISK)
    env = p.env(FULL_DISK_AT="habo.html", PYTHONPATH=f"{hook}{os.pathsep}{p.root}")
    code, err, _ = p.run("-k", "aneby", "-k", "habo", "-k", "mullsjo", "-j", "1", env=env)
    summary = (p.out / "summary.csv").read_text()
    fresh = sum(",ny," in row for row in summary.splitlines())
    return code, lines(err), f"summary lists {fresh} report(s) as ny; temporary files left: {p.tmp_left()}"


def case_full_disk_tmpfs(p: Project):
    """A real full disk: a 150 KB tmpfs as the output folder (needs root)."""
    mount = p.root.parent / "small"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=150k", "tmpfs", str(mount)]).returncode != 0:
        return None, "cannot mount a tmpfs here", ""
    try:
        p.out = mount / "out"
        code, err, _ = p.run("-j", "1")
        complete = sum((p.out / f"{s}.html").is_file() and (p.out / f"{s}.ipynb").is_file()
                       for s in [x.stem for x in p.out.glob("*.ipynb")])
        return code, lines(err), f"{complete} complete reports kept; temporary files left: {p.tmp_left()}"
    finally:
        subprocess.run(["umount", str(mount)])


def case_empty_out(p: Project):
    code, err, _ = p.run("-k", "habo", out="")
    wrote = (p.root / "index.html").exists()
    argv = [sys.executable, "-m", "naravard_lib.cli", "build", "-q", "--template", str(p.template), "-k", "habo"]
    done = subprocess.run(argv, env=p.env(NARAVARD_REPORTS=""), cwd=p.root, capture_output=True, text=True)
    wrote2 = (p.root / "index.html").exists()
    return code, lines(err), (f"-o '': report in the current folder: {wrote}; NARAVARD_REPORTS='': exit "
                              f"{done.returncode}, {lines(done.stderr)}, in the current folder: {wrote2}")


def case_own_folders(p: Project):
    results = []
    for where in ("data", "notebooks", "."):  # "/" is not tried: the old code would write there
        target = p.root / where
        code, err, _ = p.run("-k", "habo", out=target, timeout=120)
        results.append(f"{where}: exit {code}")
        if code == 0:
            for name in ("index.html", "summary.csv", "habo.html", "habo.ipynb"):
                (target / name).unlink(missing_ok=True)
            shutil.rmtree(target / ".naravard", ignore_errors=True)
    return None, "; ".join(results), ""


def case_data_fifo(p: Project):
    target = p.root / "data" / "allocations.csv"
    target.unlink()
    os.mkfifo(target)
    code, err, seconds = p.run("-k", "habo", timeout=20)
    return code, lines(err), f"{seconds:.1f} s"


def case_data_dev_zero(p: Project):
    target = p.root / "data" / "allocations.csv"
    target.unlink()
    target.symlink_to("/dev/zero")
    # A memory limit stands in for "until memory runs out": 2 GB of address space.
    code, err, seconds = p.run("-k", "habo", timeout=60, prefix=("prlimit", "--as=2000000000"))
    return code, lines(err), f"{seconds:.1f} s"


def _answers(p: Project, name: str, text: str) -> Path:
    path = p.root.parent / name
    path.write_text(text)
    return path


GOOD = '{"format": "naravard-uppfoljning", "version": 1, "rapport": "Habo", "ar": 2022, "svar": {}}'


def case_form_deep(p: Project):
    path = _answers(p, "deep.json", '{"a":' * 100_000 + "1" + "}" * 100_000)
    code, text = p.cli("form", "check", "-a", str(path))
    return code, lines(text), ""


def case_form_long_number(p: Project):
    path = _answers(p, "long.json", GOOD[:-1] + ', "x": ' + "9" * 5000 + "}")
    code, text = p.cli("form", "check", "-a", str(path))
    return code, lines(text), ""


def case_form_duplicate(p: Project):
    path = _answers(p, "dup.json", GOOD[:-1] + ', "rapport": "Eksjö"}')
    code, text = p.cli("form", "check", "-a", str(path))
    return code, lines(text), ""


def case_form_export_fails(p: Project):
    folder = p.root.parent / "answers"
    folder.mkdir()
    for name, report in (("aneby", "Aneby"), ("habo", "Habo")):
        (folder / f"{name}.json").write_text(GOOD.replace("Habo", report))
    out = p.root.parent / "export"
    out.mkdir()
    (out / "habo.html").mkdir()
    code, text = p.cli("form", "export", "--out", str(out), "-a", str(folder))
    left = sorted(x.name for x in out.iterdir())
    return code, lines(text), f"left in --out: {left}"


def case_form_permissions(p: Project):
    folder = p.root.parent / "answers"
    folder.mkdir()
    (folder / "habo.json").write_text(GOOD)
    out = p.root.parent / "export"
    os.umask(0o022)
    code, text = p.cli("form", "export", "--out", str(out), "-a", str(folder))
    modes = sorted({oct(x.stat().st_mode & 0o777) for x in out.iterdir()})
    return code, "", f"modes: {modes}"


def case_no_loopback(p: Project):
    code, err, seconds = p.run("-k", "habo", prefix=("unshare", "-n"), timeout=150)
    return code, lines(err), f"{seconds:.0f} s"


def case_help_bool(p: Project):
    code, text = p.cli("build", "--help", env=p.env(COLUMNS="120"))
    return code, f"'<bool>' in --help: {'<bool>' in text}", ""


def case_second_parameter_file(p: Project):
    (p.root / "parameters" / "habo2.yaml").write_text("kommun: Habo\n")
    code, text = p.cli("validate")
    return code, lines(text), ""


def case_yml(p: Project):
    (p.root / "parameters" / "habo.yml").write_text("kommun: Habo\n")
    code, text = p.cli("validate")
    return code, lines(text), ""


def case_dashboard(p: Project):
    """20 requests at once at the dashboard of this checkout; the most kernels seen."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "browser"))
    import concurrent.futures
    import threading
    import urllib.error
    import urllib.request

    from harness import free_port, start_server, stop_server

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = p.env(JUPYTER_PATH=str(p.root / "naravard_lib" / "jupyter"), JUPYTER_RUNTIME_DIR=str(p.tmpdir / "rt"))
    argv = subprocess.run([sys.executable, "-c", "import json\ntry: from naravard_lib import dashboard_server as dashboard\n"
                           "except ImportError: from naravard_lib import dashboard  # before issue 22\n"
                           f"print(json.dumps(dashboard.voila_command(port={port}, notebook=__import__('pathlib')"
                           f".Path('{p.code}/notebooks/oversikt.ipynb'))))"], env=env, cwd=p.root, capture_output=True,
                          text=True, check=True).stdout
    proc = start_server(json.loads(argv), f"{url}/voila/templates/lab/static/index.css", env=env, timeout=120)
    try:
        server = psutil.Process(proc.pid)
        time.sleep(10)
        counts, done = [], threading.Event()

        def kernels():
            return sum("ipykernel_launcher" in " ".join(c.cmdline()) for c in server.children(recursive=True))

        def watch():
            while not done.is_set():
                try:
                    counts.append(kernels())
                except psutil.Error:
                    pass
                time.sleep(0.1)

        def visit(_):
            try:
                with urllib.request.urlopen(f"{url}/?kommun=Habo", timeout=300) as response:
                    return response.status
            except urllib.error.HTTPError as error:
                return error.code
            except OSError:
                return "timeout"

        watcher = threading.Thread(target=watch)
        watcher.start()
        started = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(20) as pool:
            statuses = list(pool.map(visit, range(20)))
        seconds = time.monotonic() - started
        done.set()
        watcher.join()
        return None, f"most kernels at once: {max(counts)}", (f"responses: {statuses.count(200)}×200, "
                                                                f"{statuses.count(503)}×503 in {seconds:.0f} s")
    finally:
        stop_server(proc)


CASES = {name[5:]: value for name, value in dict(globals()).items() if name.startswith("case_")}


def main() -> None:
    code = Path(sys.argv[1]).resolve()
    chosen = sys.argv[2:] or list(CASES)
    for name in chosen:
        with tempfile.TemporaryDirectory() as root:
            project = Project(code, Path(root))
            try:
                exit_code, message, effect = CASES[name](project)
            except Exception as exc:  # noqa: BLE001 - a measurement: report and go on
                exit_code, message, effect = "-", f"measurement failed: {type(exc).__name__}: {exc}"[:200], ""
        print(f"| {name} | {exit_code} | {message} | {effect} |", flush=True)


if __name__ == "__main__":
    main()
