"""Checked exercises: ``from marl_course.exercises import ch01; ch01.q1.check(answer)``.

``____`` is the starter placeholder (not attempted); ``progress()`` lists this kernel's
exercises and whether each is solved.
"""

from marl_course.exercises.checker import ____, CheckResult, Incorrect, NotAttempted, Question, progress

__all__ = ["____", "CheckResult", "Incorrect", "NotAttempted", "Question", "progress"]
