"""The library API: corpus -> index -> retrieval -> reader -> cited Answer.

``Pipeline`` owns one corpus, its persisted index, the embedder and the reader, each loaded
lazily and once (thread-safe), so building a Pipeline is instant and the first question pays
for loading (or ``warm()`` pays it up front, e.g. in a background thread at app start).
``refresh()`` re-reads the corpus and swaps in a rebuilt index only when the text changed.
It does not know about the CLI, the web app or evaluation files.
"""
from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from statementqa.followup import Turn, resolve
from statementqa.language import foreign_language
from statementqa.language import warm_up as warm_language
from statementqa.reader.asker import CONFIDENCE as ASKER_CONFIDENCE
from statementqa.reader.asker import pick_asker
from statementqa.reader.assemble import MAYBE_SHARE, answer_at, assemble
from statementqa.reader.focus import in_passing, is_about, off_topic, subject_words, title_terms, unnamed, work
from statementqa.reader.listpick import INTRODUCES_LIST, list_after
from statementqa.reader.listpick import pick as pick_list_item
from statementqa.reader.model import Reader, ReadOut
from statementqa.reader.nameparts import CONFIDENCE as NAME_PART_CONFIDENCE
from statementqa.reader.nameparts import pick_name_part
from statementqa.reader.names import mentionable_text
from statementqa.reader.presscontact import CONFIDENCE as PRESS_CONFIDENCE
from statementqa.reader.presscontact import asks_press_contact, pick_press_contact, press_contacts
from statementqa.reader.questionform import question_form
from statementqa.reader.saidabout import CONFIDENCE as SAID_CONFIDENCE
from statementqa.reader.saidabout import asks_said_about, off_topic_quotation, pick_said_about, speaker_matches
from statementqa.reader.signer import CONFIDENCE as SIGNER_CONFIDENCE
from statementqa.reader.signer import asks_who_signed, pick_signer, signatures
from statementqa.reader.spelling import Speller
from statementqa.reader.tables import read as read_tables
from statementqa.retrieval.atomic import sha256_file
from statementqa.retrieval.corpus import corpus_signature, load_corpus
from statementqa.retrieval.embed import Embedder
from statementqa.retrieval.offline import offline_environment
from statementqa.retrieval.quotes import quotes
from statementqa.retrieval.search import MAX_QUESTION_CHARS, Retriever, SearchResult, check_k, check_question
from statementqa.retrieval.store import Index, open_index
from statementqa.retrieval.types import Answer, Passage, Sentence
from statementqa.settings import Settings

__all__ = ["Pipeline", "Reading", "Settings", "pipeline_from_args"]

log = logging.getLogger(__name__)
# A follow-up's retrieval query carries the previous turn too, so it may exceed the question limit.
FOLLOWUP_QUERY_CHARS = 4000


@dataclass(frozen=True)
class Reading:
    """One question's retrieval and reader output, before answer assembly (``Pipeline.read``)."""

    question: str
    # The question as the reader read it when that differs from the typed one beyond its form: a
    # follow-up rewritten with the previous turn, or typing mistakes corrected; None otherwise.
    interpreted_as: str | None
    index: Index
    result: SearchResult
    passages: list[Passage]
    out: ReadOut
    timings_ms: dict[str, float]
    # The question's form (``questionform``) with typing mistakes corrected, before any follow-up
    # rewriting: what the answer rules (place, names, list) read.
    read_as: str = ""

    @property
    def related(self) -> list[Sentence]:
        return [h.sentence for h in self.result.sentences[:3]]

    @property
    def ranked(self) -> list[Sentence]:
        return [h.sentence for h in self.result.sentences]


