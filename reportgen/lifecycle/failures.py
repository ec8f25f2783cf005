"""A build that did not produce its version: the cause in Danish, shared by `build`, `batch` and the web app.

Nothing partial is written when a build fails (a version is renamed into place only when complete), so the
message says what happened and what to do; the exit status is 2 when the user can fix it (a full disk, a
folder that cannot be written), 1 when a process died or the cause is unknown.
"""

from __future__ import annotations

import errno
from pathlib import Path

from reportgen.writers.pdf_processes import PdfProcessFailed

EXIT_USER, EXIT_INTERNAL = 2, 1

# errno → (what happened, what to do); {folder} is the folder the build writes to.
_CAUSES = {
    errno.ENOSPC: ("disken er fuld", "Frigør plads på disken (eller vælg en anden mappe med --out), og byg igen."),
    errno.EDQUOT: ("din diskkvote er brugt op", "Frigør plads, eller vælg en anden mappe med --out, og byg igen."),
    errno.EFBIG: (
        "en fil blev større end den grænse, systemet tillader (fx 'ulimit -f')",
        "Hæv grænsen for filstørrelse, eller byg på en anden maskine.",
    ),
    errno.EROFS: ("mappen ligger på et skrivebeskyttet drev", "Vælg en mappe, der kan skrives i, med --out."),
    errno.EACCES: ("der er ikke skriveadgang til mappen", "Vælg en mappe, du kan skrive i, med --out."),
    errno.EPERM: ("der er ikke skriveadgang til mappen", "Vælg en mappe, du kan skrive i, med --out."),
    errno.ENOTDIR: ("en del af stien er en fil, ikke en mappe", "Angiv en mappe (ikke en fil) med --out."),
    errno.EEXIST: ("stien findes allerede som en fil", "Angiv en mappe (ikke en fil) med --out."),
    errno.ENOENT: ("mappen kan ikke oprettes", "Tjek stien i --out."),
    errno.ENAMETOOLONG: ("stien er for lang til filsystemet", "Vælg en kortere sti med --out."),
    errno.ELOOP: ("stien er en løkke af links", "Vælg en anden mappe med --out."),
    errno.EMFILE: ("systemet har for mange åbne filer", "Luk andre programmer, og byg igen."),
    errno.ENOMEM: ("der er ikke hukommelse nok", "Luk andre programmer, og byg igen."),
}


class BuildFailed(Exception):
    """A build that did not produce its version; str() is the Danish message naming the cause and the fix."""

    def __init__(self, message: str, exit_code: int = EXIT_USER) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def failure(exc: BaseException, folder: Path, what: str = "Versionen blev ikke bygget") -> BuildFailed | None:
    """The BuildFailed an exception met while writing into folder stands for, or None for any other error;
    `what` is the message's start (what did not happen)."""
    if isinstance(exc, BuildFailed):
        return exc
    if isinstance(exc, PdfProcessFailed):
        return worker_died(str(exc))
    if not isinstance(exc, OSError) or exc.errno not in _CAUSES:
        return None
    cause, fix = _CAUSES[exc.errno]
    if exc.errno in _RESOURCES:
        return BuildFailed(f"{what}: {cause} ({folder}). Intet er skrevet. {fix}")
    where = Path(exc.filename) if isinstance(exc.filename, str) else None
    if where is None or not where.absolute().is_relative_to(Path(folder).absolute()):
        return None  # a path of the tool's own (a template, a font): an internal error, not the user's folder
    return BuildFailed(f"{what}: {cause} ({where}). Intet er skrevet. {fix}")


def cause(exc: BaseException, machine: bool = False) -> str | None:
    """What an error met while writing says about the folder written to or (machine=True: only those) about the
    machine, in Danish ("disken er fuld"); None for any other error."""
    number = exc.errno if isinstance(exc, OSError) else None
    if number is None or number not in (_RESOURCES if machine else _CAUSES):
        return None
    return _CAUSES[number][0]


# Causes that are the machine's, wherever they are met (also in a worker's temporary files); the other causes
# are the user's only when they concern the folder written to.
_RESOURCES = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EMFILE, errno.ENOMEM}


def worker_died(detail: str = "") -> BuildFailed:
    """The failure of a build whose worker process stopped (killed, out of memory, or a failure it reported)."""
    said = f" ({detail})" if detail else ""
    return BuildFailed(
        f"Versionen blev ikke bygget: en arbejdsproces stoppede uventet{said}. Intet er skrevet. "
        "Byg igen; sker det igen, så kør med REPORTGEN_DEBUG=1 og meld fejlen med udskriften.",
        EXIT_INTERNAL,
    )
