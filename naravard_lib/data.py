"""Load the workbook's data as validated DataFrames.

Every loader reads a CSV in ``data/`` (or a path you give), checks it against its pandera
schema (:mod:`naravard_lib.schemas`) and raises a one-line :class:`DataError` naming the file,
the line and the column when something is wrong.

Examples
--------
>>> from naravard_lib import data
>>> data.load_allocations().query("period == '2024'").amount_sek.sum()
np.int64(25821973)
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from . import paths
from .errors import DataError
from .schemas import KOMMUNER, TABLES

_BOOLS = {"true": True, "false": False}


def _display_name(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(paths.PROJECT_ROOT))
    except ValueError:
        return str(path)


def suggest(value: str, choices, n: int = 1) -> str:
    """Return ``" (did you mean 'X'?)"`` for the closest choice, or ``""`` when none is close."""
    folded = {c.casefold(): c for c in choices}
    value = re.sub(r"s? kommun$", "", str(value).strip(), flags=re.IGNORECASE)  # "Värnamo kommun"
    close = difflib.get_close_matches(str(value).casefold(), list(folded), n=n, cutoff=0.6)
    if not close:
        # ASCII spellings such as "Jonkoping" or "Varnamo" are common: compare without diacritics.
        ascii_map = {c.casefold().translate(str.maketrans("åäö", "aao")): c for c in choices}
        close = difflib.get_close_matches(str(value).casefold(), list(ascii_map), n=n, cutoff=0.8)
        close = [ascii_map[c].casefold() for c in close]
    return f" (did you mean '{folded[close[0]]}'?)" if close else ""


def _explain(check: str, value, column: str) -> str:
    """Turn a pandera check name and failing value into a plain sentence."""
    if check.startswith(("coerce_dtype", "dtype")):
        wanted = check.split("'")[1] if "'" in check else check
        kind = {"int64": "a whole number (no spaces or decimals)", "float64": "a number with '.' as decimal mark",
                "bool": "true or false"}.get(wanted, wanted)
        return f"expected {kind}, got {value!r}"
    if check.startswith("isin") and column == "kommun":
        return f"unknown municipality {value!r}{suggest(value, KOMMUNER)}; expected one of the 13 in Jönköpings län"
    if check.startswith("isin"):
        return f"value {value!r} is not allowed; allowed: {check[5:-1]}"
    if check.startswith("greater_than_or_equal_to"):
        return f"value {value!r} is negative; amounts are non-negative kronor"
    if check.startswith("in_range"):
        return f"value {value!r} is out of range {check[8:]}"
    if "uniqueness" in check or check == "field_uniqueness":
        return f"duplicate key value {value!r}"
    if check.startswith("str_"):
        return f"value {value!r} does not have the expected form ({check})"
    return f"value {value!r} fails check {check}"


def _first_failure(error: pa.errors.SchemaErrors, name: str, key) -> DataError:
    cases = error.failure_cases.copy()
    cases["_row"] = pd.to_numeric(cases["index"], errors="coerce")
    # Prefer the earliest line; on one line report a type problem before the checks it breaks.
    cases["_rank"] = ~cases["check"].astype(str).str.startswith(("coerce_dtype", "dtype"))
    cases = cases.sort_values(["_row", "_rank"], na_position="last", kind="stable")
    if "uniqueness" in " ".join(cases["check"].astype(str)):
        dup = cases[cases["check"].astype(str).str.contains("uniqueness")]
        row = int(dup["_row"].iloc[-1])
        return DataError(name, f"duplicate key {tuple(key)}; this key already appears on an earlier line",
                         row=row + 2, column=", ".join(key))
    first = cases.iloc[0]
    row = None if pd.isna(first["_row"]) else int(first["_row"]) + 2  # +1 header, +1 one-based
    return DataError(name, _explain(str(first["check"]), first["failure_case"], str(first["column"])),
                     row=row, column=str(first["column"]))


def read_table(table: str, path: str | Path | None = None) -> pd.DataFrame:
    """Read and validate one of the tables named in :data:`naravard_lib.schemas.TABLES`.

    Parameters
    ----------
    table : str
        Table name, e.g. ``"allocations"``.
    path : str or Path, optional
        Read this file instead of ``data/<file>`` (used by tests and by analysts trying edits).

    Returns
    -------
    pandas.DataFrame
        The validated table with its schema's types.

    Raises
    ------
    DataError
        One line naming the file, line and column, with what was expected.
    """
    spec = TABLES[table]
    path = Path(path) if path is not None else paths.DATA_DIR / spec.file
    name = _display_name(path)
    if not path.exists():
        raise DataError(name, f"file not found; the workbook expects it in {paths.DATA_DIR} (see data/README.md)")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise DataError(name, f"cannot be read as UTF-8 CSV ({str(exc).splitlines()[0]})") from None
    expected = list(spec.schema.columns)
    missing = [c for c in expected if c not in frame.columns]
    if missing:
        raise DataError(name, f"missing column; expected columns: {', '.join(expected)}", column=missing[0])
    extra = [c for c in frame.columns if c not in expected]
    if extra:
        raise DataError(name, f"unexpected column; expected columns: {', '.join(expected)}", column=extra[0])
    for column, col in spec.schema.columns.items():
        if str(col.dtype) == "bool":
            bad = ~frame[column].str.lower().isin(_BOOLS)
            if bad.any():
                row = int(bad.to_numpy().nonzero()[0][0])
                raise DataError(name, f"expected true or false, got {frame[column].iloc[row]!r}",
                                row=row + 2, column=column)
            frame[column] = frame[column].str.lower().map(_BOOLS)
        elif col.nullable:
            frame[column] = frame[column].replace("", None)
    try:
        return spec.schema.validate(frame[expected], lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise _first_failure(exc, name, spec.key) from None


@lru_cache(maxsize=None)
def _cached(table: str) -> pd.DataFrame:
    return read_table(table)


def load(table: str) -> pd.DataFrame:
    """Validated copy of a table from ``data/`` (read once per session, then served from memory)."""
    return _cached(table).copy()


def load_municipalities() -> pd.DataFrame:
    """The 13 municipalities: name, SCB code, ASCII slug, rural status (seed 000)."""
    return load("municipalities")


def load_allocations() -> pd.DataFrame:
    """Published allocation cells 2019-2022, 2023 and 2024 in long form (one amount per row)."""
    return load("allocations")


def load_published_figures() -> pd.DataFrame:
    """Stated totals, footnoted set-asides and national figures exactly as published."""
    return load("published_figures")


def load_population_share_2024() -> pd.DataFrame:
    """The 2024 table's published share of inhabitants on 1 Nov 2023, in percent."""
    return load("population_share_2024")


