"""The question-search (passage) index: find documents by a short question, one index per
collection (``policy``, ``qa``), embedded (SQLite FTS5) and Elasticsearch alike.

A document is a :class:`PassageDoc`. Both adapters index the same analysed fields, built here
in Python so they see the same tokens: every title, number and text is stored once as
characters (one token per Chinese character, letters and digits as words) and once as jieba
words, each a whitespace-separated string that FTS5's ``ascii`` tokenizer and Elasticsearch's
``whitespace`` analyzer split alike. A search is BM25 over all these fields, OR of the
query's tokens, with per-field weights (:class:`Scoring`; the defaults are what won on
ncp_policy_qa, see bench/qa.py) and the query expanded by :mod:`analysis.govterms`. Character
bigrams (``*_b``) are indexed too: on that data they beat words and single characters.
"""

from __future__ import annotations

import re
from abc import abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from analysis.govterms import expansions
from analysis.text import is_wordlike, segment
from tracker.index.base import BulkResult, IndexLifecycle, ItemError
from tracker.index.text import SEPARATOR, normalize, token_string

COLLECTIONS = ("policy", "qa")
#: The analysed fields: characters and words of the title, number (文号) and text, the
#: number as one token (``number_k``: a 文号 in a question finds its document first), and
#: character bigrams of the title and text (``*_b``).
FIELDS = ("title_c", "number_c", "text_c", "title_w", "text_w", "number_k", "title_b",
          "text_b")
MAX_QUERY_TOKENS = 64
_COLLECTION_RE = re.compile(r"^[a-z][a-z0-9_]{0,30}$")
_SPLIT = re.compile(r"[\W_]+")
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2,}")
#: A document number (发文字号) such as 冀政办字〔2020〕5号 or 国发[2019]5号 inside a question.
#: (Matched on folded text: full-width brackets are half-width by then.)
NUMBER_RE = re.compile(r"[\u4e00-\u9fff]{1,20}\s*[〔\[(【]\s*\d{4}\s*[〕\])】]\s*第?\s*\d+\s*号")


@dataclass
class PassageDoc:
    """One searchable document of a collection (a policy, a Q&A entry)."""

    id: str
    collection: str
    title: str
    text: str
    number: str = ""
    department: str | None = None
    category: str | None = None
    date: date | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly dict (the date as YYYY-MM-DD)."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["date"] = self.date.isoformat() if self.date else None
        out["extra"] = dict(self.extra)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PassageDoc:
        """The document :meth:`to_dict` made."""
        values = {f.name: data.get(f.name) for f in fields(cls)}
        values["date"] = date.fromisoformat(data["date"]) if data.get("date") else None
        values["extra"] = dict(data.get("extra") or {})
        values["number"] = data.get("number") or ""
        return cls(**values)


@dataclass
class PassageHit:
    """One result: the document and its score (higher is better; comparable within a search)."""

    doc: PassageDoc
    score: float


@dataclass(frozen=True)
class PassageFilter:
    """Restrict a search to departments, categories and a date range ``[date_from, date_to]``."""

    departments: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True)
class Scoring:
    """How a search scores: a weight per analysed field (0 leaves it out) and expansion.

    The defaults come from ncp_policy_qa (bench/qa.py, tuned on documents not held out):
    bigrams of the text carry most of it; words and title fields added nothing on top there
    (grid best, held-out at 1: 0.804 against 0.682 for character TF-IDF). Two choices go
    beyond the grid: a small title weight (``title_b`` 0.1, costing 0.011 at 1 there, where
    titles are only the text's first sentence) so that a word only in a title still finds its
    document; and expansion on (a tie there, -0.001 on the tuning split; +0.005 on the
    policies_hebei Q&A pairs; 孩子上学 → 入学 in the tests). The number fields are not in
    that data; they are for questions that quote a 文号.
    """

    title_c: float = 0.0
    number_c: float = 2.0
    text_c: float = 0.5
    title_w: float = 0.0
    text_w: float = 0.0
    number_k: float = 50.0  # a quoted 文号 names its document: it should decide
    title_b: float = 0.1
    text_b: float = 4.0
    expand: bool = True

    def weights(self) -> dict[str, float]:
        """The weight of each field of :data:`FIELDS`."""
        return {name: getattr(self, name) for name in FIELDS}


DEFAULT_SCORING = Scoring()


def char_tokens(text: str) -> list[str]:
    """Characters of ``text`` (Chinese one by one, letters and digits as words)."""
    return [t for t in token_string(text).split() if t != SEPARATOR]


def bigram_tokens(text: str) -> list[str]:
    """Pairs of adjacent Chinese characters of ``text`` (not across punctuation or words)."""
    out: list[str] = []
    for run in _CJK_RUN.findall(normalize(text)):
        out += [run[i:i + 2] for i in range(len(run) - 1)]
    return out


def word_tokens(text: str) -> list[str]:
    """jieba words of ``text``, lower-cased, split at punctuation, without symbols."""
    out: list[str] = []
    for word in segment(normalize(text).lower(), hmm=False):
        if is_wordlike(word):
            out += [p for p in _SPLIT.split(word) if p]
    return out


def number_key(number: str) -> str:
    """A document number as one token: folded, without brackets or spaces."""
    return _SPLIT.sub("", normalize(number).lower())


