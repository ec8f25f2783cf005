"""Word's tracked changes: the new DOCX with every difference from the old one marked as an insertion or deletion."""

from __future__ import annotations

import copy
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime
from difflib import SequenceMatcher
from io import BytesIO
from itertools import takewhile
from pathlib import Path
from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from reportgen.lifecycle.diff.sides import open_docx

AUTHOR = "reportgen"
_DELETED_TAGS = {qn("w:t"): qn("w:delText"), qn("w:instrText"): qn("w:delInstrText")}
_PICTURE_TAGS = (qn("w:drawing"), qn("w:pict"), qn("w:object"))
_TOKEN = re.compile(r"\S+\s*|\s+")


@dataclass(frozen=True)
class _Token:
    """A word (with its following space) or a run that is not plain text, with the run properties it had."""

    text: str
    rpr: Any
    run: Any = None  # the whole w:r when it holds more than text (a field, a break, a picture)

    @property
    def key(self) -> tuple[str, str]:
        """What makes two tokens equal: the text, and the XML of a non-text run."""
        return self.text, str.__str__(self.run.xml) if self.run is not None else ""


def _tokens(p) -> list[_Token]:
    """A paragraph's runs as tokens."""
    tokens: list[_Token] = []
    for r in p.xpath("./w:r | ./w:hyperlink/w:r"):
        rpr = r.find(qn("w:rPr"))
        if all(c.tag in (qn("w:rPr"), qn("w:t")) for c in r):
            tokens += [_Token(word, rpr) for word in _TOKEN.findall(r.text)]
        else:
            tokens.append(_Token(r.text, rpr, r))
    return tokens


def _runs(tokens: list[_Token], deleted: bool = False) -> list:
    """Tokens as runs: neighbouring words with the same formatting share a run; deleted text becomes w:delText."""
    runs: list = []
    previous_rpr = None
    for token in tokens:
        if token.run is not None:
            run = copy.deepcopy(token.run)
            if deleted:
                if next(run.iter(*_PICTURE_TAGS), None) is not None:
                    continue  # a picture of the old package cannot be shown in the new one
                for child in run.iter(*_DELETED_TAGS):
                    child.tag = _DELETED_TAGS[child.tag]
            runs.append(run)
            previous_rpr = None
            continue
        rpr_xml = token.rpr.xml if token.rpr is not None else ""
        if runs and previous_rpr == rpr_xml:
            runs[-1][-1].text += token.text
            continue
        run = OxmlElement("w:r")
        if token.rpr is not None:
            run.append(copy.deepcopy(token.rpr))
        text = OxmlElement("w:delText" if deleted else "w:t", {qn("xml:space"): "preserve"})
        text.text = token.text
        run.append(text)
        runs.append(run)
        previous_rpr = rpr_xml
    return runs


def _replace_content(p, content: list) -> None:
    """Replace everything in a paragraph except its properties."""
    for child in list(p):
        if child.tag != qn("w:pPr"):
            p.remove(child)
    p.extend(content)


def _blocks(container) -> list:
    """The paragraphs and tables directly in the body or a table cell."""
    return [child for child in container if child.tag in (qn("w:p"), qn("w:tbl"))]


def _key(block) -> tuple[str, str]:
    """What makes two blocks equal: the kind and the text."""
    paragraphs = [block] if block.tag == qn("w:p") else block.iter(qn("w:p"))
    return block.tag, "\n".join(p.text for p in paragraphs)


def _row_key(row) -> tuple[str, ...]:
    return tuple(_key(cell)[1] for cell in row.findall(qn("w:tc")))


def _in_table(p) -> bool:
    return any(a.tag == qn("w:tbl") for a in p.iterancestors())


