"""`--help`, `--version` and argument errors answer without importing numpy or Textual (the speed
issue: they must take well under 0.1 s, and numpy alone costs more than half of that)."""

from __future__ import annotations

import subprocess
import sys

import pytest

PROBE = """
import sys
from foggymountain.cli import main
try:
    main({argv!r})
except SystemExit:
    pass
heavy = sorted(name for name in ("numpy", "textual", "rich") if name in sys.modules)
print("HEAVY:" + ",".join(heavy))
"""

COMMANDS = ["check", "race", "tune", "preview", "new", "schema", "report", "pack", "serve", "host", "board", "play"]


@pytest.mark.parametrize("argv", [["--help"], ["--version"], ["race"], ["race", "--bogus"]]
                         + [[name, "--help"] for name in COMMANDS])
def test_no_heavy_import(argv):
    done = subprocess.run([sys.executable, "-c", PROBE.format(argv=argv)], capture_output=True, text=True,
                          timeout=60)
    heavy = [line for line in done.stdout.splitlines() if line.startswith("HEAVY:")]
    assert heavy == ["HEAVY:"], (argv, done.stdout[-500:], done.stderr[-500:])


def test_tune_defaults_agree_with_the_search():
    from foggymountain.commands import tune as command
    from foggymountain import tune

    assert (command.PACE_LOW, command.PACE_HIGH, command.PACE_POINTS) == (tune.PACE_LOW, tune.PACE_HIGH,
                                                                         tune.PACE_POINTS)
