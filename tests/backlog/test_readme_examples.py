"""The README's runs of `flask backlog tally` on the files in docs/examples/backlog/ print what
the README says they print, so a reader who repeats them gets the same result."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "docs" / "examples" / "backlog"
BLOCK = re.compile(r"```sh\n(\$ \.venv/bin/flask backlog tally .*?)```", re.DOTALL)


def readme_examples() -> list[tuple[list[str], str]]:
    """Each example: the command's arguments after `flask`, and the output the README shows."""
    examples = []
    for block in BLOCK.findall((ROOT / "README.md").read_text("utf-8")):
        lines = block.splitlines(keepends=True)
        command = ""
        while lines:
            line = lines.pop(0)
            if line.rstrip("\n").endswith("\\"):
                command += line.rstrip("\n")[:-1] + " "
            else:
                command += line
                break
        words = shlex.split(command.removeprefix("$ "))
        assert words[0] == ".venv/bin/flask"
        examples.append((words[1:], "".join(lines)))
    return examples


def test_the_readme_shows_the_three_ways_of_counting_on_the_example_files():
    examples = readme_examples()
    methods = [args[args.index("--method") + 1] for args, _output in examples]
    assert methods == ["points", "equal-shares", "budget-greedy"]
    for args, _output in examples:
        for value in args:
            if value.startswith("docs/"):
                assert (ROOT / value).is_file(), value
    assert {path.name for path in EXAMPLES.iterdir()} == {
        "ballots.csv",
        "costs.csv",
        "items.csv",
        "points.csv",
        "weights.csv",
    }


@pytest.mark.parametrize(
    ("args", "output"), readme_examples(), ids=lambda value: "" if isinstance(value, str) else None
)
def test_the_readmes_example_prints_what_the_readme_shows(runner, monkeypatch, args, output):
    monkeypatch.chdir(ROOT)
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert result.stdout + result.stderr == output
