"""One source of truth: the alert page, the event's figures and the ledger entry show the
same count, negative share and sentiment mix for the same matter (tracker.events.figures).
Every test runs on both databases."""

from __future__ import annotations

import re
from datetime import timedelta
from html.parser import HTMLParser

from sqlalchemy import select

from tests.tracker.events.factory import fresh_epoch, mention, mixed_event
from tests.web.test_alerts import sign_in, token
from tracker.events import event_figures, mention_tones, run_analysis
from tracker.models.events import Alert, Event, MentionAnalysis


class Figures(HTMLParser):
    """The text of every element carrying ``data-figure`` (and of ``data-sentiment``)."""

    def __init__(self) -> None:
        super().__init__()
        self.figures: dict[str, list[str]] = {}
        self.tones: list[str] = []
        self._open: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag, attrs) -> None:
        found = dict(attrs)
        if "data-figure" in found:
            self._open.append(("figure", found["data-figure"]))
            self.figures.setdefault(found["data-figure"], []).append("")
        elif "data-sentiment" in found:
            self._open.append(("tone", None))
            self.tones.append("")
        else:
            self._open.append(("", None))

    def handle_endtag(self, tag) -> None:
        if self._open:
            self._open.pop()

    def handle_data(self, data) -> None:
        kinds = [k for k in self._open if k[0]]
        if not kinds:
            return
        kind, name = kinds[-1]
        if kind == "figure":
            self.figures[name][-1] += data.strip()
        else:
            self.tones[-1] += data.strip()


def parse(html: str) -> Figures:
    """The figures of one page."""
    parser = Figures()
    parser.feed(html)
    return parser


def _alert_of(session, rows) -> Alert:
    event_id = session.get(MentionAnalysis, rows[0].id).event_id
    return session.scalar(select(Alert).where(Alert.event_id == event_id))


def test_alert_event_and_ledger_show_the_same_figures(client, auth, demo_users, session):
    start = fresh_epoch()
    rows = mixed_event(session, start)
    alert = _alert_of(session, rows)
    assert alert is not None, "the mixed matter raises an alert"
    sign_in(auth, demo_users, "opinion_staff")
    entry = client.post(f"/alerts/{alert.id}/escalate",
                        data={"csrf_token": token(client, alert.id)})
    assert entry.status_code == 303
    # Later posts on the same matter: the event grows past the alert and the linked mentions.
    for n in range(2):
        mention(session, f"月亮岛路110kv高压线离小区太近，强烈要求入地（后续第{n}位业主）",
                start + timedelta(hours=2, minutes=n))
    run_analysis(session, now=start + timedelta(hours=3))
    session.commit()
    session.expire_all()
    alert = session.get(Alert, alert.id)
    event = session.get(Event, alert.event_id)
    truth = event_figures(session, event.id)
    mix = [truth.mix[t] for t in ("负面", "中性", "正面")]
    assert sum(1 for n in mix if n) >= 2, f"the matter is not mixed: {mix}"
    assert truth.total == event.mention_count and truth.negative == event.negative_count

    page = client.get(f"/alerts/{alert.id}").get_data(as_text=True)
    on_alert = parse(page)
    entry_id = alert.ledger_entry_id
    on_ledger = parse(client.get(f"/ledger/{entry_id}").get_data(as_text=True))
    expected = {"total": str(truth.total), "negative-share": truth.negative_percent,
                "负面": str(truth.mix["负面"]), "中性": str(truth.mix["中性"]),
                "正面": str(truth.mix["正面"])}
    for name, value in expected.items():
        assert on_alert.figures[name] == [value], (name, on_alert.figures.get(name))
        assert on_ledger.figures[name] == [value], (name, on_ledger.figures.get(name))
    assert on_alert.figures["negative"] == [str(truth.negative)]
    # The count at alert time is labelled as such, apart from today's total.
    alerted = int(re.match(r"(\d+) 条相关信息", alert.reason).group(1))
    assert alerted < truth.total and on_alert.figures["alerted"] == [str(alerted)]
    assert f"目前共 {truth.total} 条（预警时 {alerted} 条）" in re.sub(r"<[^>]+>", "", page)
    # Each listed mention's tone is the one the mix counts; the ledger shows the same ones.
    assert sorted(on_alert.tones) == sorted(
        t for t, n in truth.mix.items() for _ in range(n))
    linked = mention_tones(session, [r.id for r in rows])
    assert sorted(on_ledger.tones) == sorted(linked.values())
    assert "—" not in on_ledger.tones and "未分析" not in on_ledger.tones
    assert on_ledger.figures["linked"] == [str(len(rows))]


def test_a_linked_mention_not_yet_analysed_says_so(client, auth, demo_users, session):
    row = mention(session, "尚未分析的一条信息：某小区停车难", fresh_epoch())
    session.commit()
    assert session.get(MentionAnalysis, row.id) is None
    sign_in(auth, demo_users, "opinion_staff")
    from tracker.ledger import open_opinion_entry
    from tracker.models import utcnow

    entry = open_opinion_entry(session, title="停车难", summary="停车难", source=None, url=None,
                               found_at=utcnow(), first_published_at=None, level=None,
                               mention_ids=[row.id], actor_id=None)
    session.commit()
    html = client.get(f"/ledger/{entry.id}").get_data(as_text=True)
    assert parse(html).tones == ["未分析"]
