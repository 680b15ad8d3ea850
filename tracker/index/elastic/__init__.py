"""The Elasticsearch adapter of the mention index: monthly indices behind one alias.

``adapter`` (the index), ``client`` (the client as yuqing configures it), ``dsl`` (a search
request as query DSL, the index template), ``search`` (running it). Import from here.
"""

from tracker.index.elastic.adapter import ElasticIndex
from tracker.index.elastic.client import make_client, plain_media_type
from tracker.index.elastic.dsl import index_template

__all__ = ["ElasticIndex", "index_template", "make_client", "plain_media_type"]
