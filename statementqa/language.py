"""Which language a question is in, so that a question the English reader cannot read gets
"only English is understood" instead of a misleading "the documents do not say".

Uses lingua (``lingua-language-detector``: accurate on short texts, offline, no model download)
restricted to the languages people most often ask in, so that it loads quickly and stays small.
``foreign_language(text)`` answers only when it is sure: the detected language is not English
and English gets less than ``MAX_ENGLISH`` confidence (names and short English questions such as
"Who did Nielsen meet?" stay English). It does not translate and decides nothing about answers.
"""
from __future__ import annotations

import threading

MAX_ENGLISH = 0.05
_lock = threading.Lock()
_detector = None
_LANGUAGES = ("ENGLISH", "SPANISH", "FRENCH", "GERMAN", "PORTUGUESE", "ITALIAN", "DUTCH", "POLISH", "RUSSIAN",
              "UKRAINIAN", "TURKISH", "ARABIC", "CHINESE", "JAPANESE", "KOREAN", "VIETNAMESE", "TAGALOG", "HINDI")


def warm_up():
    """Load the language models (a few seconds, once per process)."""
    global _detector
    with _lock:
        if _detector is None:
            from lingua import Language, LanguageDetectorBuilder

            langs = [getattr(Language, n) for n in _LANGUAGES]
            _detector = LanguageDetectorBuilder.from_languages(*langs).with_preloaded_language_models().build()
    return _detector


def foreign_language(text: str) -> str | None:
    """The language's English name (e.g. "Spanish") when ``text`` is clearly not English, else None."""
    from lingua import Language

    words = [w for w in text.split() if any(ch.isalpha() for ch in w)]
    if len(words) < 2:
        return None
    det = warm_up()
    lang = det.detect_language_of(text)
    if lang is None or lang == Language.ENGLISH:
        return None
    if det.compute_language_confidence(text, Language.ENGLISH) >= MAX_ENGLISH:
        return None
    return lang.name.capitalize()
