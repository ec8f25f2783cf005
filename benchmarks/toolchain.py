"""The usual tool chain a municipality would otherwise script: Markdown → pandoc (DOCX, HTML) → LibreOffice (PDF).

For the benchmark against reportgen. From reportgen's document model the chain writes one pandoc Markdown file
per document, then runs `pandoc` to DOCX (with templates/reference.docx, plus the pandoc styles it lacks, as
--reference-doc) and to a standalone HTML file with the charts embedded, and `soffice --headless --convert-to
pdf` once per municipality for all its DOCX files.

What is timed: writing the Markdown and chart files, the pandoc and soffice runs and the check of the outputs.
What is not timed, which favours the chain: composing the document model and drawing the charts (the chain
gets reportgen's chart PNGs ready-made), preparing the reference document, and the first start of each
LibreOffice profile (warmed beforehand). The chain also does less: no running header, draft marking, Word
SEQ fields or reportgen's table styles, and pandoc's default HTML styling.

Needs pandoc and LibreOffice Writer (`require_tools`). Try it alone:
    python benchmarks/toolchain.py /tmp/land.csv --aar 2024 --kommuner Allerød Furesø --jobs 2
"""

from __future__ import annotations

import argparse
import io
import json
import queue
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reportgen.documents.model import (  # noqa: E402
    Block,
    BulletList,
    Decision,
    Document,
    Emph,
    Figure,
    Heading,
    Inline,
    LineBreak,
    PageBreak,
    Paragraph,
    Strong,
    Table,
    Text,
)
from reportgen.resources import REFERENCE_DOCX  # noqa: E402

REFERENCE_DOC = REFERENCE_DOCX
APT_INSTALL = "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y pandoc libreoffice-writer-nogui"
TIMEOUT = 300  # seconds for one tool run
_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|@~&:=$%^'\"])")
_STYLE = re.compile(r'<w:style [^>]*w:styleId="([^"]+)".*?</w:style>', re.S)
_PAGE_BREAK = '```{=openxml}\n<w:p><w:r><w:br w:type="page"/></w:r></w:p>\n```'


class ChainError(RuntimeError):
    """A tool is missing, failed, or left no (valid) output."""


# --- tools -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tools:
    """The paths and versions of pandoc and LibreOffice."""

    pandoc: str
    soffice: str
    pandoc_version: str
    soffice_version: str

    def html_flags(self) -> list[str]:
        """pandoc's flags for one self-contained HTML file (--embed-resources from pandoc 2.19 on)."""
        version = tuple(int(p) for p in re.findall(r"\d+", self.pandoc_version)[:2])
        return ["--standalone", "--embed-resources"] if version >= (2, 19) else ["--standalone", "--self-contained"]


def require_tools() -> Tools:
    """Find pandoc and soffice; raise ChainError naming the apt command when either is missing."""
    pandoc = shutil.which("pandoc")
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    missing = [name for name, path in (("pandoc", pandoc), ("soffice", soffice)) if path is None]
    if missing:
        raise ChainError(f"{' and '.join(missing)} not found on PATH; install as root with: {APT_INSTALL}")
    first_line = lambda *cmd: _run(list(cmd)).stdout.decode(errors="replace").strip().splitlines()[0]  # noqa: E731
    return Tools(pandoc, soffice, first_line(pandoc, "--version"), first_line(soffice, "--version"))


