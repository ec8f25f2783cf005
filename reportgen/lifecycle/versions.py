"""The version folders of a case's output: their names, the files every version holds, and atomic writing."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from reportgen.domain.errors import InputError, Problem

MANIFEST = "manifest.json"  # inputs and outputs with SHA-256, tool and library versions, the extract
OWNER = "sagsmappe.json"  # in <aar>/: the case folder whose version history this is (one case, one history)
FIGURES = "figurer.json"  # every computed figure (`reportgen figures`)
BATCH_OWNER = "<batch "  # how lifecycle.batch names the case folder its packets do not have
STAGING_PREFIX = ".v-tmp-"  # a version being written; renamed to v<N> when complete
_VERSION_DIR = re.compile(r"^v([0-9]+)$")


def sha256(data: bytes) -> str:
    """Hex SHA-256 of bytes."""
    return hashlib.sha256(data).hexdigest()


def versions(folder: Path) -> list[int]:
    """The version numbers present in a case's output folder, ascending."""
    if not folder.is_dir():
        return []
    return sorted(int(m.group(1)) for p in folder.iterdir() if p.is_dir() and (m := _VERSION_DIR.match(p.name)))


_HISTORY_DIR = re.compile(r"^[0-9]{4}$")  # <out>/<kommune-slug>/<aar>/: a case's version history


def is_version_folder(path: Path) -> bool:
    """True for a place in a version history where build writes or has written a version: v<N> or a staging folder
    directly in an <aar> folder, whether it exists yet and whatever it holds (a manifest may have been removed)."""
    in_history = bool(_HISTORY_DIR.match(path.parent.name))
    return in_history and (bool(_VERSION_DIR.match(path.name)) or path.name.startswith(STAGING_PREFIX))


def inside_version(path: Path) -> Path | None:
    """The version folder that path is, or lies inside, or None (also for a path that does not exist yet)."""
    path = Path(path).resolve()  # a link to a version folder is that version folder
    return next((p for p in (path, *path.parents) if is_version_folder(p)), None)


