"""Incremental event clustering: each new item joins an existing event or starts one.

An event is one concrete matter: a place (or a named case such as 58车贷) and a problem. Each
item gives two things: its anchors (place names joined by analysis.keywords from the title,
or named twice in the text, plus rare title words) and a TF-IDF vector of its other words and
their character bigrams, title counting double. Candidate events come from an inverted index
over each event's top terms, restricted to events active within a time window, so adding an
item costs time in proportion to the item, not the corpus. Score = cosine with the event's
centroid, plus a bonus when an anchor matches the event's places, minus a penalty when both
name places and none match, minus another when both name district codes or line numbers (A7县,
3号线) and none match; the best candidate at or above the threshold wins. A SimHash
near-duplicate joins its original's event at once. When an item fits several events that name
the same place and resemble each other, they are merged (a matter that started apart).
State is plain data (`to_dict` / `from_dict`) so a caller can persist and restore it.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from analysis import dedup, keywords
from analysis import text as textmod
from analysis.types import Assignment, EventSummary, Item, Keyword


@dataclass(frozen=True)
class ClusterConfig:
    """Tuning of the clusterer; the defaults aim at concrete matters on message boards."""

    threshold: float = 0.34  # score needed to join an event
    place_bonus: float = 0.28  # added when an anchor names one of the event's places
    min_topic: float = 0.06  # cosine below this never joins, whatever the place
    place_penalty: float = 0.15  # taken when both name places and none match
    code_penalty: float = 0.15  # taken when both name codes (A7县, 3号线) and none match
    window: timedelta = timedelta(days=90)  # an event idle this long takes no new items
    title_weight: int = 2
    item_terms: int = 60  # terms kept in an item vector
    event_terms: int = 100  # terms kept (and indexed) in an event centroid
    query_terms: int = 12  # an item's heaviest terms used to look up candidates
    max_postings: int = 2000  # terms in more events than this are too common to look up
    duplicate_distance: int = 4  # SimHash bits
    max_text_chars: int = 400  # the start of a long text says what it is about
    merge_similarity: float = 0.2  # centroid cosine to merge two events naming one place
    merge_unplaced: float = 0.6  # centroid cosine to merge events without places


@dataclass
class Event:
    """Mutable state of one event inside the clusterer."""

    id: str
    centroid: dict[str, float]
    places: Counter[str]
    first_at: datetime
    last_at: datetime
    members: list[str] = field(default_factory=list)
    codes: Counter[str] = field(default_factory=Counter)  # see codes_of
    authors: set[str] = field(default_factory=set)
    title: str = ""
    likes: int = 0
    comments: int = 0
    reposts: int = 0
    norm: float = 0.0

    @property
    def size(self) -> int:
        """Number of member items."""
        return len(self.members)

    def main_places(self, k: int = 3, share: float = 0.25) -> list[str]:
        """The places that identify the event: the most named, each in `share` of members."""
        common = self.places.most_common(k)
        return [p for i, (p, n) in enumerate(common) if i == 0 or n >= share * self.size]

    def top_terms(self, k: int) -> list[str]:
        """The k heaviest centroid terms."""
        return [t for t, _ in sorted(self.centroid.items(), key=lambda kv: (-kv[1], kv[0]))[:k]]

    def keywords(self, k: int = 8) -> list[Keyword]:
        """The event's main places, then its heaviest words (character bigrams left out)."""
        total = float(self.size) or 1.0
        found = [Keyword(p, round(n / total, 4)) for p, n in self.places.most_common(2)]
        words = [t for t in self.top_terms(len(self.centroid))
                 if not t.startswith(keywords.BIGRAM_PREFIX)]
        found += [Keyword(t, round(self.centroid[t] / total, 4)) for t in words]
        return found[:k]


def _is_place_term(term: str, found_places: list[str]) -> bool:
    return bool(textmod.ADMIN_CODE.fullmatch(term)) or any(term in p for p in found_places)


