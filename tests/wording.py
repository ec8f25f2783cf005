"""The rules of "Words the reader checks" (shared/DOMAIN.md) as functions over a built packet's text.

Each rule takes the texts it needs and returns its violations as readable strings (an empty list: the rule holds),
so tests/test_corpus.py can run every rule over every document of every corpus shape, and tests/test_wording.py can
show each rule catching the mistake it is about.

    packet = read_packet(version_folder)          # every document's texts, as the reader meets them
    assert starts_with_numeral(packet) == []
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import lxml.html

DOCUMENTS = ("sagsfremstilling", "bilag-1", "bilag-2", "orientering-ankestyrelsen")
AREA_HEADINGS = ("Børnehandicapområdet", "Voksenhandicapområdet", "Socialområdet – øvrige")
NUMBER_WORDS = {
    "ingen": 0,
    "nul": 0,
    "én": 1,
    "en": 1,
    "et": 1,
    "ét": 1,
    "to": 2,
    "tre": 3,
    "fire": 4,
    "fem": 5,
    "seks": 6,
    "syv": 7,
    "otte": 8,
    "ni": 9,
    "ti": 10,
    "elleve": 11,
    "tolv": 12,
}
NUMBER = r"\b(\d{1,3}(?:\.\d{3})+|\d+|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")\b"
ABBREVIATIONS = {"stk", "nr", "ca", "jf", "dvs", "pct", "mv", "osv", "fx", "kl", "mio", "mia", "bl.a", "f.eks"}


# --- reading a packet ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """One piece of text as a reader meets it: a paragraph or list item of the running text, a table's note or
    source line, a caption, a cell, an alternative text, the page header or the metadata."""

    doc: str
    kind: str  # "prose", "note", "source", "caption", "cell", "alt", "header", "meta"
    scope: str  # the area section of Bilag 1 it stands in ("" elsewhere): a count is about that area
    text: str


@dataclass
class Packet:
    """Every text of a built packet, and its tables (caption, header, rows) per document."""

    texts: list[Text] = field(default_factory=list)
    tables: list[tuple[str, str, list[str], list[list[str]], list[str]]] = field(default_factory=list)
    lists: list[tuple[str, str, int]] = field(default_factory=list)  # (doc, the paragraph before a list, its items)

    def of(self, *kinds: str) -> list[Text]:
        return [t for t in self.texts if t.kind in kinds]


def flat(text: str) -> str:
    return " ".join(text.split())


def read_packet(folder: Path) -> Packet:
    """The texts of every HTML document in a version folder."""
    packet = Packet()
    for doc in DOCUMENTS:
        path = folder / f"{doc}.html"
        if path.exists():
            read_document(packet, doc, lxml.html.document_fromstring(path.read_bytes()))
    return packet


def read_document(packet: Packet, doc: str, root) -> None:
    """Add one document's texts to the packet, in reading order."""
    for meta in root.iter("meta"):
        if meta.get("name") in ("author", "description"):
            packet.texts.append(Text(doc, "meta", "", meta.get("content") or ""))
    scope = ""
    for el in root.iter("h1", "h2", "p", "li", "caption", "figcaption", "img", "table"):
        ancestors = list(el.iterancestors())
        if el.tag == "h1":
            scope = flat(el.text_content()) if flat(el.text_content()) in AREA_HEADINGS else ""
            continue
        if el.tag == "img":
            packet.texts.append(Text(doc, "alt", scope, el.get("alt") or ""))
            continue
        if el.tag == "table":
            read_table(packet, doc, el)
            continue
        if any("decision" in (a.get("class") or "") for a in ancestors):
            continue  # the bodies' own decisions, as recorded
        text = flat(el.text_content())
        if el.tag in ("caption", "figcaption"):
            packet.texts.append(Text(doc, "caption", scope, text))
        elif any(a.tag in ("td", "th") for a in ancestors) or el.tag == "h2":
            continue
        elif "source" in (el.get("class") or "") or text.startswith("Kilde: "):
            packet.texts.append(Text(doc, "source", scope, text))
        elif any("table-notes" in (a.get("class") or "") for a in ancestors) or "note" in (el.get("class") or ""):
            packet.texts.append(Text(doc, "note", scope, text))
        elif any(a.tag == "header" for a in ancestors) or "header" in (el.get("class") or ""):
            packet.texts.append(Text(doc, "header", scope, text))
        elif el.tag == "p" and any(a.tag == "li" for a in ancestors):
            continue  # the li holds it
        else:
            packet.texts.append(Text(doc, "prose", scope, text))
            following = el.getnext()
            if el.tag == "p" and following is not None and following.tag in ("ul", "ol"):
                packet.lists.append((doc, text, len(following.findall("li"))))


