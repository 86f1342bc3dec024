"""Load the workbook's data as validated DataFrames.

Every loader reads a CSV in the active data folder (:func:`naravard_lib.paths.data_dir`: ``data/``
unless ``NARAVARD_DATA`` or ``--data`` names another; or a path you give), checks it against its
pandera schema (:mod:`naravard_lib.schemas`) and against the folder's own municipalities, sources
and periods, and raises a one-line :class:`DataError` naming the file, the line and the column when
something is wrong. Tables are read once per folder and then served from memory.

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

from . import files, lan, paths
from .errors import DataError, MissingData, plain
from .schemas import DERIVED, REQUIRED, TABLES

_BOOLS = {"true": True, "false": False}
MAX_BYTES = 5 * 1_048_576  # a data file is a CSV of at most 5 MB (the largest today is 32 KB)


def closest(value: str, choices) -> str | None:
    """The choice closest to ``value`` (case, "X kommun" and missing å/ä/ö forgiven), or None.

    >>> closest("Varnamo", ["Vaggeryd", "Värnamo"]), closest("Stockholm", ["Habo"])
    ('Värnamo', None)
    """
    choices = [str(c) for c in choices]
    folded = {c.casefold(): c for c in choices}
    value = re.sub(r"s? kommun$", "", str(value).strip(), flags=re.IGNORECASE)  # "Värnamo kommun"
    close = difflib.get_close_matches(str(value).casefold(), list(folded), n=1, cutoff=0.6)
    if not close:
        # ASCII spellings such as "Jonkoping" or "Varnamo" are common: compare without diacritics.
        ascii_map = {c.casefold().translate(str.maketrans("åäö", "aao")): c for c in choices}
        close = difflib.get_close_matches(str(value).casefold(), list(ascii_map), n=1, cutoff=0.8)
        close = [ascii_map[c].casefold() for c in close]
    return folded[close[0]] if close else None


def suggest(value: str, choices, n: int = 1) -> str:
    """Return ``" (did you mean 'X'?)"`` for the closest choice, or ``""`` when none is close."""
    found = closest(value, choices)
    return f" (did you mean '{found}'?)" if found else ""


def _explain(check: str, value, column: str) -> str:
    """Turn a pandera check name and failing value into a plain sentence."""
    shown = plain(value)  # -5, not np.int64(-5); long values cut
    if check.startswith(("coerce_dtype", "dtype")):
        wanted = check.split("'")[1] if "'" in check else check
        kind = {"int64": "a whole number (no spaces or decimals)", "float64": "a number with '.' as decimal mark",
                "bool": "true or false"}.get(wanted, wanted)
        return f"expected {kind}, got {shown}"
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
        # the first line that repeats an earlier one (a value of one column, or the table's key)
        later = dup[dup.duplicated(["column", "failure_case"], keep="first")] if len(dup) > 1 else dup
        last = (later if len(later) else dup).sort_values("_row", kind="stable").iloc[0]
        row = int(last["_row"])
        if str(last["check"]) == "field_uniqueness":
            column = str(last["column"])
            return DataError(name, f"duplicate value {plain(last['failure_case'])}; every row needs its own "
                                   f"{column}, and an earlier line already has it", row=row + 2, column=column)
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
    path = Path(path) if path is not None else paths.data_dir() / spec.file
    name = paths.display_path(path)
    if not path.exists():
        if table in DERIVED:
            raise DataError(name, "file not found; it is derived from the published cells: run `naravard data "
                                  "derive` (with --data DIR for another folder) to compute it")
        kind = "a file every data folder needs" if spec.required else "an optional file, needed here"
        raise DataError(name, f"file not found ({kind}); the workbook expects it in "
                              f"{paths.display_path(paths.data_dir())}/ (see data/README.md)")
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
        frame = spec.schema.validate(frame[expected], lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise _first_failure(exc, name, spec.key) from None
    _check_references(frame, table, name)
    return frame


def _check_references(frame: pd.DataFrame, table: str, name: str) -> None:
    """Every municipality, source and period a row names must be a row of the folder's own table."""
    if table == "municipalities":
        _check_one_lan(frame, name)
    for column, target in TABLES[table].refs.items():
        allowed = load(target)[TABLES[target].key[0]]
        unknown = ~frame[column].isin(set(allowed))
        if unknown.any():
            row = int(unknown.to_numpy().nonzero()[0][0])
            value = frame[column].iloc[row]
            raise DataError(name, _unknown_reference(target, value, allowed), row=row + 2, column=column)


def _unknown_reference(target: str, value, allowed: pd.Series) -> str:
    shown, hint = plain(value), suggest(value, allowed)
    if target == "municipalities":
        return f"unknown municipality {shown}{hint}; expected one of the {len(allowed)} in {_lan_name()}"
    if target == "sources":
        return (f"unknown source {shown}{hint}; every source is a row of {TABLES['sources'].file} "
                "(add the document there)")
    return (f"unknown period {shown}{hint}; the periods are {', '.join(allowed)} "
            f"(add a new one to {TABLES['periods'].file})")


