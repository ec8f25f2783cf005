"""The style folder as input: what it may hold, how it is validated, and the messages for a bad one."""

from __future__ import annotations

import os
import shutil
from io import BytesIO
from pathlib import Path

import docx
import pytest
from casefactory import EXAMPLE, make_case, run_cli
from docx.enum.style import WD_STYLE_TYPE
from docx.styles import BabelFish
from hypothesis import given
from hypothesis import strategies as st

from reportgen.domain import colours
from reportgen.domain.errors import InputError
from reportgen.inputs import load_inputs
from reportgen.inputs.reference import OWN_STYLES, WORD_STYLES, Style, stored_name
from reportgen.inputs.style import DECISION_BACKGROUND, DEFAULT_LOOK, HOUSE_TOKENS, Tokens, load_style
from reportgen.lifecycle.style_template import write_style_template
from reportgen.resources import REFERENCE_DOCX, STYLESHEET

STYLE = EXAMPLE.parent / "kommunestil"


@pytest.fixture
def style(tmp_path) -> Path:
    """A copy of the example style folder to spoil."""
    return Path(shutil.copytree(STYLE, tmp_path / "husstil"))


def problems(folder: Path) -> str:
    """The problems of a style folder as the command line prints them (one per line)."""
    with pytest.raises(InputError) as caught:
        load_style(folder, "Allerød")
    return "\n".join(str(problem) for problem in caught.value.problems)


def set_token(folder: Path, line: str) -> None:
    """Append (or replace) one line of the folder's stil.toml."""
    name = line.split("=")[0].strip()
    toml = folder / "stil.toml"
    kept = [old for old in toml.read_text(encoding="utf-8").splitlines() if not old.startswith(f"{name} ")]
    toml.write_text("\n".join([*kept, line]) + "\n", encoding="utf-8")


# --- the example and the template ------------------------------------------------------------------------


def test_the_example_style_folder_loads_with_everything_it_holds():
    look = load_style(STYLE, "Allerød")
    assert look.tokens == Tokens(
        skrift="Liberation Sans",
        skrift_overskrifter="Liberation Serif",
        farve_overskrifter="#00594F",
        farve_accent="#F2A900",
        farve_tabelhoved="#00594F",
        farve_tabelhoved_tekst="#FFFFFF",
        logo_hoejde=1.6,
    )
    assert {(face.family, face.weight, face.italic) for face in look.fonts} == {
        ("Liberation Sans", 400, False),
        ("Liberation Sans", 700, False),
        ("Liberation Serif", 700, False),
    }
    assert look.logo is not None and look.logo.alt == "Allerød Kommunes logo" and look.logo.svg is not None
    assert look.reference_docx == (STYLE / "reference.docx").read_bytes()
    assert sorted(look.named_files()) == [
        "stil/fonts/LiberationSans-Bold.ttf",
        "stil/fonts/LiberationSans-Regular.ttf",
        "stil/fonts/LiberationSerif-Bold.ttf",
        "stil/logo.png",
        "stil/logo.svg",
        "stil/reference.docx",
        "stil/stil.toml",
    ]


def test_a_case_without_stil_has_reportgens_own_look():
    assert load_inputs(EXAMPLE).look == DEFAULT_LOOK


def test_stil_in_sag_toml_may_point_outside_the_case_folder(tmp_path):
    shutil.copytree(STYLE, tmp_path / "husstil")
    case = make_case(tmp_path, sag_toml_patch={"stil": "../husstil"})
    inputs = load_inputs(case)
    assert inputs.look.logo is not None and inputs.look.folder == (tmp_path / "husstil").resolve()
    assert "stil/logo.png" in inputs.files() and "sag.toml" in inputs.files()


def test_a_missing_style_folder_names_the_key_and_how_to_make_one(tmp_path, capsys):
    case = make_case(tmp_path, sag_toml_patch={"stil": "../husstil"})
    result = run_cli(capsys, "check", case)
    assert result.code == 2
    assert "nøgle 'stil': mappen '../husstil' findes ikke" in result.err
    assert "reportgen stil skabelon" in result.err


def test_the_template_folder_holds_reportgens_own_look(tmp_path):
    written = write_style_template(tmp_path / "ny")
    assert [path.name for path in written] == ["reference.docx", "stil.toml"]
    assert (tmp_path / "ny" / "reference.docx").read_bytes() == REFERENCE_DOCX.read_bytes()
    look = load_style(tmp_path / "ny", "Allerød")
    assert look.tokens == HOUSE_TOKENS and look.logo is None and look.fonts == ()


