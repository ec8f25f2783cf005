"""The action plan editor of reportgen serve: the plan read into the form, saved as handleplan.toml (checked by the
command line's plan reader, its comments kept), the problems at their fields, the current value of each target,
last year's case chosen from the workspace only, and the live preview of Bilag 2."""

from __future__ import annotations

import shutil
import tomllib
from html.parser import HTMLParser
from pathlib import Path

from casefactory import EXAMPLE
from test_web import client_for
from werkzeug.datastructures import MultiDict

from reportgen.inputs import load_inputs

CASE = "allerod-2024"
PAGE = f"/sag/{CASE}/handleplan"


class _Form(HTMLParser):
    """The fields of the plan form as a browser would send them untouched."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: MultiDict = MultiDict()
        self._in_form = False
        self._select: str | None = None
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id") == "planformular":
            self._in_form = True
        if not self._in_form:
            return
        if tag == "input" and a.get("name") and a.get("type") not in ("submit", "button"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.add(a["name"], a.get("value", ""))
        elif tag == "select":
            self._select = a["name"]
            self.fields.add(self._select, "")
        elif tag == "option" and self._select and "selected" in a:
            self.fields.setlist(self._select, [a.get("value", "")])
        elif tag == "textarea":
            self._textarea, self._text = a["name"], ""

    def handle_data(self, data):
        if self._textarea:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.fields.add(self._textarea, self._text)
            self._textarea = None


def form_of(html: str) -> MultiDict:
    parser = _Form()
    parser.feed(html)
    return parser.fields


def workspace(tmp_path: Path, without_plan: bool = False) -> tuple:
    root = tmp_path / "arbejdsmappe"
    shutil.copytree(EXAMPLE, root / CASE)
    if without_plan:
        toml = root / CASE / "sag.toml"
        text = toml.read_text(encoding="utf-8")
        text = text.replace('fil = "handleplan.toml"', "").replace('forrige = "handleplan-2023.toml"', "")
        toml.write_text(text.replace('indstilling = "videreføres"', 'indstilling = "udarbejdes"'), encoding="utf-8")
        (root / CASE / "handleplan.toml").unlink()
    shutil.copytree(EXAMPLE.with_name("allerod-2025"), root / "allerod-2025")
    app, client = client_for(root)
    return root, app, client


def send(app, client, fields: MultiDict, url: str = PAGE):
    fields = MultiDict(fields)
    fields.setlist("csrf", [app.extensions["reportgen.keys"].csrf])
    return client.post(url, data=fields)


def test_the_plan_is_shown_with_each_targets_current_value(tmp_path):
    _, _, client = workspace(tmp_path)
    page = client.get(PAGE).get_data(as_text=True)
    assert "Gennemgang af alle omgjorte sager med sagsbehandleren" in page
    assert "I 2024: 63 % (41 af 65), ikke nået endnu" in page  # M1: omgørelsesprocent ≤ 50 in 2025
    assert "landsplan 52 % (1.352 af 2.600)" in page  # M3: under landsplan
    fields = form_of(page)
    assert (
        fields["maal-1-sted"] == "omraade:socialomraadet" and fields["maal-4-sted"] == "forvaltning:Ældre- og Sundhed"
    )
    assert fields.getlist("indsats-1-maal") == ["M3"] and fields["indsats-1-status"] == "gennemført"


def test_the_current_value_follows_what_is_typed(tmp_path):
    _, _, client = workspace(tmp_path)
    answer = client.get(
        f"{PAGE}/maal", query_string={"sted": "omraade:voksenhandicap", "noegletal": "realitetsbehandlede"}
    )
    assert answer.get_json()["tekst"].startswith("I 2024: ") and "sager" in answer.get_json()["tekst"]
    assert client.get(f"{PAGE}/maal", query_string={"noegletal": "omgoerelsesprocent"}).get_json() == {"tekst": ""}


def test_an_unchanged_plan_is_saved_as_it_was(tmp_path):
    root, app, client = workspace(tmp_path)
    before = (root / CASE / "handleplan.toml").read_text(encoding="utf-8")
    response = send(app, client, form_of(client.get(PAGE).get_data(as_text=True)))
    assert response.status_code == 303, response.get_data(as_text=True)
    assert (root / CASE / "handleplan.toml").read_text(encoding="utf-8") == before


def test_a_changed_plan_keeps_its_comments_and_is_read_by_the_command_lines_reader(tmp_path):
    root, app, client = workspace(tmp_path)
    fields = form_of(client.get(PAGE).get_data(as_text=True))
    fields["maal-1-vaerdi"] = "45"
    fields["indsats-2-fjern"] = "1"
    fields["maal-5-sted"] = "omraade:voksenhandicap"  # the empty row at the end, filled in
    fields["maal-5-noegletal"] = "hjemvisningsandel"
    fields["maal-5-vaerdi"] = "30"
    fields["maal-5-aar"] = "2026"
    response = send(app, client, fields)
    assert response.status_code == 303, response.get_data(as_text=True)
    text = (root / CASE / "handleplan.toml").read_text(encoding="utf-8")
    assert text.startswith("# Handleplan for kvalitetsudvikling")  # the file's own comments stay
    plan = tomllib.loads(text)
    assert [m["id"] for m in plan["maal"]] == ["M1", "M2", "M3", "M4", "M5"]
    assert plan["maal"][0]["vaerdi"] == 45 and plan["maal"][4]["omraade"] == "voksenhandicap"
    assert "Gennemgang af alle omgjorte sager med sagsbehandleren" not in [i["titel"] for i in plan["indsats"]]
    assert load_inputs(root / CASE).plan is not None  # the command line reads what the browser wrote


def test_a_plan_written_from_nothing_is_named_in_sag_toml(tmp_path):
    root, app, client = workspace(tmp_path, without_plan=True)
    assert "Bilag 2 vises her" in client.get(f"/sag/{CASE}/forhaandsvisning/bilag-2").get_data(as_text=True)
    fields = form_of(client.get(PAGE).get_data(as_text=True))
    typed = {
        "indledning": "Vores plan.",
        "maal-1-sted": "omraade:socialomraadet",
        "maal-1-noegletal": "omgoerelsesprocent",
        "maal-1-vaerdi": "50",
        "maal-1-aar": "2025",
        "indsats-1-titel": "Faglig sparring",
        "indsats-1-ansvarlig": "Teamlederne",
        "indsats-1-start": "2025-01-01",
        "indsats-1-frist": "2025-12-31",
        "indsats-1-status": "planlagt",
    }
    for name, value in typed.items():
        fields[name] = value
    fields.setlist("indsats-1-maal", ["M1"])  # a target typed in the same form (its id is prefilled)
    response = send(app, client, fields)
    assert response.status_code == 303, response.get_data(as_text=True)
    sag = tomllib.loads((root / CASE / "sag.toml").read_text(encoding="utf-8"))
    assert sag["handleplan"]["fil"] == "handleplan.toml"
    inputs = load_inputs(root / CASE)
    assert inputs.plan is not None and inputs.plan.indsatser[0].titel == "Faglig sparring"
    assert inputs.plan.indsatser[0].maal == ("M1",) and inputs.plan.maal[0].vaerdi == 50
    assert "Faglig sparring" in client.get(f"/sag/{CASE}/forhaandsvisning/bilag-2").get_data(as_text=True)


def test_problems_are_shown_at_their_fields_and_nothing_is_written(tmp_path):
    root, app, client = workspace(tmp_path)
    before = (root / CASE / "handleplan.toml").read_bytes(), (root / CASE / "sag.toml").read_bytes()
    fields = form_of(client.get(PAGE).get_data(as_text=True))
    fields["indsats-2-frist"] = "2020-01-01"  # before its start
    fields["maal-2-vaerdi"] = "mange"
    response = send(app, client, fields)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="indsats-2-frist-fejl"' in page and "ligger før start" in page
    assert 'id="maal-2-vaerdi-fejl"' in page and "&#39;mange&#39; er ikke et tal" in page
    assert 'value="2020-01-01"' in page  # what was typed stays in the form
    assert ((root / CASE / "handleplan.toml").read_bytes(), (root / CASE / "sag.toml").read_bytes()) == before
    assert not list((root / CASE).glob(".ny-*"))


def test_last_years_case_is_chosen_from_the_workspace_only(tmp_path):
    root, app, client = workspace(tmp_path)
    page = client.get("/sag/allerod-2025/handleplan").get_data(as_text=True)
    assert 'value="../allerod-2024" selected' in page and "Allerød 2024 (mappen allerod-2024)" in page
    fields = form_of(page)
    fields["forrige"] = "../../uden-for"
    response = send(app, client, fields, "/sag/allerod-2025/handleplan")
    assert response.status_code == 422 and "Vælg sidste års sag på listen" in response.get_data(as_text=True)
    fields["forrige"] = ""
    response = send(app, client, fields, "/sag/allerod-2025/handleplan")
    assert response.status_code == 303, response.get_data(as_text=True)
    assert (
        "forrige" not in tomllib.loads((root / "allerod-2025" / "sag.toml").read_text(encoding="utf-8"))["handleplan"]
    )


def test_the_live_preview_shows_the_plan_as_typed_and_saves_nothing(tmp_path):
    root, app, client = workspace(tmp_path)
    before = sorted(p.name for p in (root / CASE).iterdir())
    fields = form_of(client.get(PAGE).get_data(as_text=True))
    fields["indsats-1-titel"] = "En helt ny titel på indsatsen"
    response = send(app, client, fields, f"/sag/{CASE}/forhaandsvisning-handleplan")
    assert response.status_code == 200 and "En helt ny titel på indsatsen" in response.get_data(as_text=True)
    assert sorted(p.name for p in (root / CASE).iterdir()) == before
    fields["indsats-1-frist"] = "2000-01-01"
    response = send(app, client, fields, f"/sag/{CASE}/forhaandsvisning-handleplan")
    assert response.status_code == 422 and "ligger før start" in response.get_data(as_text=True)
