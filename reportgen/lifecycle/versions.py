"""The version folders of a case's output: their names, the files every version holds, and atomic writing."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

MANIFEST = "manifest.json"  # inputs and outputs with SHA-256, tool and library versions, the extract
FIGURES = "figurer.json"  # every computed figure (`reportgen figures`)
_VERSION_DIR = re.compile(r"^v([0-9]+)$")


def sha256(data: bytes) -> str:
    """Hex SHA-256 of bytes."""
    return hashlib.sha256(data).hexdigest()


def versions(folder: Path) -> list[int]:
    """The version numbers present in a case's output folder, ascending."""
    if not folder.is_dir():
        return []
    return sorted(int(m.group(1)) for p in folder.iterdir() if p.is_dir() and (m := _VERSION_DIR.match(p.name)))


def is_version_folder(path: Path) -> bool:
    """True for a version folder written by build (v<N> holding a manifest)."""
    return bool(_VERSION_DIR.match(path.name)) and (path / MANIFEST).is_file()


def inside_version(path: Path) -> Path | None:
    """The version folder that path is, or lies inside, or None."""
    path = Path(path).absolute()
    return next((p for p in (path, *path.parents) if is_version_folder(p)), None)


def same_as(folder: Path, outputs: dict[str, bytes]) -> bool:
    """True when a version folder holds exactly these output files."""
    try:
        recorded = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["output"]
    except (OSError, ValueError, KeyError):
        return False
    return recorded == {name: sha256(content) for name, content in outputs.items()}


@contextmanager
def version_lock(base: Path) -> Iterator[None]:
    """Hold the lock of a case's output folder (<kommune>/<aar>/) for the duration of the block.

    build, batch and the web app take it around "compare with the latest version, then write the next one",
    so two builds of the same case never both write a version with the same content.
    """
    base.mkdir(parents=True, exist_ok=True)
    folder = os.open(base, os.O_RDONLY | os.O_DIRECTORY)  # the folder itself is locked: no lock file is left
    try:
        fcntl.flock(folder, fcntl.LOCK_EX)
        yield
    finally:
        os.close(folder)  # closing releases the lock


def write_version(base: Path, outputs: dict[str, bytes], manifest: Callable[[int], bytes]) -> tuple[Path, int]:
    """Write outputs and their manifest as the next version folder under base, atomically: a staging folder is
    renamed into place, so a reader never sees a half-written version and two writers never share a number."""
    base.mkdir(parents=True, exist_ok=True)
    existing = versions(base)
    version = (existing[-1] if existing else 0) + 1
    staging = Path(tempfile.mkdtemp(prefix=".v-tmp-", dir=base))
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
