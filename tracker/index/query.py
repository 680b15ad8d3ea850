"""The watch-rule (监测方案) query syntax, shared by the search box, the CLI and saved rules.

``物业 噪音``            all of these words (a space means AND)
``+噪音``                the same as ``噪音`` (required)
``-广告``                none of these words
``(学校|医院)`` or ``学校|医院``   any one of these words
``"A3区 物业"``          a phrase: a word that contains spaces or operator characters
``region:A3区|A4区``     region words: at least one must occur (like an any-of group)
``source:demo_board_a``  only these sources (``|`` or ``,`` separate several)
``kind:board``           only these kinds (news, rss, forum, board)

Words match anywhere in the title or text (物业 finds 物业费); case, full-width forms and
punctuation between characters are ignored. Full-width operators （）｜＋－：“” work too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from tracker.index.base import QuerySyntaxError
from tracker.index.text import contains_term, is_searchable

FIELDS = ("region", "source", "kind")
MAX_QUERY_CHARS = 1000
MAX_WORDS = 64
_FOLD = str.maketrans({"（": "(", "）": ")", "｜": "|", "＋": "+", "－": "-", "：": ":",
                       "“": '"', "”": '"', "＂": '"', "\u3000": " "})
_FIELD_RE = re.compile(r"([A-Za-z_]+):(.*)", re.S)
_SPECIAL = set('()|"')
_NEEDS_QUOTES = re.compile(r'[\s()|":]|^[+-]')


@dataclass(frozen=True)
class Query:
    """A parsed query: word groups and source/kind restrictions."""

    all_words: tuple[str, ...] = ()
    any_groups: tuple[tuple[str, ...], ...] = ()
    none_words: tuple[str, ...] = ()
    region_words: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()

    def positive_terms(self) -> list[str]:
        """Every word that can make a document match (for highlighting)."""
        words = list(self.all_words) + [w for g in self.any_groups for w in g]
        return list(dict.fromkeys(words + list(self.region_words)))

    @property
    def is_empty(self) -> bool:
        """True when the query restricts nothing."""
        return not (self.all_words or self.any_groups or self.none_words or
                    self.region_words or self.sources or self.kinds)

    def to_text(self) -> str:
        """The canonical query string (parses back to an equal Query)."""
        out = [_quote(w) for w in self.all_words]
        out += ["(" + "|".join(_quote(w) for w in g) + ")" for g in self.any_groups]
        out += ["-" + _quote(w) for w in self.none_words]
        if self.region_words:
            out.append("region:" + "|".join(_quote(w) for w in self.region_words))
        if self.sources:
            out.append("source:" + "|".join(self.sources))
        if self.kinds:
            out.append("kind:" + "|".join(self.kinds))
        return " ".join(out)

    def matches(self, doc: Any) -> bool:
        """Evaluate the query on one document in Python (same rules as the indexes)."""
        text = f"{doc.title}\n{doc.text}"
        if self.sources and doc.source not in self.sources:
            return False
        if self.kinds and doc.kind not in self.kinds:
            return False
        groups = [(w,) for w in self.all_words] + list(self.any_groups)
        if self.region_words:
            groups.append(self.region_words)
        if not all(any(contains_term(text, w) for w in g) for g in groups):
            return False
        return not any(contains_term(text, w) for w in self.none_words)


def _quote(word: str) -> str:
    return f'"{word}"' if _NEEDS_QUOTES.search(word) else word


def _lex(text: str) -> list[tuple[str, str, int]]:
    """Split into (kind, value, position) tokens: op, word, phrase, sign."""
    out: list[tuple[str, str, int]] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch in "()|":
            out.append(("op", ch, i))
            i += 1
        elif ch == '"':
            end = text.find('"', i + 1)
            if end < 0:
                raise QuerySyntaxError(f"第 {i + 1} 个字符处的引号没有配对")
            out.append(("phrase", text[i + 1:end].strip(), i))
            i = end + 1
        elif ch in "+-" and i + 1 < len(text) and not text[i + 1].isspace():
            out.append(("sign", ch, i))
            i += 1
        else:
            j = i
            while j < len(text) and not text[j].isspace() and text[j] not in _SPECIAL:
                j += 1
            word = text[i:j]
            match = _FIELD_RE.fullmatch(word)
            if match and j < len(text) and text[j] == '"' and not match.group(2):
                end = text.find('"', j + 1)
                if end < 0:
                    raise QuerySyntaxError(f"第 {j + 1} 个字符处的引号没有配对")
                word += text[j + 1:end]
                j = end + 1
            out.append(("word", word, i))
            i = j
    return out


class _Parser:
    """A small recursive-descent parser over the lexed tokens."""

    def __init__(self, text: str) -> None:
        self.tokens = _lex(text)
        self.pos = 0
        self.parts: dict[str, list[Any]] = {k: [] for k in
                                            ("all", "any", "none", "region", "source", "kind")}

    def peek(self) -> tuple[str, str, int] | None:
        """The next token, or None at the end."""
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str, int]:
        """Consume the next token."""
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def word(self) -> str:
        """A bare word or a quoted phrase."""
        token = self.peek()
        if token is None or token[0] not in ("word", "phrase"):
            where = f"第 {token[2] + 1} 个字符处" if token else "末尾"
            raise QuerySyntaxError(f"{where}缺少检索词")
        kind, value, at = self.take()
        if kind == "word" and (match := _FIELD_RE.fullmatch(value)):
            raise QuerySyntaxError(f"{match.group(1)}: 不能写在括号或“|”中"
                                   f"（第 {at + 1} 个字符处）")
        return _checked_word(value, at)

    def alternatives(self, closing: bool) -> list[str]:
        """``a|b|c``, ending with ``)`` when ``closing``."""
        words = [self.word()]
        while (token := self.peek()) and token[:2] == ("op", "|"):
            self.take()
            words.append(self.word())
        if closing:
            token = self.peek()
            if token is None or token[:2] != ("op", ")"):
                raise QuerySyntaxError("括号没有配对：缺少“)”")
            self.take()
        return words

    def item(self) -> None:
        """One signed word, group or field."""
        sign = self.take()[1] if self.peek()[0] == "sign" else ""
        kind, value, at = self.peek()
        if kind == "op" and value == "(":
            self.take()
            words = self.alternatives(closing=True)
        elif kind == "op":
            raise QuerySyntaxError(f"第 {at + 1} 个字符处不应出现“{value}”")
        elif kind == "word" and (match := _FIELD_RE.fullmatch(value)):
            if sign:
                raise QuerySyntaxError(f"“{sign}”不能写在 {match.group(1)}: 前面")
            self.take()
            self.field(match.group(1).lower(), match.group(2), at)
            return
        else:
            words = self.alternatives(closing=False)
        if sign == "-":
            self.parts["none"].extend(words)
        elif len(words) == 1 and kind != "op":
            self.parts["all"].append(words[0])
        else:
            self.parts["any"].append(tuple(words))

    def field(self, name: str, raw: str, at: int) -> None:
        """``region:``, ``source:`` or ``kind:`` with its values."""
        if name not in FIELDS:
            raise QuerySyntaxError(f"第 {at + 1} 个字符处的“{name}:”无法识别"
                                   f"（可用 region: 地域、source: 来源、kind: 类型）")
        values = [v.strip() for v in re.split(r"[|,]", raw) if v.strip()]
        while (token := self.peek()) and token[:2] == ("op", "|"):
            self.take()
            values.append(self.word())
        if not values:
            raise QuerySyntaxError(f"{name}: 后面缺少内容（第 {at + 1} 个字符处）")
        if name == "region":
            values = [_checked_word(v, at) for v in values]
        self.parts[name].extend(values)

    def parse(self) -> Query:
        """The whole query."""
        while (token := self.peek()) is not None:
            if token[:2] == ("op", ")"):
                raise QuerySyntaxError(f"括号没有配对：第 {token[2] + 1} 个字符处多了“)”")
            self.item()
        p = self.parts
        count = len(p["all"]) + len(p["none"]) + len(p["region"]) + sum(map(len, p["any"]))
        if count > MAX_WORDS:
            raise QuerySyntaxError(f"检索词太多（{count} 个，最多 {MAX_WORDS} 个）")
        return Query(*(tuple(dict.fromkeys(p[k])) for k in ("all", "any", "none", "region",
                                                             "source", "kind")))


def _checked_word(word: str, at: int) -> str:
    if not word:
        raise QuerySyntaxError(f"第 {at + 1} 个字符处的引号中没有内容")
    if not is_searchable(word):
        raise QuerySyntaxError(f"“{word}”中没有文字或数字"
                               f"（第 {at + 1} 个字符处）")
    return word


def parse_query(text: str) -> Query:
    """Parse the watch-rule syntax; raise :class:`QuerySyntaxError` with a one-line reason."""
    text = (text or "").translate(_FOLD)
    if len(text) > MAX_QUERY_CHARS:
        raise QuerySyntaxError(f"检索式太长（{len(text)} 个字，"
                               f"最多 {MAX_QUERY_CHARS} 个）")
    return _Parser(text).parse()
