"""Sign-in, CSRF, role checks and the per-role home pages; the sign-in slow-down per client,
the same answer for every user name, ending sessions, the password page."""

import re
import statistics
import time
from dataclasses import replace

import pytest
from sqlalchemy import select

from tests.conftest import AuthActions, csrf_token
from tracker.models import User

ROLE_PAGES = {"opinion_staff": "/staff", "responder": "/responder", "leader": "/leader",
              "admin": "/admin"}


def test_login_page_is_chinese_and_has_a_csrf_token(client):
    response = client.get("/login")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'lang="zh-CN"' in html and "登录" in html
    assert csrf_token(client)


@pytest.mark.parametrize("role", sorted(ROLE_PAGES))
def test_each_demo_login_reaches_its_home(client, auth, demo_users, role):
    account = demo_users[role]
    response = auth.login(account.username, account.password)
    assert response.status_code == 302
    home = client.get("/", follow_redirects=True)
    assert home.request.path == ROLE_PAGES[role]
    assert f'data-role-home="{ROLE_PAGES[role][1:]}"' in home.get_data(as_text=True)


@pytest.mark.parametrize("role", sorted(ROLE_PAGES))
def test_a_role_cannot_open_another_roles_page(client, auth, demo_users, role):
    account = demo_users[role]
    auth.login(account.username, account.password)
    for other, page in ROLE_PAGES.items():
        expected = 200 if other == role else 403
        assert client.get(page).status_code == expected, (role, page)


def test_wrong_password_is_refused(client, auth, demo_users):
    response = auth.login("leader", "not-the-password")
    assert response.status_code == 401
    assert "用户名或密码错误" in response.get_data(as_text=True)
    assert client.get("/leader").status_code == 302  # still signed out


def test_missing_csrf_token_is_refused(client, demo_users):
    response = client.post("/login", data={"username": "leader", "password": "leader-demo-123"})
    assert response.status_code == 400
    assert client.get("/leader").status_code == 302


def test_five_wrong_passwords_slow_the_next_attempt(client, auth, demo_users):
    for _ in range(5):
        auth.login("staff", "wrong-password")
    response = auth.login("staff", demo_users["opinion_staff"].password)
    assert response.status_code == 429
    assert "登录失败次数过多" in response.get_data(as_text=True)


def test_anonymous_users_are_sent_to_login(client):
    response = client.get("/admin")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_logout_needs_post_with_csrf(client, auth, demo_users):
    auth.login("admin", demo_users["admin"].password)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert auth.logout().status_code == 302
    assert client.get("/admin").status_code == 302


def test_session_cookie_is_httponly_and_lax(client, auth, demo_users):
    response = auth.login("admin", demo_users["admin"].password)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_open_redirects_are_not_followed(client, auth, demo_users):
    token = csrf_token(client)
    response = client.post("/login?next=https://evil.example/", data={
        "username": "admin", "password": demo_users["admin"].password, "csrf_token": token})
    assert response.headers["Location"] == "/"


# --- Hardening: same answer for every name, per-client slow-down, sessions, CSRF expiry ---

FLASH = re.compile(r'class="flash flash-(?:error|info)" role="alert">([^<]*)<')


@pytest.fixture
def make_app(settings, migrated_engines, backend, sessions):
    """Build the app with some settings changed, bound to the test transaction."""
    from web import create_app

    def make(**changes):
        app = create_app(replace(settings, **changes), engine=migrated_engines[backend],
                         test_config={"TESTING": True})
        app.extensions["yuqing.sessions"] = sessions
        return app

    return make


def attempt(client, username, password, address="127.0.0.1", forwarded=None):
    """Post the sign-in form from ``address`` (optionally through a proxy naming
    ``forwarded``); only the POST is timed, in ``response.seconds``."""
    client.environ_base["REMOTE_ADDR"] = address
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    token = csrf_token(client)
    started = time.perf_counter()
    response = client.post("/login", headers=headers, data={
        "username": username, "password": password, "csrf_token": token})
    response.seconds = time.perf_counter() - started
    return response


