"""The policy Q&A base (政策咨询智能问答库): policy documents and search by question.

- :func:`import_policies` (CSV/JSONL files), :func:`import_rows`, :func:`save_policy`
  (add/edit from a form), :func:`reindex_policies` (rebuild the index from SQL)
- :func:`search_policies` (a question → :class:`PolicyHit` list, best first)
- :func:`list_policies`, :func:`get_policy`, :func:`validity_label` (pages)
"""

from tracker.qa.policies import (
    PAGE_SIZE,
    ImportReport,
    PolicyHit,
    get_policy,
    import_policies,
    import_rows,
    list_policies,
    reindex_policies,
    save_policy,
    search_policies,
    validity_label,
)
from tracker.qa.policy_rows import FIELD_NAMES, PolicyError, read_rows

__all__ = [
    "FIELD_NAMES",
    "PAGE_SIZE",
    "ImportReport",
    "PolicyError",
    "PolicyHit",
    "get_policy",
    "import_policies",
    "import_rows",
    "list_policies",
    "read_rows",
    "reindex_policies",
    "save_policy",
    "search_policies",
    "validity_label",
]
