"""The rolled-back test transaction really isolates tests, on SQLite too."""

from sqlalchemy import func, select

from tracker.models import Department


def test_committed_rows_stay_inside_the_test_transaction(migrated_engines, backend, session):
    session.add(Department(name="隔离测试局"))
    session.commit()  # a savepoint release inside the outer test transaction
    with migrated_engines[backend].connect() as other:
        seen = other.scalar(select(func.count()).select_from(Department)
                            .where(Department.name == "隔离测试局"))
    assert seen == 0
