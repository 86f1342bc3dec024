"""Every interactive control of the workbook, shared by the JupyterLab notebooks and the dashboard.

The computations behind them are plain functions elsewhere (:func:`~naravard_lib.allocation.what_if_table`,
:func:`~naravard_lib.transition.filter_initiatives`, :func:`~naravard_lib.strategies.profile_markdown`),
tested without a browser; the classes here only wire controls to them. ipywidgets is imported here
and nowhere else, with a plain message if it is missing.

Results are shown in ``HTML`` widgets whose value is replaced in one step (tables as HTML, bar charts
drawn in HTML and CSS with a text alternative), so a change never flashes an empty output, and the stored
widget state of a saved notebook shows the same page a reader would see after running it.
"""

from __future__ import annotations

import hashlib
import html

import mistune
import pandas as pd
from IPython.display import display

from . import data, form, municipalities, strategies, transition
from .allocation import Scenario, what_if_table
from .formatting import format_number, format_sek, parse_kronor, swedish_table
from .plots import PALETTE, TableOutput
from .schemas import FOKUSOMRADEN

_MONEY_MAX = 100_000_000
_STYLE = {"description_width": "190px"}


def _ipywidgets():
    try:  # imported here, not at the top: a plain message instead of a traceback when it is missing
        import ipywidgets
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("The interactive parts need ipywidgets: run `make lab` (it installs everything) "
                          "or `pip install ipywidgets`.") from exc
    return ipywidgets


#: What a reader sees in place of the controls where the widgets cannot be drawn (an untrusted saved notebook).
NOT_RUN_NOTE = ("[Här visas reglagen när du kör cellen med Skift + Enter. Öppnar du arbetsboken med "
                "kommandot make lab visas de direkt.]")


def show(view) -> None:
    """Display a widget view, with a Swedish note instead of Python's repr as the plain-text fallback."""
    bundle = view._repr_mimebundle_()
    bundle["text/plain"] = NOT_RUN_NOTE
    display(bundle, raw=True)


def table_html(frame: pd.DataFrame, caption: str = "", left: tuple[str, ...] = ()) -> str:
    """A table for an ``HTML`` widget: :class:`naravard_lib.plots.TableOutput` on its own (scoped headers).

    Its id is made from the caption and headings, so two tables on one page never share one and the
    same table always gives the same HTML.
    """
    key = "\x1f".join([caption, *map(str, frame.columns)]).encode("utf-8")
    return TableOutput(frame, caption, left, name=f"tabell-{hashlib.sha1(key).hexdigest()[:10]}", standalone=True).html


def bars_html(values: pd.Series, title: str, alt: str, highlight: str | None = None) -> str:
    """A horizontal bar chart in plain HTML and CSS, largest first, labels in the Swedish style.

    Drawn by the browser in no time (a matplotlib PNG takes a few hundred milliseconds on a small
    machine), sharp at any zoom, and its text is real text. ``alt`` is the chart's text alternative.
    """
    ordered = values.sort_values(ascending=False)
    largest = max(float(ordered.max()), 1.0)
    rows = []
    for name, value in ordered.items():
        color = PALETTE["highlight"] if name == highlight else PALETTE["base"]
        weight = "font-weight:bold;" if name == highlight else ""
        rows.append(
            f'<div style="display:flex;align-items:center;gap:6px;margin:2px 0;{weight}">'
            f'<span style="width:90px;text-align:right;flex:none">{html.escape(str(name))}</span>'
            f'<span style="flex:1;display:flex;align-items:center;gap:4px">'
            f'<span style="display:inline-block;height:14px;width:{100 * float(value) / largest:.2f}%;'
            f'background:{color}"></span><span style="white-space:nowrap">{format_number(value)}</span></span></div>')
    return (f'<figure role="img" aria-label="{html.escape(alt)}" style="margin:0;min-width:360px;font-size:13px">'
            f'<figcaption style="font-weight:bold;margin-bottom:4px">{html.escape(title)}</figcaption>'
            f'<div aria-hidden="true">{"".join(rows)}</div></figure>')