def load_populations() -> pd.DataFrame:
    """Populations recovered from the 2023 and 2024 tables (see ``data/README.md``)."""
    return load("populations_recovered")


def load_external_figures() -> pd.DataFrame:
    """Figures from cited public sources outside the seeds."""
    return load("external_figures")


def load_strategies() -> pd.DataFrame:
    """The four strategies of the municipalities' plan (seed 001) with Esther's quotes (seed 000)."""
    return load("strategies")


def load_initiatives() -> pd.DataFrame:
    """The 2019 → 2023 rows of seed 004, coded on the maturity scale of ``codebook.csv``."""
    return load("initiatives")


def load_codebook() -> pd.DataFrame:
    """The maturity scale 0-4 used to code the initiatives (rules in ``data/kodbok.md``)."""
    return load("codebook")


def load_indicators() -> pd.DataFrame:
    """Every number seed 004 gives about the initiatives, with unit and quote."""
    return load("indicators")


def load_frameworks() -> pd.DataFrame:
    """Rules, principles, the Sörmland målbild, ÖK areas and the learning model, one item per row."""
    return load("frameworks")


def load_strategy_links() -> pd.DataFrame:
    """Our mapping: each strategy ↔ a Sörmland concept, an SKR principle and a shift, with reasons."""
    return load("strategy_links")


def load_timeline() -> pd.DataFrame:
    """Dated events of the reform as the seeds give them."""
    return load("timeline")


def load_roles() -> pd.DataFrame:
    """Who does what in the reform, with the ÖK 2024 money each actor receives (where any)."""
    roles = load("roles")
    figures = load_published_figures().set_index("key")["value"]
    roles["belopp_2024"] = roles["pengar_2024"].map(lambda k: figures.get(k) if isinstance(k, str) else None)
    return roles


def figure(key: str) -> int:
    """Value of one published figure by key, e.g. ``figure("national.2024.kommuner")``."""
    figures = load_published_figures().set_index("key")
    if key not in figures.index:
        raise KeyError(f"no published figure {key!r}{suggest(key, figures.index)}")
    return int(figures.at[key, "value"])


def allocation_table(period: str) -> pd.DataFrame:
    """One published table in its wide form: municipalities × insatsområden, as published."""
    cells = load_allocations().query("period == @period")
    wide = cells.pivot(index="kommun", columns="insatsomrade", values="amount_sek")
    order = [c for c in ("Nära vård", "Vårdens medarbetare", "Vidareutbildning", "Totalt") if c in wide]
    return wide[order].reindex(list(KOMMUNER)).rename_axis(columns=None)