def test_the_house_colours_are_those_of_the_house_stylesheet():
    css = STYLESHEET.read_text(encoding="utf-8").lower()
    for name in ("farve_overskrifter", "farve_tabelhoved", "farve_tabelhoved_tekst"):
        assert getattr(HOUSE_TOKENS, name).lower() in css, name
    assert DECISION_BACKGROUND.lower() in css


def test_stored_names_are_python_docxs():
    for ui_name, stored in BabelFish.style_aliases:
        assert stored_name(ui_name) == stored
    assert stored_name("Title") == "Title" and stored_name("Kilde") == "Kilde"


def test_word_styles_and_own_styles_together_are_every_style_used():
    assert set(WORD_STYLES) | set(OWN_STYLES) == set(Style) and not set(WORD_STYLES) & set(OWN_STYLES)


# --- stil.toml -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('farve_overskrifter = "blå"', "nøgle 'farve_overskrifter': ugyldig farve 'blå'. Skriv farven som hex-kode"),
        ('farve_accent = "#12345"', "nøgle 'farve_accent': ugyldig farve '#12345'"),
        ("farve_tabelhoved = 255", "nøgle 'farve_tabelhoved': skal være tekst"),
        ('skrift = "Frutiger"', "nøgle 'skrift': skriften 'Frutiger' findes hverken i stilmappens fonts/"),
        ('skrift_overskrifter = "Liberation Serf"', "Mente du 'Liberation Serif'?"),
        ('skrift = "Arial; } body { color: red"', "nøgle 'skrift': skriften"),
        ("logo_hoejde = 12", "nøgle 'logo_hoejde': skal være mellem 0,5 og 5 cm"),
        ('farve_overskrift = "#000000"', "nøgle 'farve_overskrift': ukendt nøgle. Mente du 'farve_overskrifter'?"),
        ("css = 'body { background: url(http://example.com/x) }'", "nøgle 'css': ukendt nøgle"),
    ],
)
def test_bad_tokens_name_the_key_and_the_fix(style, line, expected):
    set_token(style, line)
    assert expected in problems(style)


def test_too_little_contrast_on_the_table_header_names_the_ratio_and_a_colour_that_passes(style):
    set_token(style, 'farve_tabelhoved_tekst = "#7FAFA8"')
    message = problems(style)
    assert "nøgle 'farve_tabelhoved_tekst': teksten i tabelhovedet (#7FAFA8 på #00594F)" in message
    assert "WCAG AA kræver mindst 4,5:1" in message
    suggested = message.split('farve_tabelhoved_tekst = "')[1][:7]
    assert colours.contrast(suggested, "#00594F") >= 4.5


def test_a_light_table_header_against_the_house_text_colour_names_the_header_key(style):
    set_token(style, 'farve_tabelhoved = "#333333"')
    (style / "stil.toml").write_text('farve_tabelhoved = "#333333"\n', encoding="utf-8")
    assert "nøgle 'farve_tabelhoved': teksten i tabelhovedet (#1A1A1A på #333333)" in problems(style)


def test_pale_headings_fail_against_the_decision_background(style):
    set_token(style, 'farve_overskrifter = "#6FA8DC"')
    message = problems(style)
    assert "nøgle 'farve_overskrifter': overskrifterne (#6FA8DC) har kontrasten" in message
    suggested = message.split('farve_overskrifter = "')[1][:7]
    assert colours.contrast(suggested, DECISION_BACKGROUND) >= 4.5


def test_a_bad_colour_is_not_also_reported_as_bad_contrast(style):
    set_token(style, 'farve_tabelhoved = "grøn"')
    assert "kontrast" not in problems(style)


def test_fonts_are_matched_without_regard_to_case(style):
    set_token(style, 'skrift = "liberation sans"')
    assert load_style(style, "Allerød").tokens.skrift == "Liberation Sans"


def test_a_system_font_can_be_named_and_a_missing_fc_list_is_explained(style, monkeypatch):
    from reportgen.inputs import style as style_module

    shutil.rmtree(style / "fonts")
    (style / "stil.toml").write_text('skrift = "Systemskrift"\n', encoding="utf-8")
    monkeypatch.setattr(style_module, "system_fonts", lambda: frozenset({"Systemskrift"}))
    assert load_style(style, "Allerød").tokens.skrift == "Systemskrift"
    monkeypatch.setattr(style_module, "system_fonts", lambda: None)
    assert "installér pakken fontconfig" in problems(style)


