"""Cost of the typing-mistake correction: word lists, first unknown word, one question, and a warm
answer with and without mistakes. Run from the repository root with nothing else running."""
import time, timeit, statistics
t=time.perf_counter()
from statementqa.reader.spelling import english, frequencies, Speller
english(); frequencies()
print(f"word lists load (once): {time.perf_counter()-t:.2f} s")
text=open('corpus/dhs-northern-triangle-compact-2019-02-21.txt').read()
sp=Speller.from_texts([text])
t=time.perf_counter(); sp.correct("wher did the meating take place?"); print(f"first unknown word (documents' words + SymSpell build): {1e3*(time.perf_counter()-t):.1f} ms")
for q in ["Where did the meeting take place?","wher did the meating take place?"]:
    r=timeit.repeat(lambda: sp.correct(q), number=200, repeat=5)
    print(f"correct({q!r}): {1e6*min(r)/200:.0f} us")
from statementqa.pipeline import Pipeline
pl=Pipeline(); pl.warm()
for q in ["Where did the meeting take place?","wher did the meating take place?"]:
    ts=[]
    for _ in range(15):
        t=time.perf_counter(); pl.ask(q); ts.append(time.perf_counter()-t)
    print(f"ask({q!r}) median {1e3*statistics.median(ts):.1f} ms")
