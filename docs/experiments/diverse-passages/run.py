"""Experiment (issue #10): the k passages given to the reader skip a passage whose best sentence
an earlier chosen passage already holds (overlapping windows around one sentence: for "What is
Nielsen's first name?" two of the three passages are built around sentence 12 and the sentence
naming "Kirstjen M. Nielsen" comes fourth). Patches ``Retriever.search`` and runs
``statementqa eval`` with the given arguments.

    python docs/experiments/diverse-passages/run.py eval --dataset ... --out DIR
"""
import sys

import statementqa.retrieval.search as search
from statementqa.cli import main

real = search.Retriever.search


def diverse(self, question, k=5, *a, **kw):
    wide = real(self, question, max(k * 3, k), *a, **kw)
    chosen, covered = [], set()
    for h in wide.hits:
        top = (h.passage.doc_id, h.matched[0][0])
        if top in covered:
            continue
        chosen.append(h)
        covered.update((h.passage.doc_id, i) for i in h.passage.sentence_idxs)
        if len(chosen) == k:
            break
    for h in wide.hits:  # fewer distinct ones than k: fill up in the old order
        if len(chosen) == k:
            break
        if h not in chosen:
            chosen.append(h)
    return search.SearchResult(chosen, wide.sentences)


search.Retriever.search = diverse
sys.exit(main(sys.argv[1:]))
