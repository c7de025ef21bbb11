"""Table rows as the reader can read them: each cell after its column's header.

A table reaches the corpus as lines of cells between "|": a Markdown table, an HTML page's table
(trafilatura writes it the same way), a Word table (``retrieval.formats``: "| a | b | c |"). Read
as it stands, "| Day pass | $7.00 | $8.00 |" tells the reader nothing of which price is the new
one: "How much will a day pass cost?" was answered "$7.00 | $8.00", "What is the new price of a
single ticket?" with the current price. ``view`` gives the reader each data row of a passage as

    The current price of Day pass is $7.00. The new price of Day pass is $8.00.

(the first cell names the row, the header row names the columns). When the question names one
column's header better than the others ("What is the new price ...?"), only that column is written
(``asked_columns``): the reader told "current price" from "new price" no better than by chance
when both sentences stood side by side. The cells are the document's own characters; the header
labels and joining words are added (``View.doc_at`` is None there), and ``map_spans`` keeps only
the reader's spans that lie within the document's characters, mapped back to offsets in the
passage, so answers and citations stay the document's text. The header is the table's first row
(the line before a Markdown separator row such as "|---|---|", or a Word table's first row); the
separator and header rows are left out of the view, and a row without a header (a table of one
row) or with another number of cells than its header is read as it stands.

A list of fields is read the same way: lines of "label: value" ("Salary: £48,500 to £53,200 a
year", "- Adults: £12", a timeline's "2021: appeal launched"), two or more in a row, each get a
full stop after the value where it has none (``field_at``). Read as they stand, a field's value ran on into the next line's label: "How
much is an adult ticket?" got "£12\n- Concessions", "What is the salary?" got "£48,500 to £53,200 a
year\nContract"; with the stop ("Adults: £12.") the reader keeps to one field, and a span across
the added stop is dropped like one across a header label. When the question names one field by its
whole label (``asked_field``: "How much is a weekend ticket?" names "Weekend ticket", not "Day
ticket"), the list's other fields are left out, as a table's other rows are.

Only the reader's input changes: retrieval indexes the rows as written, and nothing is changed when
a passage holds no table row or list of fields. Not handled: cells that span columns, tables laid
out with spaces (PDF), nested tables, a field whose value runs over several lines."""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from statementqa.retrieval.formats import BULLET_OR_NUMBER
from statementqa.retrieval.lexical import terms
from statementqa.retrieval.quotes import contexts
from statementqa.retrieval.segment import TABLE_SEPARATOR
from statementqa.retrieval.types import Document, Passage

from .model import ReadOut, Span

# "label: value" on one line, after an optional bullet or number: a label of at most 60 characters
# that starts with a letter or digit ("2021: appeal launched") and holds no colon or sentence end,
# then a value.
_FIELD = re.compile(rf"^\s*(?:(?:{BULLET_OR_NUMBER})\s+)?([^\W_][^:\n]{{0,59}}?):[ \t]+\S")
_ENDS = ".!?…"


def _field(line: str) -> re.Match[str] | None:
    """The match of a "label: value" line (its label is group 1), or None for another line."""
    m = _FIELD.match(line)
    return None if m is None or ". " in m.group(1) or "|" in line else m


def field_start(line: str) -> int | None:
    """Where the label of a "label: value" line starts (after its bullet), or None for another line."""
    m = _field(line)
    return None if m is None else m.start(1)


def field_at(text: str, la: int, lb: int) -> int | None:
    """The label's offset when the line ``text[la:lb]`` is a field of a list of fields (the line before
    or after it is a field too), else None."""
    at = field_start(text[la:lb])
    if at is None:
        return None
    prev_a = text.rfind("\n", 0, max(la - 1, 0)) + 1 if la > 0 else None
    if prev_a is not None and field_start(text[prev_a : la - 1]) is not None:
        return la + at
    nb = text.find("\n", lb + 1)
    if lb < len(text) and field_start(text[lb + 1 : len(text) if nb < 0 else nb]) is not None:
        return la + at
    return None


_PAREN = re.compile(r"\([^()]*\)")  # "Family ticket (two adults and ...)": the label names a family ticket


