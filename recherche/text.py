"""Text helpers shared by the search backends: HTML to text, accent folding, query words."""

import html
import re
import unicodedata

FRENCH_STOPWORDS = frozenset(
    [
        "au",
        "aux",
        "avec",
        "ce",
        "ces",
        "dans",
        "de",
        "des",
        "du",
        "elle",
        "en",
        "et",
        "eux",
        "il",
        "je",
        "la",
        "le",
        "les",
        "leur",
        "lui",
        "ma",
        "mais",
        "me",
        "meme",
        "mes",
        "moi",
        "mon",
        "ne",
        "nos",
        "notre",
        "nous",
        "on",
        "ou",
        "par",
        "pas",
        "pour",
        "qu",
        "que",
        "qui",
        "sa",
        "se",
        "ses",
        "son",
        "sur",
        "ta",
        "te",
        "tes",
        "toi",
        "ton",
        "tu",
        "un",
        "une",
        "vos",
        "votre",
        "vous",
        "c",
        "d",
        "j",
        "l",
        "m",
        "n",
        "s",
        "t",
        "y",
        "est",
        "sont",
        "a",
    ]
)
MAX_QUERY_WORDS = 12
_TAG = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"\w+")


def html_to_text(value: str | None) -> str:
    """Plain text of stored rich text: tags become spaces, entities are decoded."""
    if not value:
        return ""
    return _SPACES.sub(" ", html.unescape(_TAG.sub(" ", value))).strip()


class _FoldTable(dict):
    """str.translate table filled on first sight of each character: one base letter each."""

    def __missing__(self, codepoint: int) -> str:
        char = chr(codepoint)
        base = unicodedata.normalize("NFKD", char)[:1] or char
        folded = base.lower()[:1] or base
        self[codepoint] = folded
        return folded


_FOLD = _FoldTable()


def fold(value: str) -> str:
    """Lower-case, accent-free text of exactly the same length (so offsets map back)."""
    return value.translate(_FOLD)


def query_words(query: str) -> list[str]:
    """The folded words of a query worth matching: no stop words, no single letters."""
    words: list[str] = []
    for word in _WORD.findall(fold(query)):
        if len(word) < 2 or word in FRENCH_STOPWORDS or word in words:
            continue
        words.append(word)
        if len(words) == MAX_QUERY_WORDS:
            break
    return words