def flashes(response) -> list[str]:
    """The flashed messages on a page."""
    return FLASH.findall(response.get_data(as_text=True))


def test_unknown_names_take_as_long_as_known_ones(client, demo_users):
    attempt(client, "nobody-warm-up", "wrong-password", "10.9.9.9")  # first use builds a hash
    unknown, known = [], []
    for n in range(5):  # interleaved, each from its own address, so none is slowed down
        unknown.append(attempt(client, f"nobody-{n}", "wrong-password", f"10.9.1.{n}").seconds)
        known.append(attempt(client, "leader", "wrong-password", f"10.9.2.{n}").seconds)
    assert statistics.median(unknown) >= 0.5 * statistics.median(known), (unknown, known)


SLOW = {"login_delay_seconds": 60}  # a lockout that cannot end while the test runs


def test_unknown_and_known_names_get_the_same_answers(make_app, demo_users):
    app = make_app(**SLOW)
    known, unknown = app.test_client(), app.test_client()
    seen = []
    for _ in range(6):
        answers = [attempt(known, "leader", "wrong-password", "10.8.0.1"),
                   attempt(unknown, "no-such-user", "wrong-password", "10.8.0.2")]
        assert answers[0].status_code == answers[1].status_code
        assert flashes(answers[0]) == flashes(answers[1])
        seen.append(answers[0].status_code)
    assert seen == [401] * 4 + [429] * 2
    assert "登录失败次数过多" in flashes(answers[1])[0]


def test_one_password_sprayed_over_many_accounts_is_slowed(make_app, session, demo_users):
    client = make_app(**SLOW).test_client()
    hashed = session.scalar(select(User.password_hash).where(User.username == "leader"))
    for n in range(20):
        session.add(User(username=f"spray-{n}", display_name=f"用户{n}", role_code="leader",
                         password_hash=hashed, active=True))
    session.commit()
    statuses = [attempt(client, f"spray-{n}", "Summer2025!", "10.7.0.1").status_code
                for n in range(20)]
    assert statuses[:9] == [401] * 9 and statuses[-1] == 429, statuses
    # the client is slowed for every account, even with that account's right password
    assert attempt(client, "admin", demo_users["admin"].password, "10.7.0.1").status_code == 429


def test_a_right_password_from_another_address_signs_in_at_once(make_app, demo_users):
    app = make_app(**SLOW)
    attacker, owner = app.test_client(), app.test_client()
    right = demo_users["leader"].password
    for _ in range(8):
        attempt(attacker, "leader", "wrong-password", "10.6.0.66")
    assert attempt(attacker, "leader", right, "10.6.0.66").status_code == 429
    assert attempt(owner, "leader", right, "10.6.0.7").status_code == 302
    assert owner.get("/leader").status_code == 200


def test_unknown_names_lock_the_client_like_known_ones(make_app):
    client = make_app(**SLOW).test_client()
    statuses = [attempt(client, "ghost", "guess-123", "10.5.0.1").status_code for _ in range(6)]
    assert statuses == [401] * 4 + [429] * 2


def test_a_right_password_resets_the_count_for_that_name(client, demo_users):
    right = demo_users["leader"].password
    for _ in range(4):
        assert attempt(client, "leader", "wrong-password", "10.5.1.1").status_code == 401
    assert attempt(client, "leader", right, "10.5.1.1").status_code == 302
    for _ in range(4):
        assert attempt(client, "leader", "wrong-password", "10.5.1.1").status_code == 401


@pytest.mark.parametrize(("hops", "expected"), [(0, 429), (1, 302)])
def test_forwarded_addresses_count_only_behind_trusted_proxies(make_app, demo_users, hops,
                                                                expected):
    client = make_app(proxy_hops=hops, **SLOW).test_client()
    proxy = f"10.4.0.{hops + 1}"
    for _ in range(5):
        attempt(client, "leader", "wrong-password", proxy, forwarded="10.4.1.66")
    right = attempt(client, "leader", demo_users["leader"].password, proxy, forwarded="10.4.1.7")
    assert right.status_code == expected