def _check_one_lan(frame: pd.DataFrame, name: str) -> None:
    """A data folder is about one län: every municipality code starts with the same known län code."""
    prefixes = frame["kommun_kod"].str[:2]
    usual = prefixes.mode().sort_values().iloc[0]  # the län most of the municipalities are in
    for row, code in enumerate(frame["kommun_kod"]):
        if lan.name(code) is None:
            raise DataError(name, f"{code} is not an SCB municipality code: no län has the code {code[:2]}",
                            row=row + 2, column="kommun_kod")
        if code[:2] != usual:
            raise DataError(name, f"{code} is in {lan.name(code)}, most municipalities here are in "
                                  f"{lan.name(usual + '00')}; a data folder is about one län", row=row + 2,
                            column="kommun_kod")


def _lan_name() -> str:
    """The active folder's län (public: :func:`naravard_lib.municipalities.lan_name`)."""
    return lan.name(load("municipalities")["kommun_kod"].iloc[0])


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


def _coverage(tables: dict[str, pd.DataFrame]) -> list[DataError]:
    """What valid-looking tables lack: a period's rows, a municipality in a period, a stated total."""
    problems = []
    folder = paths.data_dir()
    kommuner = list(tables["municipalities"]["kommun"]) if "municipalities" in tables else []

    def missing(present) -> list[str]:
        return [k for k in kommuner if k not in set(present)]

    def listed(names: list[str]) -> str:
        return ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")

    if "periods" in tables:
        table = tables["periods"]
        name = paths.display_path(folder / TABLES["periods"].file)
        years = [int(p[:4]) for p in table.loc[table["kind"] == "år", "period"]]
        for row, record in enumerate(table.itertuples()):
            if record.kind == "år" and (record.population_date is None or pd.isna(record.population_date)):
                problems.append(DataError(name, f"period {record.period} is a single year (kind år) and needs the "
                                                "date of the population its table divides by (YYYY-MM-DD)",
                                          row=row + 2, column="population_date"))
            if record.kind == "år" and "-" in record.period:
                problems.append(DataError(name, f"period {record.period} spans several years; its kind is flerår",
                                          row=row + 2, column="kind"))
            if record.kind == "flerår" and not any(y > int(record.period[-4:]) for y in years):
                problems.append(DataError(name, f"period {record.period} (flerår) has no population of its own and "
                                                "no single year after it to borrow one from; add that year",
                                          row=row + 2, column="period"))
    if "population_share_2024" in tables and missing(tables["population_share_2024"]["kommun"]):
        absent = missing(tables["population_share_2024"]["kommun"])
        problems.append(DataError(paths.display_path(folder / TABLES["population_share_2024"].file),
                                  f"no row for {listed(absent)}; every municipality needs one"))
    if "allocations" in tables and "periods" in tables and kommuner:
        cells = tables["allocations"]
        name = paths.display_path(folder / TABLES["allocations"].file)
        gaps_by_period: dict[str, str] = {}  # period -> "12 of 13 municipalities; missing Habo"
        for period in tables["periods"]["period"]:
            rows = cells[cells["period"] == period]
            if rows.empty:
                problems.append(DataError(name, f"period {period}: no rows; every period in "
                                                f"{TABLES['periods'].file} needs its published table here"))
                continue
            gaps = {area: missing(group["kommun"]) for area, group in rows.groupby("insatsomrade", sort=False)}
            absent = [k for k in kommuner if any(k in gap for gap in gaps.values())]
            if absent:
                columns = [area for area, gap in gaps.items() if gap]
                where = "" if len(columns) == len(gaps) and len({tuple(g) for g in gaps.values()}) == 1 \
                    else f" ({', '.join(columns)})"
                gaps_by_period[period] = (f"{len(kommuner) - len(absent)} of {len(kommuner)} municipalities{where}; "
                                          f"missing {listed(absent)}")
        for gap in dict.fromkeys(gaps_by_period.values()):  # one line for the periods that lack the same rows
            same = [period for period, text in gaps_by_period.items() if text == gap]
            problems.append(DataError(name, f"period{'s' if len(same) > 1 else ''} {', '.join(same)}: {gap}"))
    if "allocations" in tables and "periods" in tables and "published_figures" in tables:
        figures = tables["published_figures"]
        stated = figures[figures["kind"] == "stated_total"]
        name = paths.display_path(folder / TABLES["published_figures"].file)
        for period in tables["periods"].query("kind == 'år'")["period"]:
            for area in tables["allocations"].query("period == @period")["insatsomrade"].unique():
                if stated[(stated["period"] == period) & (stated["column"] == area)].empty:
                    problems.append(DataError(name, f"period {period}: no stated total for {area!r}; add the "
                                                    f"table's total row (kind stated_total, period {period}, "
                                                    f"column {area}, key total.{period}.{slug(area)})"))
    return problems


