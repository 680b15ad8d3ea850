"""The reply checklist: a draft reply checked before it is submitted (a checklist, not a gate).

The reply form posts the draft here: with ``Accept: application/json`` (web/static/reply_check.js)
the findings come back as JSON; without JavaScript the 检查答复 button gets the entry page again
with the draft kept and the checklist filled in. Scoped like the entry page.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify, request

from tracker import quality
from web.auth import roles_required
from web.db import get_db
from web.ledger import bp
from web.ledger.views import EVERYONE, _entry_page, _visible_entry

#: The longest draft checked (the reply form takes 20000 characters).
MAX_DRAFT = 20000
#: Form fields a draft may come in: the 提交回应 form's, or a bare ``content``.
DRAFT_FIELDS = ("submit-content", "content")


def check_json(check) -> dict[str, Any]:
    """What the checklist shows: the three scores, the overall score, problems and findings."""
    return check.as_json() | {"findings": list(check.findings)}


def _draft() -> str:
    return next((request.form[f] for f in DRAFT_FIELDS if request.form.get(f, "").strip()), "")


def _wants_json() -> bool:
    return request.accept_mimetypes.best_match(["application/json", "text/html"]) == \
        "application/json"


@bp.post("/<int:entry_id>/reply-check")
@roles_required(*EVERYONE)
def reply_check(entry_id: int) -> Any:
    """Check a draft reply to the entry; JSON for the script, the entry page otherwise."""
    item = _visible_entry(entry_id)
    draft = _draft()[:MAX_DRAFT]
    if not draft:
        if _wants_json():
            return jsonify({"error": "请先填写答复内容再检查。"}), 400
        return _entry_page(item, check_error="请先填写答复内容再检查。"), 400
    check = quality.check_draft(get_db(), item, draft)
    if _wants_json():
        return jsonify(check_json(check))
    return _entry_page(item, check=check, draft=draft)
