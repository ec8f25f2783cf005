"""The `reportgen` command line: check, figures, build, diff, batch, serve, stil, bruger and historik."""

from __future__ import annotations

import argparse
import errno
import json
import os
import select
import sys
import traceback
from functools import cache
from pathlib import Path

from reportgen.domain.errors import InputError, shown_problems
from reportgen.domain.vocabulary import PREPARE
from reportgen.inputs.case import INDSTILLINGER

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT = 0, 1, 2


def _terminal(text: str) -> str:
    """Text for the terminal: no-break spaces as plain spaces, so the output can be searched."""
    return text.replace("\u00a0", " ")


def cmd_check(args: argparse.Namespace) -> int:
    """Validate a case folder and print its key figures and warnings; writes nothing."""
    from reportgen.figures.case import compute
    from reportgen.inputs import load_inputs
    from reportgen.lifecycle.check import look_line, summary_lines

    inputs = load_inputs(args.case, stil=args.stil)
    cf = compute(inputs)
    for line in summary_lines(cf):
        print(_terminal(line))
    if (look := look_line(inputs.look)) is not None:
        print(look)
    _print_warnings(cf.warnings)
    return EXIT_OK


def cmd_figures(args: argparse.Namespace) -> int:
    """Print every computed figure of a case as JSON (schema: docs/figurer.md)."""
    from reportgen.figures.case import compute
    from reportgen.figures.export import to_json
    from reportgen.inputs import load_inputs

    inputs = load_inputs(args.case)
    cf = compute(inputs)
    json.dump(to_json(cf, inputs), sys.stdout, ensure_ascii=False, indent=2)
    print()
    _print_warnings(cf.warnings, stream=sys.stderr)
    return EXIT_OK


def cmd_build(args: argparse.Namespace) -> int:
    """Build the sagsfremstilling and Bilag 1 (DOCX, PDF, HTML) into OUT/<kommune>/<år>/v<N>/; print the warnings."""
    from reportgen.lifecycle.build import build

    result = build(args.case, args.out, stil=args.stil)
    if result.edited:
        print(
            _terminal(
                f"Bemærk: version {result.version - 1} er ændret i hånden efter bygningen "
                f"({', '.join(result.edited)}); den er ladt urørt, og version {result.version} er bygget "
                "ud fra sagens input."
            ),
            file=sys.stderr,
        )
    if result.created:
        print(f"Version {result.version} er bygget: {result.folder}")
    else:
        print(f"Ingen ændringer siden version {result.version}; der er ikke lavet en ny version: {result.folder}")
    _print_warnings(result.warnings)
    return EXIT_OK


def cmd_diff(args: argparse.Namespace) -> int:
    """Compare two versions (version folders or DOCX files): HTML redline, Word files with tracked changes, summary."""
    from reportgen.lifecycle.diff import run, summary_lines

    for line in summary_lines(*run(args.old, args.new, args.out)):
        print(_terminal(line))
    return EXIT_OK


