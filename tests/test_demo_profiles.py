"""The demo profiles of the two levels since July 2025: tỉnh Hòa Sơn and phường Bình Minh."""

import pytest

from tracker.cli import cli
from tracker.models import Assignment, User


def load(runner, *args):
    return runner.invoke(cli, ["load-demo", *args])


@pytest.mark.parametrize("profile", ["province", "commune"])
def test_profile_loads_with_every_status(runner, profile):
    result = load(runner, "--profile", profile)
    assert result.exit_code == 0, result.output
    assert {a.status for a in Assignment.select()} >= {
        "new",
        "in_progress",
        "submitted",
        "done",
        "returned",
    }
    assert User.get(User.username == "lanhdao").role == "leader"
