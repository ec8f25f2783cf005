"""Two warm PDF processes for a cold `reportgen build`: the documents are laid out while the charts are drawn.

A cold build spends most of its time importing and warming WeasyPrint and matplotlib and then laying out
the PDFs. PdfProcesses forks one process at once, which loads WeasyPrint and the house stylesheet while
this process draws the charts, and then forks a second, equally warm, process from itself. Each document
is sent to one of them as soon as it is composed; the PDF bytes come back over a pipe. This process never
imports WeasyPrint and meanwhile writes the HTML and DOCX.
"""

from __future__ import annotations

import multiprocessing
import signal
from multiprocessing.connection import Connection

from reportgen.documents.model import Document
from reportgen.inputs.style import DEFAULT_LOOK, Look

WORKERS = 2
Reply = tuple[str, bytes | tuple[int | None, str]]  # ("ok", PDF bytes) or ("fejl", (errno or None, message))


class PdfProcessFailed(RuntimeError):
    """A PDF process stopped before answering (killed, out of memory) or reported a failure without an errno."""


class PdfProcesses:
    """The two PDF processes of one build, used as a context manager; documents go round-robin to them."""

    def __init__(self) -> None:
        """Fork the first process now; it warms up and forks the second."""
        context = multiprocessing.get_context("fork")
        pipes = [context.Pipe() for _ in range(WORKERS)]
        self._conns = [ours for ours, _ in pipes]
        theirs = [end for _, end in pipes]
        self._process = context.Process(target=_first, args=(theirs, self._conns), name="reportgen-pdf")
        self._process.start()
        for end in theirs:
            end.close()
        # (slug, the process's pipe, the document and look while held back until that process has answered)
        self._sent: list[tuple[str, Connection, tuple[Document, Look] | None]] = []

    def submit(self, doc: Document, look: Look = DEFAULT_LOOK) -> None:
        """Send a composed document, and the look to lay it out in, to the next process; if that process has
        stopped, results() says why.

        A process that already has a document is sent the next one only after results() has read its answer:
        sending now could block on a full pipe while the process blocks on sending us its PDF (a deadlock).
        """
        conn = self._conns[len(self._sent) % WORKERS]
        busy = any(c is conn for _, c, _ in self._sent)
        if not busy:
            _send(conn, (doc, look))
        self._sent.append((doc.slug, conn, (doc, look) if busy else None))

    def results(self) -> dict[str, bytes]:
        """The PDF bytes of every submitted document by slug.

        Raises OSError (with the process's errno: a full disk, a file size limit) or PdfProcessFailed when a
        process failed or stopped without answering.
        """
        pdfs = {}
        for slug, conn, held in self._sent:  # each process answers in the order it was sent its documents
            if held is not None:
                _send(conn, held)  # the process has answered everything before it
            try:
                status, payload = conn.recv()
            except (EOFError, OSError):
                raise PdfProcessFailed(f"PDF-processen stoppede under {slug}.pdf") from None
            if status != "ok" or not isinstance(payload, bytes):
                number, message = payload if isinstance(payload, tuple) else (None, str(payload))
                if number is not None:
                    raise OSError(number, f"{slug}.pdf: {message}")
                raise PdfProcessFailed(f"{slug}.pdf: {message}")
            pdfs[slug] = payload
        return pdfs

    def __enter__(self) -> PdfProcesses:
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Tell both processes to stop and wait for them."""
        for conn in self._conns:
            try:
                conn.send(None)
            except OSError:
                pass  # that process has already stopped
            conn.close()
        self._process.join()


def _send(conn: Connection, task: tuple[Document, Look]) -> None:
    """Send a document and its look to a PDF process; a broken pipe means the process stopped and left its reason
    (or nothing) on the pipe, which results() reports."""
    try:
        conn.send(task)
    except OSError:
        pass


def _first(ends: list[Connection], parents: list[Connection]) -> None:
    """The first process: close the parent's ends, warm up, fork the second process, serve the first pipe."""
    from reportgen.writers import pdf

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to report; it closes the pipes
    for conn in parents:
        conn.close()  # so that a pipe reports end-of-file here when the parent stops
    try:
        pdf.warm_up()
    except Exception as exc:  # noqa: BLE001 – reported to the parent on both pipes, which names the cause
        for end in ends:
            _answer(end, _failure(exc))
        return
    second = multiprocessing.get_context("fork").Process(target=_serve, args=(ends[1], ends[0]), name="reportgen-pdf-2")
    second.start()
    ends[1].close()
    _serve(ends[0])
    second.join()


def _serve(conn: Connection, other: Connection | None = None) -> None:
    """Render each document received on conn and send back ("ok", bytes) or ("fejl", message); stop at None."""
    from reportgen.writers import pdf

    if other is not None:  # the second process, forked from the warm first one
        other.close()
        pdf.own_font_folder()
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        if task is None:
            return
        doc, look = task
        try:
            reply: Reply = ("ok", pdf.render(doc, look=look))
        except Exception as exc:  # noqa: BLE001 – reported to the parent, which names the cause
            reply = _failure(exc)
        if not _answer(conn, reply):
            return


def _failure(exc: Exception) -> Reply:
    """A failure as the parent receives it: the errno of an OSError (a full disk …) and a message."""
    return ("fejl", (exc.errno if isinstance(exc, OSError) else None, f"{type(exc).__name__}: {exc}"))


def _answer(conn: Connection, reply: Reply) -> bool:
    """Send a reply; False when the parent has stopped listening (it failed or was interrupted, and says so)."""
    try:
        conn.send(reply)
        return True
    except OSError:
        return False