def cmd_batch(args: argparse.Namespace) -> int:
    """Build one packet per municipality in a statistics file: default texts, own comparison group, a progress bar."""
    from reportgen.lifecycle.batch import (
        problem_lines,
        progress_for,
        run,
        summary_lines,
    )

    report = run(
        args.statistik, args.aar, args.out, args.kommuner, args.jobs, args.indstilling, progress_for(sys.stderr)
    )
    for line in summary_lines(report):
        print(_terminal(line))
    for line in problem_lines(report):
        print(_terminal(line), file=sys.stderr)
    return report.exit_code


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the case folders of a workspace in the browser; prints the address with the access token."""
    from reportgen.web.server import serve

    if not args.mappe.is_dir():
        print(f"Fejl: mappen '{args.mappe}' findes ikke.", file=sys.stderr)
        return EXIT_INPUT
    team = _team_for_serve(args)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        if team is None:
            print(
                f"Advarsel: serveren lytter på {args.host}, så andre maskiner på netværket kan nå den. Alle med "
                "adressen og nøglen kan læse og ændre sagerne, og forbindelsen er ikke krypteret (http).",
                file=sys.stderr,
            )
        elif not team.settings.secure:
            print(
                f"Advarsel: serveren lytter på {args.host} uden HTTPS: adgangskoder og sager kan aflæses på "
                'netværket. Sæt den bag en HTTPS-proxy og skriv offentlig_adresse = "https://…" i konfigurationen '
                "(README: Til IT).",
                file=sys.stderr,
            )
    try:
        return serve(args.mappe, args.host, args.port, team)
    except OSError as exc:
        print(f"Fejl: kan ikke lytte på {args.host}:{args.port} ({exc.strerror}).", file=sys.stderr)
        print("Vælg en anden port med --port, fx --port 8001.", file=sys.stderr)
        return EXIT_INPUT


def _team_for_serve(args: argparse.Namespace):
    """Team mode for `serve --adgang konti|oidc`, or None for the token (the default)."""
    from reportgen.domain.errors import Problem
    from reportgen.web.team import settings
    from reportgen.web.team.runtime import Team

    if args.adgang == "noegle":
        if args.konfig is not None:
            raise InputError(
                [Problem("--konfig", "bruges kun med --adgang konti eller --adgang oidc.", hint="Vælg --adgang.")]
            )
        return None
    team = Team.open(args.adgang, settings.load(args.konfig, need_oidc=args.adgang == "oidc"), args.mappe)
    if args.adgang == "konti" and not any(u.active and u.source == "konti" for u in team.accounts.all()):
        raise InputError(
            [
                Problem(
                    str(args.mappe),
                    "arbejdsmappen har ingen aktive brugere.",
                    hint="Opret den første: reportgen bruger opret NAVN --rolle sekretariat "
                    f"--arbejdsmappe {args.mappe}",
                )
            ]
        )
    return team


def cmd_user(args: argparse.Namespace) -> int:
    """Create, change or list the users of a workspace's team mode."""
    from reportgen.web.team import accounts
    from reportgen.web.team.audit import COMMAND_LINE
    from reportgen.web.team.runtime import Team
    from reportgen.web.team.settings import Settings

    if not args.arbejdsmappe.is_dir():
        print(f"Fejl: arbejdsmappen '{args.arbejdsmappe}' findes ikke.", file=sys.stderr)
        return EXIT_INPUT
    team = Team.open("konti", Settings(), args.arbejdsmappe)
    if args.user_command == "liste":
        users = team.accounts.all()
        if not users:
            print("Ingen brugere endnu. Opret den første: reportgen bruger opret NAVN --rolle sekretariat")
        for user in users:
            where = ", ".join(user.kommuner) or "alle kommuner"
            state = "" if user.active else "  (deaktiveret)"
            print(f"{user.name}\t{user.display}\t{user.role}\t{where}\t{user.source}{state}")
        return EXIT_OK
    kommuner = accounts.check_kommuner(args.kommune) if args.kommune else None
    if args.user_command == "opret":
        accounts.check_name(args.navn)
        accounts.check_role(args.rolle)
        user = team.accounts.create(args.navn, args.rolle, _read_password(), args.fulde_navn, kommuner or ())
        team.trail.record(COMMAND_LINE, "bruger oprettet", details=f"{user.name}: {user.role}")
        print(f"Brugeren {user.name} er oprettet med rollen {accounts.ROLES[user.role]}.")
        return EXIT_OK
    password = _read_password() if args.ny_adgangskode else None
    active = False if args.deaktiver else (True if args.aktiver else None)
    kommuner = () if args.alle_kommuner else kommuner
    changes = team.accounts.change(args.navn, args.rolle, args.fulde_navn, kommuner, active, password)
    if not changes:
        print(f"Intet at ændre for {args.navn}.")
        return EXIT_OK
    team.trail.record(COMMAND_LINE, "bruger ændret", details=f"{args.navn}: " + ", ".join(changes))
    print(f"{args.navn}: " + ", ".join(changes) + ".")
    return EXIT_OK


def _read_password() -> str:
    """A password: one line from standard input when it is not a terminal, else typed twice without echo."""
    import getpass

    from reportgen.web.team.accounts import check_password

    if not sys.stdin.isatty():
        return check_password(sys.stdin.readline().rstrip("\r\n"))
    first = getpass.getpass("Adgangskode: ")
    if getpass.getpass("Gentag adgangskoden: ") != first:
        from reportgen.domain.errors import Problem

        raise InputError([Problem("adgangskoden", "de to adgangskoder er ikke ens.", hint="Prøv igen.")])
    return check_password(first)


