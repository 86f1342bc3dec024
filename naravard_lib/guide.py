"""The trainer guide (``notebooks/HANDLEDNING_FOR_UTBILDARE.md``) read as data: session plans, goals, talking points.

The guide is written for people; its tables are also the one source of the deck's steps and speaker
notes (:mod:`naravard_lib.deck`), so a trainer who edits the guide edits the deck.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from . import paths
from .errors import DataError

GUIDE = paths.NOTEBOOKS_DIR / "HANDLEDNING_FOR_UTBILDARE.md"
_PLAN_HEADING = "Passplan: "
_GOALS_HEADING = "Lärandemål per anteckningsbok"
_TALK_HEADING = "Att fråga och att se upp för"
_CODE = re.compile(r"`([^`]+)`")


@dataclass(frozen=True)
class Step:
    """One row of a session plan: when, what, how, which picture, and the notebooks it uses."""

    time: str
    what: str
    form: str = ""
    picture: str = ""
    notebooks: tuple[str, ...] = ()


@dataclass(frozen=True)
class SessionPlan:
    """A session plan of the guide, e.g. ``Passplan: 90 minuter`` (slug ``90-minuter``)."""

    slug: str
    title: str
    steps: tuple[Step, ...] = field(default_factory=tuple)


def _sections(text: str) -> dict[str, list[str]]:
    """The lines under each ``## `` heading, by heading."""
    found: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        if line.startswith("## "):
            current = line[3:].strip()
            found[current] = []
        elif current is not None:
            found[current].append(line)
    return found


def _table(lines: list[str], where: str) -> list[dict[str, str]]:
    """The first Markdown pipe table in ``lines`` as one dict per row, by header."""
    rows = [line.strip() for line in lines if line.strip().startswith("|")]
    if len(rows) < 2:
        raise DataError(f"{GUIDE.name}: section {where!r} has no table")
    split = lambda row: [cell.strip() for cell in row.strip("|").split("|")]  # noqa: E731
    header = split(rows[0])
    return [dict(zip(header, split(row) + [""] * len(header))) for row in rows[2:]]


def _read(path: Path | None) -> dict[str, list[str]]:
    path = Path(path or GUIDE)
    return _sections(path.read_text(encoding="utf-8"))


def learning_goals(path: Path | None = None) -> dict[str, dict[str, str]]:
    """Each notebook's learning goal and time, by notebook name (``00_introduktion``, ``ovningar/01_ovningar``)."""
    rows = _table(_read(path).get(_GOALS_HEADING, []), _GOALS_HEADING)
    return {_CODE.search(row["Anteckningsbok"]).group(1): {"goal": row["Efter passet kan deltagaren …"],
                                                           "time": row["Tid"]} for row in rows}


def talking_points(path: Path | None = None) -> dict[str, dict[str, str]]:
    """What to ask the group and what to watch for, by notebook name."""
    rows = _table(_read(path).get(_TALK_HEADING, []), _TALK_HEADING)
    return {_CODE.search(row["Anteckningsbok"]).group(1): {"ask": row["Fråga gruppen"], "watch": row["Se upp för"]}
            for row in rows}


def _notebooks(what: str, known: list[str]) -> tuple[str, ...]:
    """The notebooks a step names: ```01``` is ``01_fordelning``; ```ovningar/01_ovningar``` is itself."""
    named = []
    for reference in _CODE.findall(what):
        match = [name for name in known if name == reference or name.split("_")[0] == reference]
        named += [m for m in match if m not in named]
    return tuple(named)


def session_plans(path: Path | None = None) -> dict[str, SessionPlan]:
    """Every ``## Passplan: …`` of the guide, by slug (``90-minuter``, ``halvdag``), in the guide's order.

    >>> [step.time for step in session_plans()["90-minuter"].steps][:2]
    ['0–10', '10–25']
    """
    sections = _read(path)
    known = list(learning_goals(path))
    plans = {}
    for heading, lines in sections.items():
        if not heading.startswith(_PLAN_HEADING):
            continue
        name = heading[len(_PLAN_HEADING):]
        slug = re.sub(r"[^a-z0-9]+", "-", re.sub(r"\s*\(.*\)", "", name).lower().replace("å", "a")
                      .replace("ä", "a").replace("ö", "o")).strip("-")
        steps = []
        for row in _table(lines, heading):
            form = next((v for k, v in row.items() if k.startswith("Lärform")), "")
            steps.append(Step(time=row["Tid"], what=row["Vad"], form=form, picture=row.get("Bild i bildspelet", ""),
                              notebooks=_notebooks(row["Vad"], known)))
        plans[slug] = SessionPlan(slug=slug, title=heading, steps=tuple(steps))
    if not plans:
        raise DataError(f"{Path(path or GUIDE).name}: no section '## {_PLAN_HEADING}…'")
    return plans


def plain(text: str) -> str:
    """Guide text without Markdown marks: ```00``` becomes ``00``, ``*ord*`` becomes ``ord``."""
    return re.sub(r"\*+([^*]+)\*+", r"\1", _CODE.sub(r"\1", text))


def speaker_notes(step: Step, path: Path | None = None) -> str:
    """The speaker notes for one step: time and form, then each notebook's goal, question and pitfall.

    >>> print(speaker_notes(session_plans()["90-minuter"].steps[0]).splitlines()[0])
    Tid: 0–10 min. Lärform: undervisande.
    """
    minutes = step.time if ":" in step.time else f"{step.time} min"
    lines = [f"Tid: {minutes}." + (f" Lärform: {step.form}." if step.form else "")]
    goals, talk = learning_goals(path), talking_points(path)
    for name in step.notebooks:
        lines.append("")
        lines.append(f"{name}:")
        if name in goals:
            lines.append(f"Mål: efter passet kan deltagaren {plain(goals[name]['goal'])}.")
        if name in talk:
            lines.append(f"Fråga gruppen: {plain(talk[name]['ask'])}")
            lines.append(f"Se upp för: {plain(talk[name]['watch'])}")
    if not step.notebooks:
        lines.append(plain(step.what) + ".")
    return "\n".join(lines)
