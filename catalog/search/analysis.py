"""Text analysis for Indonesian city data, the same at index and query time on the embedded backend.

Folding (lower case, accents removed), tokens of letters and digits, a light stemmer that only
removes the possessive ``-nya`` (docs/search.md shows why it beats the Snowball Indonesian
stemmer here), and synonym groups read from an operator-editable file.
"""

import functools
import re
import unicodedata
from pathlib import Path

DEFAULT_SYNONYMS = Path(__file__).with_name("synonyms.txt")
_WORD = re.compile(r"[^\W_]+")
_NYA = re.compile(r"\b([^\W_]{4,})nya\b", re.I)
MAX_SYNONYM_WORDS = 8
# Words citizens add around what they look for ("data warga per kecamatan"): they raise the score
# where they appear but are not required, unless the query has nothing else.
FILLER_WORDS = frozenset(
    "data daftar info informasi jumlah tentang yang dan atau di ke dari untuk per pada oleh dengan "
    "menurut tahun kota malang".split()
)


def fold(text: str) -> str:
    """Lower case without accents: "Kesehatan Ibu & Anak" -> "kesehatan ibu & anak"."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """The folded words (runs of letters and digits) of ``text``."""
    return _WORD.findall(fold(text))


@functools.lru_cache(maxsize=100_000)
def light_stem(word: str) -> str:
    """Remove the possessive/definite ``-nya`` when at least four letters remain; nothing else."""
    return word[:-3] if word.endswith("nya") and len(word) >= 7 else word


@functools.cache
def _snowball():
    import snowballstemmer

    return snowballstemmer.stemmer("indonesian")


def snowball_stem(word: str) -> str:
    """The Snowball Indonesian stemmer (for comparison; it over-stems: sekolah -> seko)."""
    return _snowball().stemWord(word)


def no_stem(word: str) -> str:
    """The word unchanged."""
    return word


STEMMERS = {"none": no_stem, "light": light_stem, "snowball": snowball_stem}


class Analyzer:
    """Turns text into index tokens and query words into synonym-expanded alternatives."""

    def __init__(self, stemmer: str = "light", synonyms: dict[tuple, list[tuple]] | None = None):
        self.stem = STEMMERS[stemmer]
        self.synonyms = synonyms or {}

    def tokens(self, text: str) -> list[str]:
        """Folded, stemmed tokens of ``text``."""
        return [self.stem(w) for w in words(text)]

    def prepare(self, text: str) -> str:
        """Text for an engine whose own analyser splits, lower-cases and folds (as ``words`` does).

        The light stemmer is one regular expression over the whole text; other stemmers need
        the words analysed here first.
        """
        if self.stem is light_stem:
            return _NYA.sub(r"\1", text) if "nya" in text.lower() else text
        if self.stem is STEMMERS["none"]:
            return text
        return " ".join(self.tokens(text))

    def slots(self, query_words: list[str]) -> list[list[tuple[str, ...]]]:
        """Query words -> slots that must all match; each slot lists alternatives (token sequences).

        A run of words that is a synonym entry becomes one slot holding every entry of its groups,
        so "demam berdarah" also finds "DBD" and "DBD" finds "demam berdarah dengue".
        """
        plain = [w for word in query_words for w in words(word)]
        found, pos = [], 0
        while pos < len(plain):
            for size in range(min(MAX_SYNONYM_WORDS, len(plain) - pos), 0, -1):
                key = tuple(plain[pos:pos + size])
                if key in self.synonyms or size == 1:
                    alternatives = self.synonyms.get(key, [key])
                    found.append(list(dict.fromkeys(tuple(self.stem(w) for w in a) for a in alternatives)))
                    pos += size
                    break
        return found

    def is_filler(self, slot: list[tuple[str, ...]]) -> bool:
        """True for a slot that is only a filler word (see FILLER_WORDS)."""
        return len(slot) == 1 and len(slot[0]) == 1 and slot[0][0] in FILLER_WORDS


def read_synonyms(path: Path | str | None) -> dict[tuple, list[tuple]]:
    """``{entry words: [every entry of the groups holding it]}`` from a synonyms file."""
    groups: list[list[tuple]] = []
    text = Path(path or DEFAULT_SYNONYMS).read_text("utf-8")
    for line in text.splitlines():
        entries = [tuple(words(e)) for e in line.split("#", 1)[0].split(",")]
        entries = [e for e in entries if e and len(e) <= MAX_SYNONYM_WORDS]
        if len(entries) > 1:
            groups.append(entries)
    table: dict[tuple, list[tuple]] = {}
    for group in groups:
        for entry in group:
            table.setdefault(entry, [entry])
            table[entry].extend(e for e in group if e not in table[entry])
    return table


@functools.cache
def analyzer_for(stemmer: str, synonyms_path: str) -> Analyzer:
    """A shared analyzer for these settings (``synonyms_path`` "" is the shipped file, "none" is none)."""
    synonyms = {} if synonyms_path == "none" else read_synonyms(synonyms_path or None)
    return Analyzer(stemmer, synonyms)
