"""Reading a file of a case: a regular file inside the case folder (after following links), below a size cap.

Every file the tool reads from a case folder – sag.toml, tekster/*.md, the data files – or from a style
folder is opened here and nowhere else, so a link to /etc/shadow (symbolic or hard), a FIFO, a device, a folder,
a symlink loop or an odd path is refused with a message naming the file, never read, never hung on and never published.
"""

from __future__ import annotations

import errno
import os
import stat
from fractions import Fraction
from pathlib import Path

from reportgen.domain import danish
from reportgen.domain.counts import round_half_up
from reportgen.domain.errors import InputError, Problem
from reportgen.inputs.limits import KB, MB

MISSING = "filen findes ikke."
CASE_FOLDER = "sagsmappen"


def resolve(path: Path, root: Path | None, place: str = CASE_FOLDER) -> tuple[Path | None, str | None, str | None]:
    """(the resolved path, None, None) for an existing path inside root (any path without root), else
    (None, message, hint) saying why not: missing, an odd path, a link loop, outside root (named as place)."""
    try:
        resolved = Path(path).resolve(strict=True)
        inside = root is None or resolved.is_relative_to(Path(root).resolve(strict=True))
    except ValueError:  # a NUL character in the path
        return None, "stien indeholder et NUL-tegn.", "Skriv filens navn uden usynlige tegn."
    except RecursionError:  # a RuntimeError too, but no link loop: the caller has gone too deep
        raise
    except RuntimeError:  # Python 3.11 reports a symlink loop this way
        return None, _LOOP, _LOOP_HINT
    except OSError as exc:
        return None, *_os_problem(exc)
    if not inside:
        return (
            None,
            f"filen ligger uden for {place} (eller er et link dertil).",
            f"Læg filen i {place} (kopiér den dertil i stedet for at linke til en fil andetsteds).",
        )
    return resolved, None, None


_LOOP = "stien er en løkke af links (symlinks), der peger på hinanden."
_LOOP_HINT = "Erstat linket med selve filen."


def shown(path: Path) -> str:
    """A path as a message shows it: shortened in the middle when very long (a name may be thousands long)."""
    text = str(path)
    return text if len(text) <= 120 else f"{text[:60]}…{text[-40:]}"


def _os_problem(exc: OSError) -> tuple[str, str]:
    """Message and hint for an OSError met while looking a path up or opening it."""
    if exc.errno == errno.ENOENT:
        return MISSING, "Tjek navnet og mappen."
    if exc.errno == errno.ENOTDIR:
        return "en del af stien er en fil, ikke en mappe.", "Tjek stien."
    if exc.errno == errno.ELOOP:
        return _LOOP, _LOOP_HINT
    if exc.errno == errno.ENAMETOOLONG:
        return "stien eller filnavnet er for langt til filsystemet.", "Giv filen et kortere navn."
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "filen kan ikke læses (ingen adgang).", "Giv brugeren læseadgang til filen, eller kopiér den."
    return f"filen kan ikke læses ({exc.strerror or exc}).", "Tjek filen."


def _problem(display: str, exc: OSError) -> Problem:
    """The problem of an OSError met while opening or reading a file."""
    message, hint = _os_problem(exc)
    return Problem(display, message, hint=hint)


def _kind(mode: int) -> str | None:
    """What a non-regular file is, in Danish; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "en mappe"
    if stat.S_ISFIFO(mode):
        return "en FIFO (navngivet rør)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "en enhed"
    if stat.S_ISSOCK(mode):
        return "en sokkel"
    return "ikke en almindelig fil"


def read_file(path: Path, display: str, limit: int, root: Path | None = None, place: str = CASE_FOLDER) -> bytes:
    """The bytes of a regular file inside root (after following links) of at most limit bytes; InputError naming
    display otherwise. Opened without blocking, so a FIFO or a device is refused, never waited on."""
    resolved, message, hint = resolve(path, root, place)
    if resolved is None:
        raise InputError([Problem(display, message or "", hint=hint)])
    try:
        handle = os.open(resolved, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError as exc:
        raise InputError([_problem(display, exc)]) from None
    try:
        info = os.fstat(handle)
        kind = _kind(info.st_mode)
        if kind:
            raise InputError([Problem(display, f"er {kind}, ikke en almindelig fil.", hint="Angiv en almindelig fil.")])
        if info.st_nlink > 1:
            raise InputError([_hard_linked(display, info.st_nlink, place)])
        if info.st_size > limit:
            raise InputError([_too_big(display, info.st_size, limit)])
        with os.fdopen(handle, "rb", closefd=False) as stream:
            data = stream.read(limit + 1)  # a file that grew meanwhile is still caught
    except OSError as exc:
        raise InputError([_problem(display, exc)]) from None
    finally:
        os.close(handle)
    if len(data) > limit:
        raise InputError([_too_big(display, len(data), limit)])
    return data


def _hard_linked(display: str, links: int, place: str) -> Problem:
    """The problem of a file with more than one name: its other names may lie anywhere on the disk, outside place
    too, and no path tells which file it really is (a hard link to /etc/shadow looks like any file)."""
    return Problem(
        display,
        f"filen har {links} navne (hårde links), så den kan lige så godt være en fil uden for {place}.",
        hint=f"Kopiér filen ind i {place} (cp uden -l), så den kun har ét navn.",
    )


def _too_big(display: str, size: int, limit: int) -> Problem:
    """The problem of a file over its size cap."""
    shown, most = sizes(size, limit)
    return Problem(
        display,
        f"filen fylder {shown}; højst {most} er tilladt.",
        hint="Tjek, at det er den rigtige fil; se grænserne i README.",
    )


def proposal_problem(text: str, display: str, limit: int) -> Problem | None:
    """The problem of a proposed content for a file (a save from the browser) larger than the file may be when it
    is read, or None: nothing is written that could not be read back."""
    n = len(text.encode("utf-8"))
    if n <= limit:
        return None
    shown, most = sizes(n, limit)
    return Problem(
        display,
        f"ændringen ville få filen til at fylde {shown}; højst {most} er tilladt.",
        hint="Gør teksten kortere. Ændringen er ikke gemt.",
    )


def size(n: int) -> str:
    """A byte count as "1,5 MB", "31 MB", "200 kB" or "512 bytes"."""
    value, unit = _rounded(n)
    return f"{danish.decimal(value, 0 if value.denominator == 1 else 1)} {unit}"


def sizes(n: int, limit: int) -> tuple[str, str]:
    """A size and the limit it is held to, each as size() shows it, or in exact bytes when they would read alike
    ("1,0 MB; højst 1 MB")."""
    if _rounded(n) == _rounded(limit):
        return f"{danish.count(n)} bytes", f"{danish.count(limit)} bytes"
    return size(n), size(limit)


def _rounded(n: int) -> tuple[Fraction, str]:
    """A byte count as size() rounds it (half up): MB with one decimal, whole kB, or bytes."""
    if n >= MB - KB // 2:  # 999.500 bytes and up: "1 MB", not "1.000 kB"
        return round_half_up(Fraction(n, MB), 1), "MB"
    if n >= KB:
        return round_half_up(Fraction(n, KB)), "kB"
    return Fraction(n), "bytes"
