"""Answer assembly: turn the reader's best span into an ``Answer`` with calibrated confidence,
an abstention decision and sentence citations.

* confidence = sigmoid(a * (span score - null score) + b), Platt scaling fitted on held-out
  SQuAD questions by ``eval.calibrate`` ("right" = F1 >= 0.5 against the gold answer, an
  answer to an unanswerable question is wrong); without a calibration file a = 1, b = 0;
* abstain when confidence < threshold (tuned for best F1 on the same held-out part);
* which span: by default the reader's best-scoring usable span over all passages. With a
  ``retrieval_weight`` w > 0 in the calibration (and the retrieval's sentence ranking given),
  each passage's span is ranked by (span score - null score) + w / (1 + r), r = the best rank
  among the sentences the span lies in (0 = the top retrieved sentence; no bonus when retrieval
  did not rank them): the reader's preference and retrieval's agreement in one score, as in
  BERTserini (Yang et al. 2019) but on the sentence, so that of two spans the reader scores alike
  the one in the sentence retrieval found wins;
* citations: every sentence the answer span overlaps (a span across sentences cites all of
  them); an answer inside list items also cites the list's lead-in sentence. The answer span
  always lies inside the cited sentences' extent (tested);
* a time answer on the other side of now from the question's tense ("When will ...?" answered
  "last summer"), or a place told of in a clause on the other side ("Where did the meeting take
  place?" answered from "... is planned for September in Hollow Bay"), gives way to the reader's
  best other span that does not clash (its own confidence, which may abstain), or the question
  abstains (``reader.tense``);
* an answer to "When did/will ...?" with no time in it ("no one was killed") gives way the same
  way (``reader.timetype``), so does one taken from the document's dateline while the question does
  not ask when the document came out (``reader.dateline``), a "Where" answer that is nothing but a
  time (``reader.place``),
  an answer to "How many ...?" that is a sum of money or has no number (``reader.counts``), an
  e-mail address or telephone number asked for that is none (``reader.contacts``), and one whose
  sentences speak of another owner's same thing than the question's ("Fiji's Minister of
  Fisheries" for "Samoa's fisheries minister", ``reader.owner``);
  a time answer followed at once by "before", "later", "ago" ... and a punctuation mark takes that
  word ("the evening before");
* a span inside a question of the document ("Can I get a refund?", an FAQ's heading) gives way
  the same way, unless the user asks about questions ("What did the reporter ask?");
* when a retrieved document asks the user's question in nearly the same words (an FAQ's heading, a
  reporter's question in a briefing's transcript), the reader's best usable span in what follows
  that question wins over spans elsewhere, with its own confidence (``reader.echo``);
* a "Where" question's answer that is a thing plus its place ("ministers in San Salvador") is cut
  to the place (``reader.place``); a "When does it start?" answer that is a range of times to the
  end asked for (``reader.ranges``); an answer that is one of three or more coordinated phrases
  with the same preposition ("for A, for B and for C") grows to all of them (``reader.conjuncts``);
  the number that opens a vote's tally grows to the whole tally for a question about a vote
  ("four votes to three", ``reader.tally``); an answer that cuts an e-mail or web address grows
  to the whole address, and one that stops at "p.m" takes its dot (``reader.wholeword``);
* a span from a retrieved document that never mentions what the question names, while another
  retrieved document is about it, gives way like a clashing one (``reader.focus``);
* a question naming something the answer's document never mentions ("Which agency of Guatemala
  ...?" over a statement without "Guatemala", ``reader.names``) abstains whatever the confidence
  (capped below the "may answer" band) and says which names are missing (``not_mentioned``);
* when abstaining, the best retrieved sentences come back as ``related``, never as citations;
* the middle ground: when abstaining although the reader's best candidate has at least half the
  abstention threshold's confidence (``MAYBE_SHARE``) and lies in the top retrieved sentence, that
  sentence comes back as ``maybe`` ("not sure - this sentence may answer it"): retrieval and the
  reader agree on where an answer would be, but the reader is not sure of it.

This module does no retrieval and runs no model.
"""
from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from statementqa.retrieval.formats import page_of
from statementqa.retrieval.quotes import balance_quotes, cached_quotes
from statementqa.retrieval.types import Answer, Citation, Document, DocumentIndex, Passage, Sentence

