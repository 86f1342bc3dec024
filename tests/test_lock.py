"""requirements.lock and pyproject.toml agree: every dependency pinned within its range, nothing stale.

The lock is made by ``make lock`` (uv pip compile, universal, with hashes); the bootstrap installs
from it, so a fresh machine next month gets the versions the committed outputs were made with.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from naravard_lib import paths

PROJECT = "naravard-workbook"


@dataclass
class Pin:
    name: str
    version: Version
    marker: str
    hashes: int = 0
    via: list[str] = field(default_factory=list)


def parse_lock(text: str) -> list[Pin]:
    """The entries of a ``uv pip compile`` lock with their markers, hash count and ``# via`` parents."""
    pins: list[Pin] = []
    in_via = False
    for line in text.splitlines():
        entry = re.match(r"^([A-Za-z0-9][A-Za-z0-9._\-]*)(?:\[[^\]]*\])?==([^\s;\\]+)\s*(?:;\s*([^\\]*?))?\s*\\?$", line)
        if entry:
            pins.append(Pin(canonicalize_name(entry.group(1)), Version(entry.group(2)), (entry.group(3) or "").strip()))
            in_via = False
        elif line.strip().startswith("--hash=sha256:"):
            pins[-1].hashes += 1
        elif line.strip().startswith("# via") and pins:
            rest = line.strip()[len("# via"):].strip()
            pins[-1].via += [rest] if rest else []
            in_via = not rest
        elif in_via and line.strip().startswith("#   "):
            pins[-1].via.append(line.strip()[4:].strip())
        elif line and not line.startswith((" ", "#")):
            raise AssertionError(f"requirements.lock: unexpected line {line!r}")
    return pins


def project_requirements() -> list[Requirement]:
    project = tomllib.loads((paths.PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [Requirement(r) for r in project["dependencies"] + project["optional-dependencies"]["dev"]]


@pytest.fixture(scope="module")
def lock_text() -> str:
    path = paths.PROJECT_ROOT / "requirements.lock"
    assert path.exists(), "requirements.lock is missing: run `make lock`"
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def pins(lock_text) -> list[Pin]:
    return parse_lock(lock_text)


def test_lock_is_universal_with_hashes_and_the_dev_extra(lock_text, pins):
    command = lock_text.splitlines()[1]
    for option in ("--extra dev", "--generate-hashes", "--universal"):
        assert option in command, f"requirements.lock was not made by `make lock` ({option} missing)"
    assert len(pins) > 100
    assert all(pin.hashes for pin in pins), [p.name for p in pins if not p.hashes]


def test_every_dependency_is_pinned_within_its_range(pins):
    by_name: dict[str, list[Pin]] = {}
    for pin in pins:
        by_name.setdefault(pin.name, []).append(pin)
    for requirement in project_requirements():
        name = canonicalize_name(requirement.name)
        assert name in by_name, f"{requirement} is in pyproject.toml but not in requirements.lock: run `make lock`"
        for pin in by_name[name]:
            assert requirement.specifier.contains(pin.version, prereleases=True), (
                f"requirements.lock pins {name}=={pin.version}, outside {requirement} in pyproject.toml: run `make lock`")
        assert all(f"{PROJECT} (pyproject.toml)" in pin.via for pin in by_name[name]), (
            f"requirements.lock does not list {name} as a dependency of the workbook: run `make lock`")


def test_nothing_in_the_lock_is_stale(pins):
    direct = {canonicalize_name(r.name) for r in project_requirements()}
    locked = {pin.name for pin in pins}
    for pin in pins:
        assert pin.via, f"requirements.lock: {pin.name} has no '# via' line"
        if f"{PROJECT} (pyproject.toml)" in pin.via:
            assert pin.name in direct, f"requirements.lock: {pin.name} is no longer in pyproject.toml: run `make lock`"
        parents = {canonicalize_name(v) for v in pin.via if v != f"{PROJECT} (pyproject.toml)"}
        assert parents <= locked, f"requirements.lock: {pin.name} is needed by {parents - locked}, which are not locked"


def test_parse_lock_reads_markers_hashes_and_parents():
    text = ("# header\n#    uv pip compile\n"
            "numpy==2.4.6 ; python_full_version < '3.12' \\\n    --hash=sha256:aa \\\n    --hash=sha256:bb\n"
            "    # via\n    #   naravard-workbook (pyproject.toml)\n    #   pandas\n"
            "dask==2026.8.0 \\\n    --hash=sha256:cc\n    # via naravard-workbook (pyproject.toml)\n")
    numpy, dask = parse_lock(text)
    assert (numpy.name, str(numpy.version), numpy.marker, numpy.hashes) == ("numpy", "2.4.6", "python_full_version < '3.12'", 2)
    assert numpy.via == ["naravard-workbook (pyproject.toml)", "pandas"]
    assert dask.via == ["naravard-workbook (pyproject.toml)"] and dask.hashes == 1
