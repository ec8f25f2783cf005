"""The PDF processes of a cold build: the same bytes as an in-process render, failures raised, never a hang."""

from __future__ import annotations

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


def test_nothing_submitted_stops_cleanly():
    with PdfProcesses() as processes:
        assert processes.results() == {}
    assert not processes._process.is_alive()


DEADLOCK_SCRIPT = """
import random, sys
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
    """The third document goes to the process that is still answering the first: sent at once, both ends would wait
    for each other on full pipes. It is held back until the first answer is read. Run in a process group of its
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