from .change import new_value
from .conjuncts import coordinated
from .contacts import not_a_contact
from .counts import not_a_cost, not_a_count
from .dateline import not_from_dateline
from .echo import echo_regions, inside, is_question
from .focus import off_topic
from .model import ReadOut, Span
from .names import mentionable_text, unknown_names
from .owner import other_owner
from .place import not_a_place, place_span
from .questionform import question_form
from .ranges import range_part, whole_range
from .tables import is_row
from .tally import whole_tally
from .tense import asks_for_time, asks_place, asks_yes_no, clashes, clause_before, document_date
from .timetype import not_a_time, trailing_adverb
from .whois import description_span, only_the_name
from .wholeword import abbreviation_dot, whole_address

DEFAULT_CALIBRATION = {"a": 1.0, "b": 0.0, "threshold": 0.5}
MAYBE_SHARE = 0.5  # "may answer" from this share of the abstention threshold up
_TRIM = " \t\r\n-–—•*"


def confidence(score_diff: float, calib: dict) -> float:
    z = calib.get("a", 1.0) * score_diff + calib.get("b", 0.0)
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


def _cite(s: Sentence, index: DocumentIndex | None = None) -> Citation:
    doc = index.docs.get(s.doc_id) if index is not None else None
    page = page_of(doc.meta, s.start) if doc is not None else None
    return Citation(s.doc_id, s.idx, s.start, s.end, s.text, page)


def overlapping(sentences: list[Sentence], start: int, end: int) -> list[Sentence]:
    """The non-boilerplate sentences that overlap [start, end). ``sentences`` is one document's, in
    order and non-overlapping (as ``retrieval.segment`` cuts them), so two binary searches find the
    range: O(log n) per span, not a scan of the document (a 10k-sentence book is read often)."""
    lo = bisect_right(sentences, start, key=lambda s: s.end)  # first sentence ending after start
    hi = bisect_left(sentences, end, key=lambda s: s.start, lo=lo)  # first one starting at or after end
    return [s for s in sentences[lo:hi] if not s.boilerplate]  # every one in the range overlaps


def sentences_for_span(sentences: list[Sentence], start: int, end: int) -> list[Sentence]:
    """Citable sentences overlapping [start, end) in document coordinates, plus the lead-in of a list
    or the header row of a table."""
    hit = overlapping(sentences, start, end)
    if hit and is_row(hit[0].text):  # a table row: its table's header row too (reader.tables)
        i = hit[0].idx
        while i > 0 and is_row(sentences[i - 1].text):
            i -= 1
        if i < hit[0].idx and not sentences[i].boilerplate:
            hit.insert(0, sentences[i])
    if hit and hit[0].list_item:
        i = hit[0].idx - 1
        while i >= 0 and sentences[i].list_item:
            i -= 1
        if i >= 0 and sentences[i].text.rstrip().endswith(":") and not sentences[i].boilerplate:
            hit.insert(0, sentences[i])
    return hit


_OPENING_MARKS = re.compile(r"\n[ \t]*[*_]{1,3}$")  # a span's end that is only the next line's opening emphasis marks
_HEADING = re.compile(r"#{1,6}[ \t]+")  # a Markdown heading's marker ("## Cost and funding"); not "#1" or "#MeToo"


def trim_span(text: str, a: int, b: int) -> tuple[int, int]:
    """Drop whitespace, list markers and a Markdown heading's "#" marks at the ends of a span, and at
    its end the opening emphasis marks of a line it runs into ("Hanna Lund\n\n*")."""
    while a < b:
        while a < b and text[a] in _TRIM:
            a += 1
        m = _HEADING.match(text, a, b)
        if m is None:
            break
        a = m.end()
    while b > a and text[b - 1] in " \t\r\n":
        b -= 1
    while (m := _OPENING_MARKS.search(text, a, b)) is not None and m.start() > a:  # "Hanna Lund\n\n*"
        b = m.start()
        while b > a and text[b - 1] in " \t\r\n":
            b -= 1
    return a, b


_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def one_paragraph(text: str, a: int, b: int) -> tuple[int, int]:
    """A span that runs across a blank line cut to its longest paragraph: "Hedda\n\nThe National
    Weather Service" (a title's last word, then the first words of the text below it) for "Who issued
    the warning?" -> "The National Weather Service". An answer is a phrase, and a phrase does not
    run from one paragraph into the next (SQuAD's paragraphs hold no line breaks, so the reader never
    learnt that)."""
    cuts = [m.span() for m in _BLANK_LINE.finditer(text, a, b)]
    if not cuts:
        return a, b
    edges = [a, *[x for c in cuts for x in c], b]
    pieces = [trim_span(text, edges[i], edges[i + 1]) for i in range(0, len(edges), 2)]
    return max(pieces, key=lambda ab: ab[1] - ab[0])