def _recorded(folder: Path) -> dict[str, str] | None:
    """The output hashes a version's manifest records, or None when it cannot be read."""
    try:
        recorded = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["output"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return recorded if isinstance(recorded, dict) else None


def same_as(folder: Path, outputs: dict[str, bytes]) -> bool:
    """True when a version folder's manifest records exactly these output files."""
    return _recorded(folder) == {name: sha256(content) for name, content in outputs.items()}


def edited(folder: Path) -> list[str]:
    """The files of a version folder that no longer hold what its manifest records (edited, replaced or
    removed by hand), in name order; all of them when the manifest cannot be read."""
    recorded = _recorded(folder) or {}
    changed = []
    for name, digest in sorted(recorded.items()):
        try:
            if sha256((folder / name).read_bytes()) != digest:
                changed.append(name)
        except OSError:
            changed.append(name)
    return changed if recorded else [MANIFEST]


@contextmanager
def version_lock(base: Path) -> Iterator[None]:
    """Hold the lock of a case's output folder (<kommune>/<aar>/) for the duration of the block.

    build, batch and the web app take it around "compare with the latest version, then write the next one",
    so two builds of the same case never both write a version with the same content.
    """
    base.mkdir(parents=True, exist_ok=True)
    with _HELD_GUARD:
        folder = os.open(base, os.O_RDONLY | os.O_DIRECTORY)  # the folder itself is locked: no lock file is left
        _HELD.add(folder)
    try:
        fcntl.flock(folder, fcntl.LOCK_EX)
        _remove_stale_staging(base, time.time())
        yield
    finally:
        with _HELD_GUARD:
            _HELD.discard(folder)
            os.close(folder)  # closing releases the lock


# The version locks this process holds open. A process forked meanwhile by another thread (a build's PDF processes,
# while the web app or a batch builds another case) would hold a copy of each, and the lock would stay taken until
# that process ended – so a forked process closes its copies at once. The guard keeps a fork from coming between
# opening a lock and noting it.
_HELD: set[int] = set()
_HELD_GUARD = threading.Lock()


def _forget_held_locks() -> None:
    """In a forked process: close the copies of the parent's version locks, which are the parent's to release."""
    for folder in _HELD:
        try:
            os.close(folder)
        except OSError:
            pass
    _HELD.clear()
    _HELD_GUARD.release()


os.register_at_fork(before=_HELD_GUARD.acquire, after_in_parent=_HELD_GUARD.release, after_in_child=_forget_held_locks)


def _remove_stale_staging(base: Path, before: float) -> None:
    """Remove the staging folders of builds that were killed: every writer stages under the lock, so a staging
    folder older than the moment the lock was taken belongs to a build that is no longer running."""
    for staging in base.glob(f"{STAGING_PREFIX}*"):
        try:
            if staging.is_dir() and not staging.is_symlink() and staging.stat().st_mtime < before:
                shutil.rmtree(staging, ignore_errors=True)
        except OSError:
            pass  # gone meanwhile


def write_atomic(path: Path, content: bytes) -> None:
    """Write a file so that a reader sees the old content or the new, never half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_version(base: Path, outputs: dict[str, bytes], manifest: Callable[[int], bytes]) -> tuple[Path, int]:
    """Write outputs and their manifest as the next version folder under base, atomically: a staging folder is
    renamed into place, so a reader never sees a half-written version and two writers never share a number."""
    base.mkdir(parents=True, exist_ok=True)
    existing = versions(base)
    version = (existing[-1] if existing else 0) + 1
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=base))
    staging.chmod(0o755)
    try:
        for name, content in outputs.items():
            (staging / name).write_bytes(content)
        (staging / MANIFEST).write_bytes(manifest(version))
        while True:
            target = base / f"v{version}"
            try:
                os.rename(staging, target)  # atomic; fails if another build took the number first
                break
            except OSError:
                if not target.exists():
                    raise
                version += 1
                (staging / MANIFEST).write_bytes(manifest(version))
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target, version


class HistoryTaken(InputError):
    """A build of one case folder into the version history another case folder made: refused (exit status 2)."""

    def __init__(self, base: Path, owner: Path, folder: Path) -> None:
        self.base, self.owner, self.folder = base, owner, folder
        batch = owner.name.startswith(BATCH_OWNER)
        gone = "" if batch or (owner / "sag.toml").is_file() else ", som ikke findes længere"
        super().__init__(
            [
                Problem(
                    str(base),
                    f"versionshistorikken er lavet af {describe_owner(owner)}{gone}; {folder} er en anden sag for "
                    "samme kommune og år, og dens versioner ville blive blandet sammen med den andens.",
                    hint=f"Byg sagen i sin egen mappe med --out, fx --out {folder.parent / (folder.name + '-output')}. "
                    f"Er det samme sag, der er flyttet, så skriv dens nye sti i {base / OWNER}.",
                )
            ]
        )


def describe_owner(owner: Path) -> str:
    """The maker of a version history in words: 'sagsmappen /sti/til/sag' (or a batch run's statistics folder)."""
    if owner.name.startswith(BATCH_OWNER):  # lifecycle.batch's packets have no folder of their own
        return f"reportgen batch med statistikken i {owner.parent}"
    return f"sagsmappen {owner}"


def _owners(base: Path) -> list[Path]:
    """The places a version history's record gives for its maker: its path relative to the history (so a workspace
    moved together with its output keeps its histories), then its absolute path; none when nothing is recorded (a
    history made before the record was kept, or no history yet)."""
    try:
        record = json.loads((base / OWNER).read_text(encoding="utf-8"))
        relative, absolute = record.get("relativ"), record["sagsmappe"]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return []
    places = [(base / relative).resolve()] if isinstance(relative, str) else []
    return places + ([Path(absolute)] if isinstance(absolute, str) else [])


def history_owner(base: Path) -> Path | None:
    """The case folder that made a version history (the first recorded place that exists), or None when the history
    records no maker."""
    places = _owners(base)
    return next((p for p in places if (p / "sag.toml").is_file()), places[-1] if places else None)


def owned_by(base: Path, folder: Path) -> bool:
    """True when a version history was made by this case folder, or records no maker (it will be adopted)."""
    places = _owners(base)
    return not places or _resolved(folder) in places


def require_owner(base: Path, folder: Path) -> None:
    """Raise HistoryTaken when the version history under base was made by another case folder."""
    if not owned_by(base, folder):
        owner = history_owner(base)
        assert owner is not None
        raise HistoryTaken(base, owner, _resolved(folder))


def claim(base: Path, folder: Path) -> None:
    """Record the case folder as the maker of the version history under base, unless the history records one
    already: a new history, or one made before the record was kept, adopted by its first build since. Called with the
    history's version lock held, after require_owner, once the build has written its version (or found the latest
    one equal), so a build that fails leaves nothing behind."""
    if not _owners(base):
        folder = _resolved(folder)
        record = {"sagsmappe": str(folder), "relativ": os.path.relpath(folder, base.resolve())}
        write_atomic(base / OWNER, (json.dumps(record, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))


def _resolved(folder: Path) -> Path:
    return Path(folder).resolve()