def _run(cmd: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run a command; raise ChainError with its output if it fails."""
    try:
        return subprocess.run(cmd, cwd=cwd, check=True, capture_output=True, timeout=TIMEOUT)
    except subprocess.CalledProcessError as error:
        output = (error.stderr or error.stdout or b"").decode(errors="replace").strip()
        raise ChainError(f"{' '.join(cmd)} failed ({error.returncode}): {output}") from None
    except subprocess.TimeoutExpired:
        raise ChainError(f"{' '.join(cmd)} took more than {TIMEOUT} s") from None


# --- Markdown ------------------------------------------------------------------------------------------------


def escape(text: str) -> str:
    """Backslash-escape Markdown punctuation (no smart quotes or dashes either); newlines become spaces."""
    return _SPECIAL.sub(r"\\\1", text).replace("\r", " ").replace("\n", " ")


def _inlines(nodes: tuple[Inline, ...]) -> str:
    """Inline content as pandoc Markdown."""
    parts = []
    for node in nodes:
        match node:
            case Text(text=text):
                parts.append(escape(text))
            case Emph(children=children) | Strong(children=children):
                mark = "*" if isinstance(node, Emph) else "**"
                inner = _inlines(children)
                core = inner.strip(" ")  # delimiters must touch the text; spaces go outside
                if core:
                    lead, trail = inner[: len(inner) - len(inner.lstrip(" "))], inner[len(inner.rstrip(" ")) :]
                    parts.append(f"{lead}{mark}{core}{mark}{trail}")
                else:
                    parts.append(inner)
            case LineBreak():
                parts.append("\\\n")
            case _:
                raise TypeError(f"cannot write inline {type(node).__name__} as Markdown: {node!r}")
    return "".join(parts)


def _paragraph(nodes: tuple[Inline, ...]) -> str:
    """A paragraph's text without leading spaces (no code block) or trailing hard breaks."""
    return re.sub(r"(\\\n)+$", "", _inlines(nodes).strip(" \t")).strip(" \t")


def _indent(text: str, prefix: str) -> str:
    """Indent every non-empty line."""
    return "\n".join(prefix + line if line else line for line in text.split("\n"))


class _Writer:
    """Turns blocks into pandoc Markdown, numbering tables and figures and collecting the images."""

    def __init__(self) -> None:
        """Start with no tables, figures or images."""
        self.tables = 0
        self.figures = 0
        self.images: dict[str, bytes] = {}

    def blocks(self, blocks: tuple[Block, ...]) -> str:
        """Blocks separated by blank lines."""
        return "\n\n".join(text for block in blocks if (text := self.block(block)))

    def block(self, block: Block) -> str:
        """One block as Markdown."""
        match block:
            case Heading(level=level, children=children):
                return "#" * max(1, min(level, 6)) + " " + _inlines(children).replace("\\\n", " ")
            case Paragraph(children=children):
                return _paragraph(children)
            case BulletList():
                return self.bullet_list(block)
            case Table():
                return self.table(block)
            case Figure():
                return self.figure(block)
            case Decision(title=title, body=body):
                return "\n\n".join(filter(None, ("## " + escape(title), self.blocks(body))))
            case PageBreak():
                return _PAGE_BREAK  # raw OpenXML: a page break in DOCX, dropped from HTML
            case _:
                raise TypeError(f"cannot write block {type(block).__name__} as Markdown: {block!r}")

    def bullet_list(self, block: BulletList) -> str:
        """A list; an item's later blocks are indented under its marker. Tight unless an item has several blocks."""
        items = []
        for number, item in enumerate(block.items, 1):
            marker = f"{number}.".ljust(4) if block.ordered else "-   "
            body = _indent(self.blocks(item), "    ") or "    "
            items.append(marker + body[4:])
        loose = any(len(item) > 1 for item in block.items)
        return ("\n\n" if loose else "\n").join(items)

    def table(self, table: Table) -> str:
        """A pipe table with its numbered caption, total row in bold, then notes and source."""
        self.tables += 1

        def row(cells: tuple[str, ...], bold: bool = False) -> str:
            texts = [escape(c) for c in cells]
            return "| " + " | ".join(f"**{t}**" if bold and t.strip() else t for t in texts) + " |"

        # Relative widths come from the dashes: the label column twice as wide as the others.
        rule = ["-" * (20 if i == 0 else 10) for i in range(len(table.header))]
        rule = [f":{d[1:]}" if a == "left" else f"{d[1:]}:" for d, a in zip(rule, table.align, strict=True)]
        lines = [row(table.header), "|" + "|".join(rule) + "|", *(row(r) for r in table.rows)]
        if table.total:
            lines.append(row(table.total, bold=True))
        parts = ["\n".join(lines) + f"\n\nTable: Tabel {self.tables}: {escape(table.caption)}"]
        parts += [escape(note) for note in table.notes]
        if table.source:
            parts.append(escape(f"Kilde: {table.source}"))
        return "\n\n".join(parts)

    def figure(self, figure: Figure) -> str:
        """An image alone in its paragraph (a pandoc figure), its caption numbered, the alt text as fig-alt."""
        self.figures += 1
        if not re.fullmatch(r"[\w.-]+\.png", figure.name):
            raise ValueError(f"unsafe figure name {figure.name!r}")
        self.images[figure.name] = figure.png
        alt = figure.alt.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
        caption = escape(f"Figur {self.figures}: {figure.caption}")
        return f'![{caption}]({figure.name}){{width={figure.width_cm:g}cm fig-alt="{alt}"}}'


def markdown(doc: Document) -> tuple[str, dict[str, bytes]]:
    """The whole document as pandoc Markdown (YAML title block first) and its images by file name."""
    meta = {
        "title": escape(doc.title),
        "subtitle": escape(doc.subtitle) if doc.subtitle else None,
        "lang": doc.language,
    }
    header = "\n".join(f"{key}: {json.dumps(value)}" for key, value in meta.items() if value)
    writer = _Writer()
    body = writer.blocks(doc.blocks)
    return f"---\n{header}\n---\n\n{body}\n", writer.images


# --- the chain -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainResult:
    """The chain's wall time in total, each packet's own time (by municipality) and the number of packets."""

    seconds: float
    packet_seconds: dict[str, float]
    packets: int

    @property
    def seconds_per_packet(self) -> float:
        """Wall time divided by the number of packets (throughput, with the parallelism)."""
        return self.seconds / self.packets if self.packets else 0.0


def reference_doc(tools: Tools, target: Path) -> Path:
    """Write templates/reference.docx plus the pandoc styles it lacks (from pandoc's own reference.docx) to target.

    The template was made for reportgen and lacks pandoc's styles (Compact, First Paragraph, Table Caption, ...);
    without "Compact" LibreOffice 7.4 lays out pandoc's tables as one paragraph per cell. Once per run, not timed:
    a municipality would prepare its pandoc template once.
    """
    default = _run([tools.pandoc, "--print-default-data-file", "reference.docx"]).stdout
    theirs = zipfile.ZipFile(io.BytesIO(default)).read("word/styles.xml").decode()
    with zipfile.ZipFile(REFERENCE_DOC) as source:
        parts = {info: source.read(info) for info in source.infolist()}
    styles = next(info for info in parts if info.filename == "word/styles.xml")
    ours = parts[styles].decode()
    have = {m.group(1) for m in _STYLE.finditer(ours)}
    missing = "".join(m.group(0) for m in _STYLE.finditer(theirs) if m.group(1) not in have)
    parts[styles] = ours.replace("</w:styles>", missing + "</w:styles>").encode()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in parts.items():
            out.writestr(info, data)
    return target


def _profile(n: int) -> str:
    """The -env option of LibreOffice user profile n (one per parallel soffice process)."""
    return f"-env:UserInstallation={(Path(tempfile.gettempdir()) / f'lo-profile-{n}').as_uri()}"


def _pdf(tools: Tools, profile: str, outdir: Path, docx_files: list[Path]) -> None:
    """Convert DOCX files to PDF in one soffice run."""
    _run(
        [
            tools.soffice,
            profile,
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            *map(str, docx_files),
        ],
        cwd=outdir,
    )


def _warm(tools: Tools, reference: Path, profile: str, folder: Path) -> None:
    """Create and start a LibreOffice profile once by converting a tiny document (not timed)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "warm.md").write_text("# Warm\n\nLibreOffice profile.\n", encoding="utf-8")
    _run([tools.pandoc, "warm.md", "-o", "warm.docx", "--reference-doc", str(reference)], cwd=folder)
    _pdf(tools, profile, folder, [folder / "warm.docx"])
    _check(folder / "warm.pdf", b"%PDF")


def _check(path: Path, magic: bytes = b"") -> None:
    """Raise ChainError unless the file exists, is non-empty and starts with magic."""
    if not path.is_file() or path.stat().st_size == 0:
        raise ChainError(f"{path} is missing or empty")
    with path.open("rb") as file:
        if not file.read(len(magic)) == magic:
            raise ChainError(f"{path} does not start with {magic!r}")


def _packet(
    tools: Tools, reference: Path, profiles: queue.Queue[str], docs: tuple[Document, ...], folder: Path
) -> float:
    """Write one municipality's Markdown and charts, run pandoc and soffice, check the outputs; return seconds."""
    start = time.perf_counter()
    for doc in docs:
        text, images = markdown(doc)
        (folder / f"{doc.slug}.md").write_text(text, encoding="utf-8")
        for name, png in images.items():
            (folder / name).write_bytes(png)
        _run(
            [
                tools.pandoc,
                f"{doc.slug}.md",
                "-f",
                "markdown",
                "-t",
                "docx",
                "--reference-doc",
                str(reference),
                "-o",
                f"{doc.slug}.docx",
            ],
            cwd=folder,
        )
        _run(
            [
                tools.pandoc,
                f"{doc.slug}.md",
                "-f",
                "markdown",
                "-t",
                "html5",
                *tools.html_flags(),
                "-o",
                f"{doc.slug}.html",
            ],
            cwd=folder,
        )
    profile = profiles.get()
    try:
        _pdf(tools, profile, folder, [folder / f"{doc.slug}.docx" for doc in docs])
    finally:
        profiles.put(profile)
    for doc in docs:
        _check(folder / f"{doc.slug}.docx", b"PK")
        _check(folder / f"{doc.slug}.pdf", b"%PDF")
        html = folder / f"{doc.slug}.html"
        _check(html, b"<!DOCTYPE html>")
        charts = sum(isinstance(b, Figure) for b in doc.blocks)
        if html.read_text(encoding="utf-8").count("data:image/png;base64,") < charts:
            raise ChainError(f"{html} lacks embedded charts")
    return time.perf_counter() - start


def run_chain(packets: list[tuple[str, tuple[Document, ...]]], work: Path, jobs: int) -> ChainResult:
    """Make every packet's DOCX, HTML and PDF files in work/<slug>/, `jobs` municipalities at a time."""
    from reportgen.domain.kommuner import slug

    tools = require_tools()
    jobs = max(1, min(jobs, len(packets) or 1))
    folders = {name: Path(work) / slug(name) for name, _ in packets}
    for folder in folders.values():  # start empty, so the output checks see only this run's files
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    reference = reference_doc(tools, Path(work) / "reference.docx")
    profiles: queue.Queue[str] = queue.Queue()
    for n in range(jobs):
        _warm(tools, reference, _profile(n), Path(work) / f"_warm-{n}")
        profiles.put(_profile(n))
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {
            name: pool.submit(_packet, tools, reference, profiles, docs, folders[name]) for name, docs in packets
        }
        packet_seconds = {name: future.result() for name, future in futures.items()}
    return ChainResult(time.perf_counter() - start, packet_seconds, len(packets))


def batch_packets(statistik: Path, aar: int, names: list[str] | None = None) -> list[tuple[str, tuple[Document, ...]]]:
    """Compose reportgen's batch documents for the named (default: every) municipality of a statistics file."""
    from reportgen.documents.compose import compose
    from reportgen.figures.case import compute
    from reportgen.inputs.statistics import load_statistics
    from reportgen.lifecycle.batch import BatchInputs, batch_case, comparison_group

    statistik = Path(statistik).resolve()
    stats = load_statistics(statistik, statistik.name)
    packets = []
    for name in names or [k for k in stats.kommuner() if stats.get(k, aar)]:
        if stats.get(name, aar) is None:
            raise SystemExit(f"{statistik.name} has no figures for {name} in {aar}")
        case = batch_case(statistik, name, aar, comparison_group(stats, name, aar), "udarbejdes")
        inputs = BatchInputs(case, stats, None)
        packets.append((name, compose(inputs, compute(inputs)).documents()))
    return packets


def main() -> None:
    """Run the chain on some municipalities of a statistics file and print the time per packet."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("statistik", type=Path)
    parser.add_argument("--aar", type=int, required=True)
    parser.add_argument("--kommuner", nargs="+", help="default: every municipality with figures for the year")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--work", type=Path, help="output folder (default: a temporary folder, then deleted)")
    args = parser.parse_args()
    tools = require_tools()
    print(f"{tools.pandoc_version}; {tools.soffice_version}")
    packets = batch_packets(args.statistik, args.aar, args.kommuner)
    with tempfile.TemporaryDirectory() as tmp:
        result = run_chain(packets, args.work or Path(tmp), args.jobs)
    for name, seconds in result.packet_seconds.items():
        print(f"  {name:<20} {seconds:6.2f} s")
    print(
        f"{result.packets} packets, jobs={args.jobs}: {result.seconds:.2f} s wall, "
        f"{result.seconds_per_packet:.2f} s per packet"
    )


if __name__ == "__main__":
    main()