def asked_field(question: str, labels: Sequence[str]) -> int | None:
    """The field (0, 1, ...) whose label the question names, every word of it: "How much is a weekend
    ticket?" names "Weekend ticket" of "Weekend ticket" / "Day ticket" / "Camping". A label's words
    in brackets do not count ("Family ticket (two adults and up to three children)" is named by
    "family ticket"). None when the question names no label whole, or several alike (``asked_rows``'
    rule: only words found in at most half of the labels tell them apart): "How much is a ticket for
    a school group?" names only "ticket" of "Family ticket" and reads every field."""
    if not question or len(labels) < 2:
        return None
    bare = [_PAREN.sub(" ", label) for label in labels]
    named = asked_rows(question, [(b,) for b in bare])
    if not named:
        return None
    i = next(iter(named))
    return i if set(terms([bare[i]])[0]) <= set(terms([question])[0]) else None


def _fields(text: str, first: int) -> tuple[list[int], list[str]]:
    """Line starts and labels of the list of fields whose first line starts at ``first``."""
    lines = block_lines(text, first, _is_field)
    return [a for a, _ in lines], [m.group(1) for a, b in lines if (m := _field(text[a:b])) is not None]


def is_separator(line: str) -> bool:
    """A Markdown table's separator row ("|---|:---:|")."""
    return bool(TABLE_SEPARATOR.match(line))


def is_row(line: str) -> bool:
    """The line (a sentence's text) is a table row or separator row."""
    return "|" in line and (is_separator(line) or cells(line, 0, len(line)) is not None)


def cells(text: str, start: int, end: int) -> list[tuple[int, int]] | None:
    """The cells of the line ``text[start:end]`` as (start, end) offsets, stripped of spaces, when it is
    a table row: at least two cells between "|" marks (the outer marks may be missing); else None."""
    line = text[start:end]
    if line.count("|") < 1 or is_separator(line):
        return None
    inner_a, inner_b = 0, len(line)
    stripped = line.strip()
    lead = len(line) - len(line.lstrip())
    if stripped.startswith("|"):
        inner_a = lead + 1
    if stripped.endswith("|") and len(stripped) > 1:
        inner_b = lead + len(stripped) - 1
    if not stripped.startswith("|") and line.count("|") < 2:
        return None  # "a | b" alone is no table row: Word rows have three cells or a table around them
    out: list[tuple[int, int]] = []
    pos = inner_a
    for piece in line[inner_a:inner_b].split("|"):
        a, b = pos, pos + len(piece)
        while a < b and line[a].isspace():
            a += 1
        while b > a and line[b - 1].isspace():
            b -= 1
        out.append((start + a, start + b))
        pos += len(piece) + 1
    return out if len(out) >= 2 else None


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of each line of ``text`` that overlaps [start, end), without its line break."""
    a = text.rfind("\n", 0, start) + 1
    out = []
    while a < end:
        b = text.find("\n", a)
        b = len(text) if b < 0 else b
        out.append((a, b))
        a = b + 1
    return out


def block_start(text: str, la: int, member: Callable[[str], bool] = is_row) -> int:
    """Offset of the first line of the block of table lines (rows and separators; with ``member``, of
    the lines it accepts) that holds the line at ``la``."""
    while la > 0:
        pb = la - 1
        pa = text.rfind("\n", 0, pb) + 1
        if not member(text[pa:pb]):
            break
        la = pa
    return la


def block_lines(text: str, la: int, member: Callable[[str], bool] = is_row) -> list[tuple[int, int]]:
    """(start, end) of each line of the block that holds the line at ``la`` (``block_start``'s block:
    table lines, or the lines ``member`` accepts), first line first, without line breaks."""
    out = []
    a = block_start(text, la, member)
    while a < len(text):
        b = text.find("\n", a)
        b = len(text) if b < 0 else b
        if not member(text[a:b]):
            break
        out.append((a, b))
        a = b + 1
    return out


def _is_field(line: str) -> bool:
    return field_start(line) is not None


def header_of(text: str, la: int) -> list[str] | None:
    """The header labels for the row at ``la``: the cells of its table's first row (the line before a
    Markdown separator, or a Word table's first row); None for the first row itself."""
    a = block_start(text, la)
    if a == la:
        return None
    b = text.find("\n", a)
    head = cells(text, a, len(text) if b < 0 else b)
    return [text[x:y] for x, y in head] if head else None


@dataclass(frozen=True)
class View:
    """What the reader reads for one passage, and where each of its characters is in the passage."""
    text: str
    doc_at: tuple[int | None, ...]  # passage offset of each character of ``text``; None: added here


def asked_columns(question: str, head: Sequence[str]) -> frozenset[int] | None:
    """The value columns (1, 2, ...) whose header names the question's words best ("new price" of
    "Current price" / "New price": the one with both words), when that is fewer than all of them;
    None when the question names no header, or all alike."""
    return _asked_columns(question, tuple(head)) if question else None


