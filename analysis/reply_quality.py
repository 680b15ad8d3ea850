"""Reply quality: relevance, completeness and interpretability of a reply to a message, and defects.

TipDM 2020 C task 3 (相关性、完整性、可解释性). Pure: the background IDF (analysis.keywords)
loads lazily once. Every check says what it found in a Chinese sentence; ``problems`` holds the
ones a responder should fix, ``findings`` what was seen either way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from analysis import keywords, reply_relevance
from analysis import reply_text as rt
from analysis.dedup import shingles

#: Below this relevance a reply reads as answering something else.
LOW_RELEVANCE = 0.2
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

    def __init__(self, replies: Iterable[str], *, includes_checked: bool = False) -> None:
        # includes_checked: the reply being checked is itself one of these (a batch checked
        # against itself), so its own copy is not counted.
        self.signatures = [s for s in (_signature(r) for r in replies) if s]
        self.includes_checked = includes_checked

    def near_duplicates(self, reply: str) -> int:
        """How many other replies of the corpus are near-duplicates of this reply's body."""
        own = _signature(reply)
        if not own:
            return 0
        count = sum(1 for other in self.signatures if _overlap(own, other) >= NEAR_DUPLICATE)
        return max(0, count - 1) if self.includes_checked else count


def _signature(reply: str) -> frozenset[str]:
    return frozenset(shingles(rt.body(reply)))


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Share of the smaller set found in the other (a template with fill-ins still matches)."""
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


# ---------------------------------------------------------------- relevance

def relevance(message: str, reply: str) -> float:
    """How well the reply addresses this message rather than another matter, in [0, 1]."""
    return reply_relevance.relevance(message, reply)


# ---------------------------------------------------------------- completeness

def _answered(question: tuple[str, str], body: str, said: set[str]) -> bool:
    """Whether the reply answers a question: a date for 'when', else the question's rare words."""
    clause, sentence = question
    if rt.ASKS_WHEN.search(clause) and rt.WHEN.search(body):
        return True
    words = keywords.content_words(keywords.words_of(clause))
    if len(words) < 2:  # 什么时候能修好？ is about what the sentence before it names
        words = keywords.content_words(keywords.words_of(sentence))
    if not words:
        return True
    key = sorted(set(words), key=lambda w: -keywords.background().idf(w))[:3]
    return any(w in said for w in key)


def completeness(message: str, reply: str) -> tuple[float, list[str], list[str]]:
    """Questions answered, an action or result, a time, a contact: score, problems, notes."""
    body = rt.body(reply)
    said = set(keywords.content_words(keywords.words_of(body)))
    asked = rt.questions(message)
    missed = [clause for clause, sentence in asked if not _answered((clause, sentence), body, said)]
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
    rest = sum(len(s) for s in rt.sentences(body) if not rt.DEFLECT.search(s))
    if deflect and rest < SHORT_BODY and not rt.ACTION.search(body):
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


def _relevance_findings(message: str, reply: str, value: float) -> tuple[list[str], list[str]]:
    if value < LOW_RELEVANCE:
        return ["答复与留言反映的事项关联很弱，可能答非所问或针对的是别的留言。"], []
    asked = keywords.places(keywords.words_of(message))
    said = keywords.places(keywords.words_of(rt.body(reply)))
    named = [a for a in asked if any(keywords.same_place(a, s) for s in said)]
    if named:
        return [], [f"答复提到了留言中的地点（{'、'.join(named[:3])}），针对的是留言所反映的事项。"]
    return [], ["答复与留言反映的事项相关。"]


def check_reply(message: str, reply: str, *,
                others: Sequence[str] | ReplyCorpus | None = None) -> ReplyCheck:
    """All checks of a reply to a message; `others` are other replies for the boilerplate check."""
    corpus = others if isinstance(others, ReplyCorpus) or others is None else ReplyCorpus(others)
    rel = relevance(message, reply)
    problems, notes = _relevance_findings(message, reply, rel)
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
