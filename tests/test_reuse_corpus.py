"""A reusing build gives the bytes of a build from scratch for every corpus case, each after one change (a module
of its own, so that a parallel run can give it a worker of its own: it is half of the reuse proofs' time)."""

from __future__ import annotations

import shutil

import pytest
from corpus import SHAPES
from test_reuse import CHANGES, digests

from reportgen.lifecycle.build import build


@pytest.mark.parametrize("index, shape", list(enumerate(SHAPES)))
def test_a_reusing_build_gives_the_bytes_of_a_build_from_scratch(tmp_path, corpus_case, index, shape):
    """Every corpus case, built, changed in one way (the changes taken in turn) and built again into the same
    history, holds exactly the files a build of the changed case into an empty folder holds."""
    change = list(CHANGES)[index % len(CHANGES)]
    built = corpus_case(shape)  # the corpus case as tests/test_corpus.py reads it, built once for the run
    shutil.copytree(built.root, tmp_path / "kopi")
    case, out = (tmp_path / "kopi" / p.relative_to(built.root) for p in (built.case, built.out))
    CHANGES[change](case)
    reused = build(case, out)
    scratch = build(case, tmp_path / "frisk")
    assert reused.created == (change != "uændret")
    assert digests(reused.folder) == digests(scratch.folder), change
    assert built.version.name == "v1" and scratch.folder.name == "v1"
