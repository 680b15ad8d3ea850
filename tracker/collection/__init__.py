"""Collection: ingest, message-board import, crawl runs, source health,
text cleaning and time parsing."""
