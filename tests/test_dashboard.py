"""The dashboard without a browser: the URL's municipality, the figures it shows, how Voilà is started."""

from __future__ import annotations

import json

import nbformat
import pytest

from naravard_lib import allocation as al
from naravard_lib import dashboard, dashboard_server, data, paths
from naravard_lib.cli import app
from naravard_lib.errors import UnknownMunicipality
from naravard_lib.report import allocation_overview

# --------------------------------------------------------------------------- the URL


def _plain(text) -> str:
    """``text`` with no-break spaces read as spaces (the output keeps them; the test compares words)."""
    return str(text).replace("\xa0", " ")


@pytest.mark.parametrize("query, expected", [
    (None, "Jönköping"), ("", "Jönköping"), ("kommun=", "Jönköping"), ("kommun=Habo", "Habo"),
    ("kommun=jonkoping", "Jönköping"), ("kommun=HABO", "Habo"), ("kommun=V%C3%A4rnamo", "Värnamo"),
    ("kommun=+Aneby+", "Aneby"), ("theme=light&kommun=Aneby", "Aneby"), ("kommun=Aneby&kommun=Habo", "Aneby"),
])
def test_the_url_chooses_the_municipality(query, expected):
    assert dashboard.kommun_from_query(query) == (expected, "")


def test_an_unknown_municipality_in_the_url_is_explained_in_swedish_with_a_suggestion():
    kommun, note = dashboard.kommun_from_query("kommun=Habbo")
    assert kommun == "Jönköping"
    assert note == "Kommunen ”Habbo” finns inte i Jönköpings län (menade du Habo?). Sidan visar Jönköping."
    kommun, note = dashboard.kommun_from_query("kommun=" + "x" * 500)
    assert kommun == "Jönköping" and "menade du" not in note and len(note) < 140


def test_the_query_comes_from_voila_s_environment(monkeypatch):
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    monkeypatch.setenv("QUERY_STRING", "kommun=Habo")
    assert dashboard.page_query() == "kommun=Habo"
    monkeypatch.delenv("QUERY_STRING")
    assert dashboard.page_query() == ""


# --------------------------------------------------------------------------- the figures


def _amount(text: str) -> int:
    return int("".join(text.split()).replace("−", "-"))  # "−41 108" -> -41108, "+11 579" -> 11579


def test_key_figures_per_period_agree_with_the_published_tables():
    table = dashboard.key_figure_table("Habo").set_index("Period")
    assert list(table.index) == ["2019–2022 (alla insatsområden)", "2023 (alla insatsområden)",
                                 "2024 (Nära vård)"]
    assert _plain(table.loc["2024 (Nära vård)", "Belopp (kr)"]) == "927 826"
    assert table.loc["2024 (Nära vård)", "Per invånare (kr)"] == "69,94"
    assert table.loc["2024 (Nära vård)", "Rang i länet"] == "9 av 13"
    cells = data.load_allocations()
    published = cells[(cells.kommun == "Habo") & (cells.insatsomrade == "Totalt")].set_index("period")["amount_sek"]
    assert _amount(table.loc["2023 (alla insatsområden)", "Belopp (kr)"]) == published["2023"]
    assert _amount(table.loc["2019–2022 (alla insatsområden)", "Belopp (kr)"]) == published["2019-2022"]


def test_money_share_equals_population_share_only_where_the_split_is_by_population():
    for kommun in ("Aneby", "Jönköping", "Habo"):
        table = dashboard.key_figure_table(kommun).set_index("Period")
        for period in ("2023 (alla insatsområden)", "2024 (Nära vård)"):
            assert table.loc[period, "Andel av länets medel"] == table.loc[period, "Andel av länets befolkning"]
    aneby = dashboard.key_figure_table("Aneby").set_index("Period").loc["2019–2022 (alla insatsområden)"]
    assert _plain(aneby["Andel av länets medel"]) == "2,12 %" and _plain(aneby["Andel av länets befolkning"]) == "1,85 %"


def test_the_change_2023_2024_adds_up_to_its_causes():
    for kommun in data.load_municipalities()["kommun"]:
        rows = dashboard.change_table(kommun)["Belopp (kr)"].map(_amount).tolist()
        before, after, change, pool, share, rounding = rows
        assert change == after - before == pool + share + rounding
        overview = allocation_overview(kommun).set_index(["period", "insatsomrade"])
        assert (before, after) == (overview.loc[("2023", "Nära vård"), "belopp"],
                                   overview.loc[("2024", "Nära vård"), "belopp"])
    habo = dashboard.change_table("Habo")["Belopp (kr)"].tolist()
    assert [_plain(cell) for cell in habo[2:5]] == ["−41 108", "−52 687", "+11 579"]
    assert abs(al.change().set_index("kommun").loc["Habo", "rounding"]) < 1