@lru_cache(maxsize=256)
def _asked_columns(question: str, head: tuple[str, ...]) -> frozenset[int] | None:
    q = set(terms([question])[0])
    score = {j: len(set(terms([h])[0]) & q) for j, h in enumerate(head) if j > 0}
    best = max(score.values(), default=0)
    chosen = frozenset(j for j, n in score.items() if n == best)
    return chosen if best > 0 and len(chosen) < len(score) else None


def asked_rows(question: str, rows: Sequence[Sequence[str]]) -> dict[int, frozenset[int]] | None:
    """The data row (0, 1, ... below the header) that the question names by a cell's words, with the
    columns of the cells that name it: "How many votes did the Labour candidate get?" names the row
    whose party is "Labour Party" and no other. Only words found in the cells of at most half of the
    rows count ("party" of "Green Party", "Labour Party", "Conservative Party" names no row); the row
    with the most such words wins. None when the question names no row, or several alike: "How much
    does a monthly pass cost for seniors?" names "Monthly pass" and "Student monthly pass" alike, and
    with the other rows left out the reader answered it (there is no seniors' fare) where it had
    abstained."""
    if not question or len(rows) < 2:
        return None
    return _asked_rows(question, tuple(tuple(r) for r in rows))


@lru_cache(maxsize=256)
def _asked_rows(question: str, rows: tuple[tuple[str, ...], ...]) -> dict[int, frozenset[int]] | None:
    q = set(terms([question])[0])
    cell_terms = [[set(terms([c])[0]) & q for c in row] for row in rows]
    in_rows: dict[str, int] = {}
    for row in cell_terms:
        for t in set().union(*row):
            in_rows[t] = in_rows.get(t, 0) + 1
    telling = {t for t, n in in_rows.items() if 2 * n <= len(rows)}
    score = [len(set().union(*row) & telling) for row in cell_terms]
    best = max(score)
    chosen = [i for i, n in enumerate(score) if n == best]
    if best == 0 or len(chosen) > 1:
        return None
    i = chosen[0]
    return {i: frozenset(j for j, c in enumerate(cell_terms[i]) if c & telling)}


def _data_rows(text: str, la: int) -> tuple[tuple[int, ...], tuple[tuple[str, ...], ...]]:
    """Line starts and cell texts of the data rows of the table whose block holds the line at ``la``
    (the rows below its header, separators left out)."""
    starts, rows = [], []
    for a, b in block_lines(text, la)[1:]:  # the first line is the header
        row = None if is_separator(text[a:b]) else cells(text, a, b)
        if row is not None:
            starts.append(a)
            rows.append(tuple(text[x:y] for x, y in row))
    return tuple(starts), tuple(rows)


def view(doc_text: str, passage: Passage, question: str = "") -> View | None:
    """The passage with its table rows written as sentences and its fields ended with a full stop
    (see the module), or None when it holds neither a table row with a header nor a list of fields.
    With ``question``, a row gives only the columns whose header the question names best
    (``asked_columns``): the reader told "current price" from "new price" no better than by chance
    when both sentences stood side by side. When the question names one row of the table by its
    cells' words (``asked_rows``: "the Labour candidate"), the other rows are left out and that row
    also gives the cells that name it: beside "The votes of Janet Ellwood is 968." the reader took
    the first row's votes for the Labour candidate's. When it names one field of a list by its whole
    label (``asked_field``), the list's other fields are left out."""
    parts: list[tuple[str, int | None]] = []  # (text, passage offset of its first char or None)
    changed = False
    tables: dict[int, tuple[tuple[int, ...], dict[int, frozenset[int]] | None]] = {}
    fields: dict[int, int | None] = {}  # a list of fields' first line -> the line of the field the question names
    for la, lb in _lines(doc_text, passage.start, passage.end):
        a, b = max(la, passage.start), min(lb, passage.end)
        line = doc_text[la:lb]
        whole = a <= la + len(line) - len(line.lstrip()) and b >= la + len(line.rstrip())  # the passage holds all of it
        row = cells(doc_text, la, lb) if whole else None
        head = header_of(doc_text, la) if row is not None else None
        if whole and is_separator(line):
            changed = True
            continue
        if row is not None and head is None and _is_header(doc_text, la, lb):
            changed = True
            continue
        if row is None:
            field = field_at(doc_text, la, lb)
            value_end = la + len(line.rstrip())
            if field is not None and a <= field and b >= value_end:
                if question:
                    first = block_start(doc_text, la, _is_field)
                    if first not in fields:
                        starts, labels = _fields(doc_text, first)
                        i = asked_field(question, labels)
                        fields[first] = None if i is None else starts[i]
                    if fields[first] is not None and fields[first] != la:
                        changed = True
                        continue  # a field the question does not name (its line break goes too)
                stop = line.rstrip()[-1] not in _ENDS
                changed = changed or stop
                parts.append((doc_text[a:value_end], a - passage.start))
                if stop:
                    parts.append((".", None))
                if b > value_end:
                    parts.append((doc_text[value_end:b], value_end - passage.start))
                parts.append(("\n", None))
                continue
        if row is None or head is None or len(head) != len(row):
            parts.append((doc_text[a:b], a - passage.start))
        else:
            changed = True
            columns = asked_columns(question, head)
            if question:
                bs = block_start(doc_text, la)
                if bs not in tables:
                    starts, rows = _data_rows(doc_text, la)
                    tables[bs] = (starts, asked_rows(question, rows))
                starts, named = tables[bs]
                if named is not None and la in starts:
                    i = starts.index(la)
                    if i not in named:
                        continue  # a row the question does not name (its line break goes too)
                    if columns is not None:
                        columns = columns | named[i]
            parts.extend(_row(doc_text, row, head, passage.start, columns))
        parts.append(("\n", None))
    if not changed:
        return None
    at: list[int | None] = []
    for piece, off in parts:
        at.extend([None] * len(piece) if off is None else range(off, off + len(piece)))
    text = "".join(piece for piece, _ in parts).rstrip("\n")
    return View(text, tuple(at[: len(text)]))


