"""Two warm PDF processes for a cold `reportgen build`: the documents are laid out while the charts are drawn.

A cold build spends most of its time importing and warming WeasyPrint and matplotlib and then laying out
the PDFs. PdfProcesses forks one process at once, which loads WeasyPrint and the house stylesheet while
this process draws the charts, and then forks a second, equally warm, process from itself. Each document
goes to the first of them that is free, as soon as it is composed; the PDF bytes come back over a pipe. This
process never imports WeasyPrint and meanwhile writes the HTML and DOCX.
"""

from __future__ import annotations

import multiprocessing
import signal
from multiprocessing.connection import Connection, wait
from multiprocessing.reduction import ForkingPickler

from reportgen.documents.model import Document
from reportgen.inputs.style import DEFAULT_LOOK, Look

WORKERS = 2
# a document this small is sent to a process that is still warming up: it fits in the empty connection (a Unix socket
# pair, some 200 kB of buffer on Linux) so sending returns at once; a larger one could make
# sending wait until the warm-up is over (never a deadlock: the process reads as soon as it is warm)
PIPE_ROOM = 60_000
# ("klar", b"") once warm, then ("ok", PDF bytes) or ("fejl", (errno or None, message)) for each document
Reply = tuple[str, bytes | tuple[int | None, str]]


class PdfProcessFailed(RuntimeError):
    """A PDF process stopped before answering (killed, out of memory) or reported a failure without an errno."""


class PdfProcesses:
    """The two PDF processes of one build, used as a context manager; each document goes to the first free one."""

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
        self._order: list[str] = []  # the slugs, as submitted
        self._waiting: list[tuple[str, bytes]] = []  # slug and pickled task of the documents not yet sent
        self._warm: set[Connection] = set()  # the processes that have said they are warm
        self._busy: dict[Connection, str] = {}  # a process's pipe → the slug of the document it lays out
        self._pdfs: dict[str, bytes] = {}

    def submit(self, doc: Document, look: Look = DEFAULT_LOOK) -> None:
        """Queue a composed document, and the look to lay it out in, for the first process that is free; if a
        process has stopped, results() says why."""
        self._order.append(doc.slug)
        self._waiting.append((doc.slug, bytes(ForkingPickler.dumps((doc, look)))))
        self.poll()

    def submitted(self) -> tuple[str, ...]:
        """The slugs of the documents submitted so far."""
        return tuple(self._order)

    def poll(self) -> None:
        """Collect the answers that have come and send waiting documents to the processes that are free, without
        waiting: a build calls this between its other work, so that no process sits idle for long."""
        self._collect(timeout=0)

    def results(self) -> dict[str, bytes]:
        """The PDF bytes of every submitted document by slug, in the order submitted.

        Raises OSError (with the process's errno: a full disk, a file size limit) or PdfProcessFailed when a
        process failed or stopped without answering.
        """
        while self._waiting or self._busy:
            self._collect(timeout=None)
        return {slug: self._pdfs[slug] for slug in self._order}

    def _collect(self, timeout: float | None) -> None:
        """Send waiting documents to free processes, then read what the processes say within timeout (None: wait
        for at least one message) and send the next waiting documents to the processes that are free then."""
        self._dispatch()
        listening = [conn for conn in self._conns if conn in self._busy or conn not in self._warm]
        for conn in wait(listening, timeout) if listening else ():
            assert isinstance(conn, Connection)
            slug = self._busy.get(conn)
            task = f"{slug}.pdf" if slug is not None else "opstarten"
            try:
                status, payload = conn.recv()
            except (EOFError, OSError):
                raise PdfProcessFailed(f"PDF-processen stoppede under {task}") from None
            if status == "klar":
                self._warm.add(conn)
                continue
            if status != "ok" or not isinstance(payload, bytes) or slug is None:
                number, message = payload if isinstance(payload, tuple) else (None, str(payload))
                if number is not None:
                    raise OSError(number, f"{task}: {message}")
                raise PdfProcessFailed(f"{task}: {message}")
            self._pdfs[self._busy.pop(conn)] = payload
        self._dispatch()

    def _dispatch(self) -> None:
        """Send the first waiting documents to the processes that have none.

        A busy process gets no document: sending to it could block on a full pipe while that process blocks on
        sending its PDF (a deadlock). A process that is still warming up gets one only when it is small (PIPE_ROOM:
        a short document without charts, as Bilag 2 is), so that sending does not wait for the warm-up.
        """
        for conn in self._conns:
            if not self._waiting or conn in self._busy:
                continue
            slug, task = self._waiting[0]
            if conn in self._warm or len(task) < PIPE_ROOM:
                self._waiting.pop(0)
                _send(conn, task)
                self._busy[conn] = slug

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


def _send(conn: Connection, task: bytes) -> None:
    """Send a pickled document and its look to a PDF process; a broken pipe means the process stopped and left its
    reason (or nothing) on the pipe, which results() reports."""
    try:
        conn.send_bytes(task)
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
    if not _answer(conn, ("klar", b"")):
        return
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
