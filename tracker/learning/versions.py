"""Model versions: where their artefacts live, which one is in use, switching (rollback).

A kind (``sentiment``, ``routing``) is scored with its active version's artefact, or with the
shipped one in analysis/models when no version is active. :func:`activate` points the analysis
layer at the active artefacts; the analysis job and routing call it before they score (one
small query; the model is loaded again only when the version changed).
"""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from tracker.models import ModelSwitch, ModelVersion, utcnow

log = logging.getLogger(__name__)
KINDS = ("sentiment", "routing")
SHIPPED = "shipped"
#: Artefact file of each kind inside a version's directory (as analysis saves it).
ARTEFACTS = {"sentiment": "sentiment.npz", "routing": "routing.npz"}


class ModelError(Exception):
    """A model command that cannot be done (message in Chinese for the pages)."""


def check_kind(kind: str) -> str:
    """The kind, or ModelError when it is not one of KINDS."""
    if kind not in KINDS:
        raise ModelError(f"未知的模型类型：{kind}（可用：sentiment、routing）")
    return kind


def version_dir(data_dir: Path, kind: str, version: int) -> Path:
    """Where a version's artefacts are written: DATA_DIR/models/KIND/vN."""
    return Path(data_dir) / "models" / kind / f"v{version}"


def next_version(session: Session, kind: str) -> int:
    """The number the next version of a kind gets."""
    return (session.scalar(select(func.max(ModelVersion.version))
                           .where(ModelVersion.kind == kind)) or 0) + 1


def active_version(session: Session, kind: str) -> ModelVersion | None:
    """The version in use (None: the shipped model)."""
    return session.scalar(select(ModelVersion).where(ModelVersion.kind == kind,
                                                     ModelVersion.active.is_(True)))


def model_versions(session: Session, kind: str | None = None) -> list[ModelVersion]:
    """Every version (of a kind), newest first."""
    query = select(ModelVersion).order_by(ModelVersion.kind, ModelVersion.version.desc())
    if kind is not None:
        query = query.where(ModelVersion.kind == kind)
    return list(session.scalars(query))


def switches(session: Session, kind: str, limit: int = 50) -> list[ModelSwitch]:
    """The changes of the model in use, newest first."""
    return list(session.scalars(select(ModelSwitch).where(ModelSwitch.kind == kind)
                                .order_by(ModelSwitch.at.desc(), ModelSwitch.id.desc())
                                .limit(limit)))


def use(session: Session, kind: str, version: int | str, by: str,
        by_id: int | None = None) -> ModelVersion | None:
    """Make a version (or ``"shipped"``) the one in use; returns it (None for shipped)."""
    check_kind(kind)
    row = None
    if str(version) != SHIPPED:
        try:
            number = int(version)
        except ValueError:
            raise ModelError(f"版本应为数字或 shipped：{version}") from None
        row = session.scalar(select(ModelVersion).where(ModelVersion.kind == kind,
                                                        ModelVersion.version == number))
        if row is None:
            raise ModelError(f"没有该版本：{kind} {number}")
        if not Path(row.path).is_file():
            raise ModelError(f"该版本的模型文件已不存在：{row.path}")
    session.execute(update(ModelVersion).where(ModelVersion.kind == kind,
                                               ModelVersion.active.is_(True))
                    .values(active=False))
    if row is not None:
        row.active, row.activated_by, row.activated_at = True, by, utcnow()
        row.activated_by_id = by_id
    session.add(ModelSwitch(kind=kind, version=row.version if row is not None else None,
                            by=by, by_id=by_id))
    session.flush()
    return row


def active_path(session: Session, kind: str) -> Path | None:
    """The active version's artefact when it is readable, else None (shipped)."""
    row = active_version(session, kind)
    if row is None:
        return None
    path = Path(row.path)
    if not path.is_file():
        log.warning("model %s v%d: %s is missing, using the shipped model", kind, row.version,
                    path)
        return None
    return path


def activate(session: Session, kinds: tuple[str, ...] = KINDS) -> None:
    """Point the analysis layer at the active versions (the shipped model where none is)."""
    from analysis import routing, sentiment  # the model libraries load lazily

    modules = {"sentiment": sentiment, "routing": routing}
    for kind in kinds:
        modules[kind].use_model(active_path(session, kind))