def _row(text: str, row: list[tuple[int, int]], head: list[str], base: int,
         columns: frozenset[int] | None = None) -> list[tuple[str, int | None]]:
    """One data row as sentences that each name the row by its first cell: "The current price of Day
    pass is $7.00. The new price of Day pass is $8.00." (the cells copied, with their passage
    offsets); only ``columns`` when given."""
    (ka, kb), out = row[0], []
    for j, ((x, y), label) in enumerate(zip(row[1:], head[1:]), start=1):
        if x == y or (columns is not None and j not in columns):
            continue
        if ka < kb and label:
            out += [(f"The {label.lower()} of ", None), (text[ka:kb], ka - base), (" is ", None)]
        elif ka < kb:
            out += [(text[ka:kb], ka - base), (": ", None)]
        elif label:
            out += [(f"The {label.lower()} is ", None)]
        out += [(text[x:y], x - base), (". ", None)]
    return out


def _is_header(text: str, la: int, lb: int) -> bool:
    """The row at [la, lb) is its table's first row and a row or a separator follows it."""
    if block_start(text, la) != la or lb >= len(text):
        return False
    nb = text.find("\n", lb + 1)
    return is_row(text[lb + 1 : len(text) if nb < 0 else nb])


def map_spans(out: ReadOut, views: Sequence[View | None]) -> ReadOut:
    """The reader's spans over the views, in passage offsets; a span that touches an added character
    (a header label, a joining mark) is dropped."""
    def back(s: Span) -> Span | None:
        v = views[s.passage]
        if v is None:
            return s
        if s.start >= s.end or s.end > len(v.doc_at):
            return None
        at = v.doc_at[s.start : s.end]
        if any(x is None for x in at):
            return None
        first, last = at[0], at[-1]
        assert first is not None and last is not None
        if last - first != len(at) - 1:
            return None  # across a left-out row
        return Span(s.passage, first, last + 1, s.score, s.null_score, s.answerability)

    def keep(spans: list[Span]) -> list[Span]:
        return [m for m in (back(s) for s in spans) if m is not None]

    return ReadOut(keep(out.spans), keep(out.alternatives))


def read(reader, question: str, passages: Sequence[Passage], docs: Mapping[str, Document]) -> ReadOut:
    """``reader.read`` over the passages, each with its speaker context (``retrieval.quotes``) and with
    its table rows and fields as ``view`` writes them; spans in passage offsets (``map_spans``)."""
    ctx = contexts(passages, docs)
    views = [view(docs[p.doc_id].text, p, question) if ("|" in p.text or ":" in p.text) and p.doc_id in docs else None
             for p in passages]
    if not any(views):
        return reader.read(question, list(passages), ctx)
    texts = [v.text if v is not None else p.text for p, v in zip(passages, views)]
    return map_spans(reader.read(question, texts, ctx), views)
