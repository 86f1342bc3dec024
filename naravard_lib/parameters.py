"""Report parameters: one YAML file per municipality in ``parameters/``, validated before any
kernel starts. Every mistake gets one line naming the file (or ``--kommun``) and the key.

Parameter files are read defensively: UTF-8 only, at most :data:`MAX_BYTES`, ``safe_load`` with
duplicate keys and anchors/aliases refused (so a few bytes cannot expand into gigabytes), and
names normalised to NFC (macOS tools may type "ö" as "o" + a combining diaeresis).
Editor and backup files (``.#habo.yaml``, ``habo.yaml~``, ``.habo.yaml.swp``) are ignored;
``habo.yml`` is refused with a hint to rename it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

from . import municipalities, paths
from .data import suggest
from .errors import ParameterError, plain

#: A parameter file holds a few short keys; anything larger is a mistake (or an attack).
MAX_BYTES = 16_384
#: Names of editor lock, swap and backup files, which are never parameter files.
_EDITOR_PREFIXES = (".", "#", "~")
_EDITOR_SUFFIXES = ("~", ".swp", ".swo", ".swx", ".bak", ".orig", ".tmp", ".rej", "#")


def nfc(text: str) -> str:
    """``text`` in Unicode NFC, the form the data files use ("ö" as one code point)."""
    return unicodedata.normalize("NFC", text) if isinstance(text, str) else text


class _StrictLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses duplicate keys and anchors/aliases."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent) or getattr(self.peek_event(), "anchor", None):
            mark = self.peek_event().start_mark
            raise yaml.MarkedYAMLError(problem="anchors and aliases (& and *) are not allowed in parameter files",
                                       problem_mark=mark)
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.MarkedYAMLError(problem=f"duplicate key {plain(key)}", problem_mark=key_node.start_mark)
            try:
                seen.add(key)
            except TypeError:
                raise yaml.MarkedYAMLError(problem="a key must be a plain word", problem_mark=key_node.start_mark) from None
        return super().construct_mapping(node, deep=deep)


def is_editor_file(path: Path) -> bool:
    """True for editor lock, swap and backup files such as ``.#habo.yaml`` or ``habo.yaml~``."""
    return path.name.startswith(_EDITOR_PREFIXES) or path.name.endswith(_EDITOR_SUFFIXES)

#: Allowed keys, their type and their meaning (the template's parameters cell says the same).
SCHEMA: dict[str, tuple[type, str]] = {
    "kommun": (str, "municipality name with å/ä/ö, a row of the data folder's municipalities.csv"),
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


def validate_parameters(raw, where: str) -> ReportParameters:
    """Check a parameter mapping: known keys, right types, a real municipality."""
    if not isinstance(raw, dict):
        raise ParameterError(f"{where}: expected key: value pairs (a YAML mapping), got {type(raw).__name__}")
    raw = {nfc(k): nfc(v) for k, v in raw.items()}
    for key, value in raw.items():
        if key not in SCHEMA:
            raise ParameterError(f"{where}: unknown key {plain(key)}{suggest(str(key), SCHEMA)}; "
                                 f"allowed keys: {', '.join(SCHEMA)}")
        wanted = SCHEMA[key][0]
        if not isinstance(value, wanted) or (wanted is not bool and isinstance(value, bool)):
            raise ParameterError(f"{where}: key {key!r} must be {wanted.__name__} ({SCHEMA[key][1]}), "
                                 f"got {plain(value)}")
    if "kommun" not in raw:
        raise ParameterError(f"{where}: missing key 'kommun' ({SCHEMA['kommun'][1]})")
    kommun = municipalities.lookup(raw["kommun"], f"{where}: kommun")
    if kommun != raw["kommun"]:
        raise ParameterError(f"{where}: kommun {plain(raw['kommun'])} must be written as {kommun!r}")
    slug = municipalities.slug(kommun)
    return ReportParameters(kommun=kommun, slug=slug, **{**DEFAULTS, **{k: v for k, v in raw.items() if k != "kommun"}})


def read_parameters(path: Path) -> ReportParameters:
    """Read and validate ``parameters/<slug>.yaml`` (safe_load only); its name must match its kommun."""
    where = paths.display_path(path)
    if not path.exists():
        raise ParameterError(f"{where}: file not found")
    if not path.is_file():
        raise ParameterError(f"{where}: is not a regular file (a folder?); parameter files are <slug>.yaml files")
    try:
        with open(path, "rb") as handle:
            content = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ParameterError(f"{where}: cannot be read ({exc.strerror})") from None
    if len(content) > MAX_BYTES:
        raise ParameterError(f"{where}: larger than {MAX_BYTES // 1024} KB; a parameter file holds a few short keys")
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        raise ParameterError(f"{where}, line {line}: not UTF-8 text (byte 0x{content[exc.start]:02x}); "
                             "save the file as UTF-8") from None
    try:
        raw = yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f", line {mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ParameterError(f"{where}{line}: not valid YAML ({plain(problem, 120, quote=False)})") from None
    params = validate_parameters(raw, where)
    if path.stem != params.slug and (path.parent / f"{params.slug}.yaml").is_file():
        raise ParameterError(f"{where}: a second parameter file for {params.kommun}, whose file is {params.slug}.yaml; "
                             f"each municipality has one: move what you need into {params.slug}.yaml and remove "
                             f"{path.name}")
    if path.stem != params.slug:
        raise ParameterError(f"{where}: file is named {path.stem!r} but kommun {params.kommun!r} has slug "
                             f"{params.slug!r}; rename it to {params.slug}.yaml")
    return params


def all_parameters(folder: Path | None = None) -> list[ReportParameters]:
    """Validate every parameter file; every municipality must have exactly one. In the order of municipalities.csv."""
    folder = folder or paths.parameters_dir()
    if folder is None:  # another län's data folder without parameter files: the defaults for every municipality
        return [ReportParameters(kommun=k, slug=municipalities.slug(k), **DEFAULTS) for k in municipalities.names()]
    if not folder.is_dir():
        raise ParameterError(f"{folder}: parameter folder not found")
    files = []
    for path in sorted(folder.iterdir()):
        if is_editor_file(path):
            continue  # editor lock, swap and backup files
        suffix = path.suffix.lower()
        if suffix == ".yml" or (suffix == ".yaml" and path.suffix != ".yaml"):
            if (folder / f"{path.stem}.yaml").is_file():
                raise ParameterError(f"{path}: parameter files end in .yaml and {path.stem}.yaml is already there "
                                     f"(only it is read); move what you need into {path.stem}.yaml and remove "
                                     f"{path.name}")
            raise ParameterError(f"{path}: parameter files end in .yaml; rename it to {path.stem}.yaml")
        if suffix == ".yaml":
            files.append(path)
    order = municipalities.names()
    found = sorted((read_parameters(p) for p in files), key=lambda p: order.index(p.kommun))
    missing = sorted(set(municipalities.municipalities()["slug"]) - {p.slug for p in found})
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
        kommun = municipalities.lookup(name, "--kommun")
        if everything[kommun] not in chosen:
            chosen.append(everything[kommun])
    return chosen