def read_table(packet: Packet, doc: str, table) -> None:
    caption = flat(table.find("caption").text_content()) if table.find("caption") is not None else ""
    header = [flat(th.text_content()).replace("\u00ad", "") for th in table.xpath("thead/tr/th")]
    rows = [[flat(c.text_content()) for c in r] for r in table.xpath("tbody/tr|tfoot/tr")]
    block = table.getparent()
    notes = [flat(p.text_content()) for p in block.xpath(".//div[@class='table-notes']/p")] if block is not None else []
    packet.tables.append((doc, caption, header, rows, notes))
    for row in rows:
        for cell in row:
            packet.texts.append(Text(doc, "cell", "", cell))


# --- sentences and numbers -------------------------------------------------------------------------------------


def sentences(text: str) -> list[str]:
    """A paragraph split into sentences: at ".", "!" or "?" and a space before a capital letter, a digit or a
    quotation mark – not after an abbreviation ("stk. 2") or an ordinal ("den 7. oktober")."""
    out, start = [], 0
    for match in re.finditer(r"[.!?](?=\s+[A-ZÆØÅ0-9»“(])", text):
        word = re.search(r"([\w.]+)$", text[start : match.start()])
        if word and (word.group(1).lower() in ABBREVIATIONS or word.group(1).isdigit()):
            continue
        out.append(text[start : match.end()].strip())
        start = match.end()
    out.append(text[start:].strip())
    return [s for s in out if s]


def number(word: str) -> int:
    """A count as the documents write it: "1.680", "12", "tre", "ingen"."""
    return NUMBER_WORDS[word.lower()] if word.lower() in NUMBER_WORDS else int(word.replace(".", ""))


def running(packet: Packet, *kinds: str) -> Iterable[tuple[Text, str]]:
    """Every sentence of the packet's texts of the given kinds (running text by default)."""
    for t in packet.of(*(kinds or ("prose",))):
        for s in sentences(t.text):
            yield t, s


# --- the rules -------------------------------------------------------------------------------------------------


def starts_with_numeral(packet: Packet) -> list[str]:
    """No sentence starts with a numeral ("34 af dem …" → "Af dem blev 34 …")."""
    return [f"{t.doc}: {s}" for t, s in running(packet, "prose", "note", "alt", "caption") if re.match(r"[»“(]?\d", s)]


def repeated_sentences(packet: Packet) -> list[str]:
    """No sentence of the running text stands twice in one document (a label and its value – "Status: igangsat."
    – is not a sentence)."""
    seen: dict[tuple[str, str], int] = defaultdict(int)
    for t, s in running(packet):
        if len(s.split()) >= 4 and not re.match(r"[A-ZÆØÅ][\w/ -]{0,30}: ", s):
            seen[(t.doc, s)] += 1
    return [f"{doc}: {s} ({n} gange)" for (doc, s), n in seen.items() if n > 1]


def provisions_without_law(packet: Packet) -> list[str]:
    """A paragraph is named with its law in the genitive ("servicelovens § 42", "barnets lov § 32"), never
    "serviceloven § 42" nor a bare "§ 42"."""
    out = []
    for t in packet.of("prose", "note", "cell", "caption", "alt"):
        for match in re.finditer(r"§", t.text):
            before = t.text[max(0, match.start() - 40) : match.start()]
            if not re.search(r"(\w+lovens|[Bb]arnets lov|\b[A-ZÆØÅ]{2,5}|§)\s*(§\s*)?$", before):
                out.append(f"{t.doc}: …{before}{t.text[match.start() : match.start() + 10]}…")
    return out


