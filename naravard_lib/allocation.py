"""Split a pool pro rata, recover the population key behind a published split, reproduce it.

The published tables of seed 000 were made by multiplying a pool by each municipality's share
of the population and rounding every cell to the krona on its own ("per cell"), so a column
need not add up to its pool. :func:`split_pro_rata` reproduces that, or splits so that the
cells add up exactly ("largest remainder"). :func:`recover_population_key` works backwards from
a published split to the integer populations and pools that give every published cell.

All arithmetic on money is exact (integers and :class:`fractions.Fraction`); floats are used
only to narrow the search in :func:`recover_population_key`, whose answers are then verified
exactly.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import lru_cache
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal

import numpy as np
import pandas as pd

from . import data, municipalities, paths, periods
from .errors import DataError, RecoveryError
from .formatting import format_number, format_sek
from .schemas import TABLES

Rounding = Literal["per_cell", "largest_remainder"]
ROUNDING_POLICIES: tuple[str, ...] = ("per_cell", "largest_remainder")


def half_up(numerator: int | Fraction, denominator: int = 1) -> int:
    """Round ``numerator / denominator`` to the nearest integer, halves upwards (exact).

    >>> half_up(5, 2), half_up(7, 2), half_up(Fraction(-1, 2))
    (3, 4, 0)
    """
    value = Fraction(numerator) / denominator
    return math.floor(value + Fraction(1, 2))


def _as_fraction(value) -> Fraction:
    if isinstance(value, (int, np.integer)):
        return Fraction(int(value))
    return Fraction(str(value)) if isinstance(value, str) else Fraction(float(value))


def exact_shares(weights: Mapping | pd.Series) -> pd.Series:
    """Each weight's exact share of the sum, as :class:`~fractions.Fraction` values."""
    weights = pd.Series(weights, dtype=object).map(_as_fraction)
    if (weights < 0).any():
        raise ValueError("weights must be non-negative")
    total = sum(weights)
    if total == 0:
        raise ValueError("weights must not all be zero")
    return weights / total


def split_pro_rata(
    pool: int,
    weights: Mapping | pd.Series,
    *,
    set_asides: Mapping[str, int] | None = None,
    rounding: Rounding = "per_cell",
) -> pd.Series:
    """Split ``pool`` kronor in proportion to ``weights``, after taking set-asides off the top.

    Use it to reproduce a published allocation (``rounding="per_cell"``, as the seed tables
    were made) or to make a split whose cells add up to the pool (``"largest_remainder"``).

    Parameters
    ----------
    pool : int
        Kronor to split, before set-asides.
    weights : mapping or Series
        Non-negative weights (e.g. populations) keyed by recipient.
    set_asides : mapping, optional
        Amounts taken first (e.g. ``{"Digitalisering": 1_200_000}``).
    rounding : {"per_cell", "largest_remainder"}
        ``per_cell`` rounds each exact share half-up on its own, so the cells may miss the
        pool by a few kronor; ``largest_remainder`` floors every share and gives the kronor
        left to the largest remainders (ties: the order of ``weights``), so the cells add up.

    Returns
    -------
    pandas.Series
        Integer kronor per recipient, in the order of ``weights``.

    See Also
    --------
    recover_population_key : the inverse, from a published split to its weights.
    """
    if rounding not in ROUNDING_POLICIES:
        raise ValueError(f"rounding must be one of {ROUNDING_POLICIES}, got {rounding!r}")
    distributable = int(pool) - sum(int(v) for v in (set_asides or {}).values())
    if distributable < 0:
        raise ValueError(f"set-asides ({int(pool) - distributable:,} kr) exceed the pool ({int(pool):,} kr)")
    exact = exact_shares(weights) * distributable
    if rounding == "per_cell":
        amounts = exact.map(half_up)
    else:
        floors = exact.map(math.floor)
        left = distributable - int(floors.sum())
        remainders = (exact - floors).tolist()
        order = sorted(range(len(remainders)), key=lambda i: (-remainders[i], i))
        bonus = np.zeros(len(remainders), dtype=int)
        bonus[order[:left]] = 1
        amounts = floors + bonus
    return amounts.astype("int64")


def per_capita(amounts: pd.Series, population: pd.Series) -> pd.Series:
    """Kronor per inhabitant, aligned on the index (municipality)."""
    return amounts.astype(float) / population.reindex(amounts.index).astype(float)


