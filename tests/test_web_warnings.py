"""Every warning names the setting that resolves it, and the browser shows it in the interface's words with a link to
that field – on the overview and, after a build, on the build page – while the command line keeps its own words."""

from __future__ import annotations

import shutil
from datetime import date

import pytest
from casefactory import EXAMPLE, make_case
from corpus import SHAPES, make
from test_web import client_for

from reportgen.inputs import load_inputs
from reportgen.lifecycle import preview
from reportgen.web.fixes import FIXES


def warnings_of(folder):
    return preview.validate(load_inputs(folder)).warnings


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_every_warning_of_the_corpus_names_a_setting_the_browser_can_show(tmp_path, shape):
    for warning in warnings_of(make(tmp_path, shape)):
        assert warning.resolves in FIXES, warning


def test_the_plan_warnings_name_the_plan_and_its_rows(tmp_path):
    folder = make_case(
        tmp_path,
        sag_toml_patch={"handleplan.indstilling": "udarbejdes", "dato": date(2030, 1, 1)},
        plan_patch={"indsats.2.status": "udskudt"},
    )
    found = {(w.resolves, w.column) for w in warnings_of(folder)}
    assert ("handleplan", "indsats[2].statusnote") in found  # postponed without a note
    assert ("handleplan", "indsats[3].status") in found  # open past its deadline (the documents' date is 2030)


def test_the_overview_says_what_to_do_in_the_interfaces_words_and_links_there(tmp_path):
    root = tmp_path / "arbejdsmappe"
    folder = make_case(root, name="sag", sag_toml_patch={"handleplan": {"indstilling": "udarbejdes"}})
    (folder / "handleplan.toml").unlink()
    shutil.rmtree(folder / "tekster")
    _, client = client_for(root)
    page = client.get("/sag/sag/").get_data(as_text=True)
    assert '<a href="/sag/sag/handleplan#plan-overskrift">Tilføj handleplanen under Handleplan</a>' in page
    assert "fil = " not in page and "[handleplan]" not in page and "se README" not in page  # no TOML keys
    shown_plan = "Indstillingen er at udarbejde en handleplan, men sagen har ingen"
    assert shown_plan in page
    assert "handleplan.fil" in str(next(w for w in warnings_of(folder) if w.resolves == "handleplan"))  # the CLI's


def test_the_comparison_warning_links_to_the_field(tmp_path):
    root = tmp_path / "arbejdsmappe"
    make_case(root, name="sag", sag_toml_patch={"sammenligning": ["Hillerød", "Aarhus"]})
    _, client = client_for(root)
    page = client.get("/sag/sag/").get_data(as_text=True)
    assert '<a href="/sag/sag/oplysninger#sammenligning">Ret sammenligningskommunerne' in page
    assert 'id="sammenligning"' in client.get("/sag/sag/oplysninger").get_data(as_text=True)


def test_each_link_of_the_overview_finds_its_field(tmp_path):
    root = tmp_path / "arbejdsmappe"
    shutil.copytree(EXAMPLE, root / "sag")
    _, client = client_for(root)
    pages = {}
    for code, fix in FIXES.items():
        url = f"/sag/sag/{fix.endpoint.split('.')[-1]}"
        if fix.endpoint == "sag.tekst":
            url = f"/sag/sag/tekster/{fix.values['section']}"
        if fix.endpoint == "sag.oplysninger":
            url = "/sag/sag/oplysninger"
        pages.setdefault(url, client.get(url).get_data(as_text=True))
        assert f'id="{fix.anchor}"' in pages[url], code