def file_names(packet: Packet, case_folders: Iterable[str] = ()) -> list[str]:
    """No file name or folder of the case in a published document: sources are named as the reader knows them."""
    pattern = re.compile(r"[\w./-]*\.(?:csv|xlsx|toml|md|json|py|docx)\b|(?:\.\./|\./)[\w./-]+", re.IGNORECASE)
    folders = [f for f in case_folders if f and not re.fullmatch(r"[a-zæøå]+", f)]  # "kommunalbestyrelse" is a word
    out = []
    for t in packet.texts:
        out += [f"{t.doc} ({t.kind}): {m.group(0)} in {t.text}" for m in pattern.finditer(t.text)]
        out += [f"{t.doc} ({t.kind}): the folder {f} in {t.text}" for f in folders if f in t.text]
    return out


def short_names(packet: Packet, official: dict[str, str]) -> list[str]:
    """The municipality as an authority is named by its official name: never "<short name> Kommune" where the
    official name differs (København → Københavns Kommune, Bornholm → Bornholms Regionskommune)."""
    wrong = [f"{short} Kommune" for short, name in official.items() if name != f"{short} Kommune"]
    return [
        f"{t.doc} ({t.kind}): {w} in {t.text}"
        for t in packet.texts
        for w in wrong
        if re.search(rf"(?<![\w]){re.escape(w)}(?!\w)", t.text)
    ]


def straight_quotes(packet: Packet) -> list[str]:
    """Quotations and titles stand in Danish quotation marks (»…«), never in straight quotes ('…' or "…"); an
    apostrophe of a genitive ("Aarhus'") is no quote."""
    out = []
    for t in packet.of("prose", "note", "caption", "cell", "alt", "header"):
        if '"' in t.text or re.search(r"(^|[\s(])'\w|[^\Wsxz]'(?=[\s.,;:)]|$)", t.text):
            out.append(f"{t.doc} ({t.kind}): {t.text}")
    return out


def double_parentheses(packet: Packet) -> list[str]:
    """No two parentheses side by side ("(40 af 120) (landsplan 39 %)")."""
    return [f"{t.doc} ({t.kind}): {t.text}" for t in packet.texts if re.search(r"\)\s*\(", t.text)]


def loose_oftest(packet: Packet) -> list[str]:
    """ "Oftest" and "især" only introduce a strict subset: a list of counts after them adds up to less than the
    total the sentence names, and a sentence that lists counts names its total."""
    out = []
    for t, s in running(packet):
        match = re.search(r"\b(oftest|især)\b(.*)", s, re.IGNORECASE)
        if not match:
            continue
        parts = [number(n) for n in re.findall(rf"\({NUMBER} sag(?:er)?\)", match.group(2))]
        if not parts:
            continue
        total = re.search(rf"\bde {NUMBER} \w+ sager\b", s[: match.start()])
        if total is None:
            out.append(f"{t.doc}: {s} (no total to compare the list with)")
        elif sum(parts) >= number(total.group(1)):
            out.append(f"{t.doc}: {s} ({sum(parts)} of {number(total.group(1))}: every case, not a subset)")
    return out


def plural_before_one_item(packet: Packet) -> list[str]:
    """A list of one item is not introduced as many ("Disse er ikke med:" before one item)."""
    return [
        f"{doc}: {text} (1 punkt)"
        for doc, text, items in packet.lists
        if items == 1 and re.search(r"\b(Disse|disse|De følgende|følgende)\b[^.]*:$", text)
    ]


def small_counts_in_digits(packet: Packet) -> list[str]:
    """A plan's targets and initiatives are counted in words up to twelve, also in their results and statuses
    ("to … 1 igangsat og 1 udskudt" mixes the two); counts of cases and municipalities are statistics, in digits."""
    things = r"mål|indsats|indsatser|nået|ikke nået|planlagt|igangsat|gennemført|udskudt|opgivet"
    return [
        f"{t.doc}: {s}"
        for t, s in running(packet, "prose", "alt")
        if re.search(rf"(?<![\d.,])\b([0-9]|1[0-2]) ({things})\b", s)
    ]


def named_in_consecutive_sentences(packet: Packet, names: Iterable[str], most: int = 2) -> list[str]:
    """A comparison municipality is not named in three sentences in a row: the later ones say "den" or name the
    figure instead."""
    out = []
    for t in packet.of("prose"):
        for name in names:
            run = 0
            for s in sentences(t.text):
                run = run + 1 if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", s) else 0
                if run > most:
                    out.append(f"{t.doc}: {name} in {most + 1} sentences in a row: {t.text}")
                    break
    return out


