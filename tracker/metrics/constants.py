"""The ledger words the metrics count by, taken from :mod:`tracker.vocabulary`."""

from __future__ import annotations

from tracker.vocabulary import DisclosureStatus, Kind

KINDS = (Kind.MESSAGE.value, Kind.OPINION.value, Kind.DISCLOSURE.value)
#: Kinds whose reply times are also counted in working days (opinions: hours only).
WORKDAY_KINDS = (Kind.MESSAGE.value, Kind.DISCLOSURE.value)
UNASSIGNED = "未指定部门"
#: The group key under which query results carry the overall figures.
ALL = "__all__"
#: Ledger statuses that are not cases to answer: a disclosure application deemed withdrawn
#: (视为撤回, no 补正 in time) is out of every figure.
EXCLUDED_STATUSES = (DisclosureStatus.WITHDRAWN.value,)
