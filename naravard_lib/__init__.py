"""Helper library of the Nära vård workbook (Jönköpings län).

All logic lives here; the notebooks in ``notebooks/`` narrate and call it.
Modules, one concern each: :mod:`paths`, :mod:`formatting`, :mod:`schemas`, :mod:`data`,
:mod:`reconciliation`, :mod:`allocation`, :mod:`flows`, :mod:`plots`, :mod:`widgets`,
:mod:`parameters`, :mod:`report`, :mod:`batch`, :mod:`cli`.
"""

__version__ = "0.1.0"
