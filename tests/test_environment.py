"""environment.yml (conda / Binder) installs what pyproject.toml declares."""

import re
import tomllib

import yaml

from marl_course.book import ROOT


def _name(requirement: str) -> str:
    return re.split(r"[<>=!\[ ]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_matches_pyproject():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert any(d.startswith("python=3.11") for d in conda)
    runtime = {_name(r) for r in project["dependencies"]}
    assert runtime <= {_name(d) for d in conda}, "every runtime dependency is in environment.yml"
    assert {_name(r) for r in project["optional-dependencies"]["deep"]} <= {_name(p) for p in pip}
    assert "-e .[dev]" in pip, "the course itself (with its test extras) is installed with pip"