def notes_about_missing_columns(packet: Packet) -> list[str]:
    """A table's note speaks only of columns and rows the table has (no note about an "I alt" column in a table
    without one)."""
    out = []
    for doc, caption, header, rows, notes in packet.tables:
        for note in notes:
            column = r"(kolonnen|søjlen) [»\"“]?I alt|I alt[«\"”]?[- ]?(kolonnen|søjlen)"
            if re.search(column, note) and "I alt" not in header:
                out.append(f"{doc}: {caption}: {note}")
            row = r"rækken [»\"“]?I alt|I alt[«\"”]?[- ]?rækken"
            if re.search(row, note) and not any(r and r[0] == "I alt" for r in rows):
                out.append(f"{doc}: {caption}: {note}")
    return out


# --- counts that agree ---------------------------------------------------------------------------------------

# A sentence that states a count names what it counts; the same thing stated twice in the packet is one number.
FACTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        rf"realitetsbehandlede Ankestyrelsen {NUMBER} sag(?:er)? fra [^,]+?"
        r"(?:, som indgår i danmarkskortet| på det generelle)",
        ("kort:realitet",),
    ),
    (rf"bygger på {NUMBER} af de {NUMBER}\b", ("kort:realitet", "tabel2:afgjorte")),
    (rf"^Af de {NUMBER} sager vedrørte", ("kort:realitet",)),
    (rf"Danmarkskortet for det generelle socialområde omfatter {NUMBER} sag(?:er)?", ("kort:realitet",)),
    (rf"Omgørelsesprocenten var dermed \d+ % \({NUMBER} af {NUMBER}\)", ("kort:omgjorte", "kort:realitet")),
    (rf"så omgørelsesprocenten var \d+ % \({NUMBER} af {NUMBER}\)", ("kort:omgjorte", "kort:realitet")),
    (rf"^I {NUMBER} sag(?:er)? blev kommunens afgørelse stadfæstet", ("kort:stadfaestet",)),
    (rf"^I {NUMBER} sag(?:er)? blev afgørelsen ændret eller ophævet", ("kort:aendret",)),
    (rf"^I {NUMBER} sag(?:er)? blev afgørelsen hjemvist", ("kort:hjemvist",)),
    (rf"Ændringer og ophævelser alene udgjorde \d+ % \({NUMBER} af {NUMBER}\)", ("kort:aendret", "kort:realitet")),
    (rf"hjemvisninger \d+ % \({NUMBER} af {NUMBER}\)", ("kort:hjemvist", "kort:realitet")),
    (rf"Derudover blev {NUMBER} sag(?:er)? afvist eller henvist", ("kort:afvist",)),
    (rf"afgjorde Ankestyrelsen i alt {NUMBER} sag(?:er)?", ("tabel2:afgjorte",)),
    (rf"Tabel 2 omfatter alle {NUMBER} sag(?:er)?", ("tabel2:afgjorte",)),
    (rf"{NUMBER} realitetsbehandlede? sag(?:er)? fra områder uden for danmarkskortet", ("tabel2:uden_for",)),
    (rf"{NUMBER} sag(?:er)?, der blev afvist eller henvist", ("tabel2:afvist",)),
    (rf"Registreringen omfatter {NUMBER} sag(?:er)?", ("registrering:sager",)),
    (rf"Forvaltningens registrering omfatter {NUMBER} sag(?:er)? på", ("registrering:sager@",)),
    (rf"og sagerne vedrørte {NUMBER} borgere?", ("registrering:borgere",)),
    (rf"Sagerne vedrørte {NUMBER} borgere?", ("registrering:borgere@",)),
    (
        rf"Af sagerne kom {NUMBER} fra {NUMBER} borgere? med mere end én sag",
        ("registrering:gentager_sager@", "registrering:gentagere@"),
    ),
    (
        rf"^De {NUMBER} omgjorte sager vedrørte {NUMBER} borgere?",
        ("registrering:omgjorte@", "registrering:borgere_omgjort@"),
    ),
    (rf"vedrørte de {NUMBER} omgjorte sager", ("registrering:omgjorte",)),
    (
        rf"Af de {NUMBER} hjemviste sager var {NUMBER} delvist hjemvist",
        ("registrering:hjemvist@", "registrering:delvist@"),
    ),
    (rf"^{NUMBER} kommuner havde en omgørelsesprocent over de \d+ % på landsplan", ("kort:over_landet@",)),
    (rf"Af landets kommuner havde {NUMBER} en omgørelsesprocent over de \d+ % på landsplan", ("kort:over_landet@",)),
    (rf"[Pp]å landsplan er omgørelsesprocenten \d+ %, og {NUMBER} kommuner? ligger over", ("kort:over_landet@",)),
    (
        rf"^Handleplanen, der blev lagt .* havde {NUMBER} mål og {NUMBER} indsats(?:er)?\.$",
        ("opfoelgning:maal", "opfoelgning:indsatser"),
    ),
)

