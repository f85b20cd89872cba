"""One table of bad-input calls for the ``test_bad_inputs_*`` files.

Each row is a call that must raise ``ValueError`` or ``TypeError`` whose message mentions a
given parameter name. Rows get ids from their labels, without memory addresses, so every
pytest-xdist worker collects the same names.
"""

from __future__ import annotations

import re

import pytest


class CaseTable(list):
    """A list of ``pytest.param(call, match)`` rows, ready for ``@pytest.mark.parametrize("call, match", ...)``."""

    def case(self, label: str, call, match: str) -> None:
        """A call that must raise ValueError or TypeError mentioning ``match``."""
        label = re.sub(r" at 0x[0-9a-fA-F]+", "", label)
        self.append(pytest.param(call, match, id=f"{label}-{len(self)}"))

    def kwarg_cases(self, label: str, factory, name: str, values, match: str | None = None) -> None:
        """``factory(name=value)`` for each bad value, naming ``match`` (default: ``name``)."""
        for value in values:
            self.case(f"{label}-{name}={value!r}", lambda value=value: factory(**{name: value}), match or name)

    def arg_cases(self, label: str, call, values, match: str) -> None:
        """``call(value)`` for each bad value, naming ``match``."""
        for value in values:
            self.case(f"{label}={value!r}", lambda value=value: call(value), match)