def test_the_bundled_carlito_needs_no_files(style):
    shutil.rmtree(style / "fonts")
    (style / "stil.toml").write_text('skrift = "Carlito"\n', encoding="utf-8")
    assert load_style(style, "Allerød").tokens.skrift == "Carlito"


def test_a_broken_font_file_is_named(style):
    (style / "fonts" / "Ødelagt.ttf").write_bytes(b"not a font")
    assert "fonts/Ødelagt.ttf: er ikke en skriftfil, der kan læses" in problems(style)


# --- reference.docx --------------------------------------------------------------------------------------


def save_reference(folder: Path, change) -> None:
    """Save the folder's reference.docx after change(document)."""
    document = docx.Document(str(folder / "reference.docx"))
    change(document)
    buffer = BytesIO()
    document.save(buffer)
    (folder / "reference.docx").write_bytes(buffer.getvalue())


def test_a_missing_word_style_is_named_in_danish_with_how_to_add_it(style, tmp_path, capsys):
    save_reference(style, lambda document: document.styles["Heading 2"].delete())
    result = run_cli(capsys, "check", EXAMPLE, "--stil", style)
    assert result.code == 2
    assert "reference.docx: typografien 'Overskrift 2' (Heading 2) mangler." in result.err
    assert "højreklik → Rediger" in result.err and "Intet er skrevet." in result.err


def test_a_style_of_the_wrong_kind_is_named(style):
    def replace_caption(document):
        document.styles["Caption"].delete()
        document.styles.add_style("Caption", WD_STYLE_TYPE.CHARACTER)

    save_reference(style, replace_caption)
    message = problems(style)
    assert "typografien 'Billedtekst' er en tegntypografi; den skal være en afsnitstypografi" in message


def test_reportgens_own_styles_may_be_missing(style):
    document = docx.Document(str(style / "reference.docx"))
    assert not any(name in document.styles for name in OWN_STYLES)
    load_style(style, "Allerød")  # no problem: the writer adds them


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"PK\x03\x04 not really", "er ikke et Word-dokument (.docx)"),
        (b"plain text", "er ikke et Word-dokument (.docx)"),
    ],
)
def test_a_reference_that_is_no_word_document_is_named(style, content, expected):
    (style / "reference.docx").write_bytes(content)
    assert f"reference.docx: {expected}" in problems(style)


def test_a_word_template_file_is_explained(style):
    data = (style / "reference.docx").read_bytes()
    (style / "reference.docx").write_bytes(_with_main_type(data, "template.main+xml"))
    assert "er gemt som Word-skabelon (.dotx)" in problems(style)
    (style / "reference.docx").write_bytes(_with_main_type(data, "document.macroEnabled.main+xml"))
    assert "indeholder makroer" in problems(style)


def _with_main_type(data: bytes, kind: str) -> bytes:
    """The package with another content type for its main part."""
    import zipfile

    source = zipfile.ZipFile(BytesIO(data))
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "[Content_Types].xml":
                content = content.replace(b"document.main+xml", kind.encode())
            target.writestr(info, content)
    return out.getvalue()


def test_a_zip_bomb_is_refused_unread(style):
    import zipfile

    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        bomb.writestr("word/document.xml", b"\0" * 101_000_000)
    (style / "reference.docx").write_bytes(out.getvalue())
    assert "pakker sig ud til mere end 100 MB" in problems(style)


# --- the logo --------------------------------------------------------------------------------------------

SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">{}</svg>'


@pytest.mark.parametrize(
    ("inner", "expected"),
    [
        ("<script>alert(1)</script>", "SVG-filen indeholder <script>"),
        ('<image href="https://example.com/logo.png" width="10" height="10"/>', "henviser til 'https://example.com"),
        ('<image xlink:href="file:///etc/passwd"/>', "henviser til 'file:///etc/passwd'"),
        ('<rect width="10" height="10" fill="url(http://example.com/x)"/>', "har attributten fill="),
        ('<rect width="10" height="10" onclick="x()"/>', "har attributten onclick="),
        ("<style>@import url(https://example.com/a.css);</style>", "<style> henter noget udefra"),
        ("<foreignObject><p>html</p></foreignObject>", "indeholder <foreignObject>"),
        ('<a href="#x"><set attributeName="href" to="https://example.com"/></a>', "indeholder <set>"),
    ],
)
def test_an_svg_logo_that_reaches_outside_itself_is_refused(style, inner, expected):
    (style / "logo.svg").write_text(SVG.format(inner), encoding="utf-8")
    assert expected in problems(style)


