"""Publication: typical Q&A (典型问答) prepared from answered messages, masked, approved by a
leader (审签), published on the public site by monthly batch, and unpublished with a reason.

- the workflow as data: :class:`State`, :data:`STATE_LABELS`, :data:`ORIGIN_LABELS`,
  :data:`ACTION_LABELS`, :func:`allowed`, :func:`can`
- staff work: :func:`create_from_entry`, :func:`save_edit`, :func:`act`, :func:`propose_month`,
  :func:`answered` (answered messages to pick from), :func:`month_range`, :func:`month_items`,
  :func:`publications_of` (for the ledger entry page), :func:`mask_text`,
  :func:`reply_check` (the reply-quality checks shown at 审签)
- the public site reads only through :func:`public_page`, :func:`public_item`, :func:`facets`,
  :func:`latest`, :func:`version`
"""

from tracker.publication.masking import mask_text, needs_masking, usable_author
from tracker.publication.policies import parse as parse_policies
from tracker.publication.policies import render as render_policies
from tracker.publication.proposals import (
    Candidate,
    answered,
    candidates,
    month_range,
    propose_month,
)
from tracker.publication.public import (
    PAGE_SIZE,
    PublicFilter,
    PublicPage,
    facets,
    latest,
    public_item,
    public_page,
    version,
)
from tracker.publication.service import (
    PublicationError,
    act,
    can_edit,
    create_from_entry,
    month_items,
    month_of,
    publications_of,
    reply_check,
    save_edit,
)
from tracker.publication.states import (
    ACTION_LABELS,
    ORIGIN_LABELS,
    STATE_LABELS,
    State,
    allowed,
    can,
)

__all__ = [
    "ACTION_LABELS", "ORIGIN_LABELS", "PAGE_SIZE", "STATE_LABELS", "Candidate",
    "PublicFilter", "PublicPage", "PublicationError", "State", "act", "allowed", "answered",
    "can", "can_edit", "candidates", "create_from_entry", "facets", "latest", "mask_text",
    "month_items", "month_of", "month_range", "needs_masking", "parse_policies",
    "propose_month", "public_item", "public_page", "publications_of", "render_policies",
    "reply_check", "save_edit", "usable_author", "version",
]
