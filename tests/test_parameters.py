"""Parameter files and --kommun are checked before any kernel starts; mistakes get one line."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from naravard_lib import municipalities, paths
from naravard_lib.cli import app
from naravard_lib.errors import ParameterError
from naravard_lib.parameters import all_parameters, read_parameters, select, validate_parameters


def test_all_13_parameter_files_are_valid():
    found = all_parameters()
    assert len(found) == 13
    assert {p.slug for p in found} == {f.stem for f in paths.PARAMETERS_DIR.glob("*.yaml")}
    assert read_parameters(paths.PARAMETERS_DIR / "jonkoping.yaml").kommun == "Jönköping"
    assert [p.slug for p in found][-2:] == ["vetlanda", "varnamo"]  # Swedish order, as in the seed tables


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("name, text, expected", [
    ("jonkoping.yaml", "kommun: Jonkoping\n", "must be written as 'Jönköping'"),
    ("jonkoping.yaml", "kommun: Jönkping\n", "did you mean 'Jönköping'?"),
    ("jonkoping.yaml", "kommun: Jönköping\nvisa_kartan: true\n", "unknown key 'visa_kartan' (did you mean 'visa_karta'?)"),
    ("jonkoping.yaml", "kommun: Jönköping\nvisa_karta: ja\n", "key 'visa_karta' must be bool"),
    ("jonkoping.yaml", "kommun: Jönköping\nvisa_karta: 1\n", "key 'visa_karta' must be bool"),
    ("jonkoping.yaml", "kommun: 680\n", "key 'kommun' must be str"),
    ("jonkoping.yaml", "kommun: [Jönköping\n", "line 2: not valid YAML"),
    ("jonkoping.yaml", "- Jönköping\n", "expected key: value pairs"),
    ("jonkoping.yaml", "visa_karta: true\n", "missing key 'kommun'"),
    ("eksjo.yaml", "kommun: Jönköping\n", "rename it to jonkoping.yaml"),
    ("jonkoping.yaml", "kommun: jonkoping\n", "must be written as 'Jönköping'"),
    ("jonkoping.yaml", "kommun: !!python/object/apply:os.system [echo hi]\n", "not valid YAML"),
])
def test_bad_parameter_files_get_one_line(tmp_path, name, text, expected):
    path = _write(tmp_path, name, text)
    with pytest.raises(ParameterError) as info:
        read_parameters(path)
    message = str(info.value)
    assert expected in message and "\n" not in message
    assert message.startswith(str(path))


def test_missing_parameter_file_for_a_municipality(tmp_path):
    _write(tmp_path, "aneby.yaml", "kommun: Aneby\n")
    with pytest.raises(ParameterError, match="no parameter file for eksjo, gislaved"):
        all_parameters(tmp_path)


def test_lookup_accepts_names_and_slugs():
    assert municipalities.lookup("varnamo") == "Värnamo"
    assert municipalities.lookup("SÄVSJÖ") == "Sävsjö"
    assert municipalities.lookup("Varnamo kommun") == "Värnamo"
    with pytest.raises(ParameterError, match="did you mean 'Värnamo'"):
        municipalities.lookup("Varnano")
    assert [p.slug for p in select(["Aneby", "aneby", "habo"])] == ["aneby", "habo"]


def test_validate_parameters_defaults():
    params = validate_parameters({"kommun": "Habo"}, "test")
    assert params.notebook_parameters() == {"kommun": "Habo", "visa_karta": True, "rubrik": ""}


def test_cli_rejects_a_misspelled_kommun_before_writing_anything(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["build", "--kommun", "Jonkopping", "--out", str(out)])
    assert result.exit_code == 2
    assert "did you mean 'Jönköping'?" in result.output
    assert not out.exists()


def test_cli_rejects_a_bad_executor(tmp_path):
    result = CliRunner().invoke(app, ["build", "--executor", "spark", "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and "'local' or 'dask'" in result.output
    assert not (tmp_path / "o").exists()


def test_cli_validate_passes_on_the_shipped_files():
    result = CliRunner().invoke(app, ["validate"])
    assert result.exit_code == 0, result.output


def test_cli_caps_jobs_at_the_number_of_reports_and_warns_above_the_cores(tmp_path, monkeypatch):
    from naravard_lib import batch

    seen = {}

    def fake_build(jobs, out, workers, **_):
        seen["workers"] = workers
        return [batch.ReportResult(p.kommun, p.slug, True) for p in jobs]

    monkeypatch.setattr(batch, "build", fake_build)
    monkeypatch.setattr("os.cpu_count", lambda: 1)
    result = CliRunner().invoke(app, ["build", "-k", "aneby", "-k", "habo", "-j", "1000", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert seen["workers"] == 2
    assert "warning: --jobs 2 is more than the 1 CPU cores here" in result.output


def test_cli_unexpected_errors_are_one_line_unless_verbose(tmp_path, monkeypatch):
    from naravard_lib import cli

    def broken():
        raise RuntimeError("something\nbroke")

    monkeypatch.setattr(cli, "_check_inputs", broken)
    result = CliRunner().invoke(app, ["build", "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert result.output.strip() == ("error: unexpected RuntimeError: something broke "
                                     "(run with --verbose for the traceback)")
    verbose = CliRunner().invoke(app, ["build", "--verbose", "--out", str(tmp_path / "o")])
    assert isinstance(verbose.exception, RuntimeError)
    assert not (tmp_path / "o").exists()


def test_validate_reports_every_problem_in_one_line_each(monkeypatch):
    from naravard_lib import cli
    from naravard_lib.errors import DataError

    monkeypatch.setattr(cli, "_check_inputs", lambda: [DataError("data/a.csv", "bad", row=2), ParameterError("p: bad")])
    result = CliRunner().invoke(app, ["validate"])
    assert result.exit_code == 2
    assert result.output.splitlines() == ["error: data/a.csv, line 2: bad", "error: p: bad"]