def test_every_source_line_names_its_document_and_section():
    cells = data.load_allocations()
    assert all(s in dashboard.source_allocations() for s in cells["section"].unique())
    assert cells.loc[cells.period == "2024", "section"].iloc[0] in dashboard.source_what_if()
    assert data.load_strategies()["citat_section"].iloc[0] in dashboard.source_strategies()
    for line in (dashboard.source_allocations(), dashboard.source_what_if(), dashboard.source_initiatives(),
                 dashboard.source_strategies()):
        assert line.startswith("Källa: ") and "(avsnitt" in line


# --------------------------------------------------------------------------- the widget


@pytest.fixture(scope="module")
def board():
    from naravard_lib.widgets import Dashboard

    return Dashboard("habo")


def test_the_dashboard_starts_at_the_chosen_municipality(board):
    assert board.kommun == "Habo" and board.what_if.highlight == "Habo" and board.initiatives.kommun == "Habo"
    assert "Nyckeltal för Habo" in board.figures.value and "927 826" in _plain(board.figures.value)
    assert board.figures.value.count("<caption>") == 2 and "Källa: " in board.figures.value
    assert board.note.value == ""
    # the what-if table names its rows (the municipality column is the first one)
    assert board.what_if.display_table().columns[0] == "Kommun"
    assert 'scope="col" >Kommun</th>' in board.what_if.table_view.value


def test_choosing_a_municipality_updates_every_part(board):
    board.choice.value = "Aneby"
    assert "Nyckeltal för Aneby" in board.figures.value and "478 810" in _plain(board.figures.value)
    assert board.what_if.highlight == "Aneby" and "Aneby" in board.what_if_heading.value
    assert board.initiatives.kommun == "Aneby" and "som omfattar Aneby" in board.initiatives.count.value
    board.select("Habo", note="Kommunen ”X” finns inte.")
    assert board.choice.value == "Habo" and "Nyckeltal för Habo" in board.figures.value
    assert "finns inte" in board.note.value and 'role="status"' in board.note.value
    board.select("Habo", note="")
    assert board.note.value == ""


def test_the_dashboard_refuses_an_unknown_municipality_from_code():
    from naravard_lib.widgets import Dashboard

    with pytest.raises(UnknownMunicipality, match="Habo"):
        Dashboard("Habbo")


# --------------------------------------------------------------------------- the notebook and the server


def test_the_dashboard_notebook_is_stripped_library_calls_on_the_project_kernel():
    notebook = nbformat.read(dashboard_server.NOTEBOOK, as_version=4)
    assert notebook.metadata.kernelspec.name == paths.KERNEL_NAME
    assert notebook.metadata.title == dashboard.PAGE_TITLE  # the page's <title>; the län is in its h1, from the data
    assert dashboard.intro_markdown().startswith(f"# {dashboard.title()}\n")
    assert dashboard.title() == "Nära vård i Jönköpings län – översikt"
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    imports = [line for c in code for line in c.source.splitlines() if "import " in line]
    assert imports and all(line.startswith("from naravard_lib") for line in imports)
    for cell in code:  # only the cell that displays the widget escapes nbval's comparison
        ignored = "nbval-ignore-output" in cell.metadata.get("tags", [])
        assert ignored == ("Dashboard(" in cell.source)


def test_voila_serves_on_loopback_with_code_hidden_by_default():
    argv = dashboard_server.voila_command()
    assert argv[1:3] == ["-m", "naravard_lib.voila_app"] and argv[3] == str(dashboard_server.NOTEBOOK)
    for option in ("--Voila.ip=127.0.0.1", "--port=8866", "--strip_sources=True", "--show_tracebacks=False",
                   "--no-browser", f"--template={dashboard_server.TEMPLATE}", "--VoilaExporter.language_code=sv",
                   f"--CappedKernelManager.max_kernels={dashboard_server.DEFAULT_MAX_KERNELS}",
                   "--MappingKernelManager.cull_idle_timeout=300"):
        assert option in argv
    assert "--Voila.ip=0.0.0.0" in dashboard_server.voila_command(ip="0.0.0.0")