@dataclass
class Located:
    """The reader's best usable span, in document coordinates."""

    doc_id: str
    start: int
    end: int
    sentences: list[Sentence]
    score_diff: float  # span score - null score of the same feature
    answerability: float = 0.0  # the answerability head's logit of that feature (0 without a head)


def _bonus(index: DocumentIndex, doc_id: str, a: int, b: int, rank: dict[tuple[str, int], int]) -> float:
    """1 / (1 + r) for the best retrieval rank r of the sentences [a, b) overlaps; 0 when none is ranked."""
    r = [rank[(doc_id, s.idx)] for s in overlapping(index.all_sentences[doc_id], a, b) if (doc_id, s.idx) in rank]
    return 1.0 / (1 + min(r)) if r else 0.0


def _order(passages: list[Passage], out: ReadOut, index: DocumentIndex, ranked: Sequence[Sentence] | None,
           weight: float) -> list[Span]:
    """The reader's spans in the order ``locate`` tries them (see the module docstring)."""
    if weight <= 0 or not ranked:
        return list(out.spans)
    rank: dict[tuple[str, int], int] = {}
    for r, s in enumerate(ranked):
        rank.setdefault((s.doc_id, s.idx), r)

    def key(span: Span) -> float:
        p = passages[span.passage]
        return span.score - span.null_score + weight * _bonus(index, p.doc_id, p.start + span.start, p.start + span.end, rank)

    return sorted(out.spans, key=key, reverse=True)


def locate(passages: list[Passage], out: ReadOut, index: DocumentIndex, ranked: Sequence[Sentence] | None = None,
           weight: float = 0.0, accept: Callable[[Document, int, int], bool] | None = None) -> Located | None:
    """Best span that falls inside citable sentences (spans in boilerplate/whitespace are skipped);
    ``ranked`` (retrieval's sentences, best first) and ``weight``: see the module docstring;
    ``accept(document, start, end)``: only an answer it accepts is located."""
    for span in _order(passages, out, index, ranked, weight):
        p = passages[span.passage]
        doc = index.docs[p.doc_id].text
        a, b = trim_span(doc, p.start + span.start, p.start + span.end)
        doc_sents = index.all_sentences[p.doc_id]
        over = overlapping(doc_sents, a, b)
        if a >= b or not over:
            continue
        a, b = balance_quotes(doc, a, b, cached_quotes(doc))
        # Clip to the overlapped sentences so the answer never shows text no citation covers.
        a, b = max(a, over[0].start), min(b, over[-1].end)
        if accept is not None and not accept(index.docs[p.doc_id], a, b):
            continue
        return Located(p.doc_id, a, b, sentences_for_span(doc_sents, a, b), span.score - span.null_score, span.answerability)
    return None


_ABOUT_QUESTIONS = re.compile(r"\b(?:ask|asks|asked|asking|question|questions|wonder|wonders|wondered|inquire[sd]?|enquire[sd]?)\b", re.I)


def splits_list_items(over: Sequence[Sentence], a: int, b: int) -> bool:
    """A span over two or more sentences, one a list item, that does not run from the start of its
    first item to the end of its last ("scheme\n- Mobile clinics" of "- Pharmacies taking part in
    the scheme\n- Mobile clinics visiting rural villages"; "three places:\n- Family doctors'
    practices" from a lead-in into an item; "Border Security\nMinisters agreed" out of the list).
    Whole items pass ("Countering ...\n- Expanding ..."), after part of the lead-in too ("four
    distinct areas of collaboration:\n- Combatting ...\n- ...")."""
    if len(over) < 2 or not any(s.list_item for s in over):
        return False
    first = next(i for i, s in enumerate(over) if s.list_item)
    whole = (first > 0 or a <= over[0].start) and b >= over[-1].end
    return not (whole and all(s.list_item for s in over[first:]))


def with_neighbours(text: str, a: int, b: int) -> str:
    """``text[a:b]`` with the two words before it and the word after it, on the same line ("summer"
    as "called for ... last summer", "week" as "the last week": an ordinal, not a past time)."""
    before = re.search(r"(?:[^\s]+[^\S\n]+){1,2}$", text[max(0, a - 60) : a])
    after = re.match(r"[^\S\n]+[^\s]+", text[b : b + 40])
    return text[a - len(before.group(0)) if before else a : b + (len(after.group(0)) if after else 0)]