def test_an_svg_logo_may_use_its_own_gradients_and_embedded_png(style):
    inner = (
        '<defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/></linearGradient></defs>'
        '<rect width="10" height="10" fill="url(#g)"/><use href="#g"/>'
        "<rect width='10' height='10' style='fill: url( \"#g\")'/>"
        '<image href="data:image/png;base64,iVBORw0KGgo=" width="1" height="1"/>'
    )
    (style / "logo.svg").write_text(SVG.format(inner), encoding="utf-8")
    load_style(style, "Allerød")


def test_svg_entities_are_refused(style):
    (style / "logo.svg").write_text(
        '<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><text>&x;</text></svg>',
        encoding="utf-8",
    )
    assert "SVG-filen definerer entiteter" in problems(style)


def test_an_svg_logo_needs_a_png_beside_it_for_word(style):
    (style / "logo.png").unlink()
    assert "logo.svg kræver også logo.png: Word-udgaven bruger logoet som PNG." in problems(style)


def test_a_png_logo_alone_serves_every_format(style):
    (style / "logo.svg").unlink()
    look = load_style(style, "Allerød")
    assert look.logo is not None and look.logo.svg is None


def test_a_logo_that_is_not_a_png_is_named(style):
    (style / "logo.png").write_bytes(b"GIF89a...")
    assert "logo.png: er ikke et PNG-billede." in problems(style)


def test_a_logo_in_another_format_is_named_with_the_fix(style):
    (style / "logo.jpg").write_bytes(b"\xff\xd8\xff")
    assert "logo.jpg: logoet skal hedde logo.png" in problems(style)


# --- reading the files -----------------------------------------------------------------------------------


def test_a_link_out_of_the_style_folder_is_refused_unread(style):
    (style / "logo.png").unlink()
    (style / "logo.png").symlink_to("/etc/passwd")
    message = problems(style)
    assert "logo.png: filen ligger uden for stilmappen (eller er et link dertil)." in message
    assert "root:" not in message


def test_a_fifo_is_refused_without_waiting(style):
    (style / "stil.toml").unlink()
    os.mkfifo(style / "stil.toml")
    assert "stil.toml: er en FIFO (navngivet rør), ikke en almindelig fil." in problems(style)


def test_an_oversized_file_is_refused(style):
    (style / "stil.toml").write_text("# " + "x" * 70_000 + "\n", encoding="utf-8")
    assert "stil.toml: filen fylder 70 kB; højst 64 kB er tilladt." in problems(style)


def test_a_style_folder_that_is_a_file_is_named(tmp_path):
    (tmp_path / "stil").write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="stilmappen findes ikke"):
        load_style(tmp_path / "stil", "Allerød")


# --- contrast --------------------------------------------------------------------------------------------


def test_contrast_ratios_are_wcags():
    assert colours.contrast("#000000", "#FFFFFF") == pytest.approx(21)
    assert colours.contrast("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)
    assert colours.ratio_text(4.499) == "4,4:1"
    assert colours.parse_hex("#abc") == "#AABBCC" and colours.parse_hex("1f3864") == "#1F3864"
    assert colours.parse_hex("rgb(0,0,0)") is None


hex_colours = st.integers(0, 0xFFFFFF).map(lambda n: f"#{n:06X}")


@given(hex_colours, hex_colours)
def test_the_suggested_colour_always_passes_aa(colour, background):
    assert colours.contrast(colours.reaching(colour, background), background) >= colours.AA_TEXT


def test_check_says_what_the_style_folder_brings(capsys):
    result = run_cli(capsys, "check", EXAMPLE, "--stil", STYLE)
    assert result.code == 0
    assert "Stilmappe kommunestil: Word-skabelon; logo (PNG og SVG); 3 skriftfiler; stil.toml: skrift," in result.out
    assert "Stilmappe" not in run_cli(capsys, "check", EXAMPLE).out


def test_what_check_refuses_in_a_template_python_docx_cannot_open(tmp_path):
    """The template check parses what python-docx parses: each damaged template of the corpus is one python-docx
    fails to open (so `build` would have stopped with an internal error), and the example's opens."""
    from test_bad_inputs import REFERENCE_PARTS

    damaged = [b for b in REFERENCE_PARTS if "malformed" in b.id or "content-type" in b.id]
    assert len(damaged) >= 4
    for bad in damaged:
        bad.build(tmp_path / bad.id)
        with pytest.raises(Exception):  # noqa: B017 - KeyError, XMLSyntaxError: whatever python-docx raises
            docx.Document(str(tmp_path / bad.id / "stil" / "reference.docx"))
    docx.Document(str(STYLE / "reference.docx"))