def test_the_template_is_found_through_jupyter_path_and_drops_the_cdn():
    env = dashboard_server.environment({"JUPYTER_PATH": "/elsewhere"})
    assert env["JUPYTER_PATH"].split(":") == [str(dashboard_server.TEMPLATE_ROOT), "/elsewhere"]
    folder = dashboard_server.TEMPLATE_ROOT / "voila" / "templates" / dashboard_server.TEMPLATE
    assert json.loads((folder / "conf.json").read_text())["base_template"] == "lab"
    template = (folder / "index.html.j2").read_text()
    assert "voila/templates/lab/index.html.j2" in template and "'cdn.jsdelivr.net' not in line" in template


def _naravard(*argv) -> int:
    """``naravard dashboard ...`` in this process; its exit code."""
    with pytest.raises(SystemExit) as stopped:
        app(["dashboard", *argv], prog_name="naravard")
    return stopped.value.code


def test_naravard_dashboard_prints_the_address_and_warns_when_serving_the_network(monkeypatch, capsys):
    started = []
    monkeypatch.setattr(dashboard_server.os, "execve", lambda path, argv, env: started.append((argv, env)))
    assert _naravard("--port", "9000") == 0
    out = capsys.readouterr().out
    assert "http://127.0.0.1:9000/" in out and "Only this machine" in out
    assert "--Voila.ip=127.0.0.1" in started[0][0]
    assert str(dashboard_server.TEMPLATE_ROOT) in started[0][1]["JUPYTER_PATH"]
    assert _naravard("--ip", "0.0.0.0", "--port", "9001", "--max-kernels", "3", "--cull-after", "60") == 0
    out = capsys.readouterr().out
    assert "anyone who can reach this machine on port 9001" in out and "3 at most" in out
    assert {"--Voila.ip=0.0.0.0", "--CappedKernelManager.max_kernels=3", "--MappingKernelManager.cull_idle_timeout=60",
            "--MappingKernelManager.cull_interval=12"} <= set(started[1][0])


def test_naravard_dashboard_refuses_a_port_in_use_in_one_line(monkeypatch, capsys):
    import socket

    monkeypatch.setattr(dashboard_server.os, "execve", lambda *args: pytest.fail("Voilà must not start"))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert _naravard("--port", str(port)) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1
    assert f"cannot listen on 127.0.0.1 port {port}" in captured.err and f"PORT={port + 1}" in captured.err
    assert _naravard("--ip", "192.0.2.1", "--port", "9000") == 2  # not an address of this machine
    err = capsys.readouterr().err
    assert "cannot listen on 192.0.2.1" in err and "one of this machine's addresses" in err


@pytest.mark.parametrize("argv, message", [
    (["--port", "70000"], "error: --port: 70000 is not a port number (1-65535)"),
    (["--port", "0"], "error: --port: 0 is not a port number (1-65535)"),
    (["--port", "abc"], "error: Invalid value for '--port'"),
    (["--max-kernels", "1"], "error: --max-kernels: 1 leaves no room for a visitor beside the pre-heated kernel"),
    (["--cull-after", "5"], "error: --cull-after: 5 seconds is too short for a page to load; give 10 or more"),
    (["--pool", "2"], "error: No such option: --pool"),
])
def test_naravard_dashboard_rejects_a_bad_option_in_one_line(monkeypatch, capsys, argv, message):
    monkeypatch.setattr(dashboard_server.os, "execve", lambda *args: pytest.fail("Voilà must not start"))
    assert _naravard(*argv) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1 and captured.err.startswith(message)


def test_naravard_dashboard_serves_another_data_folder(monkeypatch, capsys, tmp_path):
    from datafolders import other_lan

    folder = other_lan(tmp_path)
    started = []
    monkeypatch.setattr(dashboard_server.os, "execve", lambda path, argv, env: started.append((argv, env)))
    monkeypatch.setenv(paths.DATA_ENV, "")
    try:
        assert _naravard("--port", "9000", "--data", str(folder)) == 0
        out = capsys.readouterr().out
        assert started[0][1][paths.DATA_ENV] == str(folder.resolve())  # the Voilà kernels read this folder
        assert "?kommun=uppvidinge" in out  # an example from the folder (its first municipality)
    finally:
        paths.use_data(None)


def test_naravard_dashboard_refuses_a_missing_or_invalid_data_folder_before_voila(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(dashboard_server.os, "execve", lambda *args: pytest.fail("Voilà must not start"))
    try:
        assert _naravard("--data", str(tmp_path / "saknas")) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith(f"error: --data {tmp_path / 'saknas'}: no such folder")
        (tmp_path / "tom").mkdir()
        assert _naravard("--data", str(tmp_path / "tom")) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "file not found" in err and "naravard validate lists them" in err
    finally:
        paths.use_data(None)
