"""What the latest version already holds: its outputs by key, so that a build copies a chart, a map or a document
whose key is unchanged instead of drawing or laying it out again.

The manifest records every output's key under KEYS (a chart's: its function and arguments; a document's three
formats: the composed document model and the look), each with the tool (`documents.keys`). A file is taken only
while it still holds what the manifest records, so a file edited by hand is rendered again.
"""

from __future__ import annotations

import json
import os
import stat
import threading
from collections import OrderedDict
from pathlib import Path

from reportgen.documents import keys
from reportgen.documents.model import Document
from reportgen.inputs.style import Look
from reportgen.lifecycle.versions import MANIFEST, sha256, versions, write_atomic

KEYS = "noegler"  # the manifest's field: every reusable output's key by file name
# in a version history (<out>/<kommune>/<aar>/): the keys of the latest version's outputs as a later tool made them,
# written by a build that rendered the same bytes again and so made no version (after reportgen or a library changed)
RENEWED = "noegler.json"


def document_key(doc: Document, look: Look) -> str:
    """The key of a document's HTML, PDF and DOCX: its composed model (charts by their bytes) and the look."""
    return keys.key("document", doc, look)


class DocumentKeys:
    """The key of each document of one build in a look, computed once per document."""

    def __init__(self, look: Look) -> None:
        """Keys of documents in this look."""
        self.look = look
        self._keys: dict[str, str] = {}

    def __call__(self, doc: Document) -> str:
        """The document's key (documents of one build have distinct slugs)."""
        if doc.slug not in self._keys:
            self._keys[doc.slug] = document_key(doc, self.look)
        return self._keys[doc.slug]


class Earlier:
    """The outputs of a case's latest version by key; NOTHING when there is none, or its manifest records no keys."""

    def __init__(
        self,
        folder: Path | None = None,
        named: dict[str, str] | None = None,
        recorded: dict | None = None,
        inputs: object = None,
    ):
        """An earlier version folder, its outputs' keys by file name, their SHA-256 by file name, and its inputs'
        SHA-256 by name as its manifest records them."""
        self.folder = folder
        self.inputs = inputs
        self._names = {(k, Path(name).suffix): name for name, k in (named or {}).items() if _plain(name)}
        self._recorded = recorded or {}
        self._taken: dict[tuple[str, str], bytes | None] = {}  # read from the version, by key and file type

    @classmethod
    def latest(cls, base: Path) -> Earlier:
        """The latest version in a case's version history (<out>/<kommune>/<aar>/)."""
        existing = versions(base)
        if not existing:
            return NOTHING
        folder = base / f"v{existing[-1]}"
        try:
            manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
            named, recorded = manifest[KEYS], manifest["output"]
        except (OSError, ValueError, KeyError, TypeError):
            return NOTHING
        if not (_strings(named) and _strings(recorded)):
            return NOTHING
        return cls(folder, renewed(base, existing[-1]) or named, recorded, manifest.get("input"))

    def __bool__(self) -> bool:
        """True when there is anything to take."""
        return bool(self._names)

    def take(self, key: str, suffix: str = ".png") -> bytes | None:
        """The bytes of the earlier output with this key and file type – from the version, or else prepared in this
        process (PREPARED) –, or None: no such output, or its file no longer holds what the manifest records."""
        return self._taken[key, suffix] if self.holds(key, suffix) else PREPARED.take(key, suffix)

    def holds(self, key: str, suffix: str) -> bool:
        """True when the version holds the output with this key and file type, as its manifest records it."""
        name = self._names.get((key, suffix))
        if name is None:
            return False
        if (key, suffix) not in self._taken:
            self._taken[key, suffix] = self._read(name)
        return self._taken[key, suffix] is not None

    def _read(self, name: str | None) -> bytes | None:
        """A regular file of the version folder (never through a link), when it holds what the manifest records."""
        if name is None or self.folder is None:
            return None
        try:
            handle = os.open(self.folder / name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            return None
        try:
            with os.fdopen(handle, "rb") as stream:
                data = stream.read() if stat.S_ISREG(os.fstat(stream.fileno()).st_mode) else None
        except OSError:
            return None
        return data if data is not None and sha256(data) == self._recorded.get(name) else None


NOTHING = Earlier()


class Prepared:
    """Outputs rendered ahead of a build, kept in this process's memory by key and file type: after each save the
    server renders what the case's next build will need and its latest version does not hold (`build.prepare`), and
    "Byg" then takes it as it takes the latest version's files. A key says everything an output is made from, so a
    prepared output is right for any build that asks for its key. At most LIMIT bytes; the oldest go first."""

    LIMIT = 64 * 2**20

    def __init__(self) -> None:
        self._items: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def take(self, key: str, suffix: str = ".png") -> bytes | None:
        """The prepared output with this key and file type, or None."""
        with self._lock:
            return self._items.get((key, suffix))

    def keep(self, outputs: dict[str, bytes], named: dict[str, str]) -> None:
        """Keep rendered outputs (by file name) under their keys (by file name), newest last."""
        with self._lock:
            for name, key in named.items():
                item = (key, Path(name).suffix)
                if item in self._items:
                    self._items.move_to_end(item)
                    continue
                self._items[item] = outputs[name]
                self._size += len(outputs[name])
            while self._size > self.LIMIT and self._items:
                self._size -= len(self._items.popitem(last=False)[1])

    def clear(self) -> None:
        """Forget every prepared output."""
        with self._lock:
            self._items.clear()
            self._size = 0


PREPARED = Prepared()  # this process's prepared outputs (a server's; empty in a command-line build)


def renewed(base: Path, version: int) -> dict[str, str] | None:
    """The keys a later tool found for a version's outputs (RENEWED), when they are that version's."""
    try:
        data = json.loads((base / RENEWED).read_text(encoding="utf-8"))
        named = data[KEYS] if data["version"] == version else None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return named if _strings(named) else None


def renew(base: Path, version: int, named: dict[str, str]) -> None:
    """Record the keys a build found for the outputs of the latest version, whose bytes it rendered again: the next
    build takes them instead of rendering them once more. Nothing when the version's own keys are these."""
    if named == (renewed(base, version) or _keys_of(base / f"v{version}")):
        return
    data = {"version": version, KEYS: dict(sorted(named.items()))}
    write_atomic(base / RENEWED, (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))


def _keys_of(folder: Path) -> dict | None:
    """The keys a version's manifest records."""
    try:
        return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))[KEYS]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _plain(name: str) -> bool:
    """True for a plain file name inside the version folder (no folder, no hidden file)."""
    return bool(name) and "/" not in name and "\\" not in name and not name.startswith(".")


def _strings(value: object) -> bool:
    """True for a dict of strings to strings."""
    return isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())