class Pipeline:
    def __init__(self, settings: Settings | None = None, **overrides):
        """``settings`` (default: ``Settings.from_env()``) with ``overrides`` applied; the caller's
        object is not changed, an unknown name or a bad value raises ``UserError``."""
        offline_environment()
        self.settings = (settings or Settings.from_env()).replace(**overrides)
        self.embedder = Embedder(self.settings.embedder, int8=self.settings.quantized("embedder"),
                                 backend=self.settings.embedder_backend, cache_dir=self.settings.data_dir)
        self.reader = Reader(self.settings.reader, max_answer_tokens=self.settings.max_answer_tokens,
                             int8=self.settings.quantized("reader"), backend=self.settings.reader_backend,
                             cache_dir=self.settings.data_dir)
        self._index: Index | None = None
        self._titles: tuple[dict, dict[str, frozenset[str]]] | None = None  # (index.docs, stem -> titled doc ids)
        # (index.docs, {"signer" | "press": doc id -> the name's offsets}): reader.signer, reader.presscontact
        self._named: tuple[dict, dict[str, dict[str, tuple[int, int]]]] | None = None
        # (index.docs, doc id -> the speakers quoted in it): reader.saidabout
        self._quoted: tuple[dict, dict[str, frozenset[str]]] | None = None
        self._title_map: tuple[dict, dict[str, str]] | None = None  # (index.docs, doc id -> title): titles()
        self._store = None
        self._retriever: Retriever | None = None
        self._lock = threading.RLock()
        self._qcache: OrderedDict[str, np.ndarray] = OrderedDict()
        self.index_info: dict = {}
        self._signature: tuple = ()
        self._reader_version: str | None = None
        self._recal: tuple[int | None, dict | None] = (None, None)  # (threshold.json mtime, its valid record)
        self._speller: tuple[object, Speller] | None = None  # (the index it knows the words of, the speller)

    # -- lazily loaded parts -------------------------------------------------
    @property
    def index(self) -> Index:
        with self._lock:
            if self._index is None:
                self._open()
            assert self._index is not None
            return self._index

    def _open(self) -> None:
        self._signature = corpus_signature(self.settings.corpus)
        docs = load_corpus(self.settings.corpus)
        self._index, self.index_info, self._retriever = self._open_docs(docs)

    def _open_docs(self, docs) -> tuple[Index, dict, Retriever]:
        """Files under data_dir (default) or the PostgreSQL store (``Settings.store``)."""
        if self.settings.store:
            from statementqa.retrieval.pgstore import PgRetriever, open_pg_index

            index, info = open_pg_index(docs, self.settings.index_params(), self.store, self.embedder)
            return index, info, PgRetriever(index, self.store, self.embedder, work_vote=self.settings.work_vote)
        index, info = open_index(docs, self.settings.index_params(), self.settings.data_dir, self.embedder, mmap=self.settings.mmap)
        return index, info, Retriever(index, self.embedder, bm25_method=self.settings.bm25_method,
                                      dense_search=self.settings.dense_search, work_vote=self.settings.work_vote)

    @property
    def store(self):
        """The connection pools of ``Settings.store`` (``retrieval.pgconn.Store``), made once."""
        with self._lock:
            if self._store is None:
                from statementqa.retrieval.pgconn import Store

                self._store = Store(str(self.settings.store), self.settings.read_dsns)
            return self._store

    @property
    def retriever(self) -> Retriever:
        self.index  # noqa: B018 - opens it
        assert self._retriever is not None
        return self._retriever

    def maybe_refresh(self) -> dict | None:
        """Refresh when the corpus files' sizes or times changed since the index was opened (cheap stat
        check) or, with a PostgreSQL store, when another indexer published a new generation."""
        if self._index is not None and corpus_signature(self.settings.corpus) == self._signature:
            gen = self._retriever.current_generation() if self._retriever is not None else None
            if gen is None or gen == self._index.manifest.get("generation"):
                return None
            from statementqa.retrieval.pgconn import live_generation
            from statementqa.retrieval.pgstore import load_generation

            live = self.store.run(live_generation)
            if live is None:
                return None
            index = self.store.run(lambda c: load_generation(c, live[0], live[1]))
            from statementqa.retrieval.pgstore import PgRetriever

            with self._lock:
                self._index, self._retriever = index, PgRetriever(index, self.store, self.embedder,
                                                                  work_vote=self.settings.work_vote)
                self.index_info = {"rebuilt": False, "reloaded": True, "generation": live[0], "reason": "a new generation was published"}
            return self.index_info
        return self.refresh()

    def refresh(self) -> dict:
        """Re-read the corpus; rebuild and swap the index only if it changed. In-flight questions keep the old one."""
        sig = corpus_signature(self.settings.corpus)
        docs = load_corpus(self.settings.corpus)
        index, info, retriever = self._open_docs(docs)
        with self._lock:
            self._index, self.index_info, self._signature = index, info, sig
            self._retriever = retriever
        return info

    def warm(self) -> float:
        """Load index, embedder and reader and answer one question; returns seconds taken."""
        t0 = time.perf_counter()
        warm_language()
        if self.settings.work_vote:
            self.retriever.works()  # its BM25 over the works, not on the first user's question
        self.ask("What is this document about?")
        return time.perf_counter() - t0

    # -- questions -------------------------------------------------------------
    def _embed(self, texts: list[str]) -> np.ndarray:
        """Normalised embeddings of short texts (list items), in the question cache; the ones not
        cached yet are embedded in one batch."""
        if not texts:
            return np.zeros((0, self.embedder.dim), np.float32)
        with self._lock:
            todo = list(dict.fromkeys(t for t in texts if t not in self._qcache))
        if todo:
            self._remember(zip(todo, self.embedder.encode(todo, progress=False)))
        return np.stack([self._qvec(t) for t in texts])

    def _remember(self, pairs) -> None:
        """Put (text, vector) pairs in the question cache, keeping its 256 most recent texts."""
        with self._lock:
            for t, v in pairs:
                self._qcache[t] = v
            while len(self._qcache) > 256:
                self._qcache.popitem(last=False)

    def _qvec(self, question: str) -> np.ndarray:
        # Follow-up turns and the app's retries ask the same text again: embed it once.
        with self._lock:
            v = self._qcache.get(question)
            if v is not None:
                self._qcache.move_to_end(question)
                return v
        v = self.embedder.encode_query(question)
        self._remember([(question, v)])
        return v

    def spelled(self, form: str, index: Index) -> str:
        """``form`` with typing mistakes corrected toward ``index``'s words (``reader.spelling``);
        unchanged with ``Settings.spelling`` off."""
        if not self.settings.spelling:
            return form
        with self._lock:
            if self._speller is None or self._speller[0] is not index:
                docs = index.docs
                self._speller = (index, Speller(lambda: [t for d in docs.values() for t in (d.title or "", d.text)]))
            speller = self._speller[1]
        return speller.correct(form).text

    def search(self, question: str, k: int = 5, mode: str = "hybrid") -> SearchResult:
        question = question_form(check_question(question))
        k = check_k(k)
        r = self.retriever
        question = self.spelled(question, self.index)
        qv = self._qvec(question) if mode != "bm25" else None
        # The form may add a "?" and each corrected word a letter or two to a question at the limit.
        return r.search(question, k, mode, qvec=qv, max_chars=2 * MAX_QUESTION_CHARS)

    def read(self, question: str, k: int | None = None, history: list[Turn] | None = None,
             docs: list[str] | None = None) -> Reading:
        """Retrieval and the reader for ``question`` without answer assembly: what ``ask`` assembles
        (also used by ``eval.span_choice`` to try assembly settings on one reading)."""
        t0 = time.perf_counter()
        question = check_question(question)
        k = check_k(k if k is not None else self.settings.k)
        index = self.index
        t1 = time.perf_counter()
        form = question_form(question)
        spelled = self.spelled(form, index)
        rq = resolve(spelled, history[-1] if history else None)
        query = rq.retrieval_query[:FOLLOWUP_QUERY_CHARS]
        res = self.retriever.search(query, k, "hybrid", qvec=self._qvec(query), max_chars=FOLLOWUP_QUERY_CHARS,
                                    docs=frozenset(docs) if docs else None)
        t2 = time.perf_counter()
        passages = [h.passage for h in res.hits]
        if len(index.docs) > 1:  # passages of the document that names what the question names (reader.focus)
            passages += self._on_topic(rq.reader_question, query, k, res, index, docs)
            passages = self._within_topic(rq.reader_question, query, passages, index)
        out = read_tables(self.reader, rq.reader_question, passages, index.docs)  # table rows with their headers
        t3 = time.perf_counter()
        return Reading(question, rq.reader_question if rq.is_followup or spelled != form else None, index, res, passages,
                       out, {"load": (t1 - t0) * 1e3, "retrieval": (t2 - t1) * 1e3, "reading": (t3 - t2) * 1e3}, spelled)

    def _on_topic(self, question: str, query: str, k: int, res: SearchResult, index: Index,
                  docs: list[str] | None) -> list[Passage]:
        """Up to ``k`` more passages when the retrieved documents (``res``) never mention a thing
        ``question`` names ("the campaign": ``reader.focus``) and other documents, not parts of a
        retrieved work, are about it (found by a BM25 search for the things' words), or when they
        name it only in passing ("without notice") and other documents' titles name it ("Notice to
        Mariners ..."): the best passages for ``query`` within those documents that are at least as
        close in meaning to ``query`` (dense cosine) as the best retrieved passage (for a titled
        document, as the least close one). None otherwise. On SQuAD's paragraphs the
        passages such a search finds are far from the question (cosine 0.2-0.3 against 0.5-0.8 for
        the retrieved ones: "the exchange of heat" found a paragraph on the stock exchange); the
        vaccination campaign's passage was closer than any retrieved (0.55 against 0.47)."""
        passages = [h.passage for h in res.hits]
        words = subject_words(question)
        if not words:
            return []
        texts = {d: mentionable_text(index.docs[d]) for d in {p.doc_id for p in passages}}
        missing = unnamed(question, texts.values())
        passing = frozenset() if missing else in_passing(question, texts, {d: index.docs[d].title for d in texts})
        if not missing and not passing:
            return []
        works = {work(index.docs[p.doc_id].title) for p in passages}  # parts of a retrieved work: retrieval's job
        if missing:
            found = self.retriever.search(" ".join(words), k, "bm25", docs=frozenset(docs) if docs else None)
            candidates = {h.passage.doc_id for h in found.hits}
            better = frozenset(d for d in candidates if work(index.docs[d].title) not in works
                               and any(is_about(mentionable_text(index.docs[d]), t, index.docs[d].title) for t in missing))
        else:  # named in passing: the documents whose title names it (a BM25 search ranks a long first passage low)
            titled, within = self._titled(index), frozenset(docs or ())
            better = frozenset(d for t in passing for d in titled.get(t, ()) if (not within or d in within)
                               and work(index.docs[d].title) not in works)
        if not better:
            return []
        seen = {p.passage_id for p in passages}
        more = self.retriever.search(query, k, "hybrid", qvec=self._qvec(query), max_chars=FOLLOWUP_QUERY_CHARS,
                                     docs=better)
        # as close as the best retrieved passage; for a titled document as close as any retrieved one
        scores = [h.dense_score or 0.0 for h in res.hits]
        near = (max if missing else min)(scores, default=0.0)
        return [h.passage for h in more.hits if h.passage.passage_id not in seen and (h.dense_score or 0.0) >= near]

    def _titled(self, index: Index) -> dict[str, frozenset[str]]:
        """The documents whose title names each stem (``reader.focus.in_title``), worked out once per
        index: asking every title per question tokenized them all each time."""
        if self._titles is None or self._titles[0] is not index.docs:
            by_stem: dict[str, set[str]] = {}
            for d, doc in index.docs.items():
                for t in title_terms(doc.title):
                    by_stem.setdefault(t, set()).add(d)
            self._titles = (index.docs, {t: frozenset(ds) for t, ds in by_stem.items()})
        return self._titles[1]

    def _named_in(self, index: Index) -> dict[str, dict[str, tuple[int, int]]]:
        """The index's signed letters (``reader.signer.signatures``) and releases with a press contact
        (``reader.presscontact.press_contacts``), worked out once per index."""
        if self._named is None or self._named[0] is not index.docs:
            texts = {d: doc.text for d, doc in index.docs.items()}
            self._named = (index.docs, {"signer": signatures(texts), "press": press_contacts(texts)})
        return self._named[1]

    def _quoted_in(self, index: Index) -> dict[str, frozenset[str]]:
        """The speakers quoted in each document of the index (``retrieval.quotes``), worked out once
        per index and only for a question that asks what someone said about something."""
        if self._quoted is None or self._quoted[0] is not index.docs:
            found = {d: frozenset(q.speaker for q in quotes(doc.text) if q.speaker) for d, doc in index.docs.items()}
            self._quoted = (index.docs, {d: sp for d, sp in found.items() if sp})
        return self._quoted[1]

    def _said_about(self, question: str, ans: Answer, r: Reading, docs: list[str] | None) -> Answer:
        """``ans``, or the quoted sentence that answers "What did X say about Y?" (``reader.saidabout``):
        looked for in the retrieved passages' documents, then in the other documents (in scope)
        where X is quoted: a question naming a speaker retrieves by its topic words, and "What did
        Duarte say about storms?" retrieved two documents about floods, none quoting Duarte."""
        asked = asks_said_about(question)
        if asked is None:
            return ans
        ids = list(dict.fromkeys(p.doc_id for p in r.passages))
        if asked.speaker is not None:
            scope = set(docs) if docs else None
            ids += [d for d, speakers in self._quoted_in(r.index).items()
                    if d not in ids and (scope is None or d in scope)
                    and any(speaker_matches(asked.speaker, sp, r.index.docs[d].text) for sp in speakers)]
        at = None if ans.abstained or ans.doc_id is None or ans.start is None or ans.end is None \
            else (ans.doc_id, ans.start, ans.end)
        texts = {d: r.index.docs[d].text for d in ids}
        sents = {d: r.index.all_sentences[d] for d in ids}
        said = pick_said_about(asked, ids, texts, sents, at)
        if said is None:
            why = off_topic_quotation(asked, at, texts, sents) if at is not None else None
            if why:  # X spoke, of something else: "Secretary Nielsen is quoted, but not about “the Joint Statement”"
                return Answer(r.question, "", min(ans.confidence, MAYBE_SHARE * self.threshold()), True, [],
                              ans.related + ans.citations, candidate=ans.candidate, how=why)
            return ans
        own = at is not None and at[0] == said.doc_id and at[1] < said.end and at[2] > said.start
        return answer_at(r.question, r.index, said.doc_id, said.start, said.end,
                         max(SAID_CONFIDENCE, ans.confidence) if own else SAID_CONFIDENCE,
                         f"what {said.speaker} said, in the quotation that mentions it")

    def _within_topic(self, question: str, query: str, passages: list[Passage], index: Index) -> list[Passage]:
        """``passages`` with those of off-topic documents (``reader.focus.off_topic``: they mention
        none of the things the question names while another retrieved document is about one)
        replaced by the next best passages for ``query`` in the other retrieved documents. Answer
        assembly never answers from an off-topic document, so its passages only took the place of
        ones that could answer: "What does the campaign protect against?" among four announcements
        read one passage of the vaccination campaign's and two of others, and abstained; the
        campaign's next passage says it ("protect against influenza and RSV"). Unchanged when
        nothing is off topic (always with one document retrieved); the same number of passages
        (fewer when the other documents have no more). Names are not used here: a version that also
        dropped the documents that never mention a name of the question (``reader.names``) changed
        14 answers of SQuAD's held-out part end to end (5 better, 3 worse) and 7 of the calibration
        part (2 better, 5 worse)."""
        ids = list(dict.fromkeys(p.doc_id for p in passages))
        if len(ids) < 2:
            return passages
        away = off_topic(question, {d: mentionable_text(index.docs[d]) for d in ids}, ids,
                         {d: index.docs[d].title for d in ids})
        if not away or away.issuperset(ids):
            return passages
        keep = [p for p in passages if p.doc_id not in away]
        seen = {p.passage_id for p in keep}
        more = self.retriever.search(query, len(passages) + len(keep), "hybrid", qvec=self._qvec(query),
                                     max_chars=FOLLOWUP_QUERY_CHARS, docs=frozenset(ids) - away)
        extra = [h.passage for h in more.hits if h.passage.passage_id not in seen]
        return keep + extra[:len(passages) - len(keep)]

    def ask(self, question: str, k: int | None = None, history: list[Turn] | None = None,
            docs: list[str] | None = None) -> Answer:
        """Answer ``question``; ``history`` (earlier turns, oldest first) resolves follow-ups; ``docs``
        (document ids) restricts retrieval to those documents (None or empty: all)."""
        r = self.read(question, k, history, docs)
        t3 = time.perf_counter()
        ans = assemble(r.question, r.passages, r.out, r.index, self.reader.calibration, r.related,
                       self._threshold_setting(), may_answer=self.settings.may_answer, ranked=r.ranked,
                       check_names=self.settings.name_check, read_as=r.read_as)
        if self.settings.list_items and not ans.not_mentioned:
            q = r.interpreted_as or r.read_as
            item = pick_list_item(q, r.passages, r.index, self._qvec(q), self._embed)
            if item is not None:
                ans = answer_at(r.question, r.index, item.block.doc_id, item.start, item.end,
                                item.confidence, item.label)
            elif not ans.abstained and ans.doc_id is not None and ans.start is not None and ans.end is not None:
                # "in three places" of "... in three places:" + its list
                block = list_after(q, r.index, ans.doc_id, ans.start, ans.end)
                if block is not None:
                    ans = answer_at(r.question, r.index, ans.doc_id, ans.start, block.items[-1].end, ans.confidence,
                                    INTRODUCES_LIST)
        ids = {p.doc_id for p in r.passages}
        texts = {d: r.index.docs[d].text for d in ids}
        if not ans.not_mentioned:  # "Who asked how many doses are left?": a transcript's label (reader.asker)
            asker = pick_asker(r.interpreted_as or r.read_as, {d: r.index.all_sentences[d] for d in ids}, texts)
            if asker is not None:
                ans = answer_at(r.question, r.index, asker.doc_id, asker.start, asker.end, ASKER_CONFIDENCE,
                                "the name in the label of the question that asks it")
        if not ans.not_mentioned:  # "Who signed the letter?", "Who should journalists contact?" (reader.signer, .presscontact)
            q = r.interpreted_as or r.read_as
            scope = set(docs) if docs else None
            for kind, asks, pick, conf, how in (
                    ("signer", asks_who_signed, pick_signer, SIGNER_CONFIDENCE, "the name under the letter's closing"),
                    ("press", asks_press_contact, pick_press_contact, PRESS_CONFIDENCE, "the name after the release's media label")):
                if not asks(q):  # the documents are scanned (once per index) only for a question that asks
                    continue
                named = {d: w for d, w in self._named_in(r.index)[kind].items() if scope is None or d in scope}
                who = pick(q, [p.doc_id for p in r.passages], named, {d: r.index.docs[d].text for d in named})
                if who is not None:
                    ans = answer_at(r.question, r.index, who.doc_id, who.start, who.end, conf, how)
        if not ans.not_mentioned:  # "What is Nielsen's first name?": from the full name (reader.nameparts)
            part = pick_name_part(r.interpreted_as or r.read_as, r.passages, texts)
            if part is not None:
                ans = answer_at(r.question, r.index, part.doc_id, part.start, part.end, NAME_PART_CONFIDENCE,
                                f"part of the full name “{part.full}”")
        # "What did Ekberg say about the pharmacists?": the quoted sentence (reader.saidabout), also where
        # the retrieved documents do not mention the speaker (``not_mentioned``) but another one quotes them
        ans = self._said_about(r.interpreted_as or r.read_as, ans, r, docs)
        ans.retrieved = [p.passage_id for p in r.passages]
        if r.interpreted_as is not None:
            ans.interpreted_as = r.interpreted_as
        if ans.abstained:
            ans.language = foreign_language(r.question)
        t4 = time.perf_counter()
        ans.timings_ms = {**r.timings_ms, "assembly": (t4 - t3) * 1e3}
        ans.timings_ms["total"] = sum(ans.timings_ms.values())
        return ans

    def threshold_record(self) -> dict | None:
        """The record of ``statementqa review --recalibrate`` (``<data dir>/threshold.json``) when its
        threshold is the one in use: no ``Settings.threshold`` and made for this reader. Re-read only
        when the file changes (one stat per question)."""
        if self.settings.threshold is not None:
            return None
        path = Path(self.settings.data_dir) / "threshold.json"
        try:
            stamp = path.stat().st_mtime_ns
        except OSError:
            return None
        if self._recal[0] != stamp:
            try:
                rec = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                rec = None
            thr = rec.get("threshold") if isinstance(rec, dict) else None
            ok = isinstance(thr, (int, float)) and 0 <= thr <= 1 and rec.get("reader") in (None, self.reader_version())
            self._recal = (stamp, rec if ok else None)
        return self._recal[1]

    def _threshold_setting(self) -> float | None:
        """Settings.threshold, else a recalibrated one (``threshold_record``), else None (the reader's own)."""
        if self.settings.threshold is not None:
            return float(self.settings.threshold)
        rec = self.threshold_record()
        return float(rec["threshold"]) if rec else None

    def threshold(self) -> float:
        """The abstention threshold in use (confidence below it abstains)."""
        t = self._threshold_setting()
        return t if t is not None else float(self.reader.calibration.get("threshold", 0.5))

    def index_generation(self) -> str:
        """A short id of the index in use (its content key): changes whenever the corpus or the parameters do."""
        key = str(self.index.manifest.get("key") or "")
        return hashlib.sha256(key.encode()).hexdigest()[:12] if key else ""

    def reader_version(self) -> str:
        """The reader's name and a content hash of its weights (computed once), for feedback and reports."""
        if self._reader_version is None:
            p = Path(self.settings.reader).expanduser()
            weights = sorted(p.glob("*.safetensors")) if p.is_dir() else []
            digest = sha256_file(weights[0])[:12] if weights else "hub"
            self._reader_version = f"{p.name}@{digest}"
        return self._reader_version

    def titles(self) -> dict[str, str] | None:
        """Document id → title when the corpus holds several documents (answers then say which
        document each cited sentence is from); None for one document. Built once per index, not per
        answer (a large corpus holds many documents)."""
        docs = self.index.docs
        if len(docs) < 2:
            return None
        if self._title_map is None or self._title_map[0] is not docs:
            self._title_map = (docs, {d.doc_id: d.title for d in docs.values()})
        return self._title_map[1]

    def documents(self) -> list[dict]:
        idx = self.index
        return [{"doc_id": d.doc_id, "path": d.path, "title": d.title, "chars": len(d.text),
                 "sentences": sum(not s.boilerplate for s in idx.all_sentences.get(d.doc_id, [])),
                 "format": d.meta.get("format") or Path(d.path).suffix.lstrip(".") or "txt",
                 **({"pages": d.meta["page_count"]} if d.meta.get("page_count") else {}),
                 **{k: v for k, v in d.meta.items() if k in ("publisher", "date")}}
                for d in idx.docs.values()]


def pipeline_from_args(args) -> Pipeline:
    """A Pipeline from parsed command-line options (``None`` = not given: environment, then defaults)."""
    return Pipeline(corpus=getattr(args, "corpus", None), data_dir=getattr(args, "data_dir", None),
                    embedder=getattr(args, "embedder", None), reader=getattr(args, "reader", None),
                    index_type=getattr(args, "index_type", None), chunk_size=getattr(args, "chunk_size", None),
                    chunk_overlap=getattr(args, "chunk_overlap", None), int8=getattr(args, "int8", None),
                    reader_backend=getattr(args, "reader_backend", None), may_answer=getattr(args, "may_answer", None),
                    list_items=getattr(args, "list_items", None), name_check=getattr(args, "name_check", None),
                    spelling=getattr(args, "spelling", None), work_vote=getattr(args, "work_vote", None),
                    embedder_backend=getattr(args, "embedder_backend", None),
                    bm25_method=getattr(args, "bm25_method", None), dense_search=getattr(args, "dense_search", None),
                    store=getattr(args, "store", None),
                    read_dsns=getattr(args, "read_dsn", None))
