"""Collection: ingest, message-board import, crawl runs, source health, sources (add, edit,
check, test-fetch), text cleaning and time parsing; finding stored mentions by words; the shared
crawl frontier of several crawl workers (``frontier.py``, in Redis); the change watch of
each source's first list page (``watch.py``)."""

from __future__ import annotations

from tracker.collection.finder import find_mentions, mentions_by_id
from tracker.collection.frontier import FrontierError
from tracker.collection.frontier import connect as connect_frontier
from tracker.collection.frontier import enqueue as start_rounds
from tracker.collection.frontier import waiting as sources_waiting
from tracker.collection.health import STATE_LABELS, HealthPolicy, State, check_all, check_source
from tracker.collection.importer import (
    STANDARD_HEADERS,
    ImportFileError,
    ImportReport,
    ensure_import_source,
    import_messages,
    import_records,
)
from tracker.collection.sources import (
    FIELD_LABELS,
    KIND_LABELS,
    SourceError,
    SourceRow,
    add_source,
    check_config,
    edit_source,
    find_source,
    last_runs,
    list_sources,
    parse_config,
    preview,
    preview_notes,
    set_enabled,
)
from tracker.collection.textclean import normalize_line
from tracker.collection.watch import look as look_at_list_page
from tracker.collection.watch import remember as remember_look
from tracker.collection.watch import targets as watch_targets

__all__ = [
    "look_at_list_page",
    "remember_look",
    "watch_targets",
    "FrontierError",
    "connect_frontier",
    "sources_waiting",
    "start_rounds",
    "find_mentions",
    "mentions_by_id",
    "FIELD_LABELS",
    "KIND_LABELS",
    "SourceError",
    "SourceRow",
    "add_source",
    "check_config",
    "edit_source",
    "find_source",
    "last_runs",
    "list_sources",
    "parse_config",
    "preview",
    "preview_notes",
    "set_enabled",
    "HealthPolicy",
    "ImportFileError",
    "ImportReport",
    "STANDARD_HEADERS",
    "STATE_LABELS",
    "State",
    "check_all",
    "check_source",
    "ensure_import_source",
    "import_messages",
    "import_records",
    "normalize_line",
]
