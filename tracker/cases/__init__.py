"""The 亮点工程 case library: finished ledger entries scored and proposed each month, cases
curated by a leader, searched, counted and printed.

- :mod:`tracker.cases.scoring` (pure): timeliness, reply quality, satisfaction and
  follow-through of an entry, each part and the total explained in words
- :mod:`tracker.cases.proposals`: :func:`propose_month` (the monthly job and on demand),
  :func:`proposals_of`, :func:`score_entry`
- :mod:`tracker.cases.library`: :func:`create_case`, :func:`edit_case`, :func:`publish_case`,
  :func:`withdraw_case` (audited), :func:`search`, :func:`cases_by_department` (the yearly
  assessment counts them)
- :mod:`tracker.cases.pdf`: :func:`case_pdf` (one A4 page), :func:`year_pdf`
"""

from tracker.cases.library import (
    CURATORS,
    DRAFT,
    LIMITS,
    PUBLISHED,
    SECTIONS,
    STATE_LABELS,
    WITHDRAWN,
    WRITERS,
    CaseDenied,
    CaseError,
    CaseQuery,
    WriteUp,
    case_trail,
    cases_by_department,
    check_write_up,
    create_case,
    draft_for,
    edit_case,
    library_facets,
    parse_tags,
    publish_case,
    search,
    withdraw_case,
)
from tracker.cases.pdf import case_filename, case_pdf, year_pdf
from tracker.cases.proposals import (
    MIN_TOTAL,
    PROPOSE_TOP,
    MonthResult,
    final_response,
    finished_at,
    proposal_months,
    proposals_of,
    propose_month,
    score_entry,
)
from tracker.cases.scoring import LABELS, WEIGHTS, Component, Score

__all__ = [
    "CURATORS",
    "Component",
    "CaseDenied",
    "CaseError",
    "CaseQuery",
    "DRAFT",
    "LABELS",
    "LIMITS",
    "MIN_TOTAL",
    "MonthResult",
    "PROPOSE_TOP",
    "PUBLISHED",
    "SECTIONS",
    "STATE_LABELS",
    "Score",
    "WEIGHTS",
    "WITHDRAWN",
    "WRITERS",
    "WriteUp",
    "case_filename",
    "case_pdf",
    "case_trail",
    "cases_by_department",
    "check_write_up",
    "create_case",
    "draft_for",
    "edit_case",
    "final_response",
    "finished_at",
    "library_facets",
    "parse_tags",
    "proposal_months",
    "proposals_of",
    "propose_month",
    "publish_case",
    "score_entry",
    "search",
    "withdraw_case",
    "year_pdf",
]