class KronorInput:
    """An exact amount in kronor: a text box in the Swedish style beside a coarse slider.

    The text box holds the exact value (it is what the browser sends back, so no rounding); the
    slider (step 1, no readout) is for dragging. Typing something that is not whole kronor keeps
    the last value and explains why in ``message``.
    """

    def __init__(self, description: str, value: int, maximum: int = _MONEY_MAX):
        widgets = _ipywidgets()
        self.value = int(value)
        self.error = ""
        self.text = widgets.Text(value=format_number(self.value), description=description, continuous_update=False,
                                 style=_STYLE, layout=widgets.Layout(width="340px"))
        self.slider = widgets.IntSlider(value=self.value, min=0, max=maximum, step=1, readout=False,
                                        description=f"{description}, reglage", style={"description_width": "0px"},
                                        layout=widgets.Layout(width="260px"))
        self.view = widgets.HBox([self.text, self.slider])
        self._callbacks = []
        self.text.observe(self._typed, names="value")
        self.slider.observe(self._dragged, names="value")

    def observe(self, callback) -> None:
        """Call ``callback()`` after every accepted change."""
        self._callbacks.append(callback)

    def _set(self, value: int) -> None:
        changed = value != self.value or self.error
        self.value, self.error = value, ""
        if self.slider.value != value:
            self.slider.value = value
        if self.text.value != format_number(value):
            self.text.value = format_number(value)
        if changed:
            for callback in self._callbacks:
                callback()

    def _typed(self, change) -> None:
        try:
            value = parse_kronor(change["new"])
            if value > self.slider.max:
                raise ValueError(f"Högst {format_sek(self.slider.max)}.")
        except ValueError as error:
            self.error = str(error)
            for callback in self._callbacks:
                callback()
            return
        self._set(value)

    def _dragged(self, change) -> None:
        self._set(int(change["new"]))


def _set_aside_label(period: str, name: str) -> str:
    """How a set-aside is called in the published figures, for its control: ``"länssamordning"``."""
    figures = data.load_published_figures()
    found = figures.loc[(figures["period"] == period) & figures["key"].str.endswith(f".{name}"), "label"]
    label = str(found.iloc[0]).split(": ")[-1] if len(found) else name
    return label[:1].lower() + label[1:]