class _TrackedChanges:
    """Rewrites the new document so that Word shows every difference from the old one as a tracked change."""

    def __init__(self, moment: datetime) -> None:
        """Every mark gets author reportgen and the given date."""
        self.date = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
        self.next_id = 1
        self.whole: list[tuple[Any, str]] = []  # wholly inserted or deleted paragraphs, marked at the end

    def mark(self, tag: str):
        """A new, empty w:ins or w:del element."""
        element = OxmlElement(tag, {qn("w:id"): str(self.next_id), qn("w:author"): AUTHOR, qn("w:date"): self.date})
        self.next_id += 1
        return element

    def wrap(self, tag: str, runs: list) -> list:
        """Runs wrapped in a w:ins or w:del (an empty list gives no element)."""
        if not runs:
            return []
        element = self.mark(tag)
        element.extend(runs)
        return [element]

    def document(self, old_body, new_body) -> None:
        """Mark every difference between two document bodies."""
        self.container(old_body, new_body)
        self.mark_paragraphs(new_body.getroottree())

    def container(self, old, new) -> None:
        """Align the blocks of a body or cell by kind and text and mark the differences."""
        olds, news = _blocks(old), _blocks(new)
        matcher = SequenceMatcher(None, [_key(b) for b in olds], [_key(b) for b in news], autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            kinds = SequenceMatcher(None, [b.tag for b in olds[i1:i2]], [b.tag for b in news[j1:j2]], autojunk=False)
            for kind, a1, a2, b1, b2 in kinds.get_opcodes():
                if kind == "equal":
                    for old_block, new_block in zip(olds[i1 + a1 : i1 + a2], news[j1 + b1 : j1 + b2], strict=False):
                        self.pair(old_block, new_block)
                    continue
                for new_block in news[j1 + b1 : j1 + b2]:
                    self.inserted(new_block)
                _place([self.deleted(b) for b in olds[i1 + a1 : i1 + a2]], news, j1 + b1, new)

    def pair(self, old, new) -> None:
        """Mark the differences between two blocks of the same kind."""
        if old.tag == qn("w:tbl"):
            self.table(old, new)
        elif _key(old) == _key(new):
            return
        elif _similar(old, new):
            self.changed(old, new)
        else:
            new.addprevious(self.deleted(old))
            self.inserted(new)

    def table(self, old, new) -> None:
        """Align two tables row by row; rows of the same width are compared cell by cell."""
        olds, news = old.findall(qn("w:tr")), new.findall(qn("w:tr"))
        matcher = SequenceMatcher(None, [_row_key(r) for r in olds], [_row_key(r) for r in news], autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            pairs = list(
                takewhile(
                    lambda rows: len(rows[0].findall(qn("w:tc"))) == len(rows[1].findall(qn("w:tc"))),
                    zip(olds[i1:i2], news[j1:j2], strict=False),
                )
            )
            paired = len(pairs)
            for old_row, new_row in pairs:
                for old_cell, new_cell in zip(old_row.findall(qn("w:tc")), new_row.findall(qn("w:tc")), strict=True):
                    self.container(old_cell, new_cell)
            for new_row in news[j1 + paired : j2]:
                self.inserted(new_row)
            _place([self.deleted(r) for r in olds[i1 + paired : i2]], news, j1 + paired, new)

    def changed(self, old_p, new_p) -> None:
        """Rewrite a changed paragraph as unchanged words, deleted words and inserted words."""
        old_tokens, new_tokens = _tokens(old_p), _tokens(new_p)
        matcher = SequenceMatcher(None, [t.key for t in old_tokens], [t.key for t in new_tokens], autojunk=False)
        content: list = []
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                content += _runs(new_tokens[j1:j2])
                continue
            content += self.wrap("w:del", _runs(old_tokens[i1:i2], deleted=True))
            content += self.wrap("w:ins", _runs(new_tokens[j1:j2]))
        _replace_content(new_p, content)

    def inserted(self, block) -> None:
        """Mark a whole paragraph, table or table row of the new document as inserted."""
        if block.tag == qn("w:p"):
            _replace_content(block, self.wrap("w:ins", _runs(_tokens(block))))
            self.whole.append((block, "w:ins"))
            return
        for p in block.iter(qn("w:p")):
            _replace_content(p, self.wrap("w:ins", _runs(_tokens(p))))
        for row in block.iter(qn("w:tr")):
            _row_properties(row).append(self.mark("w:ins"))

    def deleted(self, old):
        """A copy of an old paragraph, table or row, all deleted (the old package's numbering and breaks left out)."""
        block = copy.deepcopy(old)
        for child in block.xpath(".//w:pPr/w:numPr | .//w:pPr/w:sectPr"):
            child.getparent().remove(child)
        for p in block.iter(qn("w:p")):
            _replace_content(p, self.wrap("w:del", _runs(_tokens(p), deleted=True)))
        if block.tag == qn("w:p"):
            self.whole.append((block, "w:del"))
        for row in block.iter(qn("w:tr")):
            _row_properties(row).append(self.mark("w:del"))
        return block

    def mark_paragraphs(self, tree) -> None:
        """Mark the paragraph mark of every wholly inserted or deleted paragraph, in reading order.

        Word removes a paragraph by joining it to the next one, so a paragraph with no paragraph after it
        (last in a cell or the body, or before a table) cannot lose its own mark. When the changed
        paragraphs before it include one changed the other way, the two become one paragraph (deleted
        and inserted words, unmarked mark); otherwise the nearest unmarked paragraph before them is marked
        instead, and a deleted paragraph takes that paragraph's properties. Accepting all changes then
        gives exactly the new document, and rejecting them the old text.
        """
        order = {p: i for i, p in enumerate(tree.iter(qn("w:p")))}
        for p, tag in sorted(self.whole, key=lambda item: order[item[0]]):
            if _next_is_paragraph(p):
                target = p
            elif (partner := _partner(p, tag)) is not None:
                _join(partner, p, tag)
                continue
            else:
                target = _previous_unmarked(p, tag)
                if target is not p and tag == "w:del":
                    _copy_properties(target, p)
            _paragraph_properties_rpr(target).insert(0, self.mark(tag))


def _similar(old_p, new_p) -> bool:
    """True when a changed paragraph is best shown word by word: a table cell, or at least 40 % of the words kept."""
    if _in_table(old_p) and _in_table(new_p):
        return True
    return SequenceMatcher(None, old_p.text.split(), new_p.text.split(), autojunk=False).ratio() >= 0.4


def _place(elements: list, news: list, position: int, container) -> None:
    """Put deleted blocks or rows where they stood: before the new one at position, else after the last."""
    if not elements:
        return
    if position < len(news):
        for element in elements:
            news[position].addprevious(element)
    elif news:
        anchor = news[-1]
        for element in elements:
            anchor.addnext(element)
            anchor = element
    else:
        section = container.find(qn("w:sectPr"))
        for element in elements:
            if section is not None:
                section.addprevious(element)
            else:
                container.append(element)


def _row_properties(row):
    """A table row's w:trPr, created where the schema wants it."""
    trpr = row.find(qn("w:trPr"))
    if trpr is None:
        trpr = OxmlElement("w:trPr")
        exceptions = row.find(qn("w:tblPrEx"))
        if exceptions is not None:
            exceptions.addnext(trpr)
        else:
            row.insert(0, trpr)
    return trpr


def _paragraph_properties_rpr(p):
    """The w:pPr/w:rPr that holds a paragraph mark's properties, created where the schema wants it."""
    ppr = p.get_or_add_pPr()
    rpr = ppr.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        later = [c for c in ppr if c.tag in (qn("w:sectPr"), qn("w:pPrChange"))]
        if later:
            later[0].addprevious(rpr)
        else:
            ppr.append(rpr)
    return rpr


def _mark_of(block) -> str | None:
    """How a block is wholly changed: "w:ins" or "w:del" on a paragraph's mark or on every row of a table."""
    path = (
        "./w:pPr/w:rPr/w:ins | ./w:pPr/w:rPr/w:del"
        if block.tag == qn("w:p")
        else "./w:tr/w:trPr/w:ins | ./w:tr/w:trPr/w:del"
    )
    tags = {"w:ins" if m.tag == qn("w:ins") else "w:del" for m in block.xpath(path)}
    if block.tag == qn("w:tbl") and len(block.xpath("./w:tr")) != len(block.xpath(path)):
        return None
    return tags.pop() if len(tags) == 1 else None


def _copy_properties(source, p) -> None:
    """Give p a copy of source's paragraph properties."""
    for ppr in p.findall(qn("w:pPr")):
        p.remove(ppr)
    ppr = source.find(qn("w:pPr"))
    if ppr is not None:
        p.insert(0, copy.deepcopy(ppr))


def _changed_before(p):
    """The wholly changed paragraphs and tables right before p, nearest first."""
    previous = p.getprevious()
    while previous is not None and previous.tag in (qn("w:p"), qn("w:tbl")) and _mark_of(previous) is not None:
        yield previous
        previous = previous.getprevious()


def _partner(p, tag: str):
    """The nearest paragraph changed the other way among the wholly changed blocks right before p, if any."""
    return next((b for b in _changed_before(p) if b.tag == qn("w:p") and _mark_of(b) != tag), None)


def _join(partner, p, tag: str) -> None:
    """Let p hold its own and its partner's changed words, with the inserted one's properties; drop the partner."""
    deleted, inserted = (p, partner) if tag == "w:del" else (partner, p)
    content = [c for c in deleted if c.tag != qn("w:pPr")] + [c for c in inserted if c.tag != qn("w:pPr")]
    if inserted is partner:
        _copy_properties(partner, p)
        for mark in p.xpath("./w:pPr/w:rPr/w:ins | ./w:pPr/w:rPr/w:del"):
            mark.getparent().remove(mark)
    _replace_content(p, content)
    partner.getparent().remove(partner)


def _next_is_paragraph(p) -> bool:
    following = p.getnext()
    return following is not None and following.tag == qn("w:p")


def _previous_unmarked(p, tag: str):
    """The unmarked paragraph right before the paragraphs changed like p that precede p; p itself when there is none."""
    run = list(_changed_before(p))
    if any(b.tag != qn("w:p") or _mark_of(b) != tag for b in run):
        return p
    before = (run[-1] if run else p).getprevious()
    return before if before is not None and before.tag == qn("w:p") else p


def tracked_changes(old: Path | None, new: Path, moment: datetime) -> bytes:
    """The new DOCX with every difference from the old one as a tracked change (author reportgen, the given date)."""
    new_document = open_docx(new)
    old_body = open_docx(old).element.body if old else OxmlElement("w:body")
    _TrackedChanges(moment).document(old_body, new_document.element.body)
    part = new_document.part
    return _replace_part(new.read_bytes(), part.partname.lstrip("/"), part.blob)


def _replace_part(package: bytes, name: str, content: bytes) -> bytes:
    """The zip package with one part replaced; entry order and dates are kept, so the result is reproducible."""
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(package)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, content if info.filename == name else source.read(info.filename))
    return out.getvalue()