def _number_keys(found: str) -> list[str]:
    """Keys of a number found in a question, for each start of its issuer part: the pattern
    cannot tell where the issuer begins (依据冀科成〔2019〕11号), so only the real key matches."""
    key = number_key(found)
    head = len(re.match(r"[\u4e00-\u9fff]*", key).group())
    return [key[i:] for i in range(max(head - 1, 0))]


def analysed(doc: PassageDoc) -> dict[str, str]:
    """The analysed fields of a document, each a whitespace-separated token string."""
    return {"title_c": " ".join(char_tokens(doc.title)),
            "number_c": " ".join(char_tokens(doc.number)),
            "text_c": " ".join(char_tokens(doc.text)),
            "title_w": " ".join(word_tokens(doc.title)),
            "text_w": " ".join(word_tokens(doc.text)),
            "number_k": number_key(doc.number),
            "title_b": " ".join(bigram_tokens(doc.title)),
            "text_b": " ".join(bigram_tokens(doc.text))}


@dataclass(frozen=True)
class QueryTokens:
    """The distinct character and word tokens a query searches for, and its 文号 keys."""

    chars: tuple[str, ...]
    words: tuple[str, ...]
    numbers: tuple[str, ...] = ()
    bigrams: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        """True when nothing searchable is left."""
        return not self.chars and not self.words

    def for_field(self, name: str) -> tuple[str, ...]:
        """The tokens searched in the analysed field ``name``."""
        if name == "number_k":
            return self.numbers
        if name.endswith("_b"):
            return self.bigrams
        return self.chars if name.endswith("_c") else self.words


def query_tokens(query: str, scoring: Scoring = DEFAULT_SCORING) -> QueryTokens:
    """Tokens of a question, expanded by synonyms when ``scoring.expand``."""
    words = word_tokens(query)
    chars = char_tokens(query)
    bigrams = bigram_tokens(query)
    if scoring.expand:
        for term in expansions(words):
            words += word_tokens(term)
            chars += char_tokens(term)
            bigrams += bigram_tokens(term)
    chars_u = tuple(dict.fromkeys(chars))[:MAX_QUERY_TOKENS]
    words_u = tuple(dict.fromkeys(words))[:MAX_QUERY_TOKENS]
    numbers = tuple(dict.fromkeys(k for m in NUMBER_RE.finditer(normalize(query))
                                  for k in _number_keys(m.group())))
    bigrams_u = tuple(dict.fromkeys(bigrams))[:MAX_QUERY_TOKENS]
    return QueryTokens(chars_u, words_u, numbers, bigrams_u)


def check_collection(name: str) -> str:
    """``name`` when it is a valid collection name; raise ValueError otherwise."""
    if not isinstance(name, str) or not _COLLECTION_RE.match(name):
        raise ValueError(f"bad collection name {name!r} (lower-case letters, digits, _)")
    return name


def check_passage(doc: PassageDoc, collection: str) -> PassageDoc:
    """Validate one document for ``collection``; raise ValueError with the reason."""
    if not isinstance(doc.id, str) or not doc.id or len(doc.id) > 200:
        raise ValueError("id must be a non-empty string of at most 200 characters")
    if doc.collection != collection:
        raise ValueError(f"document of collection {doc.collection!r} in index {collection!r}")
    for name in ("title", "text", "number"):
        if not isinstance(getattr(doc, name), str):
            raise ValueError(f"{name} must be a string")
    if not doc.title.strip() and not doc.text.strip():
        raise ValueError("title and text are both empty")
    for name in ("department", "category"):
        if getattr(doc, name) is not None and not isinstance(getattr(doc, name), str):
            raise ValueError(f"{name} must be a string or None")
    if doc.date is not None and not isinstance(doc.date, date):
        raise ValueError("date must be a date or None")
    if not isinstance(doc.extra, dict):
        raise ValueError("extra must be a dict")
    return doc


def split_passages(docs: Iterable[PassageDoc],
                   collection: str) -> tuple[list[PassageDoc], list[ItemError]]:
    """Valid documents (the last of a repeated id wins) and the errors of the others."""
    valid: dict[str, PassageDoc] = {}
    errors: list[ItemError] = []
    for doc in docs:
        try:
            checked = check_passage(doc, collection)
        except ValueError as exc:
            errors.append(ItemError(str(getattr(doc, "id", "")), str(exc), 400))
            continue
        valid.pop(checked.id, None)
        valid[checked.id] = checked
    return list(valid.values()), errors


class PassageIndex(IndexLifecycle):
    """What every passage index offers (one collection per object)."""

    backend: str = "abstract"
    collection: str

    @abstractmethod
    def ensure(self) -> None:
        """Create the index when missing; safe to repeat."""

    @abstractmethod
    def upsert(self, docs: Iterable[PassageDoc]) -> BulkResult:
        """Write whole documents, replacing any with the same id; errors per document."""

    @abstractmethod
    def delete(self, ids: Iterable[str]) -> int:
        """Remove documents by id; return how many existed."""

    @abstractmethod
    def get(self, doc_id: str) -> PassageDoc | None:
        """The document with ``doc_id``, or None."""

    @abstractmethod
    def search(self, query: str, top: int = 10, filters: PassageFilter | None = None,
               scoring: Scoring = DEFAULT_SCORING) -> list[PassageHit]:
        """The ``top`` best documents for a question, best first (ties by id)."""

    @abstractmethod
    def count(self) -> int:
        """How many documents the index holds."""

    @abstractmethod
    def drop(self) -> None:
        """Delete the whole index (rebuilt from SQL)."""