def slug(text: str) -> str:
    """An ASCII identifier for a name: ``"Vårdens medarbetare"`` → ``"vardens_medarbetare"``.

    >>> slug("Nära vård"), slug("Jönköping")
    ('nara_vard', 'jonkoping')
    """
    folded = unicodedata.normalize("NFKD", str(text).casefold().translate(str.maketrans("åäöé", "aaoe")))
    return re.sub(r"[^a-z0-9]+", "_", folded.encode("ascii", "ignore").decode()).strip("_")


def available(table: str) -> bool:
    """Whether the active data folder has ``table``'s file (every required table must; optional ones may not).

    Readers use it to leave out a section whose data the folder lacks.
    """
    return (paths.data_dir() / TABLES[table].file).is_file()


def missing(tables=(), periods=(), kommuner=()) -> list[str]:
    """What of the given tables, periods and municipalities the active folder lacks (Swedish words).

    >>> missing(tables=["initiatives"], periods=["2024"], kommuner=["Eksjö"])
    []
    """
    lacking = [f"filen {TABLES[t].file}" for t in tables if not available(t)]
    if periods:
        known = set(load("periods")["period"]) if available("periods") else set()
        lacking += [f"perioden {p}" for p in periods if p not in known]
    if kommuner:
        known = set(load("municipalities")["kommun"]) if available("municipalities") else set()
        lacking += [f"kommunen {k}" for k in kommuner if k not in known]
    return lacking


def require(what: str, tables=(), periods=(), kommuner=()) -> None:
    """Stop with one Swedish sentence when the active folder lacks what ``what`` is about.

    For the teaching notebooks, which stay about the editions and the län they teach: their first
    cell calls this, so that with another folder they stop there, saying which data they need.

    Raises
    ------
    MissingData
        ``Den här anteckningsboken (…) behöver …; datamappen … saknar …``.
    """
    lacking = missing(tables, periods, kommuner)
    if lacking:
        raise MissingData(f"{what} behöver {', '.join(lacking)}, som datamappen {paths.display_path(paths.data_dir())} "
                          f"saknar. Välj arbetsbokens data/ (ta bort NARAVARD_DATA) för att köra den.")


def validate_all() -> list[DataError]:
    """Check every required table, every optional table present, and what the periods need; one error each.

    Used by ``naravard validate`` and, before any kernel starts, by ``naravard build``.
    Whether the derived populations are current is checked by
    :func:`naravard_lib.derive.derived_problems` (it needs the analysis).

    Returns
    -------
    list of DataError
        Empty when every file is valid and complete.
    """
    problems, tables, seen = [], {}, set()
    for table in TABLES:
        if table not in REQUIRED and not available(table):
            continue
        try:
            tables[table] = read_table(table)
        except DataError as error:
            if str(error) not in seen:  # a broken municipalities.csv is reported once, not by every reader
                seen.add(str(error))
                problems.append(error)
    return problems + _coverage(tables)


@lru_cache(maxsize=None)
def _cached(table: str, folder: str | None = None) -> pd.DataFrame:
    return read_table(table, Path(folder) / TABLES[table].file if folder else None)


@paths.on_data_switch
def clear_caches() -> None:
    """Forget every table read (after editing a data file in this session, or switching folders)."""
    _cached.cache_clear()


def load(table: str) -> pd.DataFrame:
    """Validated copy of a table from the active data folder (read once per folder, then served from memory)."""
    return _cached(table, str(paths.data_dir())).copy()


def load_municipalities() -> pd.DataFrame:
    """The folder's municipalities: name, SCB code, ASCII slug, rural status (see :mod:`municipalities`)."""
    return load("municipalities")


def load_allocations() -> pd.DataFrame:
    """Published allocation cells of every period in long form (one amount per row)."""
    return load("allocations")


def load_published_figures() -> pd.DataFrame:
    """Stated totals, footnoted set-asides and national figures exactly as published."""
    return load("published_figures")


def load_population_share_2024() -> pd.DataFrame:
    """The 2024 table's published share of inhabitants on 1 Nov 2023, in percent."""
    return load("population_share_2024")


def load_populations() -> pd.DataFrame:
    """Populations recovered from every single-year table (derived; see ``naravard data derive``)."""
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
    order = list(cells["insatsomrade"].unique())  # as the file lists them (Totalt, the row total, last)
    kommuner = list(load_municipalities()["kommun"])
    return wide[order].reindex(kommuner).rename_axis(columns=None)