def item_vector(item: Item, config: ClusterConfig) -> tuple[dict[str, float], list[str]]:
    """L2-normalised TF-IDF vector of an item's problem words, and its place names.

    Words that are part of a place name are left out of the vector: the place is compared
    separately, so two complaints about different problems in one estate stay apart.
    """
    title_words = keywords.words_of(item.title) if item.title else []
    text_words = keywords.words_of(item.text[:config.max_text_chars])
    # Title places are the cleanest; a text place counts when the text names it twice.
    text_places = Counter(keywords.places_all(text_words))
    found_places = keywords.places(title_words) + [p for p, n in text_places.items() if n >= 2]
    found_places += keywords.rare_names(title_words)
    found_places = list(dict.fromkeys(found_places))
    counts: Counter[str] = Counter()
    for words, repeat in ((text_words, 1), (title_words, config.title_weight)):
        topic = [w for w in keywords.content_words(words) if not _is_place_term(w, found_places)]
        for _ in range(repeat):
            counts.update(topic)
            counts.update(keywords.bigrams(topic))
    weights = keywords.tfidf(counts)
    top = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:config.item_terms]
    norm = math.sqrt(sum(w * w for _, w in top)) or 1.0
    return {t: w / norm for t, w in top}, found_places


_LINE = re.compile(r"\d{1,2}号线")


def codes_of(item: Item, config: ClusterConfig) -> list[str]:
    """Codes that tell apart matters told in the same words: districts and counties (A7县,
    A3区) and numbered lines (地铁3号线). Those the title names, else those the start of the
    text names. A city or province (A市, 西地省) is too wide to tell matters apart."""
    for text in (item.title, item.text[:config.max_text_chars]):
        text = textmod.normalize(text or "")
        found = [m.group() for m in textmod.ADMIN_CODE.finditer(text)
                 if m.group()[-1] not in "省市"] + _LINE.findall(text)
        if found:
            return list(dict.fromkeys(found))
    return []


def cosine(vector: dict[str, float], centroid: dict[str, float],
           norm: float | None = None) -> float:
    """Cosine of a unit vector with an (unnormalised) centroid of the given norm."""
    if norm is None:
        norm = math.sqrt(sum(w * w for w in centroid.values()))
    if not norm:
        return 0.0
    if len(vector) > len(centroid):
        return sum(w * vector.get(t, 0.0) for t, w in centroid.items()) / norm
    return sum(w * centroid.get(t, 0.0) for t, w in vector.items()) / norm


