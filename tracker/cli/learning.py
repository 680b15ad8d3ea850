"""``yuqing model retrain|list|use``: models retrained on the office's corrections, versioned,
promoted only when they pass, rolled back by hand."""

from __future__ import annotations

import json

import click

from tracker.cli.app import Context, cli, pass_context
from tracker.db import session_scope
from tracker.learning import KINDS, ModelError, model_versions, retrain, use


@cli.group("model")
def model_group() -> None:
    """The sentiment and routing models: retrain on corrections, list versions, roll back."""


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.4f}"


def _line(name: str, figures: dict) -> str:
    return (f"{name}（版本 {figures.get('version')}）：通用检验集 {_fmt(figures['shipped'])}"
            f"（{figures['shipped_rows']} 条），本单位检验集 {_fmt(figures['office'])}"
            f"（{figures['office_rows']} 条）")


@model_group.command("retrain")
@click.argument("kind", type=click.Choice(KINDS))
@click.option("--sample", type=click.IntRange(min=100), default=None,
              help="train on this many shipped rows only (a quick check, not for use)")
@click.option("--json", "as_json", is_flag=True, help="print the result as one JSON object")
@pass_context
def retrain_command(ctx: Context, kind: str, sample: int | None, as_json: bool) -> None:
    """Train a candidate on the shipped data plus the office's corrections; promote it only if
    it is not worse on the shipped held-out fold and better on the office's."""
    with session_scope(ctx.sessions) as session:
        result = retrain(session, kind, ctx.settings.data_dir, by="cli", sample=sample).as_json()
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
        return
    click.echo(_line("候选模型", result["candidate"]))
    click.echo(_line("当前模型", result["current"]))
    click.echo(result["reason"])


@model_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="print the versions as one JSON object")
@pass_context
def list_command(ctx: Context, as_json: bool) -> None:
    """Every trained version with its figures; the one in use is marked."""
    with session_scope(ctx.sessions) as session:
        rows = [{"kind": v.kind, "version": v.version, "active": v.active,
                 "promoted": v.promoted, "created_at": v.created_at.isoformat(),
                 "trained_on": v.trained_on, "figures": v.figures, "reason": v.reason,
                 "activated_by": v.activated_by} for v in model_versions(session)]
    active = {k: next((r["version"] for r in rows if r["kind"] == k and r["active"]), "shipped")
              for k in KINDS}
    if as_json:
        click.echo(json.dumps({"active": active, "versions": rows}, ensure_ascii=False))
        return
    for kind in KINDS:
        click.echo(f"{kind}: 在用 {active[kind]}")
        for r in (r for r in rows if r["kind"] == kind):
            mark = "*" if r["active"] else " "
            cand = r["figures"].get("candidate", {})
            click.echo(f" {mark} v{r['version']}  {r['created_at'][:16]}  "
                       f"通用 {_fmt(cand.get('shipped'))}  本单位 {_fmt(cand.get('office'))}  "
                       f"{r['reason']}")


@model_group.command("use")
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("version")
@pass_context
def use_command(ctx: Context, kind: str, version: str) -> None:
    """Put a version (or "shipped", the model in analysis/models) in use: a rollback."""
    try:
        with session_scope(ctx.sessions) as session:
            use(session, kind, version, by="cli")
    except ModelError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{kind}: 在用版本 {version}")
