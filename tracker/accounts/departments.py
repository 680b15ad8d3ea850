"""The department directory and the 一级分类 → department map, both edited by the admin.

A department is never deleted: disabling it takes it out of every choice (assignment,
routing, the map) while its cases and history keep its name. The default map ships as
``default_category_departments.csv``; :func:`seed_departments` adds what is missing.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.accounts.users import AccountError
from tracker.models import CategoryDepartment, Department, RoutingConfig, audit

DEFAULT_MAP = Path(__file__).with_name("default_category_departments.csv")
ENTITY = "department"
FIELDS = {"short_name": (32, "简称"), "head": (64, "负责人"), "contacts": (256, "联系方式")}


def _clean(value: str | None, limit: int, label: str) -> str | None:
    text = (value or "").strip()
    if len(text) > limit:
        raise AccountError(f"{label} is longer than {limit} characters",
                           f"{label}最多 {limit} 个字符。")
    return text or None


def list_departments(session: Session, *, active_only: bool = False) -> list[Department]:
    """Departments by name (active ones first unless ``active_only``)."""
    query = select(Department).order_by(Department.active.desc(), Department.name)
    if active_only:
        query = query.where(Department.active.is_(True))
    return list(session.scalars(query))


def find_department(session: Session, name: str) -> Department:
    """The department called ``name`` (or with that short name); AccountError when none."""
    dept = session.scalar(select(Department).where(Department.name == name.strip()))
    dept = dept or session.scalar(select(Department).where(Department.short_name == name.strip()))
    if dept is None:
        raise AccountError(f"no department {name!r}", f"没有部门“{name}”。")
    return dept


def _parent(session: Session, dept: Department | None, parent: str | None) -> int | None:
    if not (parent or "").strip():
        return None
    found = find_department(session, parent)
    if dept is not None:
        walk: Department | None = found
        while walk is not None:  # no department may end up inside itself
            if walk.id == dept.id:
                raise AccountError("a department cannot sit under itself",
                                   "上级部门不能是本部门或其下级部门。")
            walk = session.get(Department, walk.parent_id) if walk.parent_id else None
    return found.id


def create_department(session: Session, name: str, *, short_name: str | None = None,
                      parent: str | None = None, head: str | None = None,
                      contacts: str | None = None, actor_id: int | None = None) -> Department:
    """Add a department; the caller commits."""
    name = _clean(name, 128, "部门名称") or ""
    if not name:
        raise AccountError("a department needs a name", "请填写部门名称。")
    if session.scalar(select(Department.id).where(Department.name == name)) is not None:
        raise AccountError(f"department {name!r} already exists", f"部门“{name}”已存在。")
    dept = Department(name=name, active=True, parent_id=_parent(session, None, parent),
                      **{k: _clean(v, *FIELDS[k]) for k, v in (
                          ("short_name", short_name), ("head", head), ("contacts", contacts))})
    session.add(dept)
    session.flush()
    audit.record(session, entity_type=ENTITY, entity_id=dept.id, action="create",
                 actor_id=actor_id, changes={"name": (None, name)})
    return dept


def edit_department(session: Session, dept: Department, *, name: str | None = None,
                    short_name: str | None = None, parent: str | None = None,
                    head: str | None = None, contacts: str | None = None,
                    actor_id: int | None = None) -> bool:
    """Change what is given (None: unchanged, ``""`` clears); False when nothing changed."""
    new: dict[str, object] = {}
    if name is not None:
        clean = _clean(name, 128, "部门名称")
        if not clean:
            raise AccountError("a department needs a name", "请填写部门名称。")
        taken = session.scalar(select(Department.id).where(Department.name == clean,
                                                           Department.id != dept.id))
        if taken is not None:
            raise AccountError(f"department {clean!r} already exists", f"部门“{clean}”已存在。")
        new["name"] = clean
    for key, value in (("short_name", short_name), ("head", head), ("contacts", contacts)):
        if value is not None:
            new[key] = _clean(value, *FIELDS[key])
    if parent is not None:
        new["parent_id"] = _parent(session, dept, parent)
    changes = {k: (getattr(dept, k), v) for k, v in new.items() if getattr(dept, k) != v}
    for key, (_, value) in changes.items():
        setattr(dept, key, value)
    if changes:
        session.flush()
        audit.record(session, entity_type=ENTITY, entity_id=dept.id, action="edit",
                     actor_id=actor_id, changes=changes)
    return bool(changes)


def set_department_active(session: Session, dept: Department, active: bool,
                          actor_id: int | None = None) -> bool:
    """Enable or disable a department; False when it already was."""
    if dept.active == active:
        return False
    dept.active = active
    session.flush()
    audit.record(session, entity_type=ENTITY, entity_id=dept.id,
                 action="enable" if active else "disable", actor_id=actor_id,
                 changes={"active": (not active, active)})
    return True


def category_map(session: Session, with_defaults: bool = False) -> list[CategoryDepartment]:
    """Every mapped 一级分类, by name; ``with_defaults`` adds, unmapped and unsaved, the
    default map's categories the office has no row for yet (a new office's map page)."""
    rows = list(session.scalars(select(CategoryDepartment).order_by(CategoryDepartment.category)))
    if with_defaults:
        known = {row.category for row in rows}
        defaults = dict.fromkeys(c for c, _, _ in read_map() if c not in known)
        if defaults:
            rows += [CategoryDepartment(category=c, department_id=None) for c in defaults]
            rows.sort(key=lambda row: row.category)
    return rows


def department_for_category(session: Session) -> dict[str, str]:
    """一级分类 → the name of its department (active departments only). Until the office has
    a map (no row at all), the default map's names: a suggestion staff read, never a route."""
    rows = category_map(session)
    if not rows:
        return {category: name for category, name, _ in read_map()}
    return {row.category: row.department.name for row in rows
            if row.department is not None and row.department.active}