class WhatIf:
    """The latest year's split under your own pool, set-asides, key and rounding: a table and a chart that follow.

    Starts at the published allocation (largest difference 0 kr). ``highlight`` marks one
    municipality in the chart.

    Examples
    --------
    >>> w = WhatIf()
    >>> w.controls["base_share"].value = 20   # a fifth of the pool split equally
    >>> int(w.table.loc[w.table.kommun == "Aneby", "belopp"].iloc[0]) > 478_810
    True
    """

    def __init__(self, scenario: Scenario = Scenario(), highlight: str | None = None):
        widgets = _ipywidgets()
        self.highlight = highlight
        self.period = scenario.period  # the latest single year, unless the scenario names one
        self.amounts = {"pool": KronorInput("Länets pott (kr)", scenario.pool)}
        #: the set-asides the year's stated total includes, by name (``digitalisering``), as controls
        self.set_aside_names = list(scenario.set_asides)
        for name, amount in scenario.set_asides.items():
            self.amounts[name] = KronorInput(f"Avsatt {_set_aside_label(self.period, name)} (kr)", amount)
        self.controls = {
            **{name: amount.text for name, amount in self.amounts.items()},
            "base_share": widgets.IntSlider(value=round(100 * scenario.base_share), min=0, max=100, step=5,
                                            description="Lika bas (% av potten)", style=_STYLE,
                                            layout=widgets.Layout(width="600px")),
            "rounding": widgets.Dropdown(options=[("Per cell (som publicerat)", "per_cell"),
                                                  ("Största rest (summerar exakt)", "largest_remainder")],
                                         value=scenario.rounding, description="Avrundning", style=_STYLE,
                                         layout=widgets.Layout(width="600px")),
        }
        self.message = widgets.HTML()
        self.table_view = widgets.HTML()
        self.chart_view = widgets.HTML()
        self.table = pd.DataFrame()
        for amount in self.amounts.values():
            amount.observe(self.update)
        for name in ("base_share", "rounding"):
            self.controls[name].observe(lambda _change: self.update(), names="value")
        self.view = widgets.VBox([*(a.view for a in self.amounts.values()), self.controls["base_share"],
                                  self.controls["rounding"], self.message,
                                  widgets.HBox([self.table_view, self.chart_view],
                                               layout=widgets.Layout(flex_flow="row wrap", grid_gap="16px"))])
        self.update()

    @property
    def scenario(self) -> Scenario:
        """The scenario the controls describe now."""
        return Scenario(self.amounts["pool"].value, base_share=self.controls["base_share"].value / 100,
                        rounding=self.controls["rounding"].value, period=self.period,
                        set_asides={name: self.amounts[name].value for name in self.set_aside_names})

    def _clear(self, message: str) -> None:
        self.table = pd.DataFrame()
        self.table_view.value = self.chart_view.value = ""
        self.message.value = message

    def update(self) -> None:
        """Recompute the table and the chart; a setting that cannot work is explained and nothing stale is left."""
        errors = [a.error for a in self.amounts.values() if a.error]
        if errors:
            return self._clear(f"<b>Går inte:</b> {html.escape(errors[0])}")
        scenario = self.scenario
        if sum(scenario.set_asides.values()) > scenario.pool:
            return self._clear("<b>Går inte:</b> avsättningarna är större än potten. Minska dem eller öka potten.")
        self.table = what_if_table(scenario)
        total = int(self.table["belopp"].sum())
        self.message.value = (f"Till kommunerna: <b>{format_sek(total)}</b> · största skillnad mot publicerat: "
                              f"<b>{format_sek(self.table['skillnad'].abs().max())}</b>")
        self.table_view.value = table_html(self.display_table(), caption=f"Nära vård {self.period} i scenariot",
                                           left=("Kommun",))
        self.chart_view.value = self._chart()

    def display_table(self) -> pd.DataFrame:
        """The scenario table for readers: Swedish headings and number style."""
        shown = swedish_table(self.table, money=["befolkning", "belopp", "publicerat", "skillnad"],
                              number=["per_invanare"], decimals=2)
        shown = shown.rename_axis("kommun").reset_index().rename_axis(columns=None)  # kommun: a column again
        return shown.rename(columns={"kommun": "Kommun", "befolkning": "Befolkning", "belopp": "Belopp (kr)",
                                     "per_invanare": "Per invånare (kr)", "publicerat": "Publicerat (kr)",
                                     "skillnad": "Skillnad (kr)"})

    def _chart(self) -> str:
        amounts = self.table.set_index("kommun")["belopp"]
        smallest, largest = amounts.idxmin(), amounts.idxmax()
        alt = (f"Stapeldiagram: Nära vård {self.period} per kommun i scenariot. Störst belopp får {largest} "
               f"({format_sek(amounts[largest])}), minst {smallest} ({format_sek(amounts[smallest])}).")
        return bars_html(amounts, "Belopp i scenariot (kr)", alt, highlight=self.highlight)

    def _ipython_display_(self):
        show(self.view)


class InitiativeFilter:
    """Focus area, strategy, lowest 2023 level and "new since 2019": the matching 2019 → 2023 initiatives.

    ``kommun`` limits the list to initiatives that include that municipality (as in its report).
    """

    def __init__(self, kommun: str | None = None):
        widgets = _ipywidgets()
        self.kommun = kommun
        layout = widgets.Layout(width="600px")
        self.controls = {
            "fokusomrade": widgets.Dropdown(options=[("Alla", "")] + [(a, a) for a in FOKUSOMRADEN], value="",
                                            description="Fokusområde", style=_STYLE, layout=layout),
            "strategi": widgets.Dropdown(options=[("Alla", 0)] + [(f"Strategi {i}", i) for i in range(1, 5)],
                                         value=0, description="Strategi", style=_STYLE, layout=layout),
            "min_niva_2023": widgets.IntSlider(value=0, min=0, max=4, description="Minst nivå 2023", style=_STYLE,
                                               layout=layout),
            "bara_nya": widgets.Checkbox(value=False, description="Bara nya sedan 2019", style=_STYLE),
        }
        self.count = widgets.HTML()
        self.table_view = widgets.HTML()
        for control in self.controls.values():
            control.observe(lambda _change: self.update(), names="value")
        self.view = widgets.VBox([*self.controls.values(), self.count, self.table_view])
        self.table = pd.DataFrame()
        self.update()

    def update(self) -> None:
        """Filter again and show the rows."""
        self.table = transition.filter_initiatives(**{k: c.value for k, c in self.controls.items()},
                                                   kommun=self.kommun, distinct=True)
        where = f" som omfattar {html.escape(self.kommun)}" if self.kommun else ""
        self.count.value = f"<b>{len(self.table)}</b> insatser{where}"
        self.table_view.value = table_html(transition.listing(self.table), caption="Insatser 2019 → 2023",
                                           left=("Insats", "Fokusområde", "Räckvidd 2023", "Motivering"))

    def _ipython_display_(self):
        show(self.view)


