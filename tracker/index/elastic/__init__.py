"""The Elasticsearch adapter of the mention index."""