def set_category_department(session: Session, category: str, department_id: int | None,
                            actor_id: int | None = None) -> bool:
    """Map ``category`` to a department (None: a person decides); False when unchanged."""
    category = (category or "").strip()
    if not category or len(category) > 64:
        raise AccountError("a category needs a name of at most 64 characters", "分类名称无效。")
    dept = session.get(Department, department_id) if department_id is not None else None
    if department_id is not None and (dept is None or not dept.active):
        raise AccountError("no such active department", "所选部门不存在或已停用。")
    row = session.get(CategoryDepartment, category)
    if row is None:
        row = CategoryDepartment(category=category, department_id=None)
        session.add(row)
    elif row.department_id == department_id:
        return False
    old, row.department_id, row.updated_by_id = row.department_id, department_id, actor_id
    session.flush()
    audit.record(session, entity_type="category_map", entity_id=category, action="map",
                 actor_id=actor_id, changes={"department_id": (old, department_id)})
    return True


def routing_config(session: Session) -> RoutingConfig:
    """The routing settings row (an unsaved default row when none exists)."""
    return session.get(RoutingConfig, 1) or RoutingConfig(id=1, threshold=None,
                                                          auto_assign=True)


def set_routing_config(session: Session, threshold: float | None, auto_assign: bool,
                       actor_id: int | None = None) -> bool:
    """Save the threshold (None: the model's default) and the automatic-assignment switch."""
    if threshold is not None and not 0.0 < threshold <= 1.0:
        raise AccountError("the threshold must be in (0, 1]", "置信度阈值须大于 0、不超过 1。")
    row = routing_config(session)
    changes = {k: (getattr(row, k), v) for k, v in (("threshold", threshold),
                                                    ("auto_assign", auto_assign))
               if getattr(row, k) != v}
    if not changes:
        return False
    row.threshold, row.auto_assign, row.updated_by_id = threshold, auto_assign, actor_id
    session.add(row)
    session.flush()
    audit.record(session, entity_type="routing_config", entity_id=1, action="edit",
                 actor_id=actor_id, changes=changes)
    return True


def read_map(path: Path = DEFAULT_MAP) -> list[tuple[str, str, str]]:
    """(一级分类, department, short name) rows of a map CSV."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [(r["一级分类"].strip(), r["部门"].strip(), (r.get("简称") or "").strip())
                for r in csv.DictReader(handle) if (r.get("一级分类") or "").strip()]


def taxonomy_categories(path: Path) -> list[str]:
    """The distinct 一级分类 of a taxonomy CSV (附件1's fujian1_label_taxonomy.csv)."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as exc:
        raise AccountError(f"cannot read {path}: {exc.strerror}") from None
    if not rows or "一级分类" not in rows[0]:
        raise AccountError(f"{path} has no 一级分类 column")
    return sorted({r["一级分类"].strip() for r in rows if (r["一级分类"] or "").strip()})


@dataclass
class SeedReport:
    """What :func:`seed_departments` did."""

    departments_added: list[str] = field(default_factory=list)
    categories_mapped: list[str] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        """The report as the CLI prints it."""
        return {"departments_added": self.departments_added,
                "categories_mapped": self.categories_mapped, "unmapped": self.unmapped}


def seed_departments(session: Session, taxonomy: Path | None = None,
                     map_path: Path = DEFAULT_MAP) -> SeedReport:
    """Add the departments and map rows of the default map that are missing (an admin's
    changes stay); with a taxonomy, list each 一级分类 that no department answers."""
    report = SeedReport()
    for category, name, short in read_map(map_path):
        dept = session.scalar(select(Department).where(Department.name == name))
        if dept is None:
            dept = create_department(session, name, short_name=short or None)
            report.departments_added.append(name)
        elif dept.short_name is None and short:  # fills a blank, never overwrites
            edit_department(session, dept, short_name=short)
        if session.get(CategoryDepartment, category) is None and dept.active:
            set_category_department(session, category, dept.id)
            report.categories_mapped.append(category)
    if taxonomy is not None:
        mapped = {r.category for r in category_map(session) if r.department_id is not None}
        report.unmapped = [c for c in taxonomy_categories(taxonomy) if c not in mapped]
    return report
