"""The form's widget wires to the package: saving, resuming, refusing, showing errors in Swedish."""

from __future__ import annotations

from naravard_lib import form


def test_widget_saves_and_resumes(tmp_path):
    from naravard_lib.widgets import FollowUpForm

    widget = FollowUpForm("Jönköpings län", folder=tmp_path)
    widget.set_answer("1", "Ja")
    widget.set_answer("3", "Följs upp i Reko <varje kvartal>")
    widget.set_answer("15a", ["omrade:2"])
    widget.accept("16a")
    assert "Osparade" in widget.status.value
    assert widget.save() and (tmp_path / "jonkopings-lan.json").exists()
    again = FollowUpForm("Jönköpings län", folder=tmp_path)
    assert again.controls["1"]["choice"].value == "Ja"
    assert again.controls["3"]["text"].value == "Följs upp i Reko <varje kvartal>"
    assert again.controls["15a"]["checks"]["omrade:2"].value
    assert again.controls["16a"]["text"].value == form.draft()["16a"].text
    assert again.controls["16a"]["state"].value == "Förslaget används."


def test_widget_refuses_an_unprinted_option_with_an_escaped_swedish_message(tmp_path):
    from naravard_lib.widgets import FollowUpForm

    widget = FollowUpForm("Habo", folder=tmp_path)
    widget.set_answer("9a", "<b>Några</b>")
    assert "&lt;b&gt;Några&lt;/b&gt;" in widget.status.value and "inte ett av formulärets alternativ" in widget.status.value
    assert widget.answers.get("9a").choice is None


def test_widget_on_a_corrupt_file_shows_the_error_and_never_saves_over_it(tmp_path):
    from naravard_lib.widgets import FollowUpForm

    path = tmp_path / "habo.json"
    path.write_text("{trasig", encoding="utf-8")
    widget = FollowUpForm("Habo", folder=tmp_path)
    assert "kan inte läsas" in widget.status.value and widget.save_button.disabled
    widget.set_answer("3", "nytt")
    assert not widget.save() and path.read_text(encoding="utf-8") == "{trasig"


def test_widget_is_displayed_with_the_swedish_note_not_a_widget_repr(tmp_path, monkeypatch):
    from naravard_lib import widgets

    shown = []
    monkeypatch.setattr(widgets, "show", shown.append)
    widget = widgets.FollowUpForm("Habo", folder=tmp_path)
    widget._ipython_display_()
    assert shown == [widget.view]