def cmd_history(args: argparse.Namespace) -> int:
    """Print the audit trail of a workspace (or one case), one event a line: time, user, case, action, changes."""
    from reportgen.web.team.audit import Trail
    from reportgen.web.team.store import Store

    if not args.mappe.is_dir():
        print(f"Fejl: arbejdsmappen '{args.mappe}' findes ikke.", file=sys.stderr)
        return EXIT_INPUT
    store = Store(args.mappe)
    if not store.exists:
        print("Ingen historik: arbejdsmappen har ikke været brugt med --adgang konti eller oidc.", file=sys.stderr)
        return EXIT_OK
    for event in Trail(store).events(args.sag):
        print(_terminal(event.line()))
    return EXIT_OK


def cmd_style_template(args: argparse.Namespace) -> int:
    """Write a style folder to start from: reportgen's Word template and stil.toml with its colours."""
    from reportgen.lifecycle.style_template import write_style_template

    written = write_style_template(args.folder)
    print(f"Stilmappen er skrevet: {args.folder} ({', '.join(path.name for path in written)}).")
    print("Ret typografierne, sidehovedet og sidefoden i reference.docx i Word, og farverne og skrifterne i")
    print("stil.toml; læg logoet i mappen som logo.png (og gerne logo.svg), og skrifter i fonts/.")
    print(f'Brug mappen med stil = "…" i sag.toml eller med --stil {args.folder}.')
    return EXIT_OK


def _print_warnings(warnings, stream=None) -> None:
    """Print warnings (or that there are none) as Danish lines."""
    stream = stream or sys.stdout
    if not warnings:
        print("Advarsler: ingen.", file=stream)
        return
    print(f"Advarsler ({len(warnings)}):", file=stream)
    for w in warnings:
        print(_terminal(f"  - {w}"), file=stream)


HELP = {  # the commands' help, in Danish like the rest of the command line
    "check": "validerer sagen og skriver nøgletallene og alle advarsler; skriver ingen filer",
    "figures": "skriver alle beregnede tal som JSON (skema: docs/figurer.md)",
    "build": "bygger sagsfremstilling og Bilag 1 (DOCX, PDF, HTML) i MAPPE/<kommune>/<år>/v<N>/",
    "diff": "sammenligner to versioner: redline (HTML), Word-filer med sporede ændringer og en oversigt",
    "batch": "bygger én pakke pr. kommune i en statistikfil med standardtekster og egen sammenligningsgruppe",
    "serve": "viser sagerne i en mappe i browseren: opret, skriv, byg, sammenlign og hent dokumenterne",
    "stil": "kommunens eget udseende: Word-skabelon, logo, skrifter og farver i en stilmappe",
    "bruger": "brugerne af serve --adgang konti: opret, ret (rolle, kommuner, adgangskode, deaktiver) og vis dem",
    "historik": "skriver arbejdsmappens historik (hvem gjorde hvad ved hvilken sag hvornår), én hændelse pr. linje",
}
BRUGER_HELP = {
    "opret": "opretter en bruger; adgangskoden læses fra standardinput (én linje), når det ikke er en terminal",
    "ret": "ændrer en brugers rolle, navn eller kommuner, giver en ny adgangskode eller deaktiverer brugeren",
    "liste": "viser brugerne med rolle og kommuner",
}
STIL_HELP = {
    "skabelon": "skriver en stilmappe at begynde fra: reportgens Word-skabelon og stil.toml med standardfarverne",
}
STIL_OPTION = "stilmappe, der bruges i stedet for den, sag.toml nævner (se README: Kommunens eget udseende)"


