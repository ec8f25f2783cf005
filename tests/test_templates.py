"""The Jinja2 environments come from one factory, and a prose template and its inserts must agree both ways: a
placeholder without its insert fails, and so does an insert that the template never places."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from reportgen.documents import compose, markdown, templating
from reportgen.documents.model import Paragraph, Text, plain_text
from reportgen.figures.case import compute
from reportgen.inputs import load_inputs

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


@pytest.fixture
def template(tmp_path) -> tuple[str, object]:
    """A template whose placeholders are written out, computed ("{{ key }}") and in an included template."""
    (tmp_path / "hoved.md.j2").write_text(
        "Indledning.\n\n@@tabel1@@\n\n{% for key in keys %}\n@@figur:{{ key }}@@\n\n{% endfor %}"
        '{% if med_del %}\n{% include "del.md.j2" %}\n{% endif %}\n',
        encoding="utf-8",
    )
    (tmp_path / "del.md.j2").write_text("@@tekst:del@@\n", encoding="utf-8")
    env = environment(tmp_path)
    source = env.get_template("hoved.md.j2").render(keys=["a", "b"], med_del=True)
    return source, markdown.placeable(templating.sources(env, "hoved.md.j2"))


def test_every_placeholder_gets_its_insert(template):
    source, placeable = template
    inserts = {"tabel1": BLOCK, "figur:a": BLOCK, "figur:b": BLOCK, "tekst:del": BLOCK}
    blocks = markdown.parse_with_placeholders(source, inserts, placeable)
    assert [plain_text(b.children) for b in blocks if isinstance(b, Paragraph)] == ["Indledning."] + ["indsat"] * 4


def test_a_placeholder_without_its_insert_fails(template):
    source, placeable = template
    with pytest.raises(KeyError, match="ukendt pladsholder @@tekst:del@@"):
        markdown.parse_with_placeholders(source, {"tabel1": BLOCK, "figur:a": BLOCK, "figur:b": BLOCK}, placeable)


def test_an_insert_the_template_never_places_fails(template):
    source, placeable = template
    inserts = {"tabel1": BLOCK, "figur:a": BLOCK, "figur:b": BLOCK, "tekst:del": BLOCK}
    with pytest.raises(KeyError, match="ingen pladsholder for @@tabel2@@, @@tekst:andet@@"):
        markdown.parse_with_placeholders(source, {**inserts, "tabel2": BLOCK, "tekst:andet": BLOCK}, placeable)


def test_an_insert_the_template_places_only_for_other_values_is_allowed(template):
    """A text for a section the case does not show this year (the template places it under a condition)."""
    source, placeable = template
    inserts = {"tabel1": BLOCK, "figur:a": BLOCK, "figur:b": BLOCK, "figur:c": BLOCK, "tekst:del": BLOCK}
    assert len(markdown.parse_with_placeholders(source, inserts, placeable)) == 5


def test_each_text_goes_to_the_document_that_shows_it():
    inputs = load_inputs(EXAMPLE, tekster={"bilag1": "Markør-bilag-1.", "forklaring": "Markør-forklaring."})
    packet = compose.compose(inputs, compute(inputs))

    def text_of(doc) -> str:
        return " ".join(plain_text(b.children) for b in doc.blocks if isinstance(b, Paragraph))

    assert "Markør-bilag-1." in text_of(packet.bilag1) and "Markør-bilag-1." not in text_of(packet.sagsfremstilling)
    assert "Markør-forklaring." in text_of(packet.sagsfremstilling) and "Markør-forklaring." not in text_of(
        packet.bilag1
    )


def test_a_text_sent_to_a_document_that_never_places_it_fails(monkeypatch):
    """Were Bilag 1's introduction handed to the sagsfremstilling, it would not silently vanish."""
    inputs = load_inputs(EXAMPLE, tekster={"bilag1": "Markør-bilag-1."})
    monkeypatch.setattr(compose, "section_document", lambda section: "sagsfremstilling")
    with pytest.raises(KeyError, match="ingen pladsholder for @@tekst:bilag1@@"):
        compose.compose_document(inputs, compute(inputs), "sagsfremstilling")


@pytest.fixture
def cache_home(tmp_path, monkeypatch):
    """A cache folder of the test's own, and the factory's cache looked up again."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    templating.bytecode_cache.cache_clear()
    yield tmp_path / "cache" / "reportgen" / "jinja"
    templating.bytecode_cache.cache_clear()


def test_a_template_compiled_once_is_taken_compiled_by_the_next_process(tmp_path, cache_home):
    (tmp_path / "t.md.j2").write_text("Hej {{ navn }}", encoding="utf-8")
    assert environment(tmp_path).get_template("t.md.j2").render(navn="Allerød") == "Hej Allerød"
    assert len(list(cache_home.iterdir())) == 1 and cache_home.stat().st_mode & 0o777 == 0o700
    compiled = environment(tmp_path)  # as in a new process: the template comes from the cache, not the compiler
    compiled.compile = lambda *args, **kwargs: pytest.fail("compiled again")  # type: ignore[method-assign]
    assert compiled.get_template("t.md.j2").render(navn="Lyngby") == "Hej Lyngby"
    (tmp_path / "t.md.j2").write_text("Goddag {{ navn }}", encoding="utf-8")  # a changed template is compiled again
    assert environment(tmp_path).get_template("t.md.j2").render(navn="Allerød") == "Goddag Allerød"


def test_a_cache_folder_others_may_write_in_is_not_used(tmp_path, cache_home):
    cache_home.mkdir(parents=True)
    cache_home.chmod(0o777)
    assert templating.bytecode_cache() is None
    (tmp_path / "t.md.j2").write_text("Hej", encoding="utf-8")
    assert environment(tmp_path).get_template("t.md.j2").render() == "Hej" and not list(cache_home.iterdir())


def test_a_cache_that_cannot_be_written_only_compiles(tmp_path, cache_home, monkeypatch):
    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("jinja2.bccache.tempfile.NamedTemporaryFile", full_disk)
    (tmp_path / "t.md.j2").write_text("Hej", encoding="utf-8")
    assert environment(tmp_path).get_template("t.md.j2").render() == "Hej" and not list(cache_home.iterdir())