class StrategyExplorer:
    """Choose one of the four strategies; see Esther's quote, the areas, the money, initiatives and indicators."""

    def __init__(self, number: int = 1):
        widgets = _ipywidgets()
        self.choice = widgets.ToggleButtons(options=[(f"Strategi {i}", i) for i in range(1, 5)], value=number,
                                            description="Välj strategi", style={"description_width": "110px"})
        self.profile = widgets.HTML()
        self.text = ""
        self.choice.observe(lambda _change: self.update(), names="value")
        self.view = widgets.VBox([self.choice, self.profile])
        self.update()

    def update(self) -> None:
        """Show the chosen strategy's profile."""
        self.text = strategies.profile_markdown(self.choice.value)
        self.profile.value = mistune.html(self.text)

    def _ipython_display_(self):
        show(self.view)


# ---- the follow-up form


class FollowUpForm:
    """Fill in Socialstyrelsen's follow-up form: radio buttons, text areas, the 15a checklist and the draft.

    The answers live in :class:`naravard_lib.form.Answers`; this class only wires controls to it.
    "Spara" writes the report's answers file atomically (:func:`naravard_lib.form.save_answers`), so
    reopening resumes where the user stopped. A corrupt answers file is reported and never overwritten.

    Parameters
    ----------
    report : str, optional
        Who answers: a län (default: the data folder's, :func:`naravard_lib.municipalities.lan_name`), or a
        municipality using the form internally.
    folder : str or Path, optional
        Folder for the answers file (default :func:`naravard_lib.form.default_answers_dir`).
    kommun : str, optional
        Passed to :func:`naravard_lib.form.draft`: the money proposals cite this municipality.
    """

    def __init__(self, report: str | None = None, folder=None, kommun: str | None = None):
        widgets = _ipywidgets()
        report = report or municipalities.lan_name()
        self.form = form.load_form()
        self.path = form.answers_path(report, folder)
        self.error: form.FormError | None = None
        try:
            self.answers, _ = form.open_answers(report, folder)
        except form.FormError as error:  # shown, and saving is refused until the file is fixed
            self.answers, self.error = form.Answers(report), error
        self.proposals = form.draft(kommun)
        self.controls: dict[str, dict] = {}
        self._syncing = False
        wide = widgets.Layout(width="95%")
        self.status = widgets.HTML()
        self.save_button = widgets.Button(description="Spara", button_style="primary", icon="save",
                                          tooltip="Spara svaren i svarsfilen")
        self.export_button = widgets.Button(description="Exportera", icon="file",
                                            tooltip="Skriv svaren som Markdown och HTML bredvid svarsfilen")
        self.save_button.on_click(lambda _b: self.save())
        self.export_button.on_click(lambda _b: self.export())
        children = [widgets.HTML(f"<h3>Uppföljningsformuläret – {html.escape(self.answers.report)}</h3>"
                                 f"<p>Svarsfil: <code>{html.escape(str(self.path))}</code></p>"),
                    widgets.HBox([self.save_button, self.export_button]), self.status]
        for section in self.form.sections:
            intro = f"<h4>{html.escape(section.title)}</h4>"
            if section.summary:
                intro += (f"<p><i>Från överenskommelsen, i korthet:</i> {html.escape(section.summary)} "
                          f"(citat: ”{html.escape(section.quote)}”)</p>")
            children.append(widgets.HTML(intro))
            children += [self._item_box(item, widgets, wide) for item in self.form.items_in(section.id)]
        children.append(widgets.HBox([self.save_button, self.export_button]))
        self.view = widgets.VBox(children)
        self._sync()
        if self.error is not None:
            self.save_button.disabled = True
            self._say(f"<b>Svarsfilen kan inte läsas:</b> {html.escape(self.error.sv)}. Rätta filen eller flytta "
                      "den och kör om cellen; inget sparas över den.", error=True)
        else:
            self._say(f"{len(self.answers.answered())} av {len(self.form.items)} frågor besvarade.")

    # building
    def _item_box(self, item, widgets, wide):
        parts = {"label": widgets.HTML(f"<p><b>{html.escape(item.label)}</b></p>")}
        if item.is_choice:
            parts["choice"] = widgets.RadioButtons(options=list(item.options), value=None, layout=wide)
            parts["comment"] = widgets.Textarea(placeholder=item.comment_label, layout=wide,
                                                description="Kommentar", description_allow_html=False)
            parts["choice"].observe(lambda c, i=item.id: self._changed(i, "choice", c["new"]), names="value")
            parts["comment"].observe(lambda c, i=item.id: self._changed(i, "comment", c["new"]), names="value")
        else:
            parts["text"] = widgets.Textarea(placeholder="Skriv svaret här", layout=widgets.Layout(width="95%",
                                                                                                  height="8em"))
            parts["text"].observe(lambda c, i=item.id: self._changed(i, "text", c["new"]), names="value")
        if item.id == self.form.checklist_item:
            parts["checks"] = {key: widgets.Checkbox(value=False, description=text, indent=False, layout=wide)
                               for key, text in self.form.checklist.items()}
            for box in parts["checks"].values():
                box.observe(lambda _c, i=item.id: self._changed(i, "checks", None), names="value")
        proposal = self.proposals.get(item.id)
        parts["proposal"] = widgets.HTML(form.proposal_html(proposal))
        parts["state"] = widgets.HTML()
        rows = [parts["label"]] + [parts[k] for k in ("choice", "comment", "text") if k in parts]
        if "checks" in parts:
            checks = list(parts["checks"].items())
            rows += [widgets.HTML("<p>Områden som svaret tar upp:</p>")]
            rows += [box for key, box in checks if key.startswith("omrade:")]
            rows += [widgets.HTML("<p>Medlen har använts till (överenskommelsens exempel):</p>")]
            rows += [box for key, box in checks if key.startswith("anvandning:")]
        buttons = []
        if proposal is not None:
            accept = widgets.Button(description="Använd förslaget", icon="check",
                                    tooltip=f"Lägg in förslaget som svar på fråga {item.id}")
            discard = widgets.Button(description="Avvisa förslaget", icon="times",
                                     tooltip=f"Avvisa förslaget till fråga {item.id}")
            accept.on_click(lambda _b, p=proposal: self.accept(p.item_id))
            discard.on_click(lambda _b, i=item.id: self.discard(i))
            parts["buttons"] = (accept, discard)
            buttons = [widgets.HBox([accept, discard, parts["state"]])]
        details = widgets.Accordion(children=[widgets.VBox([parts["proposal"], *buttons])])
        details.set_title(0, f"Förslag och underlag till fråga {item.id}" if proposal else
                          f"Fråga {item.id}: inget underlag i arbetsboken")
        details.selected_index = None
        box = widgets.VBox(rows + [details], layout=widgets.Layout(margin="0 0 1.2em 0"))
        box.add_class(f"naravard-fraga-{item.id}")
        self.controls[item.id] = parts
        return box

    # wiring
    def _changed(self, item_id: str, what: str, value) -> None:
        if self._syncing:
            return
        try:
            if what == "choice":
                self.answers.set_choice(item_id, value)
            elif what == "comment":
                self.answers.set_comment(item_id, value)
            elif what == "text":
                self.answers.set_text(item_id, value)
            else:
                checks = self.controls[item_id]["checks"]
                self.answers.set_checked(item_id, [k for k, box in checks.items() if box.value])
        except form.FormError as error:
            self._say(html.escape(error.sv), error=True)
            return
        self._show_state(item_id)
        self._say("Osparade ändringar – klicka <b>Spara</b>.")

    def _sync(self) -> None:
        """Put the answers' values into the controls (after loading or taking a proposal)."""
        self._syncing = True
        try:
            for item_id, parts in self.controls.items():
                answer = self.answers.get(item_id)
                if "choice" in parts:
                    parts["choice"].value = answer.choice
                    parts["comment"].value = answer.comment
                if "text" in parts:
                    parts["text"].value = answer.text
                for key, box in parts.get("checks", {}).items():
                    box.value = key in answer.checked
                self._show_state(item_id)
        finally:
            self._syncing = False

    def _show_state(self, item_id: str) -> None:
        state = self.answers.get(item_id).proposal
        words = {"antaget": "Förslaget används.", "redigerat": "Förslaget används, med dina ändringar.",
                 "avvisat": "Förslaget är avvisat."}
        self.controls[item_id]["state"].value = words.get(state, "")

    def _say(self, message: str, error: bool = False) -> None:
        colour = "#b00020" if error else "inherit"
        self.status.value = f'<p role="status" style="color: {colour}">{message}</p>'

    # actions
    def set_answer(self, item_id: str, value) -> None:
        """Set an answer through the controls, as a user would (an option, a text, or checklist keys)."""
        parts = self.controls[self.form.item(item_id).id]
        if "choice" in parts and (value is None or isinstance(value, str) and value in parts["choice"].options):
            parts["choice"].value = value
        elif "choice" in parts:
            self._changed(item_id, "choice", value)  # refused by the form, with its message
        elif isinstance(value, str):
            parts["text"].value = value
        else:
            for key, box in parts["checks"].items():
                box.value = key in value

    def accept(self, item_id: str) -> None:
        """Take the draft's proposal for an item."""
        self.answers.accept(self.proposals[item_id])
        self._sync()
        self._say(f"Förslaget till fråga {item_id} är inlagt. Osparade ändringar – klicka <b>Spara</b>.")

    def discard(self, item_id: str) -> None:
        """Discard the draft's proposal for an item."""
        self.answers.discard(item_id)
        self._sync()
        self._say(f"Förslaget till fråga {item_id} är avvisat. Osparade ändringar – klicka <b>Spara</b>.")

    def save(self) -> bool:
        """Save the answers atomically; on a problem, show it and keep the earlier file."""
        if self.error is not None:
            self._say(f"Sparar inte: {html.escape(self.error.sv)}", error=True)
            return False
        try:
            form.save_answers(self.answers, self.path)
        except form.FormError as error:
            self._say(f"Sparades inte: {html.escape(error.sv)}", error=True)
            return False
        self._say(f"Sparat: {len(self.answers.answered())} av {len(self.form.items)} frågor besvarade "
                  f"(<code>{html.escape(self.path.name)}</code>).")
        return True

    def export(self) -> list:
        """Write the answers as Markdown and HTML next to the answers file."""
        try:
            written = form.export(self.answers, self.path.parent)
        except form.FormError as error:
            self._say(f"Exporterades inte: {html.escape(error.sv)}", error=True)
            return []
        self._say("Exporterat: " + ", ".join(f"<code>{html.escape(p.name)}</code>" for p in written) + ".")
        return written

    def _ipython_display_(self):
        show(self.view)


