"""The CLI's command families: every module in cli/ is registered, and a registered one that is missing is an error."""

from __future__ import annotations

from pathlib import Path

import pytest

from incident_desk import cli

CLI_DIR = Path(__file__).resolve().parents[2] / "incident_desk" / "cli"
HELPERS = {"__init__", "common"}  # the front door and what the families share; no commands of their own


def test_every_command_module_in_the_folder_is_registered():
    """A family written but left out of COMMAND_MODULES would be a command nobody can run."""
    on_disk = {p.stem for p in CLI_DIR.glob("*.py")} - HELPERS
    assert set(cli.COMMAND_MODULES) == on_disk
    assert len(cli.COMMAND_MODULES) == len(on_disk)  # none listed twice


def test_a_missing_command_module_is_an_error_not_an_absent_command(monkeypatch):
    monkeypatch.setattr(cli, "COMMAND_MODULES", (*cli.COMMAND_MODULES, "no_such_family"))
    with pytest.raises(ModuleNotFoundError, match="incident_desk.cli.no_such_family"):
        cli.build_parser()


@pytest.mark.parametrize("family", cli.COMMAND_MODULES)
def test_each_family_adds_commands_of_its_own(family):
    import argparse
    import importlib
    alone = argparse.ArgumentParser().add_subparsers(dest="command")
    importlib.import_module(f"incident_desk.cli.{family}").register(alone)
    assert alone.choices, family
    [everything] = [a for a in cli.build_parser()._actions if a.dest == "command"]
    assert set(alone.choices) <= set(everything.choices)


def test_a_command_group_lists_only_subcommands_it_has():
    """`postmortem`'s line in --help once offered a `timeline` command that never existed (it is `entry`)."""
    import argparse
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    helps = {choice.dest: choice.help or "" for choice in sub._choices_actions}
    checked = 0
    for name, command in sub.choices.items():
        inner = [a for a in command._actions if isinstance(a, argparse._SubParsersAction)]
        if not inner or ":" not in helps[name]:
            continue
        listed = {word.split("(")[0].strip() for word in helps[name].split(":", 1)[1].split(",")}
        assert listed <= set(inner[0].choices), f"{name}: {sorted(listed - set(inner[0].choices))}"
        checked += 1
    assert checked >= 3  # postmortem, problem, action at least
