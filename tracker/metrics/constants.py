"""The ledger words the metrics count by: kinds, satisfaction answers, excluded statuses."""

from __future__ import annotations

KINDS = ("message", "opinion", "disclosure")
WORKDAY_KINDS = ("message", "disclosure")
SATISFIED = ("满意", "基本满意")
UNASSIGNED = "未指定部门"
#: The group key under which query results carry the overall figures.
ALL = "__all__"
#: Ledger statuses that are not cases to answer: a disclosure application deemed withdrawn
#: (视为撤回, no 补正 in time) is out of every figure.
EXCLUDED_STATUSES = ("withdrawn",)
