"""Reply quality: the checks of analysis.reply_quality applied to stored ledger responses.

Entry points other areas call:

- :func:`reply_quality` (one stored response, checked against its entry's message and the
  other stored replies), :func:`check_draft` (a draft not yet stored, for the reply form)
- :func:`checks_of` (several stored responses at once: the leader inbox)
- :func:`message_text` (what an entry's reply answers: the board message or the summary)
- :func:`department_quality` (mean scores and common problems by department over a time
  window, for the monthly report and the yearly view)
"""

from tracker.quality.service import (
    CORPUS_SIZE,
    DepartmentQuality,
    check_draft,
    checks_of,
    department_quality,
    message_text,
    reply_corpus,
    reply_quality,
)

__all__ = [
    "CORPUS_SIZE", "DepartmentQuality", "check_draft", "checks_of", "department_quality",
    "message_text", "reply_corpus", "reply_quality",
]
