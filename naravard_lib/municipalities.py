"""The municipalities of the active data folder, and THE one municipality check: :func:`lookup`.

The list is the folder's ``municipalities.csv`` (name with å/ä/ö, SCB code, slug, flags); the län
follows from the codes' first two digits (:mod:`naravard_lib.lan`). Nothing here names a
municipality or a län: another folder (``NARAVARD_DATA``, ``--data``) gives another list.

Examples
--------
>>> from naravard_lib import municipalities
>>> municipalities.lookup("varnamo"), municipalities.lookup("JÖNKÖPINGS KOMMUN")
('Värnamo', 'Jönköping')
>>> municipalities.lan_name(), municipalities.count()
('Jönköpings län', 13)
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

from . import data
from .errors import UnknownMunicipality, plain

#: Longest name shown back in a message (a URL can carry anything).
_SHOWN = 40


def municipalities() -> pd.DataFrame:
    """The folder's ``municipalities.csv``, in file order (``kommun, kommun_kod, slug, landsbygdskommun, …``)."""
    return data.load_municipalities()


def names() -> tuple[str, ...]:
    """The municipalities' names in file order.

    >>> names()[:3]
    ('Aneby', 'Eksjö', 'Gislaved')
    """
    return tuple(municipalities()["kommun"])


def count() -> int:
    """How many municipalities the folder has."""
    return len(municipalities())


def lan_name() -> str:
    """The län's name, from the municipalities' SCB codes (e.g. ``"Jönköpings län"``)."""
    return data._lan_name()


def _fold(text: str) -> str:
    """Case, diacritics and white space folded away: ``"Jönköping"`` and ``"jonkoping"`` fold alike."""
    text = unicodedata.normalize("NFKD", str(text).casefold())
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).split())


def lookup(name_or_slug: str, where: str = "") -> str:
    """The municipality's name as the data write it, for a name in any case or spelling, or a slug.

    Accepts ``"Värnamo"``, ``"VÄRNAMO"``, ``"Varnamo"`` (without å/ä/ö), ``"Värnamo kommun"``,
    ``"Jönköpings kommun"`` and the slug ``"varnamo"``. THE one municipality check of the project:
    parameter files, ``--kommun``, the dashboard's URL and the notebooks all use it.

    Parameters
    ----------
    name_or_slug : str
        What the user wrote.
    where : str, optional
        Where it was written (``"--kommun"``, ``"parameters/habo.yaml: kommun"``), prefixed to the English message.

    Returns
    -------
    str
        The name as in ``municipalities.csv``.

    Raises
    ------
    UnknownMunicipality
        With a Swedish (``message_sv``) and an English (``str(error)``) line and the closest name, if any.

    Examples
    --------
    >>> lookup("habo")
    'Habo'
    >>> try:
    ...     lookup("Habbo")
    ... except UnknownMunicipality as error:
    ...     print(error.message_sv)
    ...     print(error)
    Kommunen ”Habbo” finns inte i Jönköpings län (menade du Habo?)
    unknown municipality 'Habbo' (did you mean 'Habo'?); expected one of the 13 in Jönköpings län
    """
    table = municipalities()
    text = unicodedata.normalize("NFC", str(name_or_slug)).strip()
    exact = {**dict(zip(table["slug"], table["kommun"])), **dict(zip(table["kommun"], table["kommun"]))}
    if text in exact:
        return exact[text]
    candidates = [text, re.sub(r" kommun$", "", text, flags=re.IGNORECASE),
                  re.sub(r"s kommun$", "", text, flags=re.IGNORECASE)]
    for fold in (str.casefold, _fold):
        index: dict[str, set[str]] = {}
        for kommun, slug in zip(table["kommun"], table["slug"]):
            index.setdefault(fold(kommun), set()).add(kommun)
            index.setdefault(fold(slug), set()).add(kommun)
        for candidate in candidates:
            found = index.get(fold(candidate), set())
            if len(found) == 1:  # two names folding alike (Håbo, Habo) must be written exactly
                return next(iter(found))
    suggestion = data.closest(text, table["kommun"])
    shown = text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"
    lan = lan_name()
    message_sv = f"Kommunen ”{shown}” finns inte i {lan}" + (f" (menade du {suggestion}?)" if suggestion else "")
    hint = f" (did you mean {suggestion!r}?)" if suggestion else ""
    message_en = f"unknown municipality {plain(shown)}{hint}; expected one of the {len(table)} in {lan}"
    raise UnknownMunicipality(text, suggestion, message_sv, message_en, where)


def slug(kommun: str) -> str:
    """The municipality's ASCII slug (file names, URLs): ``slug("Jönköping") == "jonkoping"``."""
    return str(municipalities().set_index("kommun").at[lookup(kommun), "slug"])


def code(kommun: str) -> str:
    """The municipality's four-digit SCB code: ``code("Habo") == "0643"``."""
    return str(municipalities().set_index("kommun").at[lookup(kommun), "kommun_kod"])
