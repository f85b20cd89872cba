"""environment.yml and postBuild (conda / Binder) install what pyproject.toml declares, CPU PyTorch, no test tools."""

import os
import re
import shutil
import subprocess
import tomllib
import venv

import yaml

from marl_course.book import ROOT

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def _name(requirement: str) -> str:
    return re.split(r"[<>=!\[ ]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _conda_dependencies() -> list[str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]
    return env["dependencies"]


def test_environment_yml_installs_the_runtime_dependencies_from_conda_forge():
    dependencies = _conda_dependencies()
    assert all(isinstance(d, str) for d in dependencies), "no pip section: the course is installed by postBuild"
    assert any(d.startswith("python=3.11") for d in dependencies)
    assert {_name(r) for r in PROJECT["project"]["dependencies"]} <= {_name(d) for d in dependencies}
    for requirement in PROJECT["project"]["dependencies"]:
        assert requirement.replace(" ", "") in dependencies, f"{requirement}: same bounds in environment.yml"


def test_environment_yml_takes_the_cpu_build_of_pytorch():
    torch = [d for d in _conda_dependencies() if _name(d) in ("pytorch", "torch", "pytorch-gpu", "cudatoolkit")]
    assert torch == ["pytorch=2.*=cpu_*"], "conda-forge's CPU build (its CUDA builds are named cuda*)"


def test_environment_yml_has_no_test_tools():
    dev = {_name(r) for r in PROJECT["project"]["optional-dependencies"]["dev"]}
    assert not dev & {_name(d) for d in _conda_dependencies()}


def test_postbuild_installs_the_course_and_its_data_without_dependencies(tmp_path):
    """Binder's install step, run in a clean virtual environment: the package and its shipped results, nothing else."""
    script = ROOT / "postBuild"
    assert os.access(script, os.X_OK), "repo2docker runs postBuild only if it is executable"
    env_dir = tmp_path / "clean"
    venv.create(env_dir, with_pip=True)
    bin_dir = env_dir / "bin"
    environ = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}", PIP_DISABLE_PIP_VERSION_CHECK="1")
    environ.pop("VIRTUAL_ENV", None)
    # a copy of what the install reads, so the build leaves nothing in the repository
    source = tmp_path / "repository"
    shutil.copytree(ROOT / "marl_course", source / "marl_course", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md", "LICENSE", "postBuild"):
        shutil.copy2(ROOT / name, source / name)
    subprocess.run(["bash", "postBuild"], cwd=source, env=environ, check=True, capture_output=True, timeout=300)
    listing = subprocess.run([str(bin_dir / "python"), "-m", "pip", "list", "--format=freeze"], env=environ,
                             check=True, capture_output=True, text=True).stdout
    installed = {_name(line.split("==")[0]) for line in listing.splitlines()}
    assert "marl-course" in installed
    assert not installed & {"pytest", "nbval", "torch", "numpy"}, installed
    site = next((env_dir / "lib").glob("python3*/site-packages"))
    for data in ("experiments/maddpg_long_run.json", "experiments/littman_paper_scale.json"):
        assert (site / "marl_course" / data).is_file(), f"{data} is not installed"