def blended_key(population: pd.Series, base_share: float) -> pd.Series:
    """A key with an equal base for every recipient plus the rest by population.

    ``base_share`` of the pool is split equally; the remainder by population. ``0`` gives the
    pure population key used in the published tables.
    """
    if not 0 <= base_share <= 1:
        raise ValueError(f"base_share must be between 0 and 1, got {base_share}")
    base = Fraction(str(base_share))
    return base / len(population) + (1 - base) * exact_shares(population)


# --------------------------------------------------------------------------- key recovery


@dataclass(frozen=True)
class KeySolution:
    """Integer weights that reproduce every published cell, and the pools consistent with them.

    Attributes
    ----------
    weights : pandas.Series
        Integer weight (population) per row of the published table.
    pools : dict
        For each column, the inclusive range ``(lowest, highest)`` of integer pools that,
        split by ``weights`` with per-cell rounding, give every published cell of that column.
    """

    weights: pd.Series
    pools: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """Sum of the weights (e.g. the län's population)."""
        return int(self.weights.sum())


def _pool_range(amounts: np.ndarray, weights: np.ndarray, integer: bool = True):
    """Pools P with half_up(P*w/W) == a for every cell, exactly.

    Returns the inclusive integer range ``(first, last)``, or with ``integer=False`` the
    half-open real interval ``(lo, hi)``; None when there is no such pool.
    """
    total = int(weights.sum())
    lo, hi = Fraction(0), None
    for a, w in zip(amounts.tolist(), weights.tolist()):
        if w == 0:
            if a != 0:
                return None
            continue
        lo = max(lo, Fraction((2 * a - 1) * total, 2 * w))
        upper = Fraction((2 * a + 1) * total, 2 * w)
        hi = upper if hi is None else min(hi, upper)
    if not integer:
        return (lo, hi) if lo < hi else None
    first, last = math.ceil(lo), math.ceil(hi) - 1  # P >= lo and P < hi
    return (first, last) if first <= last else None


