"""Cluster settings of the Elasticsearch mention index: shards, replicas, monthly indices
behind a read alias and a write alias, monthly rollover, the lifecycle policy.

Runs against osmem-server (no ILM/ISM: the lifecycle is "none" there) and against a real
Elasticsearch when ``YUQING_TEST_ELASTICSEARCH_URL`` is set (ILM).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.tracker.index.conftest import REAL_ES_URL, T0, doc
from tracker.index import get_index
from tracker.index.base import SearchIndexError
from tracker.index.elastic import ElasticIndex
from tracker.index.elastic.cluster import ClusterSettings, ilm_policy, ism_policy
from tracker.settings import SettingsError, load_settings

KINDS = ["osmem"] + (["elasticsearch"] if REAL_ES_URL else [])


@pytest.fixture(params=KINDS)
def kind(request):
    return request.param


def test_shards_and_replicas_reach_every_monthly_index(make_elastic, kind):
    replicas = 1 if kind == "osmem" else 0  # a one-node real cluster stays green with 0
    index = make_elastic(kind, cluster=ClusterSettings(shards=2, replicas=replicas))
    index.upsert([doc("old", "十月", fetched_at=T0 - timedelta(days=20)), doc("new", "十一月")])
    layout = index.describe()
    months = {f"{index.alias}-2026.10", f"{index.alias}-2026.11"}
    assert months <= set(layout["indices"])
    for name in months:
        assert layout["indices"][name] == {"shards": 2, "replicas": replicas}
    assert index.count() == 2  # the read alias covers both months


def test_write_alias_points_at_the_current_month_only(make_elastic, kind):
    index = make_elastic(kind)
    index.ensure()
    now = datetime.now(UTC)
    current = f"{index.alias}-{now:%Y.%m}"
    aliases = index.client.indices.get_alias(name=index.write_alias)
    assert list(aliases) == [current]
    assert aliases[current]["aliases"][index.write_alias].get("is_write_index") is True
    # A document written through the write alias lands in the current month, readable by
    # the read alias (what an outside writer such as a log shipper would do).
    index.client.index(index=index.write_alias, id="via-alias", refresh=True,
                       document=index._body(doc("via-alias", "经写别名写入", fetched_at=now),
                                            now.isoformat()))
    assert index.get("via-alias").title == "经写别名写入"
    assert index.client.get(index=current, id="via-alias")["found"]


def test_monthly_rollover_moves_the_write_alias_atomically(make_elastic, kind):
    index = make_elastic(kind)
    index.ensure()
    months = [datetime(2031, 1, 15, tzinfo=UTC), datetime(2031, 2, 1, 0, 0, 1, tzinfo=UTC)]
    for moment in months:
        name = index.roll_over(moment)
        assert name == f"{index.alias}-{moment:%Y.%m}"
        assert list(index.client.indices.get_alias(name=index.write_alias)) == [name]
    # Both months stay behind the read alias; rolling over twice to one month changes nothing.
    read = set(index.client.indices.get_alias(name=index.alias))
    assert {f"{index.alias}-2031.01", f"{index.alias}-2031.02"} <= read
    assert index.roll_over(months[1]) == f"{index.alias}-2031.02"
    assert list(index.client.indices.get_alias(name=index.write_alias)) == \
        [f"{index.alias}-2031.02"]
    # Whole old months can still be dropped by hand where the server has no lifecycle.
    index.upsert([doc("x", "旧月", fetched_at=T0)])
    assert index.delete_older_than(datetime(2031, 1, 1, tzinfo=UTC)) >= 1
    assert index.get("x") is None


def test_lifecycle_policy_where_the_server_has_one(make_elastic, kind):
    index = make_elastic(kind, cluster=ClusterSettings(replicas=0, delete_after_days=400))
    index.ensure()
    if kind == "osmem":  # an ES-API server without ILM or ISM: none, and no template setting
        assert index.lifecycle == "none"
        template = index.client.indices.get_index_template(name=index.alias)
        settings = template["index_templates"][0]["index_template"]["template"]["settings"]
        assert "lifecycle" not in settings["index"]
        # Asking for ILM explicitly on a server without it is an error, not a silent "none".
        with pytest.raises(SearchIndexError, match="search server error 400"):
            make_elastic(kind, alias="yq-forced", cluster=ClusterSettings(lifecycle="ilm")
                         ).ensure()
    else:
        assert index.lifecycle == "ilm"
        policy = index.client.ilm.get_lifecycle(name=index.alias)[index.alias]["policy"]
        assert policy["phases"]["delete"]["min_age"] == "400d"
        current = f"{index.alias}-{datetime.now(UTC):%Y.%m}"
        got = index.client.indices.get_settings(index=current)[current]["settings"]["index"]
        assert got["lifecycle"]["name"] == index.alias


def test_lifecycle_none_installs_nothing(make_elastic, kind):
    index = make_elastic(kind, cluster=ClusterSettings(replicas=0, lifecycle="none"))
    index.ensure()
    assert index.lifecycle == "none"


def test_policy_documents():
    ilm = ilm_policy(365)["policy"]["phases"]
    assert list(ilm) == ["hot", "warm", "delete"] and ilm["delete"]["min_age"] == "365d"
    assert "delete" not in ilm_policy(0)["policy"]["phases"]
    ism = ism_policy("yuqing-mentions", 365)["policy"]
    assert [s["name"] for s in ism["states"]] == ["hot", "warm", "delete"]
    assert ism["ism_template"][0]["index_patterns"] == ["yuqing-mentions-*"]
    assert ism["states"][1]["transitions"][0]["conditions"] == {"min_index_age": "365d"}
    with pytest.raises(ValueError, match="unknown lifecycle"):
        ClusterSettings(lifecycle="rollover")


def test_settings_configure_the_cluster_layout(osmem_clone, tmp_path):
    env = {"YUQING_ELASTICSEARCH_URL": osmem_clone.url, "YUQING_DATA_DIR": str(tmp_path),
           "YUQING_ELASTICSEARCH_SHARDS": "3", "YUQING_ELASTICSEARCH_REPLICAS": "0",
           "YUQING_ELASTICSEARCH_LIFECYCLE": "none",
           "YUQING_ELASTICSEARCH_DELETE_AFTER_DAYS": "730"}
    settings = load_settings(env)
    index = get_index(settings)
    try:
        assert isinstance(index, ElasticIndex)
        assert index.cluster == ClusterSettings(3, 0, "none", 730)
        index.ensure()
        layout = index.describe()
        assert layout["indices"] and all(
            v == {"shards": 3, "replicas": 0} for v in layout["indices"].values())
        assert layout["lifecycle"] == "none"
    finally:
        index.close()
    defaults = load_settings({"YUQING_DATA_DIR": str(tmp_path)})
    assert (defaults.elasticsearch_shards, defaults.elasticsearch_replicas,
            defaults.elasticsearch_lifecycle) == (1, None, "auto")
    for name, value in (("SHARDS", "0"), ("REPLICAS", "-1"), ("LIFECYCLE", "rollover")):
        with pytest.raises(SettingsError, match=f"YUQING_ELASTICSEARCH_{name}"):
            load_settings({**env, f"YUQING_ELASTICSEARCH_{name}": value})


def test_index_status_shows_the_cluster_layout(osmem_clone, tmp_path, sqlite_template):
    """``yuqing index status --json`` on Elasticsearch adds the layout (nothing created)."""
    import json
    import shutil

    from click.testing import CliRunner

    from tracker.cli import cli

    db = tmp_path / "yuqing.db"
    shutil.copy(sqlite_template, db)
    env = {"YUQING_DATA_DIR": str(tmp_path / "var"), "YUQING_DATABASE_URL": f"sqlite:///{db}",
           "YUQING_ELASTICSEARCH_URL": osmem_clone.url, "YUQING_ENV": "test",
           "YUQING_ELASTICSEARCH_REPLICAS": "0", "YUQING_ELASTICSEARCH_SHARDS": "2"}

    def status() -> dict:
        result = CliRunner().invoke(cli, ["index", "status", "--json"], env=env,
                                    catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    before = status()
    assert before["cluster"] == {"alias": "yuqing-mentions",
                                 "write_alias": "yuqing-mentions-write", "write_index": None,
                                 "indices": {}, "lifecycle": "none"}
    assert json.loads(CliRunner().invoke(cli, ["index", "sync", "--json"], env=env).output)
    after = status()["cluster"]
    current = f"yuqing-mentions-{datetime.now(UTC):%Y.%m}"
    assert after["write_index"] == current
    assert after["indices"][current] == {"shards": 2, "replicas": 0}
