"""The source registry (``sources.csv``) and THE one maker of "Källa: …" lines.

Every row of every data table names its document by an id in the ``source`` column; the id is a
row of the folder's ``sources.csv`` (``source, title, publisher, published, url, file``), which says
how a reader is told the document is called. A new document is a new row there, never code.

Examples
--------
>>> from naravard_lib import sources
>>> sources.source_line(["004_22804defa31be928.txt"])
'Källa: Delrapport om förflyttningen 2019–2023 i Region Jönköpings län och dess 13 kommuner.'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from . import data
from .errors import DataError


def sources() -> pd.DataFrame:
    """The folder's ``sources.csv`` in file order (``source, title, publisher, published, url, file``)."""
    return data.load("sources")


def _row(source_id: str) -> pd.Series:
    table = sources().set_index("source")
    if source_id not in table.index:
        raise DataError(data.TABLES["sources"].file, f"no source {source_id!r}{data.suggest(source_id, table.index)}; "
                                                     "add the document as a row")
    return table.loc[source_id]


def title(source_id: str) -> str:
    """How a reader is told the document is called.

    >>> title("003_d60446f7c2fbcbb5.txt")
    'Socialstyrelsen, Slutredovisning av kommunernas arbete inom ramen för god och nära vård 2022 (formulär)'
    """
    return str(_row(source_id)["title"])


def reference(source_id: str) -> str:
    """The document as a reference list gives it: title, publisher and date (where printed), address.

    >>> reference("scb_folkmangd_riket_2023").split(". ")[:2]
    ['SCB, Befolkningsstatistik: folkmängd i riket 31 december 2023', 'SCB (Statistiska centralbyrån), 2024-02-22']
    """
    row = _row(source_id)
    parts = [str(row["title"]), ", ".join(str(v) for v in (row["publisher"], row["published"]) if pd.notna(v))]
    if pd.notna(row["url"]):
        parts.append(str(row["url"]))
    return ". ".join(parts) + "."


def _sections(rows_or_ids) -> dict[str, list[str]]:
    """Source id → its sections (unique, in order of appearance; empty when none are given)."""
    cited: dict[str, list[str]] = {}
    if isinstance(rows_or_ids, pd.DataFrame):
        has_section = "section" in rows_or_ids
        for record in rows_or_ids.itertuples(index=False):
            found = cited.setdefault(record.source, [])
            section = getattr(record, "section", None) if has_section else None
            if isinstance(section, str) and section and section not in found:
                found.append(section)
    elif isinstance(rows_or_ids, Mapping):
        for source_id, section in rows_or_ids.items():
            cited[source_id] = [section] if isinstance(section, str) else list(section or [])
    elif isinstance(rows_or_ids, str):
        cited[rows_or_ids] = []
    else:
        for source_id in rows_or_ids:
            cited.setdefault(source_id, [])
    return cited


def source_line(rows_or_ids: pd.DataFrame | Mapping | Iterable[str] | str, note: str = "") -> str:
    """THE one "Källa: …" line: each document's title from ``sources.csv``, with its sections.

    Parameters
    ----------
    rows_or_ids : DataFrame, mapping, list of str or str
        Rows with a ``source`` (and optionally a ``section``) column, as every data table has; or a
        mapping source id → section (or list of sections); or source ids. Documents appear in the
        order first cited; sections as ``(avsnitt: a; b)``.
    note : str, optional
        Words added to the line: a note starting with ``;`` or ``,`` continues the sentence, one
        starting with ``(`` is a parenthesis after the last title, anything else is a sentence after it.

    Returns
    -------
    str
        ``"Källa: <title> (avsnitt: …). <title> (avsnitt: …)."`` plus the note.

    Examples
    --------
    >>> ids = ["000_b4d30c94750151c6.txt"]
    >>> source_line(ids, "(fördelningstabellerna)")
    'Källa: Kommunal utveckling Jönköpings län, Tillsammansarbetet och gemensamt arbete för en Nära vård (fördelningstabellerna).'
    >>> source_line({"004_22804defa31be928.txt": "Förord"}, "; nivåerna är arbetsbokens kodning")
    'Källa: Delrapport om förflyttningen 2019–2023 i Region Jönköpings län och dess 13 kommuner (avsnitt: Förord); nivåerna är arbetsbokens kodning.'
    >>> source_line(ids, "Befolkningarna är härledda.")[-41:]
    'en Nära vård. Befolkningarna är härledda.'
    """
    parts = [title(source_id) + (f" (avsnitt: {'; '.join(sections)})" if sections else "")
             for source_id, sections in _sections(rows_or_ids).items()]
    if not parts:
        raise ValueError("a source line needs at least one source")
    line = "Källa: " + ". ".join(parts)
    note = note.strip()
    if note.startswith((";", ",")):
        return f"{line}{note.rstrip('.')}."
    if note.startswith("("):
        return f"{line} {note.rstrip('.')}."
    return f"{line}. {note}" if note else f"{line}."


def cited(*frames: pd.DataFrame) -> list[str]:
    """The source ids the given rows rest on, in registry order (for "Om rapporten" and data packages)."""
    used = {s for frame in frames for column in ("source", "citat_source") if column in frame
            for s in frame[column].dropna()}
    return [s for s in sources()["source"] if s in used]