def assemble(question: str, passages: list[Passage], out: ReadOut, index: DocumentIndex, calib: dict | None = None,
             related: list[Sentence] | None = None, threshold: float | None = None, may_answer: bool = True,
             ranked: Sequence[Sentence] | None = None, check_names: bool = True, read_as: str = "") -> Answer:
    """``related``: the top retrieved sentences (shown when abstaining); ``ranked``: retrieval's whole
    sentence ranking, for the calibration's ``retrieval_weight`` (None: the reader alone picks);
    ``check_names``: abstain when the question names what the answer's document never mentions;
    ``read_as``: the question as the reader read it (typing mistakes corrected), which the rules
    read; default: the typed question's form (``questionform``)."""
    calib = {**DEFAULT_CALIBRATION, **(calib or {})}
    thr = calib["threshold"] if threshold is None else threshold
    related_c = [_cite(s, index) for s in (related or [])[:3]]
    weight = float(calib.get("retrieval_weight", 0.0))
    loc = locate(passages, out, index, ranked, weight)
    if loc is None:
        return Answer(question, "", 0.0, True, [], related_c)
    read = read_as or question_form(question)  # the rules read the question as the reader did ("can you tell me where ...")
    text = index.docs[loc.doc_id].text[loc.start : loc.end]

    # documents that never mention what the question names while another retrieved one is about it (reader.focus)
    ids = {p.doc_id for p in passages}  # one document (the usual case): nothing to compare, no text to build
    elsewhere = off_topic(read, {d: mentionable_text(index.docs[d]) for d in ids}, [p.doc_id for p in passages],
                          {d: index.docs[d].title for d in ids}) if len(ids) > 1 else frozenset()
    place = asks_place(read)  # a place is dated by its clause, a time by its neighbouring words (reader.tense)
    yes_no = asks_yes_no(read)
    asks_about_questions = bool(_ABOUT_QUESTIONS.search(read))

    def usable(doc: Document, a: int, b: int) -> bool:
        """The span agrees with the question's tense: the span with the words either side of it
        ("summer" read as "last summer"), or for a place its clause ("... is planned for September in
        Hollow Bay"), dates against the day its document was written (reader.tense); and it is not
        inside a question of the document ("Can I get a refund?" heading an FAQ's answer) unless the
        user asks about questions; it does not cut across list items (``splits_list_items``); and its
        document is not off topic (it mentions a thing the question names, or no other retrieved
        document is about one: ``reader.focus.off_topic``)."""
        if doc.doc_id in elsewhere:
            return False
        over = overlapping(index.all_sentences[doc.doc_id], a, b)
        sentences = " ".join(x.text for x in over)
        written = document_date(doc.meta)
        if place:
            told = clause_before(doc.text, over[0].start if over else a, a, b)
        else:  # a yes/no question's answer is its sentence ("Was it signed the following month?")
            told = sentences if yes_no and over else with_neighbours(doc.text, a, b)
        if clashes(read, told, written, sentences) or splits_list_items(over, *trim_span(doc.text, a, b)):
            return False
        span = doc.text[a:b]
        if not_a_time(read, span):  # "When did it happen?" - "no one was killed" (reader.timetype)
            return False
        if not_from_dateline(read, [x.text for x in over], written):  # "9 December 2026" (reader.dateline)
            return False
        if not_a_place(read, span):  # "Where will the march start?" - "April 1" (reader.place)
            return False
        if not_a_contact(read, span):  # "What is the email address?" - "Caldera City" (reader.contacts)
            return False
        if not_a_count(read, span):  # "How many patrol boats?" - "$18 million" (reader.counts)
            return False
        if not_a_cost(read, span):  # "How much did the locomotives cost?" - "7 per cent" (reader.counts)
            return False
        if only_the_name(read, span):  # "Who is Tobias Lange?" - "Dr Tobias Lange" (reader.whois)
            return False
        if other_owner(read, sentences):  # "Samoa's minister?" - "Fiji's Minister" (reader.owner)
            return False
        return asks_about_questions or not all(is_question(x.text) for x in over)

    # the document asks the question itself (an FAQ, a briefing's reporter): the answer follows it (reader.echo)
    regions = [] if asks_about_questions else echo_regions(read, {d: index.all_sentences[d] for d in ids},
                                                           {d: index.docs[d].text for d in ids})
    every = ReadOut(sorted([*out.spans, *out.alternatives], key=lambda s: -s.score))  # each passage's next spans too
    if regions and not inside(regions, loc.doc_id, loc.start, loc.end):
        found = locate(passages, every, index, ranked, weight,
                       accept=lambda doc, a, b: inside(regions, doc.doc_id, a, b) and usable(doc, a, b))
        loc = found or loc
    if not usable(index.docs[loc.doc_id], loc.start, loc.end):  # "last summer" for "When will ...?", an FAQ's question
        loc = locate(passages, every, index, ranked, weight, accept=usable)
        if loc is None:
            return Answer(question, "", 0.0, True, [], related_c, candidate=text)
    conf = confidence(loc.score_diff, calib)
    doc = index.docs[loc.doc_id]
    text = doc.text[loc.start : loc.end]
    # "Where ...?": "ministers in San Salvador" -> "San Salvador" (reader.place); "When does it start?":
    # "October 14 to December 20" -> "October 14" (reader.ranges); one of three coordinated groups -> all
    # three (reader.conjuncts); one end of a range -> the range, for "What are the opening hours?" (reader.ranges);
    # "Who is Tobias Lange?": "Dr Tobias Lange, a co-author of the study" -> "a co-author of the study" (reader.whois)
    cut = place_span(read, text) or range_part(read, text) or description_span(read, text)
    paragraph = one_paragraph(doc.text, loc.start, loc.end)  # "Hedda\n\nThe National Weather Service" -> its longer part
    if cut is not None:
        cut = loc.start + cut[0], loc.start + cut[1]
    elif paragraph != (loc.start, loc.end):
        cut = paragraph
    elif len(loc.sentences) == 1:  # "everyone aged 65 or older" of "for A, for B and for C" (reader.conjuncts)
        cut = coordinated(read, doc.text, loc.start, loc.end, loc.sentences[0].start, loc.sentences[0].end)
    a, b = cut or whole_range(read, doc.text, loc.start, loc.end)  # "9 p.m." of "from 7:30 a.m. to 9 p.m." for "hours"
    a, b = whole_tally(read, doc.text, a, b)  # "four" of "by four votes to three" for "By how many votes ...?" (reader.tally)
    a, b = new_value(read, doc.text, a, b)  # "£46 million from £39 million" of "rose to ..." -> "£46 million" (reader.change)
    if asks_for_time(read):  # "the evening" of "the evening before." takes "before" (reader.timetype)
        b = trailing_adverb(doc.text, b)
    a, b = whole_address(doc.text, a, b)  # "leadfree@brackwater" of "leadfree@brackwater.example" (reader.wholeword)
    b = abbreviation_dot(doc.text, a, b)  # "9 p.m" -> "9 p.m."
    if (a, b) != (loc.start, loc.end):
        loc = Located(loc.doc_id, a, b, sentences_for_span(index.all_sentences[loc.doc_id], a, b), loc.score_diff,
                      loc.answerability)
        text = doc.text[a:b]
    missing = unknown_names(read, mentionable_text(doc)) if check_names else ()
    if missing:
        # With other documents in the corpus, say which document lacks the names: another may have them.
        where = doc.title if len(index.docs) > 1 else ""
        return Answer(question, "", min(conf, MAYBE_SHARE * thr), True, [], related_c, candidate=text,
                      not_mentioned=missing, not_mentioned_in=where)
    if conf < thr:
        maybe = None
        top = related[0] if related else None
        if may_answer and top is not None and conf >= MAYBE_SHARE * thr and loc.doc_id == top.doc_id \
                and top.start <= loc.start < top.end:
            maybe = _cite(top, index)
        return Answer(question, "", conf, True, [], related_c, candidate=text, maybe=maybe)
    return Answer(question, text, conf, False, [_cite(s, index) for s in loc.sentences], [], loc.doc_id, loc.start, loc.end, candidate=text)


def answer_at(question: str, index: DocumentIndex, doc_id: str, start: int, end: int, conf: float,
              how: str) -> Answer:
    """An answer that is the document's text [start, end) (e.g. one list item, ``listpick``), cited
    like a reader span: the sentences it overlaps plus a list's lead-in."""
    doc = index.docs[doc_id].text
    a, b = trim_span(doc, start, end)
    cited = sentences_for_span(index.all_sentences[doc_id], a, b)
    return Answer(question, doc[a:b], conf, False, [_cite(s, index) for s in cited], [], doc_id, a, b,
                  candidate=doc[a:b], how=how)
