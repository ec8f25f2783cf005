"""The Jinja2 environments come from one factory."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from reportgen.documents import templating
from reportgen.documents.model import Paragraph, Text

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "data" / "eksempler" / "allerod-2024"
BLOCK = (Paragraph((Text("indsat"),)),)


def environment(folder: Path) -> jinja2.Environment:
    return templating.environment(
        folder, autoescape=False, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False
    )


def test_only_the_factory_makes_jinja_environments():
    makers = [
        path.relative_to(ROOT).as_posix()
        for path in sorted((ROOT / "reportgen").rglob("*.py"))
        if "Environment(" in path.read_text(encoding="utf-8")
    ]
    assert makers == ["reportgen/documents/templating.py"]


def test_an_undefined_value_is_an_error_in_every_environment(tmp_path):
    (tmp_path / "t.j2").write_text("Hej {{ navn }}.", encoding="utf-8")
    env = environment(tmp_path)
    assert env.get_template("t.j2").render(navn="Allerød") == "Hej Allerød."
    with pytest.raises(jinja2.UndefinedError):
        env.get_template("t.j2").render()
