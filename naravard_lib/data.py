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

import csv
import difflib
import io
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from . import files, paths
from .errors import DataError, plain
from .schemas import INSATSOMRADEN, KOMMUNER, PERIODS, TABLES

_BOOLS = {"true": True, "false": False}
MAX_BYTES = 5 * 1_048_576  # a data file is a CSV of at most 5 MB (the largest today is 32 KB)


_display_name = paths.display_path  # the one relative-path helper


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
    shown = plain(value)  # -5, not np.int64(-5); long values cut
    if check.startswith(("coerce_dtype", "dtype")):
        wanted = check.split("'")[1] if "'" in check else check
        kind = {"int64": "a whole number (no spaces or decimals)", "float64": "a number with '.' as decimal mark",
                "bool": "true or false"}.get(wanted, wanted)
        return f"expected {kind}, got {shown}"
    if check.startswith("isin") and column == "kommun":
        return f"unknown municipality {shown}{suggest(value, KOMMUNER)}; expected one of the 13 in Jönköpings län"
    if check.startswith("isin"):
        return f"value {shown} is not allowed; allowed: {check[5:-1]}"
    if check.startswith("greater_than_or_equal_to"):
        return f"value {shown} is negative; amounts are non-negative kronor"
    if check.startswith("in_range"):
        low, high = (f"{int(float(x)):,}" for x in check[9:-1].split(","))
        too = "negative" if str(value).lstrip().startswith("-") and low == "0" else "out of range"
        return f"value {shown} is {too}; plausible values are {low} to {high}"
    if "uniqueness" in check or check == "field_uniqueness":
        return f"duplicate key value {shown}"
    if check.startswith("str_"):
        return f"value {shown} does not have the expected form ({check})"
    return f"value {shown} fails check {check}"


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
    expected = list(spec.schema.columns)
    frame = pd.read_csv(io.StringIO(_csv_text(path, name, expected)), dtype=str, keep_default_na=False)
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
    if frame.empty:
        raise DataError(name, "has a header line but no rows; the file needs its data rows (see data/README.md)")
    try:
        return spec.schema.validate(frame[expected], lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise _first_failure(exc, name, spec.key) from None


def _csv_text(path: Path, name: str, expected: list[str]) -> str:
    """The file's text in NFC, after checking it is UTF-8 and every line has as many fields as the header.

    pandas would report a line with an extra field as a parser error deep in its C code; this says
    which line, and how many fields it has.
    """
    try:
        raw = files.read_bounded(path, MAX_BYTES)
    except files.InputFileProblem as problem:
        raise DataError(name, f"{problem}; data files are CSV text files of at most {MAX_BYTES // 1_048_576} MB "
                              "(see data/README.md)") from None
    except OSError as exc:
        raise DataError(name, f"cannot be read ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(name, f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as UTF-8",
                        row=line) from None
    text = unicodedata.normalize("NFC", text.removeprefix("\ufeff"))  # macOS tools may write "ö" as o + ¨
    if not text.strip():
        raise DataError(name, f"file is empty; expected a header line with the columns {', '.join(expected)}")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
        for record in reader:
            if record and len(record) != len(header):
                raise DataError(name, f"{len(record)} fields where the header has {len(header)}; a value "
                                f"containing a comma needs double quotes", row=reader.line_num)
    except csv.Error as exc:
        raise DataError(name, f"not valid CSV ({exc})", row=reader.line_num) from None
    return text


#: What every report needs from the tables: each (period, insatsområde) cell for all 13 municipalities.
REPORT_CELLS = (("2019-2022", "Totalt"), ("2023", "Totalt"), ("2024", "Nära vård"))


def _coverage(tables: dict[str, pd.DataFrame]) -> list[DataError]:
    """Rows the reports need that a valid-looking table lacks (a municipality, a period, a cell)."""
    problems = []

    def missing(kommuner) -> str:
        absent = [k for k in KOMMUNER if k not in set(kommuner)]
        return ", ".join(absent[:4]) + (f" and {len(absent) - 4} more" if len(absent) > 4 else "")

    for table in ("municipalities", "population_share_2024"):
        if table in tables and missing(tables[table]["kommun"]):
            problems.append(DataError(_display_name(paths.DATA_DIR / TABLES[table].file),
                                      f"no row for {missing(tables[table]['kommun'])}; every municipality needs one"))
    if "allocations" in tables:
        cells = tables["allocations"]
        name = _display_name(paths.DATA_DIR / TABLES["allocations"].file)
        for period in PERIODS:
            if period not in set(cells["period"]):
                problems.append(DataError(name, f"no rows for period {period}; the reports show every period"))
        gaps = [f"{period} {area}: {missing(group['kommun'])}"
                for (period, area), group in cells.groupby(["period", "insatsomrade"], sort=False)
                if missing(group["kommun"])]
        if gaps:
            more = f" (and {len(gaps) - 1} more tables)" if len(gaps) > 1 else ""
            problems.append(DataError(name, f"a municipality has no row in a published table: {gaps[0]}{more}; "
                                      "every table lists all 13"))
        present = set(zip(cells["period"], cells["insatsomrade"]))
        for period, area in REPORT_CELLS:
            if period in set(cells["period"]) and (period, area) not in present:
                problems.append(DataError(name, f"no '{area}' rows for {period}; the reports need them "
                                          f"(insatsområden: {', '.join(INSATSOMRADEN)})"))
    if "populations_recovered" in tables:
        frame = tables["populations_recovered"]
        name = _display_name(paths.DATA_DIR / TABLES["populations_recovered"].file)
        for date in ("2022-11-01", "2023-11-01"):  # behind the 2023 and 2024 tables
            if missing(frame.loc[frame["reference_date"] == date, "kommun"]):
                problems.append(DataError(name, f"{date}: no population for "
                                          f"{missing(frame.loc[frame['reference_date'] == date, 'kommun'])}"))
    return problems


def validate_all() -> list[DataError]:
    """Check every table in ``data/`` and that the reports find what they need; one error per problem.

    Used by ``naravard validate`` and, before any kernel starts, by ``naravard build``.

    Returns
    -------
    list of DataError
        Empty when every file is valid and complete.
    """
    problems, tables = [], {}
    for table in TABLES:
        try:
            tables[table] = read_table(table)
        except DataError as error:
            problems.append(error)
    return problems + _coverage(tables)


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

