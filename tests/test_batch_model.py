"""The batch's options and results (``naravard_lib.batch.model``)."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from naravard_lib import paths
from naravard_lib.batch import BuildOptions, ReportResult


def test_options_take_the_template_of_the_moment_and_store_it_resolved(tmp_path, monkeypatch):
    template = tmp_path / "sub" / ".." / "template.ipynb"
    monkeypatch.setattr(paths, "REPORT_TEMPLATE", template)
    assert BuildOptions().template == (tmp_path / "template.ipynb").resolve()
    assert BuildOptions(template=str(template)).template == (tmp_path / "template.ipynb").resolve()


def test_options_are_frozen_and_travel_to_workers():
    options = BuildOptions(pdf=True, isolate=True)
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.pdf = False
    assert pickle.loads(pickle.dumps(options)) == options  # forked workers and dask tasks get them pickled
    result = ReportResult("Habo", "habo", False, error="RuntimeError: x")
    assert pickle.loads(pickle.dumps(result)) == result