class EventClusterer:
    """Assigns items to events incrementally; state can be saved with to_dict/from_dict."""

    def __init__(self, config: ClusterConfig | None = None, id_prefix: str = "ev") -> None:
        self.config = config or ClusterConfig()
        self.id_prefix = id_prefix
        self.events: dict[str, Event] = {}
        self._postings: dict[str, set[str]] = {}
        self._indexed: dict[str, set[str]] = {}
        self._item_event: dict[str, str] = {}
        self._signatures = dedup.SimHashIndex(max_distance=self.config.duplicate_distance)
        self._counter = 0

    def summary(self, event_id: str) -> EventSummary:
        """A frozen snapshot of one event."""
        e = self.events[event_id]
        return EventSummary(e.id, e.title, e.size, e.first_at, e.last_at, tuple(e.members),
                            len(e.authors), e.likes, e.comments, e.reposts,
                            tuple(e.main_places()), tuple(e.keywords()))

    def summaries(self) -> list[EventSummary]:
        """Snapshots of all events, largest first."""
        return [self.summary(e.id) for e in sorted(self.events.values(),
                                                   key=lambda e: (-e.size, e.id))]

    def event_of(self, item_id: str) -> Event | None:
        """The event an item was put in, if any."""
        event_id = self._item_event.get(item_id)
        return self.events.get(event_id) if event_id else None

    def add(self, item: Item) -> Assignment:
        """Put an item into an existing event or a new one (adding the same id twice is a no-op).

        When the item fits several events that also resemble each other, they are one matter
        that started apart: the others are merged into the best one and listed in the result.
        """
        known = self._item_event.get(item.id)
        if known is not None:
            return Assignment(item.id, known, False)
        vector, found_places = item_vector(item, self.config)
        codes = codes_of(item, self.config)
        signature = self._signature(item)
        duplicate_of, event_id = self._duplicate(signature, item.published_at)
        similarity, others = (1.0, []) if duplicate_of else (0.0, [])
        if event_id is None:
            ranked = self._ranked(vector, found_places, codes, item.published_at)
            if ranked:
                (event_id, similarity), others = ranked[0], [e for e, _ in ranked[1:]]
        is_new = event_id is None
        if event_id is None:
            event_id = self._new_event(item)
        self._join(self.events[event_id], item, vector, found_places, codes)
        if signature:
            self._signatures.add(item.id, signature)
        merged = self._merge_similar(event_id, others)
        return Assignment(item.id, event_id, is_new, duplicate_of, round(similarity, 4), merged)

    def _merge_similar(self, event_id: str, others: list[str]) -> tuple[str, ...]:
        merged = []
        for other_id in others:
            if self._mergeable(self.events[event_id], self.events[other_id]):
                self.merge(event_id, other_id)
                merged.append(other_id)
        return tuple(merged)

    def _mergeable(self, event: Event, other: Event) -> bool:
        """Two events are one matter: they name the same place and say similar things."""
        norm = math.sqrt(sum(w * w for w in other.centroid.values())) or 1.0
        similarity = cosine({t: w / norm for t, w in other.centroid.items()}, event.centroid)
        mine, theirs = event.main_places(), other.main_places()
        if mine and theirs:
            same = any(keywords.same_place(p, q) for p in mine for q in theirs)
            return same and similarity >= self.config.merge_similarity
        return similarity >= self.config.merge_unplaced

    def _signature(self, item: Item) -> int:
        text = f"{item.title} {item.text}"
        return dedup.simhash(text) if dedup.char_count(text) >= 14 else 0

    def _active(self, event: Event, at: datetime) -> bool:
        window = self.config.window
        return at - window <= event.last_at and event.first_at <= at + window

    def _duplicate(self, signature: int, at: datetime) -> tuple[str | None, str | None]:
        for key, _distance in self._signatures.query(signature) if signature else ():
            event = self.event_of(key)
            if event is not None and self._active(event, at):
                return key, event.id
        return None, None

    def _candidates(self, vector: dict[str, float]) -> set[str]:
        found: set[str] = set()
        for term in list(vector)[:self.config.query_terms]:
            posting = self._postings.get(term, ())
            if len(posting) <= self.config.max_postings:
                found.update(posting)
        return found

    def _ranked(self, vector: dict[str, float], found_places: list[str], codes: list[str],
                at: datetime) -> list[tuple[str, float]]:
        """Active candidate events that reach the threshold, best first."""
        scored = []
        for event_id in self._candidates(vector):
            event = self.events[event_id]
            if not self._active(event, at):
                continue
            topic = cosine(vector, event.centroid, event.norm)
            if topic < self.config.min_topic:
                continue
            score = topic + self._place_score(found_places, event)
            if codes and event.codes and not event.codes.keys() & set(codes):
                score -= self.config.code_penalty
            if score >= self.config.threshold:
                scored.append((event_id, score))
        return sorted(scored, key=lambda es: (-es[1], es[0]))

    def _place_score(self, found_places: list[str], event: Event) -> float:
        """Bonus for a shared place, penalty when both name places and none is shared."""
        if not found_places or not event.places:
            return 0.0
        known = [p for p, _ in event.places.most_common(10)]
        if any(keywords.same_place(p, q) for p in found_places[:6] for q in known):
            return self.config.place_bonus
        return -self.config.place_penalty

    def _new_event(self, item: Item) -> str:
        self._counter += 1
        event_id = f"{self.id_prefix}{self._counter}"
        while event_id in self.events:
            self._counter += 1
            event_id = f"{self.id_prefix}{self._counter}"
        self.events[event_id] = Event(event_id, {}, Counter(), item.published_at,
                                      item.published_at, title=item.title or item.text[:40])
        return event_id

    def _join(self, event: Event, item: Item, vector: dict[str, float],
              found_places: list[str], codes: list[str]) -> None:
        for term, weight in vector.items():
            event.centroid[term] = event.centroid.get(term, 0.0) + weight
        event.places.update(found_places)
        event.codes.update(codes)
        event.first_at = min(event.first_at, item.published_at)
        event.last_at = max(event.last_at, item.published_at)
        event.members.append(item.id)
        if item.author:
            event.authors.add(item.author)
        event.likes += item.likes
        event.comments += item.comments
        event.reposts += item.reposts
        self._item_event[item.id] = event.id
        self._reindex(event)

    def _reindex(self, event: Event) -> None:
        keep = event.top_terms(self.config.event_terms)
        event.centroid = {t: event.centroid[t] for t in keep}
        event.norm = math.sqrt(sum(w * w for w in event.centroid.values()))
        new, old = set(keep), self._indexed.get(event.id, set())
        for term in old - new:
            self._postings[term].discard(event.id)
        for term in new - old:
            self._postings.setdefault(term, set()).add(event.id)
        self._indexed[event.id] = new

    def prune(self, now: datetime) -> list[str]:
        """Forget events idle for longer than the window (they can no longer take items).

        Returns their ids; the caller keeps their stored copy. Keeps memory and posting
        lists bounded by the window's activity, not by history.
        """
        stale = [e.id for e in self.events.values() if e.last_at < now - self.config.window]
        for event_id in stale:
            event = self.events.pop(event_id)
            for term in self._indexed.pop(event_id, set()):
                self._postings[term].discard(event_id)
            for item_id in event.members:
                self._item_event.pop(item_id, None)
                self._signatures.remove(item_id)
        return stale

    def merge(self, target_id: str, source_id: str) -> Event:
        """Merge event source into event target (a person decided they are one matter)."""
        target, source = self.events[target_id], self.events.pop(source_id)
        for term, weight in source.centroid.items():
            target.centroid[term] = target.centroid.get(term, 0.0) + weight
        target.places.update(source.places)
        target.codes.update(source.codes)
        target.first_at = min(target.first_at, source.first_at)
        target.last_at = max(target.last_at, source.last_at)
        target.members.extend(source.members)
        target.authors |= source.authors
        target.likes += source.likes
        target.comments += source.comments
        target.reposts += source.reposts
        for item_id in source.members:
            self._item_event[item_id] = target_id
        for term in self._indexed.pop(source_id, set()):
            self._postings[term].discard(source_id)
        self._reindex(target)
        return target

    def to_dict(self) -> dict[str, Any]:
        """Plain-data state (JSON-serialisable) for persisting the clusterer."""
        return {
            "version": 1,
            "id_prefix": self.id_prefix,
            "counter": self._counter,
            "config": {**self.config.__dict__, "window": self.config.window.total_seconds()},
            "events": [_event_to_dict(e) for e in self.events.values()],
            "signatures": {key: format(sig, "x") for key, sig in self._signatures.items()},
        }

    @classmethod
    def from_dict(cls, state: dict[str, Any]) -> EventClusterer:
        """Rebuild a clusterer saved with to_dict."""
        raw = dict(state["config"])
        raw["window"] = timedelta(seconds=raw["window"])
        clusterer = cls(ClusterConfig(**raw), state.get("id_prefix", "ev"))
        clusterer._counter = int(state.get("counter", 0))
        for data in state["events"]:
            event = _event_from_dict(data)
            clusterer.events[event.id] = event
            for item_id in event.members:
                clusterer._item_event[item_id] = event.id
            clusterer._reindex(event)
        for key, sig in state.get("signatures", {}).items():
            clusterer._signatures.add(key, int(sig, 16))
        return clusterer


def _event_to_dict(event: Event) -> dict[str, Any]:
    return {
        "id": event.id, "centroid": event.centroid, "places": dict(event.places),
        "codes": dict(event.codes),
        "first_at": event.first_at.isoformat(), "last_at": event.last_at.isoformat(),
        "members": list(event.members), "authors": sorted(event.authors), "title": event.title,
        "likes": event.likes, "comments": event.comments, "reposts": event.reposts,
    }


def _event_from_dict(data: dict[str, Any]) -> Event:
    return Event(
        id=data["id"], centroid={t: float(w) for t, w in data["centroid"].items()},
        places=Counter(data["places"]), codes=Counter(data.get("codes", {})),
        first_at=datetime.fromisoformat(data["first_at"]),
        last_at=datetime.fromisoformat(data["last_at"]), members=list(data["members"]),
        authors=set(data.get("authors", ())),
        title=data.get("title", ""), likes=int(data.get("likes", 0)),
        comments=int(data.get("comments", 0)), reposts=int(data.get("reposts", 0)),
    )