def _scan(amounts: np.ndarray, big_range: tuple[int, int]) -> list[np.ndarray]:
    """Candidate weight vectors for one column, scanning the weight of its largest cell.

    Per-cell half-up rounding means ``a - 1/2 <= r*n < a + 1/2`` for a common rate ``r`` (pool
    per unit of weight). Fixing the largest cell's weight fixes a narrow interval of ``r``; every
    other cell then admits at most a few integer weights. The scan is vectorised; the rare
    cases with more than one choice for some cell are searched depth-first.
    """
    eps = 1e-9
    order = np.argsort(-amounts, kind="stable")
    big = order[0]
    n_big = np.arange(max(1, big_range[0]), big_range[1] + 1, dtype=np.int64)
    a_big = float(amounts[big])
    lo = (a_big - 0.5) / n_big
    hi = (a_big + 0.5) / n_big
    chosen = np.zeros((len(n_big), len(amounts)), dtype=np.int64)
    chosen[:, big] = n_big
    alive = np.ones(len(n_big), dtype=bool)
    ambiguous = np.zeros(len(n_big), dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        for i in order[1:]:
            a = float(amounts[i])
            n_min = np.maximum(np.ceil((a - 0.5) / hi * (1 - eps)), 1)
            n_max = np.floor((a + 0.5) / lo * (1 + eps))
            ambiguous |= alive & (n_max > n_min)
            alive &= n_max >= n_min
            chosen[:, i] = n_min
            lo = np.maximum(lo, (a - 0.5) / n_min)
            hi = np.minimum(hi, (a + 0.5) / n_min)
            alive &= lo < hi * (1 + eps)
    found = [chosen[j] for j in np.flatnonzero(alive & ~ambiguous)]
    for j in np.flatnonzero(ambiguous):
        found.extend(_depth_first(amounts, order, int(n_big[j])))
    return found


def _depth_first(amounts: np.ndarray, order: np.ndarray, n_big: int) -> list[np.ndarray]:
    eps = 1e-9
    a_big = float(amounts[order[0]])
    results: list[np.ndarray] = []

    def visit(k: int, lo: float, hi: float, weights: dict[int, int]) -> None:
        if k == len(order):
            results.append(np.array([weights[i] for i in range(len(amounts))], dtype=np.int64))
            return
        i = order[k]
        a = float(amounts[i])
        n_min = max(1, math.ceil((a - 0.5) / hi * (1 - eps)))
        n_max = math.floor((a + 0.5) / lo * (1 + eps))
        for n in range(n_min, n_max + 1):
            new_lo, new_hi = max(lo, (a - 0.5) / n), min(hi, (a + 0.5) / n)
            if new_lo < new_hi * (1 + eps):
                visit(k + 1, new_lo, new_hi, {**weights, i: n})

    visit(1, (a_big - 0.5) / n_big, (a_big + 0.5) / n_big, {int(order[0]): n_big})
    return results


def _solve(table: pd.DataFrame, total_range: tuple[int, int],
           pools: Mapping[str, int] | None, integer: bool = True) -> list[KeySolution]:
    values = table.to_numpy(dtype=np.int64)
    first = values[:, 0]
    big = int(np.argmax(first))
    cells_sum = int(first.sum())
    k = len(first)
    # The largest cell's weight is its share of the total weight, within the rounding slack.
    big_lo = math.floor(total_range[0] * (first[big] - 0.5) / (cells_sum + k / 2)) - 1
    big_hi = math.ceil(total_range[1] * (first[big] + 0.5) / max(cells_sum - k / 2, 1)) + 1
    solutions, seen = [], set()
    for weights in _scan(first, (big_lo, big_hi)):
        total = int(weights.sum())
        key = tuple(weights.tolist())
        if key in seen or not total_range[0] <= total <= total_range[1]:
            continue
        seen.add(key)
        ranges = {}
        for j, column in enumerate(table.columns):
            found = _pool_range(values[:, j], weights, integer)
            if found and pools and column in pools:
                wanted = int(pools[column])
                found = (wanted, wanted) if found[0] <= wanted <= found[1] else None
            if found is None:
                break
            ranges[column] = found
        else:
            solutions.append(KeySolution(pd.Series(weights, index=table.index, name="weight"), ranges))
    return sorted(solutions, key=lambda s: s.total)


def recover_population_key(
    amounts: pd.Series | pd.DataFrame,
    total_range: tuple[int, int],
    pools: Mapping[str, int] | None = None,
) -> list[KeySolution]:
    """Find the integer weights behind a published split made with per-cell rounding.

    Given published amounts (one column per pool, all split by the same key), find every
    integer weight vector whose sum lies in ``total_range`` and for which some integer pool per
    column reproduces every published cell exactly, and the range of such pools.

    Parameters
    ----------
    amounts : Series or DataFrame
        Published cells, rows = recipients, columns = pools sharing one key.
    total_range : (int, int)
        Plausible range of the total weight, e.g. ``(300_000, 450_000)`` inhabitants.
    pools : mapping, optional
        Known pool per column; solutions must reproduce the cells with exactly that pool.

    Returns
    -------
    list of KeySolution
        Every solution, smallest total first (usually exactly one).

    Raises
    ------
    RecoveryError
        When no weight vector reproduces every cell; the message and ``.conflicts`` name the
        rows whose removal makes the rest consistent.

    Examples
    --------
    A split of 1 000 000 kr by 1 200, 3 400 and 560 inhabitants: with so few cells, three keys in
    the range give every cell, even with the pool known (a real table's cells pin one key down,
    see :func:`recover_period`):

    >>> cells = split_pro_rata(1_000_000, {"a": 1200, "b": 3400, "c": 560})
    >>> [s.weights.tolist() for s in recover_population_key(cells, (5000, 5300))]
    [[1170, 3315, 546], [1200, 3400, 560], [1230, 3485, 574]]
    >>> [s.total for s in recover_population_key(cells, (5000, 5300), pools={0: 1_000_000})]
    [5031, 5160, 5289]
    """
    table = amounts.to_frame() if isinstance(amounts, pd.Series) else amounts
    table = table.astype("int64")
    solutions = _solve(table, total_range, pools)
    if solutions:
        return solutions
    conflicts = [row for row in table.index if _consistent_without(table, row, total_range)]
    where = f"; removing any one of {conflicts} makes the rest consistent" if conflicts else ""
    error = RecoveryError(f"no integer weights with total in {total_range} reproduce every cell{where}")
    error.conflicts = conflicts
    raise error


def _consistent_without(table: pd.DataFrame, row, total_range: tuple[int, int]) -> bool:
    """Whether the other rows admit a common key once ``row`` is left out.

    The left-out row's weight still belongs to the real total, so the remaining rows need a
    common rate only, not an integer pool; their total is scaled by their share of the cells.
    """
    rest = table.drop(index=row)
    first = table.iloc[:, 0]
    share = (rest.iloc[:, 0].sum() - len(rest)) / (first.sum() + len(first))
    scaled = (int(total_range[0] * share * 0.99), int(total_range[1] + 1))
    return bool(_solve(rest, scaled, None, integer=False))


def plain_number(number: int) -> str:
    """A whole number with plain spaces, for one-line messages and the notebook's findings.

    >>> plain_number(400000)
    '400 000'
    """
    return f"{int(number):,}".replace(",", " ")


def key_solutions(amounts: pd.DataFrame, total_range: tuple[int, int],
                  pools: Mapping[str, int] | None = None) -> list[KeySolution]:
    """Every key of :func:`recover_population_key` in ``total_range``, or ``[]`` (no diagnosis of why).

    For searches over many ranges (:func:`naravard_lib.derive.recover_period`), where an empty
    range is expected and the conflict diagnosis would cost time.
    """
    return _solve(amounts.astype("int64"), total_range, pools)


# --------------------------------------------------------------------------- the seed tables

def describe_key_solutions(solutions: list[KeySolution]) -> str:
    """A Swedish sentence (Markdown) on what :func:`recover_population_key` found, pools in kronor."""
    if not solutions:
        return "Ingen befolkningsvektor ger alla publicerade celler."

    def pool(low: int, high: int) -> str:
        return format_sek(low) if low == high else f"{format_number(low)}–{format_sek(high)}"

    totals = ", ".join(format_number(s.total) for s in solutions)
    pools = "; ".join(f"{column}: {pool(*bounds)}" for column, bounds in solutions[0].pools.items())
    count = "En lösning" if len(solutions) == 1 else f"{len(solutions)} lösningar"
    return f"**{count}**: {totals} invånare i länet. Potter som ger varje cell: {pools}."


def pools(period: str) -> dict[str, int]:
    """The pool split among the municipalities, per column of ``period``'s table.

    A column's pool is its stated total in ``published_figures.csv`` (``kind = stated_total``, the
    period and the column; key ``total.<period>.<column slug>`` by convention), minus the set-asides
    that row ``includes`` (the 2024 SUMMA includes 1,2 + 1,9 mnkr). Columns without a stated total
    have no pool.
    """
    figures = data.load_published_figures()
    values = figures.set_index("key")["value"]
    stated = figures[(figures["kind"] == "stated_total") & (figures["period"] == period)].set_index("column")
    result = {}
    for column in periods.columns(period):
        if column not in stated.index:
            continue
        row = stated.loc[column]
        included = row["includes"]
        set_aside = sum(int(values[k]) for k in included.split(";")) if pd.notna(included) else 0
        result[column] = int(row["value"]) - set_aside
    return result


def populations(period: str) -> pd.Series:
    """The derived populations ``period`` is divided by (:func:`naravard_lib.periods.population_period`).

    Indexed by municipality in the order of ``municipalities.csv``.
    """
    source = periods.population_period(period)
    table = data.load_populations().query("period == @source")
    return table.set_index("kommun")["population"].reindex(list(municipalities.names()))


def reproduce(period: str) -> pd.DataFrame:
    """Reproduce every published cell of a single-year table from population × pool.

    Returns
    -------
    pandas.DataFrame
        One row per municipality and column: ``kommun, insatsomrade, population, pool,
        exact, computed, published, difference`` (``difference = published - computed``,
        zero everywhere when the table is explained).
    """
    population = populations(period)
    published = data.allocation_table(period)
    shares = exact_shares(population)
    rows = []
    for column, pool in pools(period).items():
        computed = split_pro_rata(pool, population, rounding="per_cell")
        for kommun in population.index:
            rows.append(dict(kommun=kommun, insatsomrade=column, population=int(population[kommun]), pool=pool,
                             exact=float(shares[kommun] * pool), computed=int(computed[kommun]),
                             published=int(published.at[kommun, column])))
    result = pd.DataFrame(rows)
    result["difference"] = result["published"] - result["computed"]
    return result


def rounding_gap(period: str) -> pd.DataFrame:
    """Why a column does not add up: pool, sum of per-cell rounded cells, and the gap."""
    cells = reproduce(period)
    gap = cells.groupby("insatsomrade", sort=False).agg(pool=("pool", "first"), cells_sum=("published", "sum"))
    gap["gap"] = gap["pool"] - gap["cells_sum"]
    return gap.reset_index()


def analyse_multi_year(period: str | None = None, total_range: tuple[int, int] | None = None) -> pd.DataFrame:
    """What a multi-year table's columns can and cannot be explained by (default: the first such period).

    Tests whether a column is made of whole units (the largest common divisor of its cells), whether
    a population key reproduces a column or two together, and whether two columns share one split.
    ``total_range`` defaults to the population the period is divided by, ±20 % to the nearest 50 000.

    Returns one row per test with a plain-language ``finding`` (in Swedish, for the notebook).
    """
    period = period or periods.multi_year()[0]
    table = data.allocation_table(period)
    if total_range is None:
        total = int(populations(period).sum())
        total_range = (50_000 * round(0.8 * total / 50_000), 50_000 * round(1.2 * total / 50_000))
    first, second, whole = (c for c in table.columns if c != "Totalt")  # as the table prints them
    rows = []
    unit = math.gcd(*(int(v) for v in table[whole]))
    units = table[whole] // unit
    most = units.idxmax()
    rows.append(dict(test=f"{whole} i hela {plain_number(unit)} kr", holds=bool(unit > 1),
                     finding=f"{int(units.sum())} poster à {plain_number(unit)} kr; varje kommun minst en, "
                             f"{most} {int(units[most])}"))
    low, high = (plain_number(v) for v in total_range)
    for columns in ([first], [second], [first, second]):
        label = " + ".join(columns)
        try:
            found = recover_population_key(table[columns], total_range)
            rows.append(dict(test=f"En befolkningsnyckel för {label}", holds=True,
                             finding=f"{len(found)} lösning(ar), total {format_number(found[0].total)}"))
        except RecoveryError:
            rows.append(dict(test=f"En befolkningsnyckel för {label}", holds=False,
                             finding=f"ingen heltalsnyckel {low}-{high} ger alla celler; troligen summan av flera "
                                     "års fördelningar"))
    ratio = table[second] / table[first]
    rows.append(dict(test="Samma fördelning i båda kolumnerna", holds=bool(ratio.max() - ratio.min() < 1e-4),
                     finding=f"kvoten medarbetare/{first} varierar {format_number(ratio.min(), 4)}–"
                             f"{format_number(ratio.max(), 4)}"))
    return pd.DataFrame(rows)


def compared_column(period: str, previous: str) -> str:
    """The column two periods' tables share that the change decomposition compares (the later table's first)."""
    shared = [c for c in periods.columns(period) if c in pools(period) and c in pools(previous)]
    if not shared:
        raise DataError(TABLES["allocations"].file, f"periods {previous} and {period} share no column with a "
                                                    "stated total; the change between them cannot be decomposed")
    return shared[0]


def change(period: str | None = None) -> pd.DataFrame:
    """Change per municipality from the single year before ``period`` (default: the latest) to it, decomposed.

    ``pool_effect = (P1 - P0) * s0`` is what the change of pool alone would give;
    ``share_effect = P1 * (s1 - s0)`` what the change of population share alone would give;
    ``rounding`` is what per-cell rounding adds, so the three add up to the published change.

    Returns
    -------
    pandas.DataFrame
        ``kommun, amount_before, amount_after, change, pool_effect, share_effect, rounding,
        share_before_pct, share_after_pct``; ``attrs`` holds ``period``, ``previous`` and ``column``.
    """
    period = period or periods.latest_year()
    return _change(str(paths.data_dir()), period).copy()


@lru_cache(maxsize=8)
def _change(folder: str, period: str) -> pd.DataFrame:
    previous = periods.previous_year(period)
    if previous is None:
        raise DataError(TABLES["periods"].file, f"period {period} has no single year before it to compare with")
    column = compared_column(period, previous)
    p0, p1 = pools(previous)[column], pools(period)[column]
    s0, s1 = exact_shares(populations(previous)), exact_shares(populations(period))
    result = pd.DataFrame({"amount_before": data.allocation_table(previous)[column],
                           "amount_after": data.allocation_table(period)[column]})
    result["change"] = result["amount_after"] - result["amount_before"]
    result["pool_effect"] = [float((p1 - p0) * s0[k]) for k in result.index]
    result["share_effect"] = [float(p1 * (s1[k] - s0[k])) for k in result.index]
    result["rounding"] = result["change"] - result["pool_effect"] - result["share_effect"]
    result["share_before_pct"] = [float(100 * s0[k]) for k in result.index]
    result["share_after_pct"] = [float(100 * s1[k]) for k in result.index]
    result = result.rename_axis("kommun").reset_index()
    result.attrs.update(period=period, previous=previous, column=column)
    return result


paths.on_data_switch(_change.cache_clear)


# --------------------------------------------------------------------------- what if

def what_if_column(period: str) -> str:
    """The column the what-if splits: the period's first column with a stated total."""
    found = pools(period)
    if not found:
        raise DataError(TABLES["published_figures"].file, f"period {period}: no stated total; the what-if needs "
                                                          "the pool of one column")
    return next(iter(found))


def published_set_asides(period: str) -> dict[str, int]:
    """The set-asides the period's what-if column total includes, by name (the last part of their key).

    >>> published_set_asides("2024")
    {'digitalisering': 1200000, 'lanssamordning': 1900000}
    """
    figures = data.load_published_figures()
    values = figures.set_index("key")["value"]
    stated = figures[(figures["kind"] == "stated_total") & (figures["period"] == period)].set_index("column")
    included = stated.at[what_if_column(period), "includes"]
    keys = included.split(";") if pd.notna(included) else []
    return {key.rsplit(".", 1)[-1]: int(values[key]) for key in keys}


class Scenario:
    """One what-if setting of a single year's allocation (default: the latest year).

    Every value left out is the published one, so ``Scenario()`` reproduces the published table.
    The set-asides are the ones the year's stated total includes, by name (``digitalisering=0``
    changes one of them; ``scenario.digitalisering`` reads it).

    Parameters
    ----------
    pool : int, optional
        Kronor to split before set-asides (default: the stated total).
    base_share : float
        Share of the pool split equally (the rest by population); 0 is the published key.
    rounding : {"per_cell", "largest_remainder"}
    period : str, optional
        A single year (default: :func:`naravard_lib.periods.latest_year`).
    set_asides : mapping, optional
        All set-asides by name, replacing the published ones.
    **named : int
        One set-aside by name.

    Examples
    --------
    >>> Scenario().pool, Scenario(digitalisering=0).set_asides
    (28921974, {'digitalisering': 0, 'lanssamordning': 1900000})
    """

    def __init__(self, pool: int | None = None, base_share: float = 0.0, rounding: str = "per_cell", *,
                 period: str | None = None, set_asides: Mapping[str, int] | None = None, **named: int):
        self._pool, self.base_share, self.rounding, self._period = pool, base_share, rounding, period
        self._set_asides = dict(set_asides) if set_asides is not None else None
        self._named = dict(named)

    @property
    def period(self) -> str:
        return self._period or periods.latest_year()

    @property
    def pool(self) -> int:
        if self._pool is not None:
            return int(self._pool)
        figures = data.load_published_figures()
        stated = figures[(figures["kind"] == "stated_total") & (figures["period"] == self.period)]
        return int(stated.set_index("column").at[what_if_column(self.period), "value"])

    @property
    def set_asides(self) -> dict[str, int]:
        published = self._set_asides if self._set_asides is not None else published_set_asides(self.period)
        unknown = [name for name in self._named if name not in published]
        if unknown:
            raise TypeError(f"no set-aside {unknown[0]!r} in {self.period}; its set-asides: {', '.join(published)}")
        return {**published, **{name: int(value) for name, value in self._named.items()}}

    def __getattr__(self, name: str) -> int:
        if name.startswith("_"):
            raise AttributeError(name)
        found = self.set_asides
        if name not in found:
            raise AttributeError(f"Scenario has no attribute or set-aside {name!r}")
        return found[name]

    def _values(self) -> tuple:
        return self.period, self.pool, tuple(self.set_asides.items()), self.base_share, self.rounding

    def __eq__(self, other) -> bool:
        return isinstance(other, Scenario) and self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        sets = ", ".join(f"{name}={value}" for name, value in self.set_asides.items())
        return (f"Scenario(pool={self.pool}, base_share={self.base_share}, rounding={self.rounding!r}, "
                f"period={self.period!r}{', ' + sets if sets else ''})")


def what_if_table(scenario: Scenario | None = None) -> pd.DataFrame:
    """A single year's split under ``scenario`` (default: the published one), beside the published amounts.

    Returns
    -------
    pandas.DataFrame
        ``kommun, befolkning, belopp, per_invanare, publicerat, skillnad`` (belopp − publicerat).
    """
    scenario = scenario or Scenario()
    period = scenario.period
    population = populations(period)
    key = blended_key(population, scenario.base_share) if scenario.base_share else population
    amounts = split_pro_rata(scenario.pool, key, rounding=scenario.rounding, set_asides=scenario.set_asides)
    published = data.allocation_table(period)[what_if_column(period)]
    table = pd.DataFrame({"befolkning": population, "belopp": amounts,
                          "per_invanare": per_capita(amounts, population), "publicerat": published})
    table["skillnad"] = table["belopp"] - table["publicerat"]
    return table.rename_axis("kommun").reset_index()
