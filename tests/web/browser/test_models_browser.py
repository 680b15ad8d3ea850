"""模型训练 in a real Chromium at desktop (1440) and phone (390) widths: the admin sees each
model's versions with their figures, puts a refused version in use with 启用 and goes back to
the shipped model; no page is wider than the screen. Screenshots go to $YUQING_SHOTS when set."""

import pytest
from sqlalchemy import select

from analysis import sentiment
from tests.browser_support import start_live_server
from tests.web.browser.test_routing_browser import look, person
from tracker.db import session_scope
from tracker.models import ModelSwitch, ModelVersion

WIDTHS = (1440, 390)


def figures(shipped: float, office: float, cur_shipped: float, cur_office: float) -> dict:
    return {"candidate": {"shipped": shipped, "office": office, "shipped_rows": 18000,
                          "office_rows": 12},
            "current": {"shipped": cur_shipped, "office": cur_office, "shipped_rows": 18000,
                        "office_rows": 12, "version": "shipped"}}


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """A live app with two sentiment versions: one refused, one promoted and in use."""
    server, stop = start_live_server(tmp_path_factory.mktemp("models-live"))
    with session_scope(server.sessions) as session:
        session.add_all([
            ModelVersion(kind="sentiment", version=1, path=str(sentiment.MODEL_PATH),
                         trained_on={"shipped": 74104, "office": 40, "office_held_out": 8},
                         figures=figures(0.9012, 0.75, 0.9093, 0.5), promoted=False,
                         reason="未晋升：在通用检验集上更差（0.9012 < 0.9093）", active=False),
            ModelVersion(kind="sentiment", version=2, path=str(sentiment.MODEL_PATH),
                         trained_on={"shipped": 74104, "office": 60, "office_held_out": 12},
                         figures=figures(0.9090, 0.9167, 0.9093, 0.5), promoted=True,
                         reason="已晋升：本单位检验集 0.5000 → 0.9167，通用检验集 0.9093 → 0.9090",
                         active=True, activated_by="scheduler"),
            ModelSwitch(kind="sentiment", version=2, by="scheduler")])
    yield server
    stop()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_page_at_each_width(live, browser, width):
    context, page = person(browser, live.url, "admin", width)
    page.goto(live.url + "/admin/users")
    page.click("nav.ops-tabs a:has-text('模型训练')")
    page.wait_for_load_state()
    kind = page.locator("[data-kind='sentiment']")
    assert "第 2 版" in kind.locator("[data-active]").inner_text()
    assert kind.locator("tr[data-version]").count() == 2
    assert "90.1%" in kind.locator("tr[data-version='1']").inner_text()
    assert "每周定时任务启用第 2 版" in kind.inner_text()
    assert "出厂模型" in page.locator("[data-kind='routing'] [data-active]").inner_text()
    look(page, "admin-models", width)
    context.close()


def test_use_a_version_and_go_back_to_the_shipped_model(live, browser):
    context, page = person(browser, live.url, "admin", 1440)
    page.goto(live.url + "/admin/models")
    page.locator("tr[data-version='1'] button", has_text="启用").click()
    page.wait_for_load_state()
    assert "情感判断模型已改用第 1 版" in page.content()
    assert "第 1 版" in page.locator("[data-kind='sentiment'] [data-active]").inner_text()
    page.locator("[data-kind='sentiment'] button", has_text="退回出厂模型").click()
    page.wait_for_load_state()
    assert "出厂模型" in page.locator("[data-kind='sentiment'] [data-active]").inner_text()
    context.close()
    with session_scope(live.sessions) as session:
        assert session.scalar(select(ModelVersion).where(ModelVersion.active.is_(True))) is None
        assert session.scalar(select(ModelSwitch.by).order_by(ModelSwitch.id.desc())) == "web"
