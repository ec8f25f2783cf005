"""reportgen serve under attack (issue 24): paths that lead outside the workspace through links, saves over the
input limits, names the workspace uses, a full disk, a foreign Host, a form over the size limit, idle and
trickling connections, and document pages whose policy lets their own styles and fonts through."""

from __future__ import annotations

import tomllib

import pytest
from test_web import CASE, client_for, post, state, text_of

from reportgen.inputs.limits import MAX_TEXT_BYTES, MAX_TOML_BYTES

# --- saves are held to the limits the files are read with (item 7) --------------------------------------------------


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Forklaring. " * 150_000, "1,8 MB; højst 200 kB"),
        ("x" * MAX_TEXT_BYTES, "200.001 bytes; højst 200.000 bytes"),  # a text is saved with a final newline
        ("æ" * (MAX_TEXT_BYTES // 2 + 1), "200.003 bytes; højst 200.000 bytes"),  # two bytes a character
    ],
)
def test_a_text_over_the_limit_is_not_saved(web, text, shown):
    app, client, ws = web
    before = (ws / CASE / "tekster" / "forklaring.md").read_bytes()
    response = post(app, client, f"/sag/{CASE}/tekster/forklaring", {"tekst": text, "version": state(app)})
    page = text_of(response)
    assert response.status_code == 422 and f"ville få filen til at fylde {shown}" in page
    assert (ws / CASE / "tekster" / "forklaring.md").read_bytes() == before
    preview = post(
        app, client, f"/sag/{CASE}/forhaandsvisning/sagsfremstilling", {"afsnit": "forklaring", "tekst": text}
    )
    assert preview.status_code == 422 and shown in text_of(preview)


def test_a_decision_that_takes_sag_toml_over_the_limit_is_not_saved(web):
    app, client, ws = web
    toml = ws / CASE / "sag.toml"
    text = toml.read_text(encoding="utf-8") + "# "
    toml.write_text(text + "x" * (MAX_TOML_BYTES - 500 - len(text.encode("utf-8"))) + "\n", encoding="utf-8")
    before = toml.read_bytes()
    decision = {"organ": "Byrådet", "dato": "2025-12-01", "beslutning": "Godkendt. " * 100, "udfald": "vedtaget"}
    response = post(app, client, f"/sag/{CASE}/beslutninger", {**decision, "version": state(app)})
    page = text_of(response)
    assert response.status_code in (409, 422) and "sag.toml: ændringen ville få filen til at fylde 1.000." in page
    assert "højst 1.000.000 bytes er tilladt" in page
    assert toml.read_bytes() == before
    assert "Intern fejl" not in text_of(client.get(f"/sag/{CASE}/"))
    tomllib.loads(toml.read_text(encoding="utf-8"))  # still the file it was


@pytest.fixture
def web(tmp_path):
    from test_web import make_workspace

    root = make_workspace(tmp_path / "arbejdsmappe")
    app, client = client_for(root)
    return app, client, root
