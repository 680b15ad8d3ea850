"""Security headers (Flask-Talisman) and pages the Content-Security-Policy can hold: no
inline script, no <style> block, no style attribute on any page a role can open. Both
databases."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime, timedelta

import pytest

from tests.web.security_rows import build_world, requests_of
from tracker.index.base import MentionDoc
from tracker.index.embedded import EmbeddedIndex

CSP = {"default-src": "'self'", "object-src": "'none'", "base-uri": "'self'",
       "form-action": "'self'", "frame-ancestors": "'none'"}
INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)", re.I), "an inline script"),
    (re.compile(r"<style", re.I), "a <style> block"),
    (re.compile(r"\sstyle\s*=", re.I), "a style attribute"),
    (re.compile(r"href\s*=\s*[\"']?\s*javascript:", re.I), "a javascript: link"),
]
ROLES = ("anonymous", "opinion_staff", "responder", "leader", "admin")


def sign_in(auth, demo_users, role: str) -> None:
    """Sign in as the demo account of ``role`` (nothing for ``anonymous``)."""
    if role != "anonymous":
        account = demo_users[role]
        assert auth.login(account.username, account.password).status_code == 302


def policy(response) -> dict[str, str]:
    """The Content-Security-Policy as {directive: sources}."""
    parts = (p.strip().split(None, 1) for p in response.headers["Content-Security-Policy"]
             .split(";") if p.strip())
    return {p[0]: p[1] if len(p) > 1 else "" for p in parts}


def session_cookie(response) -> str:
    """The Set-Cookie header of the session cookie."""
    return next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("yuqing_"))


def assert_security_headers(response) -> None:
    """The headers every response carries, whatever its status."""
    assert policy(response) == CSP
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in response.headers  # not in tests, not on http


def test_headers_on_an_anonymous_page(client):
    response = client.get("/login")
    assert response.status_code == 200  # http is not redirected to https
    assert_security_headers(response)
    cookie = session_cookie(response)
    assert "yuqing_session=" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # the test settings' choice, which Talisman keeps


def test_headers_on_a_signed_in_page_an_error_and_a_file(client, auth, demo_users):
    sign_in(auth, demo_users, "leader")
    for path, status in [("/leader", 200), ("/ledger/999999", 404), ("/admin/ops/jobs", 403),
                         ("/static/app.css", 200)]:
        response = client.get(path)
        assert response.status_code == status, path
        assert_security_headers(response)


def test_hsts_only_in_production_and_only_over_https(settings, migrated_engines, backend):
    from web import create_app

    https = {"base_url": "https://yuqing.example.gov.cn"}
    test_app = create_app(settings, engine=migrated_engines[backend])
    assert "Strict-Transport-Security" not in test_app.test_client().get("/login", **https).headers
    production = dataclasses.replace(settings, env="production", session_cookie_secure=True)
    client = create_app(production, engine=migrated_engines[backend]).test_client()
    secure = client.get("/login", **https)
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "Secure" in session_cookie(secure)
    plain = client.get("/login")  # behind the proxy only; never redirected by the app
    assert plain.status_code == 200 and "Strict-Transport-Security" not in plain.headers


@pytest.fixture
def indexed(app, tmp_path):
    """The app's search index with a few documents, so the search page draws its trend."""
    index = EmbeddedIndex(tmp_path / "index.db")
    start = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
    docs = [MentionDoc(id=f"h{i}", title=f"搅拌站噪音扰民{i}", text="搅拌站夜间施工噪音大",
                       url=f"http://board.test/{i}", kind="board", source="demo_board_a",
                       sentiment=0.2, published_at=start - timedelta(days=i % 5),
                       fetched_at=start) for i in range(12)]
    assert index.upsert(docs).ok
    app.extensions["yuqing.index"] = index
    yield index
    index.close()


def extra_pages(world: dict) -> list[str]:
    """Pages whose fuller states the bare routes do not show."""
    return ["/search/?q=搅拌站&from=2026-02-20&to=2026-03-05",
            "/reports/?month=2025-09", f"/ledger/?q={world['tag']}", "/no/such/page"]


@pytest.mark.parametrize("role", ROLES)
def test_no_page_has_inline_script_or_style(client, auth, demo_users, session, indexed, role):
    world = build_world(session)
    sign_in(auth, demo_users, role)
    pages = [url for _, method, _, url in requests_of(client.application, world)
             if method == "GET"] + extra_pages(world)
    seen = 0
    for url in pages:
        response = client.get(url)
        assert_security_headers(response)
        if response.mimetype != "text/html":
            continue
        html = response.get_data(as_text=True)
        seen += 1
        for pattern, what in INLINE:
            assert not pattern.search(html), (role, url, what)
        for asset in re.findall(r'<(?:link rel="stylesheet" href|script src)="([^"]+)"', html):
            answer = client.get(asset)
            assert answer.status_code == 200, (url, asset)
            assert answer.mimetype in ("text/css", "text/javascript"), (asset, answer.mimetype)
    assert seen >= 4


def test_the_bars_are_svg_with_sizes_as_attributes(client, auth, demo_users, session, indexed):
    world = build_world(session)
    sign_in(auth, demo_users, "opinion_staff")
    detail = client.get(f"/alerts/{world['alert']}").get_data(as_text=True)
    bars = re.findall(r'<rect class="bar" x="[\d.]+" y="[\d.]+" width="8" height="([\d.]+)">',
                      detail)
    # the last 14 days; the mentions fall on the last three, two a day
    assert bars == ["1"] * 11 + ["100.0"] * 3, bars
    mix = dict(re.findall(r'<rect class="(neg|neu|pos)" x="[\d.]+" y="0" width="([\d.]+)"',
                          detail))
    assert set(mix) == {"neg", "neu", "pos"} and 99.9 <= sum(map(float, mix.values())) <= 100.1
    search = client.get("/search/?q=搅拌站&from=2026-02-20&to=2026-03-05").get_data(as_text=True)
    histogram = re.search(r'<svg [^>]*class="[^"]*\bhistogram\b[^"]*".*?</svg>', search,
                          re.S).group(0)
    heights = [float(h) for h in re.findall(r'<rect [^>]*height="([\d.]+)"[^>]*class="bar"',
                                            histogram)]
    assert len(heights) >= 5 and max(heights) > 0, heights  # sizes as attributes, not CSS
    ticks = re.findall(r'class="tick">([^<]+)<', histogram)
    assert ticks and all(t.isdigit() for t in ticks), ticks  # counts: whole-number axis
