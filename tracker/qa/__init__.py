"""The policy Q&A base (政策咨询智能问答库): policy documents and search by question.

- :func:`import_policies` (CSV/JSONL files), :func:`import_rows`, :func:`save_policy`
  (add/edit from a form), :func:`reindex_policies` (rebuild the index from SQL),
  :func:`store_crawled` (what a crawl of a 政策文件 column found), :func:`row_values` (check a row)
- :func:`search_policies` (a question → :class:`PolicyHit` list, best first)
- :func:`list_policies`, :func:`get_policy`, :func:`validity_label` (pages)
- the Q&A base: :func:`sync_qa` (answered board messages in, deduplicated; the qa index),
  :func:`similar_questions` (a question → :class:`QaHit` list), curation (:func:`save_faq`,
  :func:`merge`, :func:`retire`), flags (:func:`flags_for`), and the policies sent with a
  reply (:func:`attach_policies`, :func:`reply_policies`)
"""

from tracker.qa.base import SyncReport, question_of, sync_answered
from tracker.qa.catalog import QaPage, browse, facets, get_qa_entry
from tracker.qa.curation import (
    Cited,
    FaqInput,
    QaError,
    merge,
    resolve_citations,
    retire,
    save_faq,
)
from tracker.qa.flags import flagged_ids, flags_for
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
    store_crawled,
    validity_label,
)
from tracker.qa.policy_rows import FIELD_NAMES, PolicyError, read_rows, row_values
from tracker.qa.qa_index import QaSyncReport, index_qa, sync_qa, sync_qa_safely
from tracker.qa.replies import attach_policies, entry_bundles, reply_policies
from tracker.qa.similar import QaHit, similar_questions

__all__ = [
    "FIELD_NAMES",
    "PAGE_SIZE",
    "Cited",
    "FaqInput",
    "ImportReport",
    "PolicyError",
    "PolicyHit",
    "QaError",
    "QaHit",
    "QaPage",
    "QaSyncReport",
    "SyncReport",
    "attach_policies",
    "browse",
    "entry_bundles",
    "facets",
    "flagged_ids",
    "flags_for",
    "get_policy",
    "get_qa_entry",
    "import_policies",
    "import_rows",
    "index_qa",
    "list_policies",
    "merge",
    "question_of",
    "read_rows",
    "reindex_policies",
    "reply_policies",
    "resolve_citations",
    "row_values",
    "retire",
    "save_faq",
    "save_policy",
    "search_policies",
    "similar_questions",
    "store_crawled",
    "sync_answered",
    "sync_qa",
    "sync_qa_safely",
    "validity_label",
]
