"""Report parameters: one YAML file per municipality in ``parameters/``, validated before any
kernel starts. Every mistake gets one line naming the file (or ``--kommun``) and the key.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

from . import paths
from .data import load_municipalities, suggest
from .errors import ParameterError
from .schemas import KOMMUNER

#: Allowed keys, their type and their meaning (the template's parameters cell says the same).
SCHEMA: dict[str, tuple[type, str]] = {
    "kommun": (str, "municipality name with å/ä/ö, one of the 13 in Jönköpings län"),
    "visa_karta": (bool, "draw the map of the län (true/false)"),
    "rubrik": (str, "report title; empty gives 'Nära vård i <kommun>'"),
}
DEFAULTS = {"visa_karta": True, "rubrik": ""}


@dataclass(frozen=True)
class ReportParameters:
    """Validated parameters for one municipality report."""

    kommun: str
    slug: str
    visa_karta: bool = True
    rubrik: str = ""

    def notebook_parameters(self) -> dict:
        """The values papermill injects into the template (everything but the slug)."""
        values = asdict(self)
        values.pop("slug")
        return values


def resolve_kommun(name: str, where: str = "--kommun") -> str:
    """The municipality's proper name for a name or slug; one-line error with a suggestion."""
    table = load_municipalities()
    exact = {**dict(zip(table["kommun"], table["kommun"])), **dict(zip(table["slug"], table["kommun"]))}
    folded = {k.casefold(): k for k in table["kommun"]}  # "SÄVSJÖ" is fine, "Savsjo" is not
    found = exact.get(name) or folded.get(str(name).casefold())
    if found:
        return found
    raise ParameterError(f"{where}: unknown municipality {name!r}{suggest(name, table['kommun'])}; "
                         f"expected one of: {', '.join(table['kommun'])}")


def validate_parameters(raw, where: str) -> ReportParameters:
    """Check a parameter mapping: known keys, right types, a real municipality."""
    if not isinstance(raw, dict):
        raise ParameterError(f"{where}: expected key: value pairs (a YAML mapping), got {type(raw).__name__}")
    for key, value in raw.items():
        if key not in SCHEMA:
            raise ParameterError(f"{where}: unknown key {key!r}{suggest(key, SCHEMA)}; "
                                 f"allowed keys: {', '.join(SCHEMA)}")
        wanted = SCHEMA[key][0]
        if not isinstance(value, wanted) or (wanted is not bool and isinstance(value, bool)):
            raise ParameterError(f"{where}: key {key!r} must be {wanted.__name__} ({SCHEMA[key][1]}), "
                                 f"got {value!r}")
    if "kommun" not in raw:
        raise ParameterError(f"{where}: missing key 'kommun' ({SCHEMA['kommun'][1]})")
    kommun = resolve_kommun(raw["kommun"], f"{where}: kommun")
    if kommun != raw["kommun"]:
        raise ParameterError(f"{where}: kommun {raw['kommun']!r} must be written as {kommun!r}")
    slug = load_municipalities().set_index("kommun").at[kommun, "slug"]
    return ReportParameters(kommun=kommun, slug=slug, **{**DEFAULTS, **{k: v for k, v in raw.items() if k != "kommun"}})


def read_parameters(path: Path) -> ReportParameters:
    """Read and validate ``parameters/<slug>.yaml`` (safe_load only); its name must match its kommun."""
    where = str(path.relative_to(paths.PROJECT_ROOT)) if path.is_relative_to(paths.PROJECT_ROOT) else str(path)
    if not path.exists():
        raise ParameterError(f"{where}: file not found")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f", line {mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ParameterError(f"{where}{line}: not valid YAML ({problem})") from None
    params = validate_parameters(raw, where)
    if path.stem != params.slug:
        raise ParameterError(f"{where}: file is named {path.stem!r} but kommun {params.kommun!r} has slug "
                             f"{params.slug!r}; rename it to {params.slug}.yaml")
    return params


def all_parameters(folder: Path | None = None) -> list[ReportParameters]:
    """Validate every parameter file; all 13 municipalities must have exactly one. Swedish order (å, ä, ö last)."""
    folder = folder or paths.PARAMETERS_DIR
    found = sorted((read_parameters(p) for p in folder.glob("*.yaml")), key=lambda p: KOMMUNER.index(p.kommun))
    missing = sorted(set(load_municipalities()["slug"]) - {p.slug for p in found})
    if missing:
        raise ParameterError(f"{folder}: no parameter file for {', '.join(missing)} (expected <slug>.yaml)")
    return found


def select(names: list[str] | None, folder: Path | None = None) -> list[ReportParameters]:
    """Parameters for the municipalities named (names or slugs), or all of them."""
    everything = {p.kommun: p for p in all_parameters(folder)}
    if not names:
        return list(everything.values())
    chosen = []
    for name in names:
        kommun = resolve_kommun(name)
        if everything[kommun] not in chosen:
            chosen.append(everything[kommun])
    return chosen