# ---- the dashboard


class Dashboard:
    """The dashboard page: pick a municipality; its key figures, the what-if, its initiatives and the strategies.

    Composes :class:`WhatIf` (the municipality highlighted), :class:`InitiativeFilter` (limited to
    initiatives that include it) and :class:`StrategyExplorer`; the figures come from
    :mod:`naravard_lib.dashboard`. Choosing another municipality updates every part in place.
    ``notebooks/oversikt.ipynb`` shows it; Voilà serves that notebook as a page (``make dashboard``).

    Parameters
    ----------
    kommun : str, optional
        The municipality shown first (name or slug; default :func:`naravard_lib.dashboard.default_kommun`).
    note : str, optional
        A line for the reader above the controls (e.g. that the URL asked for an unknown municipality).

    Examples
    --------
    >>> d = Dashboard("Habo")
    >>> d.choice.value = "Aneby"
    >>> "Aneby" in d.figures.value and d.what_if.highlight == "Aneby"
    True
    """

    def __init__(self, kommun: str | None = None, note: str = ""):
        from . import dashboard, report

        widgets = _ipywidgets()
        self._dashboard = dashboard
        kommun = municipalities.lookup(kommun, "kommun") if kommun else dashboard.default_kommun()
        self.choice = widgets.Dropdown(options=list(municipalities.names()), value=kommun, description="Välj kommun",
                                       style={"description_width": "110px"}, layout=widgets.Layout(width="360px"))
        self.note = widgets.HTML(self._note_html(note))
        self.figures = widgets.HTML()
        self.what_if = WhatIf(highlight=kommun)
        self.what_if_heading = widgets.HTML()
        # The parts below need data that only some data folders hold; without it they are left out.
        self.initiatives = InitiativeFilter(kommun=kommun) if report.has_initiatives() else None
        self.initiatives_heading = widgets.HTML()
        self.strategies = StrategyExplorer() if report.has_strategies() else None

        def source(text: str):
            return widgets.HTML(f'<p class="naravard-kalla">{html.escape(text)}</p>')

        parts = [self.note, self.choice, self.figures,
                 self.what_if_heading, self.what_if.view, source(dashboard.source_what_if())]
        if self.initiatives is not None:
            parts += [self.initiatives_heading, self.initiatives.view, source(dashboard.source_initiatives())]
        if self.strategies is not None:
            parts += [widgets.HTML("<h2>De fyra strategierna</h2><p>Strategierna i länets gemensamma plan, var och "
                                   "en med Esthers ord. Välj en strategi.</p>"),
                      self.strategies.view, source(dashboard.source_strategies())]
        self.view = widgets.VBox(parts)
        self.view.add_class("naravard-oversikt")
        self.choice.observe(lambda change: self.select(change["new"]), names="value")
        self._texts(kommun)  # the parts above were built for this municipality already

    @staticmethod
    def _note_html(note: str) -> str:
        return f'<p class="naravard-notis" role="status">{html.escape(note)}</p>' if note else ""

    @property
    def kommun(self) -> str:
        """The municipality shown now."""
        return self.choice.value

    def select(self, kommun: str, note: str | None = None) -> None:
        """Show ``kommun`` in every part of the page (also what choosing it in the list does).

        ``note`` replaces the line for the reader above the list (``""`` removes it).
        """
        if note is not None:
            self.note.value = self._note_html(note)
        if self.choice.value != kommun:
            self.choice.value = kommun  # the observer calls select again
            return
        self._texts(kommun)
        if self.initiatives is not None:
            self.initiatives.kommun = kommun
            self.initiatives.update()
        self.what_if.highlight = kommun  # the chart is the slowest part: last, so the figures change first
        self.what_if.update()

    def _texts(self, kommun: str) -> None:
        dashboard = self._dashboard
        name = html.escape(kommun)
        change = dashboard.change_table(kommun)
        self.figures.value = (
            f"<h2>Nyckeltal för {name}</h2>{mistune.html(dashboard.summary_markdown(kommun))}"
            + table_html(dashboard.key_figure_table(kommun), caption=dashboard.key_figure_caption(kommun),
                         left=("Period",))
            + (table_html(change, caption=dashboard.change_caption(kommun), left=("Post",)) if change is not None else "")
            + f'<p class="naravard-kalla">{html.escape(dashboard.source_allocations())}</p>')
        self.initiatives_heading.value = (
            f"<h2>Insatser 2019 → 2023 som omfattar {name}</h2><p>Gemensamma insatser vars räckvidd 2023 "
            f"omfattar {name}. Filtrera på fokusområde, strategi och nivå.</p>")
        self.what_if_heading.value = (
            f"<h2>Tänk om: fördelningen {html.escape(self.what_if.period)} med andra antaganden</h2><p>Ändra länets pott, "
            f"{'avsättningarna, ' if self.what_if.set_aside_names else ''}en lika bas eller avrundningen; tabellen och "
            f"diagrammet följer med. {name} är markerad i "
            "diagrammet. Utgångsläget är den publicerade fördelningen.</p>")

    def _ipython_display_(self):
        show(self.view)