@cache
def build_parser() -> argparse.ArgumentParser:
    """The argument parser with the Danish help of each command, made once per process (parsing leaves it as it
    was)."""
    parser = argparse.ArgumentParser(
        prog="reportgen",
        description="Danmarkskortet (retssikkerhedslovens § 79 b): sagsfremstilling og Bilag 1 "
        "som DOCX, PDF og HTML fra Ankestyrelsens statistik.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="KOMMANDO")
    for name, func in (("check", cmd_check), ("figures", cmd_figures)):
        p = sub.add_parser(name, help=HELP[name], description=HELP[name])
        p.add_argument("case", type=Path, metavar="SAG", help="sagsmappen med sag.toml")
        if name == "check":
            p.add_argument("--stil", type=Path, default=None, metavar="MAPPE", help=STIL_OPTION)
        p.set_defaults(func=func)
    p = sub.add_parser("build", help=HELP["build"], description=HELP["build"])
    p.add_argument("case", type=Path, metavar="SAG", help="sagsmappen med sag.toml")
    p.add_argument("--out", type=Path, default=Path("output"), metavar="MAPPE", help="outputmappe (standard: output)")
    p.add_argument("--stil", type=Path, default=None, metavar="MAPPE", help=STIL_OPTION)
    p.set_defaults(func=cmd_build)
    p = sub.add_parser("diff", help=HELP["diff"], description=HELP["diff"])
    p.add_argument(
        "old", type=Path, metavar="GAMMEL", help="den gamle versionsmappe (fx output/alleroed/2024/v1) eller DOCX-fil"
    )
    p.add_argument("new", type=Path, metavar="NY", help="den nye versionsmappe eller DOCX-fil")
    p.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="MAPPE",
        help="mappe til redlinen og Word-filerne (standard: <år>/sammenligninger/v<gammel>-v<ny>/ "
        "ved siden af versionsmapperne; aldrig i en versionsmappe)",
    )
    p.set_defaults(func=cmd_diff)
    p = sub.add_parser("batch", help=HELP["batch"], description=HELP["batch"])
    p.add_argument(
        "statistik", type=Path, metavar="STATISTIK", help="statistikfilen (CSV eller XLSX) med alle kommuner"
    )
    p.add_argument("--aar", type=int, required=True, metavar="ÅR", help="danmarkskortets år")
    p.add_argument("--out", type=Path, default=Path("output"), metavar="MAPPE", help="outputmappe (standard: output)")
    p.add_argument("--kommuner", nargs="+", metavar="KOMMUNE", help="kun disse kommuner (standard: alle i filen)")
    p.add_argument("--jobs", type=int, default=None, metavar="N", help="antal processer (standard: én pr. CPU)")
    p.add_argument(
        "--indstilling",
        choices=INDSTILLINGER,
        default=PREPARE.code,
        help=f"forvaltningens indstilling efter § 79 b, stk. 2 (standard: {PREPARE.code})",
    )
    p.set_defaults(func=cmd_batch)
    p = sub.add_parser("serve", help=HELP["serve"], description=HELP["serve"])
    p.add_argument(
        "mappe",
        type=Path,
        nargs="?",
        default=Path("."),
        metavar="MAPPE",
        help="arbejdsmappen med sagsmapperne (standard: .)",
    )
    p.add_argument(
        "--host",
        default="127.0.0.1",
        metavar="H",
        help="adressen, der lyttes på (standard: 127.0.0.1, kun denne maskine; se README før du ændrer den)",
    )
    p.add_argument("--port", type=int, default=8000, metavar="P", help="porten (standard: 8000)")
    p.add_argument(
        "--adgang",
        choices=("noegle", "konti", "oidc"),
        default="noegle",
        help="hvordan man kommer ind: noegle (standard: én nøgle i adressen, til én person på egen maskine), "
        "konti (navngivne brugere med roller, reportgen bruger) eller oidc (kommunens login); se README, Til IT",
    )
    p.add_argument(
        "--konfig", type=Path, default=None, metavar="FIL", help="konfigurationsfil (TOML) til konti og oidc"
    )
    p.set_defaults(func=cmd_serve)
    p = sub.add_parser("bruger", help=HELP["bruger"], description=HELP["bruger"])
    bruger = p.add_subparsers(dest="user_command", required=True, metavar="KOMMANDO")
    for name in ("opret", "ret", "liste"):
        q = bruger.add_parser(name, help=BRUGER_HELP[name], description=BRUGER_HELP[name])
        if name != "liste":
            q.add_argument("navn", metavar="NAVN", help="brugernavnet (små bogstaver, fx karin.hansen)")
            q.add_argument(
                "--rolle", required=name == "opret", metavar="ROLLE", help="laeser, sagsbehandler eller sekretariat"
            )
            q.add_argument("--fulde-navn", default=None, metavar="TEKST", help="navnet, der vises (fx 'Karin Hansen')")
            q.add_argument(
                "--kommune",
                action="append",
                default=[],
                metavar="KOMMUNE",
                help="kun sager for denne kommune (kan gentages)",
            )
        if name == "ret":
            q.add_argument("--alle-kommuner", action="store_true", help="fjerner begrænsningen til bestemte kommuner")
            q.add_argument("--ny-adgangskode", action="store_true", help="ny adgangskode (læses som ved opret)")
            q.add_argument("--deaktiver", action="store_true", help="brugeren kan ikke længere logge ind")
            q.add_argument("--aktiver", action="store_true", help="brugeren kan logge ind igen")
        q.add_argument(
            "--arbejdsmappe", type=Path, default=Path("."), metavar="MAPPE", help="arbejdsmappen (standard: .)"
        )
        q.set_defaults(func=cmd_user)
    p = sub.add_parser("historik", help=HELP["historik"], description=HELP["historik"])
    p.add_argument("mappe", type=Path, metavar="MAPPE", help="arbejdsmappen, som reportgen serve har vist")
    p.add_argument("sag", nargs="?", default=None, metavar="SAG", help="kun denne sag (sagsmappens navn)")
    p.set_defaults(func=cmd_history)
    p = sub.add_parser("stil", help=HELP["stil"], description=HELP["stil"])
    stil = p.add_subparsers(dest="stil_command", required=True, metavar="KOMMANDO")
    p = stil.add_parser("skabelon", help=STIL_HELP["skabelon"], description=STIL_HELP["skabelon"])
    p.add_argument("folder", type=Path, metavar="MAPPE", help="den nye stilmappe (oprettes, hvis den ikke findes)")
    p.set_defaults(func=cmd_style_template)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; exit 0 on success, 2 on invalid input, 1 on an internal error."""
    args = build_parser().parse_args(argv)
    from reportgen.lifecycle.failures import BuildFailed

    stdout, sys.stdout = sys.stdout, _Output(sys.stdout)
    try:
        code = args.func(args)
        sys.stdout.flush()
        return code
    except OutputFailed as exc:
        return _output_failed(exc, stdout)
    except InputError as exc:
        print(f"Fejl i input ({len(exc.problems)}):", file=sys.stderr)
        for line in shown_problems(exc.problems):
            print(_terminal(f"  - {line}"), file=sys.stderr)
        print("Intet er skrevet.", file=sys.stderr)
        return EXIT_INPUT
    except BuildFailed as exc:
        print(_terminal(str(exc)), file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:
        if not _stdout_closed():
            return _internal_error(sys.exc_info()[1])
        sys.stderr.close()  # the output was piped into e.g. `head`, which has read all it wanted
        return EXIT_OK
    except KeyboardInterrupt:
        print("Afbrudt.", file=sys.stderr)
        return EXIT_INTERNAL
    except Exception as exc:  # noqa: BLE001 – the last line of defence: a message, not a traceback
        return _internal_error(exc)
    finally:
        sys.stdout = stdout


class OutputFailed(OSError):
    """Standard output could not be written (a full disk or device, a quota, an I/O error)."""


class _Output:
    """Standard output, telling a write to it that failed from any other OSError (a closed pipe stays itself)."""

    def __init__(self, stream) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise OutputFailed(exc.errno, exc.strerror) from exc

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise OutputFailed(exc.errno, exc.strerror) from exc

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


_OUTPUT_CAUSES = {errno.ENOSPC: "disken eller enheden er fuld", errno.EDQUOT: "diskkvoten er brugt op"}


def _output_failed(exc: OSError, stdout) -> int:
    """Report that the printout could not be written (what the command saves in files is saved before it prints),
    and send what is left of it nowhere, so that Python does not fail on it again when it exits."""
    cause = _OUTPUT_CAUSES.get(exc.errno or 0, f"skrivefejl ({exc.strerror or exc})")
    print(
        f"Udskriften kunne ikke skrives til standard output: {cause}. Filer, som kommandoen gemmer, er gemt, før den "
        "skriver udskriften. Send udskriften til et sted med plads (fx en fil på et andet drev), og kør igen.",
        file=sys.stderr,
    )
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass  # not a real file (a test's capture): nothing is flushed at exit
    return EXIT_INPUT


def _internal_error(exc: BaseException | None) -> int:
    """Report an internal error: its kind, and how to get the details (a traceback only with REPORTGEN_DEBUG)."""
    if os.environ.get("REPORTGEN_DEBUG"):
        traceback.print_exception(exc)
    print(
        f"Intern fejl: {type(exc).__name__}. Kør igen med REPORTGEN_DEBUG=1 for detaljer, "
        "og meld fejlen med den udskrift.",
        file=sys.stderr,
    )
    return EXIT_INTERNAL


def _stdout_closed() -> bool:
    """True when the reader of standard output has gone (the output was piped into `head` and the like)."""
    try:
        poll = select.poll()
        poll.register(sys.stdout.fileno(), select.POLLOUT)
        return any(event & (select.POLLERR | select.POLLHUP) for _, event in poll.poll(0))
    except (OSError, ValueError, AttributeError):
        return False


if __name__ == "__main__":
    sys.exit(main())
