"""A refused ledger action says why in Chinese words: the roles that may do it, or the
entry's state and the action by name (no internal codes)."""

from __future__ import annotations

import re

import pytest

from tracker.ledger import LedgerError, PermissionDenied
from tracker.ledger.decisions import Actor, check_action
from tracker.vocabulary import RoleCode

LATIN = re.compile(r"[A-Za-z]")


def test_a_wrong_role_hears_which_roles_may():
    with pytest.raises(PermissionDenied) as refused:
        check_action("opinion", "assigned", "accept", Actor(1, RoleCode.LEADER, None),
                     lead_department_id=7)
    assert str(refused.value).startswith("此操作仅限：") and "部门办理人" in str(refused.value)
    assert not LATIN.search(str(refused.value))


def test_another_department_hears_it_is_not_theirs():
    with pytest.raises(PermissionDenied, match="不由您的部门牵头办理"):
        check_action("opinion", "assigned", "accept", Actor(1, RoleCode.RESPONDER, 8),
                     lead_department_id=7)


@pytest.mark.parametrize("action, says", [("accept", "“签收办理”"), ("no_such", "该操作")])
def test_a_wrong_state_is_said_in_words(action, says):
    with pytest.raises(LedgerError) as refused:
        check_action("opinion", "closed", action, Actor(1, RoleCode.ADMIN, None),
                     lead_department_id=None)
    message = str(refused.value)
    assert "当前状态（办结）" in message and says in message and not LATIN.search(message)
