"""The ``elasticsearch`` client as yuqing configures it.

The 9.x client sends ``Content-Type``/``Accept: application/vnd.elasticsearch+json;
compatible-with=9`` on every request. Elasticsearch 9 accepts that, and it also accepts plain
``application/json`` (which means "the server's own version"); API-compatible servers that are
not Elasticsearch, such as the in-memory ``osmem-server`` used in the tests (OpenSearch
flavoured), refuse the versioned media type with 406 Not Acceptable. The client lets you choose
its HTTP node class (``node_class=``, a documented option of ``Elasticsearch``), so we use the
stock urllib3 node with one change: it sends the plain media types. No library code is copied
or patched, and a real Elasticsearch 9 cluster answers exactly as before.
"""

from __future__ import annotations

from typing import Any

from elastic_transport import HttpHeaders, Urllib3HttpNode
from elasticsearch import Elasticsearch

_VERSIONED = "application/vnd.elasticsearch+"


def plain_media_type(value: str) -> str:
    """``application/vnd.elasticsearch+json; compatible-with=9`` -> ``application/json``."""
    if not value.startswith(_VERSIONED):
        return value
    return "application/" + value[len(_VERSIONED):].split(";", 1)[0].strip()


class PlainJsonNode(Urllib3HttpNode):
    """The default urllib3 node, sending unversioned JSON media types."""

    def perform_request(self, method: str, target: str, body: bytes | None = None,
                        headers: HttpHeaders | None = None, **kwargs: Any) -> Any:
        """Send the request with plain ``Accept``/``Content-Type`` headers."""
        if headers:
            headers = headers.copy()
            for name in ("accept", "content-type"):
                if name in headers:
                    headers[name] = plain_media_type(headers[name])
        return super().perform_request(method, target, body=body, headers=headers, **kwargs)


def make_client(url: str | None, request_timeout: float = 10.0,
                max_retries: int = 2) -> Elasticsearch:
    """A client for ``url`` with bounded timeouts and retries."""
    if not url:
        raise ValueError("an Elasticsearch URL is required")
    return Elasticsearch(url, node_class=PlainJsonNode, request_timeout=request_timeout,
                         max_retries=max_retries, retry_on_timeout=True)
