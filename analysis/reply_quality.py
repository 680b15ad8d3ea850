"""Reply quality: relevance, completeness and interpretability of a reply to a message, and defects.

TipDM 2020 C task 3 (相关性、完整性、可解释性). Pure: the background IDF (analysis.keywords)
loads lazily once. Every check says what it found in a Chinese sentence; ``problems`` holds the
ones a responder should fix, ``findings`` what was seen either way.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from analysis import keywords
from analysis import reply_text as rt
from analysis.dedup import shingles

#: Weights of the relevance features (tuned on one half of the 附件4 even ids by
#: bench/reply_quality.py; the other half reports the AUC).
REL_WEIGHTS = {"words": 3.0, "bigrams": 2.0, "places": 1.0, "quote": 1.5, "precision": 1.0}
REL_BIAS = -2.2
#: Rare terms count more than common ones: IDF raised to this power.
IDF_POWER = 2.0
#: Below this relevance a reply reads as answering something else.
LOW_RELEVANCE = 0.35
#: Body lengths (characters) outside the norm of the 附件4 replies (about the 1st and 99th
#: percentile of their bodies).
SHORT_BODY, LONG_BODY = 30, 1800
#: A reply body sharing this share of its 3-character shingles with another is a near-duplicate.
NEAR_DUPLICATE = 0.6
#: Near-duplicates among other replies from which a reply counts as reused boilerplate.
TEMPLATE_COUNT = 3
#: Penalty per defect on the overall score.
DEFECT_PENALTY = 0.1


@dataclass(frozen=True)
class ReplyCheck:
    """The checks of one reply: three scores and their overall score in [0, 1], and findings."""

    relevance: float
    completeness: float
    interpretability: float
    score: float
    problems: tuple[str, ...]
    findings: tuple[str, ...] = ()

    def as_json(self) -> dict:
        """The shape `yuqing reply-check --json/--jsonl` prints."""
        return {"relevance": self.relevance, "completeness": self.completeness,
                "interpretability": self.interpretability, "score": self.score,
                "problems": list(self.problems)}


class ReplyCorpus:
    """Shingle signatures of other replies, built once, for the boilerplate check."""

    def __init__(self, replies: Iterable[str]) -> None:
        self.signatures = [s for s in (_signature(r) for r in replies) if s]

    def near_duplicates(self, reply: str) -> int:
        """How many replies of the corpus are near-duplicates of this reply's body."""
        own = _signature(reply)
        if not own:
            return 0
        return sum(1 for other in self.signatures if _overlap(own, other) >= NEAR_DUPLICATE)


def _signature(reply: str) -> frozenset[str]:
    return frozenset(shingles(rt.body(reply)))


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Share of the smaller set found in the other (a template with fill-ins still matches)."""
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


# ---------------------------------------------------------------- relevance

def _idf(term: str) -> float:
    return keywords.background().idf(term) ** IDF_POWER


def _coverage(asked: Iterable[str], said: set[str]) -> float:
    """IDF-weighted share of the asked terms that the reply says."""
    weights = {t: _idf(t) for t in set(asked)}
    total = sum(weights.values())
    return sum(w for t, w in weights.items() if t in said) / total if total else 0.0


def _place_match(asked: Sequence[str], said: Sequence[str]) -> float:
    """Share of the message's place names that the reply names too (景蓉华苑 ~ 景蓉花苑 by core)."""
    if not asked:
        return 0.0
    return sum(1 for a in asked if any(keywords.same_place(a, s) for s in said)) / len(asked)


def _quote_match(message: str, reply: str) -> float:
    """How much of the best quoted passage of the reply (often the title) is in the message."""
    grams = {message[i:i + 2] for i in range(len(message) - 1)}
    best = 0.0
    for quote in rt.quotes(reply):
        pairs = [quote[i:i + 2] for i in range(len(quote) - 1)]
        if pairs:
            best = max(best, sum(p in grams for p in pairs) / len(pairs))
    return best


def relevance_features(message: str, reply: str) -> dict[str, float]:
    """The relevance features of a reply body against the message (each in [0, 1])."""
    body = rt.body(reply)
    m_words, r_words = keywords.words_of(message), keywords.words_of(body)
    m_terms, r_terms = keywords.content_words(m_words), set(keywords.content_words(r_words))
    m_bi, r_bi = keywords.bigrams(m_terms), set(keywords.bigrams(list(r_terms)))
    r_rare = [t for t in r_terms if keywords.background().df.get(t, 0) <= 20]
    m_set = set(m_terms)
    return {
        "words": _coverage(m_terms, r_terms),
        "bigrams": _coverage(m_bi, r_bi),
        "places": _place_match(keywords.places(m_words), keywords.places(r_words)),
        "quote": _quote_match(message, reply),
        "precision": (sum(t in m_set for t in r_rare) / len(r_rare)) if r_rare else 0.5,
    }


def relevance_of(features: dict[str, float]) -> float:
    """Combine relevance features into a score in [0, 1] (a logistic of their weighted sum)."""
    z = REL_BIAS + sum(REL_WEIGHTS[k] * v for k, v in features.items())
    return 1.0 / (1.0 + math.exp(-z))


def relevance(message: str, reply: str) -> float:
    """How well the reply addresses this message rather than another matter, in [0, 1]."""
    return relevance_of(relevance_features(message, reply))


# ---------------------------------------------------------------- completeness

def _answered(question: str, said: set[str]) -> bool:
    """Whether the reply says the rarest words of a question (what it is about)."""
    words = keywords.content_words(keywords.words_of(question))
    if not words:
        return True
    key = sorted(set(words), key=lambda w: -keywords.background().idf(w))[:3]
    return any(w in said for w in key)


