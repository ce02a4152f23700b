"""Whether this run is CI, where a test whose component is missing must fail instead of skipping.

CI services set ``CI`` to ``true``, ``1``, ``yes``… (GitHub, GitLab, Travis, and ``.ci/run`` set it);
``0``, ``false``, ``no``, ``off`` and an empty value mean a developer's run.
"""

import os

import pytest

OFF = {"", "0", "false", "no", "off", "n", "f"}


def in_ci(environ=None) -> bool:
    """True when ``CI`` holds any value other than an empty or false-like one."""
    value = (os.environ if environ is None else environ).get("CI")
    return value is not None and value.strip().lower() not in OFF


def missing(reason: str) -> None:
    """A required component is absent: fail under CI, skip with ``reason`` elsewhere."""
    if in_ci():
        pytest.fail(reason)
    pytest.skip(reason)
