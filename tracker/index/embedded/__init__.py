"""The embedded (SQLite FTS5) adapter of the mention index."""
