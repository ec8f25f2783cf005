"""The PDF processes of a cold build: the same bytes as an in-process render, failures raised, never a hang."""

from __future__ import annotations

import multiprocessing
from dataclasses import replace

import pytest
from test_html_writer import hostile_document, sample_document, tiny_png

from reportgen.documents.model import Figure
from reportgen.writers import pdf
from reportgen.writers.pdf_processes import PdfProcesses


def test_documents_sent_to_the_processes_come_back_as_the_same_pdfs():
    docs = [sample_document(), replace(hostile_document(), slug="fjendtlig"), replace(sample_document(), slug="tredje")]
    with PdfProcesses() as processes:
        for doc in docs:
            processes.submit(doc)
        results = processes.results()
    assert list(results) == [doc.slug for doc in docs]
    for doc in docs:
        assert results[doc.slug] == pdf.render(doc)


def test_a_failing_document_raises_with_its_name_and_the_other_still_renders():
    broken = replace(
        sample_document(),
        slug="uden-alt",
        blocks=(Figure(name="x.png", png=tiny_png(), caption="Uden alternativ tekst", alt=""),),
    )
    with PdfProcesses() as processes:
        processes.submit(sample_document())
        processes.submit(broken)
        with pytest.raises(RuntimeError, match="uden-alt.pdf: RenderError: .*no required alt description"):
            processes.results()


def test_a_short_document_waits_in_the_pipe_during_the_warm_up_and_a_long_one_here(monkeypatch):
    """While the processes warm up (importing WeasyPrint takes a while), a document without charts is sent at once –
    it fits in the empty pipe, and the process lays it out as soon as it is warm – but one that would fill the pipe
    waits here, so that sending it does not stop this process until the warm-up is over."""
    short = sample_document()
    long = replace(
        sample_document(),
        slug="lang",
        blocks=tuple(Figure(f"f{i}.png", tiny_png() + bytes(30_000), f"Figur {i}", "Tomt.") for i in range(3)),
    )
    warm_up, go = pdf.warm_up, multiprocessing.get_context("fork").Event()
    monkeypatch.setattr(pdf, "warm_up", lambda: (go.wait(), warm_up()))  # the forked process warms up when told to
    with PdfProcesses() as processes:
        processes.submit(short)
        processes.submit(long)
        assert list(processes._busy.values()) == [short.slug]  # the other process is not even forked yet
        assert [slug for slug, _ in processes._waiting] == ["lang"]
        assert not processes._warm
        go.set()
        results = processes.results()
    assert results[short.slug] == pdf.render(short)
    assert results["lang"].startswith(b"%PDF")


def test_nothing_submitted_stops_cleanly():
    with PdfProcesses() as processes:
        assert processes.results() == {}
    assert not processes._process.is_alive()


DEADLOCK_SCRIPT = """
import random, sys
import multiprocessing
from dataclasses import replace
from io import BytesIO
from PIL import Image
from test_html_writer import sample_document
from reportgen.documents.model import Figure
from reportgen.writers.pdf_processes import PdfProcesses

rng = random.Random(12)
image = Image.frombytes("RGB", (700, 700), bytes(rng.getrandbits(8) for _ in range(700 * 700 * 3)))
buffer = BytesIO()
image.save(buffer, format="png")  # random pixels do not compress: the document and its PDF fill a pipe many times
docs = [
    replace(
        sample_document(),
        slug=f"stor-{i}",
        blocks=(Figure(name=f"stor-{i}.png", png=buffer.getvalue(), caption="Støj", alt="Tilfældige punkter."),),
    )
    for i in range(3)
]
with PdfProcesses() as processes:
    for doc in docs:
        processes.submit(doc)
    results = processes.results()
print(" ".join(f"{slug}:{len(pdf) > 500_000}" for slug, pdf in results.items()))
"""


def test_a_third_large_document_does_not_deadlock():
    """The third document waits for a process that has answered: sent at once to one that is still answering, both
    ends would wait for each other on full pipes. Run in a process group of its
    own, so that a hang fails the test instead of stopping the suite."""
    import os
    import signal
    import subprocess
    import sys
    from pathlib import Path

    process = subprocess.Popen(
        [sys.executable, "-c", DEADLOCK_SCRIPT],
        cwd=Path(__file__).parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = process.communicate(timeout=240)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail("the PDF processes hang on a third large document")
    assert process.returncode == 0, err
    assert out.split() == ["stor-0:True", "stor-1:True", "stor-2:True"]
