"""Shared checks for the chapter exercise tests (imported by ``tests/test_exercises_chNN.py``)."""

import pytest

from marl_course.exercises import Question


def questions_of(module) -> dict[str, Question]:
    """A chapter module's questions by attribute name (``q1``, ``q2``, ...), in order."""
    found = {name: q for name, q in vars(module).items() if isinstance(q, Question) and name[:1] == "q"}
    return dict(sorted(found.items(), key=lambda kv: int(kv[0][1:])))


def wrong_answer_test(module, wrong: dict):
    """A parametrised test: each typical wrong answer in ``wrong`` (keyed ``q1`` or ``Q1``) is
    reported *incorrect* with a reason, and ``wrong`` covers every question of ``module``."""
    wrong = {key.lower(): answer for key, answer in wrong.items()}
    questions = questions_of(module)

    @pytest.mark.parametrize("name", list(questions))
    def test_wrong_answer_fails_with_a_reason(name):
        assert name in wrong, f"{module.__name__}.{name} has no typical wrong answer in the test's WRONG"
        result = questions[name].check(wrong[name])
        assert result.status == "incorrect" and result.message, result

    return test_wrong_answer_fails_with_a_reason


def answer_cases_test(module, cases):
    """A parametrised test: each ``(name, answer, status, label)`` in ``cases`` is checked by question
    ``name`` of ``module`` and must get ``status`` (an *incorrect* one with a reason, never a traceback)."""
    questions = questions_of(module)
    params = [pytest.param(name.lower(), answer, status, id=f"{name.lower()}-{label}")
              for name, answer, status, label in cases]

    @pytest.mark.parametrize("name, answer, status", params)
    def test_answer_is_checked(name, answer, status):
        result = questions[name].check(answer)
        assert result.status == status, result
        if status == "incorrect":
            assert result.message, result

    return test_answer_is_checked


def number_forms(x):
    """The same right number as a learner might hand it in: numpy scalar, 0-d array, torch scalars."""
    import numpy as np
    import torch

    forms = {"numpy-scalar": np.float64(x), "0d-array": np.array(x), "torch-float64": torch.tensor(float(x), dtype=torch.float64),
             "torch-grad": torch.tensor(float(x), dtype=torch.float64, requires_grad=True)}
    if float(x) == round(float(x)):
        forms |= {"numpy-int": np.int64(round(x)), "torch-int": torch.tensor(int(round(x))), "float": float(x)}
    else:
        forms["torch-float32"] = torch.tensor(float(x))
    return forms


def wrong_number_forms(x):
    """Malformed versions of a number: NaN, infinities, a string, wrong shapes, None, a bool."""
    import numpy as np
    import torch

    return {"nan": float("nan"), "inf": float("inf"), "-inf": -np.inf, "numpy-nan": np.float64("nan"),
            "torch-nan": torch.tensor(float("nan")), "string": str(x), "list": [x], "shape-1": np.array([x]),
            "shape-2": np.array([x, x]), "torch-shape-1": torch.tensor([float(x)]), "none": None, "bool": True,
            "complex": complex(x, 1)}
