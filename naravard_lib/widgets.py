"""Interactive "what if" for the allocation, for JupyterLab.

The computation (:func:`what_if_table`) is plain pandas and is what the tests check; the
widget (:class:`WhatIf`) only wires controls to it. ipywidgets is imported here and nowhere
else, with a plain message if it is missing.
"""

from __future__ import annotations

import pandas as pd

from . import strategies, transition
from .allocation import Scenario, what_if_table
from .formatting import format_sek, swedish_table
from .schemas import FOKUSOMRADEN


def _ipywidgets():
    try:
        import ipywidgets
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("The interactive parts need ipywidgets: run `make lab` (it installs everything) "
                          "or `pip install ipywidgets`.") from exc
    return ipywidgets


class WhatIf:
    """Controls for pool, set-asides, key and rounding, a table and a bar chart that follow them.

    Examples
    --------
    >>> w = WhatIf()
    >>> w.controls["base_share"].value = 0.2   # a fifth of the pool split equally
    >>> int(w.table.loc[w.table.kommun == "Aneby", "belopp"].iloc[0]) > 478_810
    True
    """

    def __init__(self, scenario: Scenario = Scenario()):
        widgets = _ipywidgets()
        style = {"description_width": "170px"}
        layout = widgets.Layout(width="520px")
        money = dict(min=0, max=60_000_000, step=100_000, style=style, layout=layout)
        self.controls = {
            "pool": widgets.IntSlider(value=scenario.pool, description="Länets pott (kr)", **money),
            "digitalisering": widgets.IntSlider(value=scenario.digitalisering,
                                                description="Avsatt digitalisering", **money),
            "lanssamordning": widgets.IntSlider(value=scenario.lanssamordning,
                                                description="Avsatt länssamordning", **money),
            "base_share": widgets.FloatSlider(value=scenario.base_share, min=0, max=1, step=0.05,
                                              description="Lika bas (andel)", style=style, layout=layout),
            "rounding": widgets.Dropdown(options=[("Per cell (som publicerat)", "per_cell"),
                                                  ("Största rest (summerar exakt)", "largest_remainder")],
                                         value=scenario.rounding, description="Avrundning", style=style,
                                         layout=layout),
        }
        self.message = widgets.HTML()
        self.table_output = widgets.Output()
        self.chart_output = widgets.Output()
        self.table = pd.DataFrame()
        for control in self.controls.values():
            control.observe(lambda _change: self.update(), names="value")
        self.view = widgets.VBox([*self.controls.values(), self.message,
                                  widgets.HBox([self.table_output, self.chart_output])])
        self.update()

    @property
    def scenario(self) -> Scenario:
        """The scenario the controls describe now."""
        return Scenario(**{name: control.value for name, control in self.controls.items()})

    def update(self) -> None:
        """Recompute the table and redraw; a setting that cannot work is explained, not raised."""
        from IPython.display import display

        scenario = self.scenario
        if scenario.digitalisering + scenario.lanssamordning > scenario.pool:
            self.message.value = "<b>Går inte:</b> avsättningarna är större än potten. Minska dem eller öka potten."
            return
        self.table = what_if_table(scenario)
        total = int(self.table["belopp"].sum())
        self.message.value = (f"Till kommunerna: <b>{format_sek(total)}</b>"
                              f" · största skillnad mot publicerat: "
                              f"<b>{int(self.table['skillnad'].abs().max())} kr</b>")
        self.table_output.clear_output(wait=True)
        with self.table_output:
            display(swedish_table(self.table, money=["befolkning", "belopp", "publicerat", "skillnad"],
                                  number=["per_invanare"], decimals=2).set_index("kommun"))
        self.chart_output.clear_output(wait=True)
        with self.chart_output:
            import matplotlib.pyplot as plt

            from .plots import amount_bars

            fig, ax = plt.subplots(figsize=(5, 4))
            amount_bars(self.table.set_index("kommun")["belopp"], "Belopp i scenariot", ax=ax)
            display(fig)
            plt.close(fig)

    def _ipython_display_(self):
        from IPython.display import display

        display(self.view)


class InitiativeFilter:
    """Dropdowns for focus area and strategy, a slider for the 2023 level, and the matching list."""

    def __init__(self):
        widgets = _ipywidgets()
        style = {"description_width": "150px"}
        self.controls = {
            "fokusomrade": widgets.Dropdown(options=[("Alla", None)] + [(a, a) for a in FOKUSOMRADEN],
                                            description="Fokusområde", style=style),
            "strategi": widgets.Dropdown(options=[("Alla", None)] + [(f"Strategi {i}", i) for i in range(1, 5)],
                                         description="Strategi", style=style),
            "min_niva_2023": widgets.IntSlider(value=0, min=0, max=4, description="Minst nivå 2023", style=style),
            "bara_nya": widgets.Checkbox(value=False, description="Bara nya sedan 2019"),
        }
        self.count = widgets.HTML()
        self.output = widgets.Output()
        for control in self.controls.values():
            control.observe(lambda _change: self.update(), names="value")
        self.view = widgets.VBox([*self.controls.values(), self.count, self.output])
        self.table = pd.DataFrame()
        self.update()

    def update(self) -> None:
        """Refilter and redisplay."""
        from IPython.display import display

        self.table = transition.filter_initiatives(**{k: c.value for k, c in self.controls.items()})
        self.count.value = f"<b>{len(self.table)}</b> rader"
        self.output.clear_output(wait=True)
        with self.output:
            display(self.table.set_index("id"))

    def _ipython_display_(self):
        from IPython.display import display

        display(self.view)


class StrategyExplorer:
    """Choose a strategy; see its quote, areas, money, initiatives and indicators."""

    def __init__(self, number: int = 1):
        widgets = _ipywidgets()
        self.choice = widgets.ToggleButtons(options=[(f"Strategi {i}", i) for i in range(1, 5)], value=number)
        self.output = widgets.Output()
        self.text = ""
        self.choice.observe(lambda _change: self.update(), names="value")
        self.view = widgets.VBox([self.choice, self.output])
        self.update()

    def update(self) -> None:
        """Redraw the chosen strategy's profile."""
        from IPython.display import Markdown, display

        self.text = strategies.profile_markdown(self.choice.value)
        self.output.clear_output(wait=True)
        with self.output:
            display(Markdown(self.text))

    def _ipython_display_(self):
        from IPython.display import display

        display(self.view)


# ---- the follow-up form


# ---- the dashboard
