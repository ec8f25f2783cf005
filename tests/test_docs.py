"""The README documents every sag.toml key, every text section and every command."""

import re
from pathlib import Path

from reportgen.cli import BRUGER_HELP, HELP, STIL_HELP, build_parser
from reportgen.domain.noegletal import COMPARISONS, KEY_FIGURES, STATUSES
from reportgen.inputs import case, plan, style

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_every_sag_toml_key_is_documented():
    for key in case._TOP:
        assert f"`{key}`" in README or f"[[{key}]]" in README or f"[{key}]" in README, key
    for cls in (case.Handleplan, case.Behandling, case.Moede, case.Bilag):
        for key in case.schema(cls):
            assert f"`{key}`" in README, key
    for value in (*case.STATUSES, *case.INDSTILLINGER, *case.NAEVNERE, *case.UDFALD):
        assert f"`{value}`" in README or f'`"{value}"`' in README, value


def test_every_stil_toml_key_is_documented():
    for key in case.schema(style.Tokens):
        assert f"| `{key}` |" in README, key


def test_every_plan_key_and_value_is_documented():
    for cls in (plan.Plan, plan.Maal, plan.Indsats, plan.Opfoelgning):
        for key in case.schema(cls):
            assert f"`{key}`" in README or f"[[{key}]]" in README, key
    for value in (*KEY_FIGURES, *COMPARISONS, *STATUSES):
        assert f"`{value}`" in README or f'`"{value}"`' in README, value


def test_every_text_section_is_documented():
    for section in case.TEXT_SECTIONS:
        assert f"`{section}`" in README, section


def test_every_command_is_documented():
    commands = build_parser()._subparsers._group_actions[0].choices
    for name in commands:
        assert re.search(rf"`reportgen {name}\b", README), name
    for name in commands["stil"]._subparsers._group_actions[0].choices:
        assert f"`reportgen stil {name} " in README, name
    for name in commands["bruger"]._subparsers._group_actions[0].choices:
        assert f"`reportgen bruger {name} " in README, name


def test_every_command_has_danish_help():
    commands = build_parser()._subparsers._group_actions[0].choices
    assert set(commands) == set(HELP)
    for name, parser in commands.items():
        assert parser.description == HELP[name], name
    subcommands = commands["stil"]._subparsers._group_actions[0].choices
    assert set(subcommands) == set(STIL_HELP)
    for name, parser in subcommands.items():
        assert parser.description == STIL_HELP[name], name
    users = commands["bruger"]._subparsers._group_actions[0].choices
    assert {name: parser.description for name, parser in users.items()} == BRUGER_HELP
    for text in (*HELP.values(), *STIL_HELP.values(), *BRUGER_HELP.values()):
        assert not re.search(r"\b(the|and|of|one|per|each|into|with|a)\b", text, re.IGNORECASE), text


def test_every_input_limit_is_in_the_readme():
    """Each limit of reportgen/inputs/limits.py stands in the README's table of limits, with its value."""
    from reportgen.domain import danish
    from reportgen.inputs import limits

    section = README.split("### Grænser for input", 1)[1].split("\n#", 1)[0]
    for name in dir(limits):
        if name.startswith("MAX_"):
            value = getattr(limits, name)
            if name.endswith("_BYTES"):
                shown = f"{value // limits.MB} MB" if value >= limits.MB else f"{value // limits.KB} kB"
            else:
                shown = danish.count(value)
            assert f"| {shown}" in section, (name, shown)
