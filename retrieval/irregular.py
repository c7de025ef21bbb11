"""Irregular English word forms mapped to their base form before stemming, so that BM25 matches them.

Snowball (PyStemmer) strips suffixes: "begins", "beginning" and "begin" share the stem "begin", but
"began" and "begun" keep their own, as "met" keeps its own beside "meeting" and "meet", "held"
beside "hold", "children" beside "child". "When did the outbreak begin?" over a measles update
whose one answering sentence says "... since the outbreak began on 18 August." matched only
"outbreak" of its two terms there, as it did in two other passages, and the minimum-should-match
rule and the fusion ranked "To contain the outbreak, the Ministry will:" first; the answering
sentence was not among the passages read and the question abstained.

``base`` maps the past tense and past participle of common irregular verbs ("began", "begun" ->
"begin"; "met" -> "meet"; "held" -> "hold") and a few irregular plurals ("children" -> "child",
"women" -> "woman") to the form the stemmer then stems like its regular forms. Left out on
purpose, because the form is more often another word: "found" (to found a company), "left" (the
side), "rose", "saw", "fell", "bore", "lay", "felt", "bit", "ground", "wound", "bound"; and the
reporting verbs "said" and "told": "What did Nielsen say about children?" would match every "...,"
said X" of a statement (measured: the team set's answer to it was lost). Forms that equal
the base ("put", "cut", "set", "read", "cost") need nothing. Words are lower-cased by the tokenizer
before they get here. The stopword list already drops the forms of "be", "have" and "do".

The table is data, not a lemmatizer: a lemmatizer from PyPI (simplemma, lemminflect) would change
every token the index holds, where the aim here is only the forms Snowball cannot join."""
from __future__ import annotations

_VERBS = """
arise arose arisen; awake awoke awoken; become became; begin began begun; bend bent; bleed bled; blow blew blown; break broke broken; breed bred; bring brought; build built;
burn burnt; buy bought; catch caught; choose chose chosen; cling clung; come came; creep crept;
deal dealt; dig dug; draw drew drawn; dream dreamt; drink drank drunk; drive drove driven;
eat ate eaten; fall fallen; feed fed; fight fought; flee fled; fly flew flown; forbid forbade forbidden;
forget forgot forgotten; forgive forgave forgiven; freeze froze frozen; get got gotten; give gave given;
go went gone; grow grew grown; hang hung; hear heard; hide hid hidden; hold held; keep kept;
kneel knelt; know knew known; lead led; lend lent; lose lost; make made; mean meant; meet met;
overcome overcame; overtake overtook overtaken; pay paid; ride rode ridden; ring rang rung; rise risen;
run ran; see seen; seek sought; sell sold; send sent; shake shook shaken; shine shone;
shoot shot; sing sang sung; sink sank sunk; sit sat; sleep slept; slide slid; speak spoke spoken;
speed sped; spend spent; spin spun; stand stood; steal stole stolen; stick stuck; sting stung;
strike struck stricken; strive strove striven; swear swore sworn; sweep swept; swim swam swum;
swing swung; take took taken; teach taught; tear tore torn; think thought; throw threw thrown;
undergo underwent undergone; understand understood; undertake undertook undertaken; wake woke woken;
wear wore worn; weep wept; win won; withdraw withdrew withdrawn; withhold withheld; write wrote written
"""
_PLURALS = "child children; woman women; man men; mouse mice; tooth teeth; foot feet; goose geese"


def _table() -> dict[str, str]:
    out: dict[str, str] = {}
    for group in (_VERBS + ";" + _PLURALS).split(";"):
        words = group.split()
        for form in words[1:]:
            out[form] = words[0]
    return out


BASE = _table()


def base(word: str) -> str:
    """The base form of an irregular ``word`` (lower case), else the word itself."""
    return BASE.get(word, word)
