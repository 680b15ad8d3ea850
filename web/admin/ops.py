"""Operations pages (admin only): scheduled jobs (pause, resume, run now), source health and
notification deliveries with the webhook endpoints, secrets masked.

The web process never touches the scheduler: pause/resume/run become ``job_commands`` rows
that the scheduler process applies within a second or two.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from tracker import notify, ops
from tracker.collection import STATE_LABELS, State
from tracker.models import (
    Delivery,
    JobCommand,
    JobRun,
    Source,
    SourceHealth,
    WebhookEndpoint,
)
from tracker.notify import ROBOT_LABELS, RobotKind, mask_url
from tracker.vocabulary import RoleCode
from web.admin import ACTION_LABELS, DELIVERY_STATUS, bp
from web.auth import roles_required
from web.db import get_db, get_settings

JOB_ID_MAX = 191  # the length of job_commands.job_id


@bp.route("/admin/ops/jobs")
@roles_required(RoleCode.ADMIN)
def jobs() -> str:
    """The scheduled jobs with trigger, next run, last run and result; pause/resume/run."""
    db = get_db()
    infos = ops.list_jobs(db, get_settings())
    commands = db.scalars(select(JobCommand).order_by(JobCommand.id.desc()).limit(10)).all()
    names = {info.id: info.name for info in infos}
    return render_template("admin/ops_jobs.html", jobs=infos, status=ops.scheduler_status(db),
                           commands=commands, names=names, describe=ops.describe_summary)


def job_name(job_id: str) -> str:
    """A job's Chinese name (抓取：某市长信箱), never its id."""
    for info in ops.list_jobs(get_db(), get_settings()):
        if info.id == job_id:
            return info.name or "未命名任务"
    if job_id.startswith("crawl:"):
        title = get_db().scalar(select(Source.title).where(Source.name == job_id[6:]))
        return f"抓取：{title}" if title else "已删除的抓取任务"
    return "已不存在的任务"


@bp.route("/admin/ops/jobs/<job_id>")
@roles_required(RoleCode.ADMIN)
def job_runs(job_id: str) -> str:
    """The recent runs of one job."""
    runs = get_db().scalars(select(JobRun).where(JobRun.job_id == job_id)
                            .order_by(JobRun.id.desc()).limit(100)).all()
    return render_template("admin/ops_job_runs.html", job_id=job_id, job_name=job_name(job_id),
                           runs=runs, describe=ops.describe_summary)


@bp.route("/admin/ops/jobs/<job_id>/<action>", methods=["POST"])
@roles_required(RoleCode.ADMIN)
def job_action(job_id: str, action: str) -> Any:
    """Queue a pause, resume or run-now request for the scheduler process."""
    if action not in ops.ACTIONS or len(job_id) > JOB_ID_MAX:  # no such job could exist
        abort(404)
    db = get_db()
    ops.request(db, job_id, action, current_user.id)
    db.commit()
    running = ops.scheduler_status(db)["running"]
    note = "调度进程将在几秒内执行。" if running else "调度进程未运行，将在下次启动时执行。"
    flash(f"已提交“{ACTION_LABELS[action]}”任务“{job_name(job_id)}”：{note}", "info")
    return redirect(url_for("admin.jobs"))


@bp.route("/admin/ops/sources")
@roles_required(RoleCode.ADMIN)
def sources() -> str:
    """Every source with its health: state, last success, items per day, error rate."""
    rows = get_db().execute(select(Source, SourceHealth).outerjoin(
        SourceHealth, SourceHealth.source_id == Source.id).order_by(Source.name)).all()
    return render_template("admin/ops_sources.html", rows=rows, STATE_LABELS=STATE_LABELS,
                           State=State)


@bp.route("/admin/ops/deliveries")
@roles_required(RoleCode.ADMIN)
def deliveries() -> str:
    """Notification deliveries (newest first) and the webhook endpoints, secrets masked."""
    db = get_db()
    status = request.args.get("status") or None
    query = select(Delivery).order_by(Delivery.id.desc()).limit(200)
    if status in DELIVERY_STATUS:
        query = query.where(Delivery.status == status)
    counts = dict(db.execute(select(Delivery.status, func.count()).group_by(Delivery.status)).all())
    names = {f"webhook:{row.id}": row.name for row in db.scalars(select(WebhookEndpoint))}
    endpoints = [{"name": names.get(key, "系统配置"), "kind": ROBOT_LABELS[RobotKind(spec.kind)],
                  "url": mask_url(spec.url), "signed": bool(spec.secret)}
                 for key, spec in notify.endpoints(db, get_settings()).items()]
    return render_template("admin/ops_deliveries.html", deliveries=db.scalars(query).all(),
                           counts=counts, status=status, endpoints=endpoints)


