"""One case, one version history: a history belongs to the case folder that made it, another case folder for the
same municipality and year is refused (exit 2, naming the other folder and --out), and histories made before the
record was kept are adopted by their first build."""

import json
import shutil
from pathlib import Path

import pytest
from casefactory import make_case, run_cli

from reportgen.lifecycle.build import build
from reportgen.lifecycle.versions import (
    BATCH_OWNER,
    OWNER,
    HistoryTaken,
    claim,
    history_owner,
    owned_by,
    require_owner,
    versions,
)


def test_a_build_records_its_case_folder_and_refuses_another(tmp_path, capsys):
    first = make_case(tmp_path, name="allerod-2024")
    second = make_case(tmp_path, name="allerod-2024-kopi")
    out = tmp_path / "output"
    result = build(first, out)
    base = out / "alleroed" / "2024"
    assert result.version == 1
    assert history_owner(base) == first.resolve()
    assert json.loads((base / OWNER).read_text(encoding="utf-8"))["relativ"] == "../../../allerod-2024"

    refused = run_cli(capsys, "build", second, "--out", out)
    assert refused.code == 2
    assert f"sagsmappen {first.resolve()}" in refused.err
    assert str(second.resolve()) in refused.err
    assert "--out" in refused.err
    assert versions(base) == [1]  # nothing written into the first case's history
    assert build(first, out).created is False  # the owner still builds into it


def test_a_history_without_the_record_is_adopted_by_its_first_build(tmp_path):
    first = make_case(tmp_path, name="a", sag_toml_patch={"status": "udkast"})
    second = make_case(tmp_path, name="b")
    base = tmp_path / "output" / "alleroed" / "2024"
    (base / "v1").mkdir(parents=True)  # a history made before the record was kept
    assert owned_by(base, first) and owned_by(base, second)
    claim(base, first)
    assert history_owner(base) == first.resolve()
    assert owned_by(base, first) and not owned_by(base, second)
    require_owner(base, first)
    with pytest.raises(HistoryTaken) as refused:
        require_owner(base, second)
    assert refused.value.owner == first.resolve()
    assert "--out" in (refused.value.problems[0].hint or "")


def test_a_workspace_moved_with_its_output_keeps_its_histories(tmp_path):
    workspace = tmp_path / "arbejdsmappe"
    workspace.mkdir()
    case = make_case(workspace, name="allerod-2024")
    base = workspace / "output" / "alleroed" / "2024"
    base.mkdir(parents=True)
    claim(base, case)
    moved = shutil.move(workspace, tmp_path / "flyttet")
    moved_case, moved_base = Path(moved) / "allerod-2024", Path(moved) / "output" / "alleroed" / "2024"
    assert owned_by(moved_base, moved_case)
    require_owner(moved_base, moved_case)  # no refusal
    assert history_owner(moved_base) == moved_case.resolve()


def test_the_message_says_when_the_owner_is_gone(tmp_path):
    first = make_case(tmp_path, name="a")
    second = make_case(tmp_path, name="b")
    base = tmp_path / "output" / "alleroed" / "2024"
    base.mkdir(parents=True)
    claim(base, first)
    shutil.rmtree(first)
    with pytest.raises(HistoryTaken) as refused:
        require_owner(base, second)
    assert "findes længere" in refused.value.problems[0].message
    assert OWNER in (refused.value.problems[0].hint or "")


def test_a_batch_packets_history_is_named_as_the_batch_run(tmp_path):
    case = make_case(tmp_path, name="a")
    base = tmp_path / "output" / "alleroed" / "2024"
    base.mkdir(parents=True)
    claim(base, tmp_path / f"{BATCH_OWNER}alleroed>")  # as lifecycle.batch names its packets' case
    with pytest.raises(HistoryTaken) as refused:
        require_owner(base, case)
    message = refused.value.problems[0].message
    assert f"reportgen batch med statistikken i {tmp_path}" in message and "findes længere" not in message