AREA_IN_SENTENCE = {
    "børnehandicapområdet": "Børnehandicapområdet",
    "voksenhandicapområdet": "Voksenhandicapområdet",
    "det øvrige socialområde": "Socialområdet – øvrige",
}


def facts(packet: Packet) -> dict[str, list[tuple[int, str]]]:
    """Every count the packet states, by what it counts ("kort:realitet", "område:Børnehandicapområdet"), with the
    sentence it stands in; a key ending in "@" is about the Bilag 1 area the sentence stands in."""
    out: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for t, s in running(packet, "prose", "alt"):
        for pattern, keys in FACTS:
            for match in re.finditer(pattern, s):
                for key, value in zip(keys, match.groups(), strict=True):
                    name = key.replace("@", f"@{t.scope}" if t.scope else "")
                    out[name].append((number(value), f"{t.doc}: {s}"))
        for match in re.finditer(
            rf"realitetsbehandlede Ankestyrelsen {NUMBER} sag(?:er)? på ({'|'.join(AREA_IN_SENTENCE)})", s
        ):
            out[f"område:{AREA_IN_SENTENCE[match.group(2)]}"].append((number(match.group(1)), f"{t.doc}: {s}"))
        split = re.search(r"^Af de [\d.]+ sager vedrørte (.*)\.", s)
        for n, area in re.findall(
            rf"{NUMBER} sag(?:er)? ({'|'.join(AREA_IN_SENTENCE)})", split.group(1) if split else ""
        ):
            out[f"område:{AREA_IN_SENTENCE[area]}"].append((number(n), f"{t.doc}: {s}"))
    for doc, caption, header, rows, _ in packet.tables:
        for row in rows:
            cells = dict(zip(header, row, strict=False))
            if caption.startswith("Tabel 2:") and row[0] == "I alt":
                out["tabel2:afgjorte"].append((number(cells["Afgjorte i alt"]), f"{doc}: {caption}, I alt"))
                out["tabel2:afvist"].append((number(cells["Afvist/henvist"]), f"{doc}: {caption}, I alt"))
            if caption.startswith("Tabel B1.1:") and "Realitetsbehandlede" in cells:
                key = "kort:realitet" if row[0] == "Socialområdet i alt" else f"område:{row[0]}"
                out[key].append((number(cells["Realitetsbehandlede"]), f"{doc}: {caption}, {row[0]}"))
    return out


def disagreeing_counts(packet: Packet) -> list[str]:
    """A count stated more than once in the packet is the same number every time."""
    return [
        f"{key}: " + "; ".join(f"{n} ({where})" for n, where in stated)
        for key, stated in facts(packet).items()
        if len({n for n, _ in stated}) > 1
    ]


