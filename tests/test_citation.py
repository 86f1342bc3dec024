"""CITATION.cff: valid Citation File Format 1.2.0 keys, and the version the package declares."""

import tomllib

import yaml

from naravard_lib import paths


def test_citation_file_has_the_required_keys_and_the_package_version():
    citation = yaml.safe_load((paths.PROJECT_ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["cff-version"] == "1.2.0"
    assert {"message", "title", "authors"} <= set(citation) and all("name" in a or "family-names" in a
                                                                   for a in citation["authors"])
    project = tomllib.loads((paths.PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert citation["version"] == project["version"] and citation["license"] == project["license"]
