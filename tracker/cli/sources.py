"""``yuqing source``: add, edit, test, list, enable and disable the sources that are crawled."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from tracker.cli.app import Context, cli, pass_context
from tracker.collection import (
    KIND_LABELS,
    SourceError,
    add_source,
    edit_source,
    find_source,
    list_sources,
    parse_config,
    preview,
    set_enabled,
)
from tracker.db import session_scope

KINDS = click.Choice(list(KIND_LABELS))


def read_config(path: Path) -> dict[str, Any]:
    """The JSON config in ``path``; a one-line error when it cannot be read or parsed."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"cannot read {path}: {exc}") from None
    try:
        return parse_config(text)
    except SourceError as exc:
        raise click.ClickException(f"{path}: {exc}") from None


def _fail(exc: SourceError) -> click.ClickException:
    lines = [f"{key}: {en}" if key else en for key, en, _ in exc.problems]
    return click.ClickException("\n  ".join(["the source was not saved:", *lines]))


@cli.group()
def source() -> None:
    """Sources to crawl: news sites, feeds, forums, message boards."""


@source.command("add")
@click.argument("name")
@click.option("--kind", required=True, type=KINDS)
@click.option("--base-url", required=True, help="the site's address, e.g. https://example.gov.cn/")
@click.option("--config", "config_path", required=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="JSON file: start_urls, list, fields, … (see crawlers/spiders/base.py)")
@click.option("--title", help="name shown on the pages (default: NAME)")
@click.option("--interval", type=int, default=30, show_default=True, help="minutes between crawls")
@pass_context
def source_add(ctx: Context, name: str, kind: str, base_url: str, config_path: Path,
               title: str | None, interval: int) -> None:
    """Add a source (enabled; the scheduler crawls it every --interval minutes)."""
    config = read_config(config_path)
    try:
        with session_scope(ctx.sessions, write=True) as session:
            add_source(session, name, kind=kind, base_url=base_url, config=config,
                       title=title, interval=interval)
    except SourceError as exc:
        raise _fail(exc) from None
    click.echo(f"added {kind} source {name}")


@source.command("edit")
@click.argument("name")
@click.option("--kind", type=KINDS)
@click.option("--base-url")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--title")
@click.option("--interval", type=int, help="minutes between crawls")
@pass_context
def source_edit(ctx: Context, name: str, kind: str | None, base_url: str | None,
                config_path: Path | None, title: str | None, interval: int | None) -> None:
    """Change a source's kind, address, config, title or interval."""
    config = read_config(config_path) if config_path else None
    try:
        with session_scope(ctx.sessions, write=True) as session:
            changed = edit_source(session, find_source(session, name), kind=kind,
                                  base_url=base_url, config=config, title=title,
                                  interval_minutes=interval)
    except SourceError as exc:
        raise _fail(exc) from None
    click.echo(f"saved source {name}" if changed else f"source {name}: nothing changed")


def _toggle(ctx: Context, name: str, enabled: bool) -> None:
    try:
        with session_scope(ctx.sessions, write=True) as session:
            changed = set_enabled(session, find_source(session, name), enabled)
    except SourceError as exc:
        raise click.ClickException(str(exc)) from None
    word = "enabled" if enabled else "disabled"
    click.echo(f"{word} source {name}" if changed else f"source {name} was already {word}")


@source.command("enable")
@click.argument("name")
@pass_context
def source_enable(ctx: Context, name: str) -> None:
    """Crawl the source again."""
    _toggle(ctx, name, True)


@source.command("disable")
@click.argument("name")
@pass_context
def source_disable(ctx: Context, name: str) -> None:
    """Stop crawling the source (what it brought in stays)."""
    _toggle(ctx, name, False)