# Sentences that give a total and its parts: the parts add up.
def parts_that_do_not_add_up(packet: Packet) -> list[str]:
    """Every "parts of a total" sentence adds up: the map's cases and the rest of Tabel 2's, the rest's parts, the
    outcomes of the cases, the areas of the map, the comparison group named and counted, the map's classes, the
    targets and initiatives of a plan and their results."""
    out: list[str] = []

    def check(where: str, total: int, parts: list[int], what: str) -> None:
        if parts and sum(parts) != total:
            out.append(f"{where}: {what}: {' + '.join(map(str, parts))} = {sum(parts)}, not {total}")

    known = {k: v[0][0] for k, v in facts(packet).items() if v}
    for t, s in running(packet, "prose", "alt"):
        where = f"{t.doc}: {s}"
        if m := re.search(rf"bygger på {NUMBER} af de {NUMBER}; de øvrige {NUMBER} sager er (.*)", s):
            check(where, number(m.group(2)), [number(m.group(1)), number(m.group(3))], "the map and the rest")
            check(
                where,
                number(m.group(3)),
                [number(n) for n in re.findall(rf"\b{NUMBER} (?:\w+ )?sag(?:er)?\b", m.group(4))],
                "the rest",
            )
        if m := re.search(r"^Af de ([\d.]+) sager vedrørte (.*)\.", s):
            check(
                where,
                number(m.group(1)),
                [number(n) for n in re.findall(rf"{NUMBER} sag(?:er)? ", m.group(2))],
                "the areas",
            )
        if m := re.search(
            rf"realitetsbehandlede Ankestyrelsen {NUMBER} sag(?:er)? på [^:]+: "
            rf"{NUMBER} stadfæstet, {NUMBER} ændret eller ophævet og {NUMBER} hjemvist",
            s,
        ):
            check(where, number(m.group(1)), [number(m.group(i)) for i in (2, 3, 4)], "the outcomes")
        if m := re.search(r"^Tabel 1 sammenligner .+? med (.+)\.$", s):
            known["gruppe:navne"] = len(re.split(r", | og ", m.group(1)))
        if (m := re.search(rf"^Samlet havde de {NUMBER} kommuner", s)) and "gruppe:navne" in known:
            check(where, number(m.group(1)), [known["gruppe:navne"]], "the comparison municipalities named and counted")
        if m := re.search(
            rf"Alle landets {NUMBER} kommuner har tal\..*Antal kommuner pr\. klasse: (.*?)\."
            rf"(?: Af kommunerne havde {NUMBER} ingen realitetsbehandlede)?",
            t.text,
        ):
            classes = [number(n) for n in re.findall(rf": {NUMBER} kommuner?", m.group(2))]
            none = number(m.group(3)) if m.group(3) else 0
            check(f"{t.doc}: {t.text}", number(m.group(1)), [*classes, none], "the map's classes")
        if m := re.search(r"^Af målene blev (.*?)(?:, mens (\w+) ikke kan opgøres.*)?\.$", s):
            done = [number(n) for n in re.findall(rf"\b{NUMBER} (?:ikke )?nået", m.group(1))]
            check(
                where,
                known.get("opfoelgning:maal", sum(done)),
                done + ([number(m.group(2))] if m.group(2) else []),
                "the targets",
            )
        if m := re.search(r"^Af indsatserne er (.*)\.$", s):
            check(
                where,
                known.get("opfoelgning:indsatser", 0),
                [number(n) for n in re.findall(rf"\b{NUMBER} \w+", m.group(1))],
                "the initiatives",
            )
    outcomes = [known.get(k) for k in ("kort:stadfaestet", "kort:aendret", "kort:hjemvist")]
    if "kort:realitet" in known and all(o is not None for o in outcomes):
        check("the list of outcomes", known["kort:realitet"], [o for o in outcomes if o is not None], "the outcomes")
    if "kort:omgjorte" in known and known.get("kort:aendret") is not None and known.get("kort:hjemvist") is not None:
        check(
            "the reversed cases",
            known["kort:omgjorte"],
            [known["kort:aendret"], known["kort:hjemvist"]],
            "ændret + hjemvist",
        )
    for doc, caption, header, rows, notes in packet.tables:
        total = next((r for r in rows if r[0] in ("I alt", "Socialområdet i alt")), None)
        body = [r for r in rows if r is not total and not re.match(r"[–-]?\s*heraf\b", r[0], re.IGNORECASE)]  # subsets
        if (
            total is None or not body or any("har ingen tal" in n for n in notes)
        ):  # a row left out, and the note says so
            continue
        for i, name in enumerate(header[1:], start=1):
            column = [r[i] if i < len(r) else "" for r in body]
            if all(re.fullmatch(r"\d{1,3}(\.\d{3})*|\d+", c) for c in [*column, total[i]]):
                check(f"{doc}: {caption}", number(total[i]), [number(c) for c in column], f"the column {name}")
    return out
