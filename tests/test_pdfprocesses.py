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
