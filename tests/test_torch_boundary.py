"""torch is imported only under marl_course.deep (and the experiments that train deep learners):
chapters 1-4, the games, environments, tabular learners, dynamics and shared plots never load it."""

import pkgutil
import subprocess
import sys

import marl_course.envs

WITHOUT_TORCH = (["marl_course.games", "marl_course.tabular", "marl_course.dynamics", "marl_course.stats",
                  "marl_course.source", "marl_course.experiments.parallel", "marl_course.experiments.provenance",
                  "marl_course.experiments.littman", "marl_course.viz.curves", "marl_course.viz.animation"]
                 + [f"marl_course.envs.{m.name}" for m in pkgutil.iter_modules(marl_course.envs.__path__)]
                 + [f"marl_course.viz.ch0{i}" for i in (2, 3, 4)]
                 + [f"marl_course.exercises.ch0{i}" for i in (1, 2, 3, 4)])


def test_the_torch_free_modules_do_not_import_torch():
    code = ("import importlib, sys\n"
            f"for name in {WITHOUT_TORCH!r}:\n"
            "    importlib.import_module(name)\n"
            "    assert 'torch' not in sys.modules, name\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
