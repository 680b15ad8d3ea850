"""Cluster settings of the mention index: shards, replicas, monthly indices, aliases, lifecycle.

Layout (``alias`` is ``yuqing-mentions`` unless configured)::

    yuqing-mentions-2026.11   monthly index: documents fetched in that month (UTC)
    yuqing-mentions           read alias over every monthly index (searches, counts)
    yuqing-mentions-write     write alias: the current month's index (``is_write_index``)

The composable template ``yuqing-mentions`` gives every monthly index its shards, replicas,
analysis and mapping, adds it to the read alias and, on Elasticsearch, names the lifecycle
policy. Rollover is by calendar month, not by size: :meth:`ElasticIndex.roll_over` creates the
month's index and moves the write alias to it in one ``_aliases`` call (the adapter calls it
when it sees a new month). ``_rollover`` is not used because it names indices by counter, not
by month, and the adapter puts a document in the index of the month it was fetched.

The lifecycle policy (``yuqing-mentions``) is installed where the server has an engine for it:

* Elasticsearch: ILM, ``PUT _ilm/policy/<alias>``: hot, then warm after 31 days (force-merged
  to one segment, lower recovery priority), then deleted ``delete_after_days`` after creation
  when that is set;
* OpenSearch: ISM, ``PUT _plugins/_ism/policies/<alias>`` with the same states and an
  ``ism_template`` that attaches it to new monthly indices;
* neither (``osmem-server`` in the tests, or ``YUQING_ELASTICSEARCH_LIFECYCLE=none``): no policy;
  monthly indices stay until removed by hand or by :meth:`ElasticIndex.delete_older_than`
  (no scheduled job calls it: mentions are kept in SQL, and the index follows SQL).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

LIFECYCLES = ("auto", "ilm", "ism", "none")
WRITE_SUFFIX = "-write"
#: A monthly index is read-mostly once its month is over: merged and given lower priority.
WARM_AFTER_DAYS = 31


@dataclass(frozen=True)
class ClusterSettings:
    """How monthly indices are laid out on the cluster (``YUQING_ELASTICSEARCH_*``)."""

    shards: int = 1
    replicas: int | None = None  # None: the server's default (1 on Elasticsearch)
    lifecycle: str = "auto"  # auto (ILM, else ISM, else none), ilm, ism or none
    delete_after_days: int = 0  # 0: the lifecycle never deletes (the retention job may)

    def __post_init__(self) -> None:
        if self.lifecycle not in LIFECYCLES:
            raise ValueError(f"unknown lifecycle {self.lifecycle!r} (use {', '.join(LIFECYCLES)})")
        if self.shards < 1 or (self.replicas is not None and self.replicas < 0):
            raise ValueError("shards must be at least 1 and replicas at least 0")


def month_index(alias: str, year: int, month: int) -> str:
    """``<alias>-YYYY.MM``."""
    return f"{alias}-{year:04d}.{month:02d}"


def ilm_policy(delete_after_days: int = 0) -> dict[str, Any]:
    """The Elasticsearch ILM policy body (``PUT _ilm/policy/<name>``)."""
    phases: dict[str, Any] = {
        "hot": {"min_age": "0ms", "actions": {"set_priority": {"priority": 100}}},
        "warm": {"min_age": f"{WARM_AFTER_DAYS}d", "actions": {
            "forcemerge": {"max_num_segments": 1}, "set_priority": {"priority": 50}}},
    }
    if delete_after_days:
        phases["delete"] = {"min_age": f"{delete_after_days}d", "actions": {"delete": {}}}
    return {"policy": {"_meta": {"managed_by": "yuqing"}, "phases": phases}}


def ism_policy(alias: str, delete_after_days: int = 0) -> dict[str, Any]:
    """The OpenSearch ISM policy body (``PUT _plugins/_ism/policies/<name>``)."""
    warm_next = ([{"state_name": "delete",
                   "conditions": {"min_index_age": f"{delete_after_days}d"}}]
                 if delete_after_days else [])
    states = [
        {"name": "hot", "actions": [{"index_priority": {"priority": 100}}],
         "transitions": [{"state_name": "warm",
                          "conditions": {"min_index_age": f"{WARM_AFTER_DAYS}d"}}]},
        {"name": "warm", "actions": [{"force_merge": {"max_num_segments": 1}},
                                     {"index_priority": {"priority": 50}}],
         "transitions": warm_next},
    ]
    if delete_after_days:
        states.append({"name": "delete", "actions": [{"delete": {}}], "transitions": []})
    return {"policy": {"description": "yuqing monthly mention indices", "default_state": "hot",
                       "states": states,
                       "ism_template": [{"index_patterns": [f"{alias}-*"], "priority": 100}]}}


def unsupported(status: int | None, body: Any) -> bool:
    """Whether an error answer means "this server has no such API" (not a real failure)."""
    if status in (404, 405):
        return True
    text = str(body)
    return status == 400 and any(mark in text for mark in (
        "no handler found", "invalid_index_name", "unrecognized parameter"))