def signed_in(client) -> bool:
    """True when the client's session still counts (the ledger list is open to every role)."""
    return client.get("/ledger/").status_code == 200


def test_a_session_cookie_saved_before_logout_is_refused_after_it(app, client, auth, demo_users):
    assert auth.login("leader", demo_users["leader"].password).status_code == 302
    saved = client.get_cookie("yuqing_session").value
    assert auth.logout().status_code == 302
    replay = app.test_client()
    replay.set_cookie("yuqing_session", saved)
    response = replay.get("/leader")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def _change_in_another_session(sessions, change: str) -> None:
    from tracker.accounts import change_password, find_user, set_active, set_role

    with sessions() as other:
        user = find_user(other, "leader")
        if change == "password":
            change_password(other, user, "a-brand-new-password")
        elif change == "disable":
            set_active(other, user, False)
        else:
            set_role(other, user, "admin")
        other.commit()


@pytest.mark.parametrize("change", ["logout", "password", "disable", "role"])
def test_every_session_of_the_user_ends(app, sessions, demo_users, change):
    clients = [app.test_client() for _ in range(2)]
    for one in clients:
        assert attempt(one, "leader", demo_users["leader"].password).status_code == 302
        assert signed_in(one)
    saved = clients[0].get_cookie("yuqing_session").value
    if change == "logout":
        assert AuthActions(clients[1]).logout().status_code == 302
    else:
        _change_in_another_session(sessions, change)
    assert not any(signed_in(one) for one in clients)
    replay = app.test_client()
    replay.set_cookie("yuqing_session", saved)
    assert not signed_in(replay)


def test_the_password_page_changes_it_and_ends_the_other_sessions(app, client, auth,
                                                                     demo_users):
    old = demo_users["opinion_staff"].password
    other = app.test_client()
    assert attempt(other, "staff", old).status_code == 302
    assert auth.login("staff", old).status_code == 302
    home = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert 'href="/account/password"' in home and "修改密码" in home
    page = client.get("/account/password")
    assert page.status_code == 200 and "当前密码" in page.get_data(as_text=True)

    def post(current, new, confirm):
        return client.post("/account/password", data={
            "csrf_token": csrf_token(client, "/account/password"), "current": current,
            "new": new, "confirm": confirm})

    for answer, needle in ((post("wrong-password", "new-password-1", "new-password-1"),
                            "当前密码错误"),
                           (post(old, "short", "short"), "8 至 256 个字符"),
                           (post(old, "new-password-1", "new-password-2"), "不一致")):
        assert answer.status_code == 400 and needle in answer.get_data(as_text=True)
    done = post(old, "new-password-1", "new-password-1")
    assert done.status_code == 303
    assert signed_in(client) and not signed_in(other)
    fresh = app.test_client()
    assert attempt(fresh, "staff", old, "10.3.0.1").status_code == 401
    assert attempt(fresh, "staff", "new-password-1", "10.3.0.1").status_code == 302


def test_the_password_page_needs_a_sign_in(client):
    response = client.get("/account/password")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_csrf_tokens_expire(make_app, demo_users):
    assert make_app().config["WTF_CSRF_TIME_LIMIT"] == 8 * 3600  # the default setting
    client = make_app(csrf_time_limit=1).test_client()
    fresh = attempt(client, "leader", demo_users["leader"].password)
    assert fresh.status_code == 302
    client = make_app(csrf_time_limit=1).test_client()
    token = csrf_token(client)
    time.sleep(2.1)  # itsdangerous counts whole seconds: the token is now 2 seconds old
    late = client.post("/login", data={"username": "leader", "csrf_token": token,
                                       "password": demo_users["leader"].password})
    assert late.status_code == 400
    assert client.get("/leader").status_code == 302