@source.command("list")
@click.option("--json", "as_json", is_flag=True, help="print JSON")
@pass_context
def source_list(ctx: Context, as_json: bool) -> None:
    """Every source with its state, health and last crawl."""
    with session_scope(ctx.sessions) as session:
        rows = [_row_json(row) for row in list_sources(session)]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    for row in rows:
        run = row["last_run"] or {}
        click.echo(f"{row['name']:<24} {row['kind']:<6} {'on ' if row['enabled'] else 'off'} "
                   f"{row['health'] or '-':<9} every {row['interval_minutes']} min  "
                   f"last crawl: {run.get('started_at') or 'never'} {run.get('status', '')}  "
                   f"{row['title']}")


def _row_json(row) -> dict[str, Any]:
    source, run = row.source, row.last_run
    return {"name": source.name, "title": source.title, "kind": source.kind,
            "base_url": source.base_url, "enabled": source.enabled,
            "interval_minutes": source.interval_minutes,
            "health": row.health.state if row.health else None,
            "last_run": None if run is None else {
                "started_at": run.started_at.isoformat(timespec="seconds"),
                "finished_at": run.finished_at.isoformat(timespec="seconds")
                if run.finished_at else None,
                "status": run.status, "pages": run.pages, "items_new": run.items_new,
                "errors": run.errors}}


@source.command("test")
@click.argument("name")
@click.option("--url", help="a list page (default: the first start URL); its first entry's "
                            "detail page is read too")
@click.option("--detail-url", help="read this detail page (and no list page unless --url)")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="test this config instead of the saved one (or for a source not saved yet)")
@click.option("--kind", type=KINDS, help="with --config for a source not saved yet")
@click.option("--base-url", help="with --config for a source not saved yet")
@click.option("--timeout", type=float, default=60, show_default=True, help="seconds")
@click.option("--json", "as_json", is_flag=True, help="print JSON")
@pass_context
def source_test(ctx: Context, name: str, url: str | None, detail_url: str | None,
                config_path: Path | None, kind: str | None, base_url: str | None,
                timeout: float, as_json: bool) -> None:
    """Fetch one list page and one detail page as a crawl would; print the extracted fields.

    Nothing is stored. Exits 1 when no item could be extracted or the crawl would reject it.
    """
    kind, base_url, config = _what_to_test(ctx, name, kind, base_url, config_path)
    try:
        result = preview(kind, base_url, config, list_url=url, detail_url=detail_url,
                         name=name, timeout=timeout)
    except SourceError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        _print_result(result)
    if not result["items"]:
        raise click.ClickException("no item was extracted")
    if result.get("rejected"):
        raise click.ClickException(f"a crawl would not store this item: {result['rejected']}")


def _what_to_test(ctx: Context, name: str, kind: str | None, base_url: str | None,
                  config_path: Path | None) -> tuple[str, str, dict[str, Any]]:
    """(kind, base URL, config): the saved source's, with what the options replace."""
    config = read_config(config_path) if config_path else None
    with session_scope(ctx.sessions) as session:
        try:
            saved = find_source(session, name)
        except SourceError:
            if config is None or not kind or not base_url:
                raise click.ClickException(
                    f"no source named {name!r}: to test one not saved yet, give --config, "
                    "--kind and --base-url") from None
            return kind, base_url, config
        return (kind or saved.kind, base_url or saved.base_url,
                config if config is not None else dict(saved.config))


def _print_result(result: dict[str, Any]) -> None:
    listing, detail = result.get("list"), result.get("detail")
    if listing:
        click.echo(f"list page: {listing['url']} (HTTP {listing['status']}), "
                   f"{listing['entries']} entries, next page: {listing['next'] or 'none'}")
    if detail:
        click.echo(f"detail page: {detail['url']} (HTTP {detail['status']})")
    for problem in result.get("problems", []):
        click.echo(f"problem: {problem['kind']} {problem['url']}: {problem['reason']}")
    if result["items"]:
        click.echo(f"item {result['external_id']} ({result['url']}):")
        for key, value in result["fields"].items():
            click.echo(f"  {key}: {_short(value)}")


def _short(value: Any) -> str:
    text = "" if value is None else str(value).replace("\n", " ⏎ ")
    return text if len(text) <= 200 else text[:200] + "…"