def completeness(message: str, reply: str) -> tuple[float, list[str], list[str]]:
    """Questions answered, an action or result, a time, a contact: score, problems, notes."""
    body = rt.body(reply)
    said = set(keywords.content_words(keywords.words_of(body)))
    asked = rt.questions(message)
    missed = [q for q in asked if not _answered(q, said)]
    problems, notes = [], []
    if missed:
        more = f"等{len(missed)}处" if len(missed) > 1 else ""
        problems.append(f"留言问到“{rt.snippet(missed[0])}”{more}，答复中未见回应。")
    elif asked:
        notes.append(f"留言中的{len(asked)}个问题在答复中都有回应。")
    action, when, contact = rt.ACTION.search(body), rt.WHEN.search(body), rt.CONTACT.search(reply)
    if action:
        notes.append(f"答复说明了已做的工作或结果（“{rt.snippet(action.group(), 16)}”）。")
    else:
        problems.append("答复没有说明采取了什么措施或处理结果。")
    if when:
        notes.append(f"答复给出了时间（“{when.group()}”）。")
    if contact:
        notes.append(f"答复留有后续联系方式（“{rt.snippet(contact.group(), 16)}”）。")
    else:
        problems.append("答复没有留联系电话或办理地点，群众不知道后续找谁。")
    answered = 1.0 - len(missed) / len(asked) if asked else 1.0
    score = 0.4 * answered + 0.3 * bool(action) + 0.15 * bool(when) + 0.15 * bool(contact)
    return score, problems, notes


# ---------------------------------------------------------------- interpretability

def interpretability(reply: str) -> tuple[float, list[str], list[str]]:
    """Whether a decision, above all a refusal, cites its policy or legal basis."""
    body = rt.body(reply)
    basis, reason, refusal = rt.BASIS.search(body), rt.REASON.search(body), rt.REFUSAL.search(body)
    if basis:
        return 1.0, [], [f"答复引用了依据（“{rt.snippet(basis.group(), 20)}”）。"]
    if refusal:
        found = f"答复作出了否定或暂缓的决定（“{rt.snippet(refusal.group(), 12)}”）"
        if reason:
            return 0.5, [found + "，说明了原因但没有引用政策或法律依据。"], []
        return 0.1, [found + "，但没有说明政策或法律依据。"], []
    if reason:
        return 0.8, [], ["答复解释了原因（未引用具体政策或法规）。"]
    return 0.6, [], ["答复没有引用政策或法律依据；不涉及否定决定时可以接受。"]


# ---------------------------------------------------------------- defects

def defects(reply: str, corpus: ReplyCorpus | None) -> list[str]:
    """Boilerplate, deflection, promise without date, impolite or bureaucratic wording, length."""
    body = rt.body(reply)
    found: list[str] = []
    copies = corpus.near_duplicates(reply) if corpus else 0
    if copies >= TEMPLATE_COUNT:
        found.append(f"答复与另外{copies}条答复几乎相同，像是套用模板，没有针对这条留言。")
    deflect = rt.DEFLECT.search(body)
    if deflect and not rt.ACTION.search(body) and len(body) < 120:
        found.append(f"答复只是推转（“{rt.snippet(deflect.group(), 16)}”），没有实际处理内容。")
    promise = rt.PROMISE.search(body)
    if promise and not rt.WHEN.search(body):
        found.append(f"答复承诺“{rt.snippet(promise.group(), 16)}”，但没有给出完成时间。")
    rude = rt.IMPOLITE.search(body)
    if rude:
        found.append(f"答复用语生硬、不礼貌（“{rude.group()}”）。")
    empty = rt.OFFICIALESE.findall(body)
    if len(empty) >= 3 and not rt.ACTION.search(body):
        found.append(f"答复多为官话套话（如“{'”“'.join(dict.fromkeys(empty))}”），缺少具体内容。")
    size = len(body)
    if size < SHORT_BODY:
        found.append(f"答复正文只有{size}个字，远短于一般答复。")
    elif size > LONG_BODY:
        found.append(f"答复正文有{size}个字，远长于一般答复，群众难以抓住要点。")
    return found


def _relevance_findings(value: float, feats: dict[str, float]) -> tuple[list[str], list[str]]:
    if value < LOW_RELEVANCE:
        return ["答复与留言反映的事项关联很弱，可能答非所问或针对的是别的留言。"], []
    if feats.get("places", 0) > 0:
        return [], ["答复提到了留言中的地点，针对的是留言所反映的事项。"]
    return [], ["答复与留言反映的事项相关。"]


def check_reply(message: str, reply: str, *,
                others: Sequence[str] | ReplyCorpus | None = None) -> ReplyCheck:
    """All checks of a reply to a message; `others` are other replies for the boilerplate check."""
    corpus = others if isinstance(others, ReplyCorpus) or others is None else ReplyCorpus(others)
    feats = relevance_features(message, reply)
    rel = relevance_of(feats)
    problems, notes = _relevance_findings(rel, feats)
    comp, comp_problems, comp_notes = completeness(message, reply)
    interp, int_problems, int_notes = interpretability(reply)
    found = defects(reply, corpus)
    problems += comp_problems + int_problems + found
    notes += comp_notes + int_notes
    score = 0.4 * rel + 0.3 * comp + 0.3 * interp - DEFECT_PENALTY * len(found)
    return ReplyCheck(relevance=_unit(rel), completeness=_unit(comp),
                      interpretability=_unit(interp), score=_unit(score),
                      problems=tuple(problems), findings=tuple(notes))


def _unit(value: float) -> float:
    return round(min(1.0, max(0.0, value)), 4)
