"""``yuqing analyze``, ``hot``, ``sentiment`` and ``classify``: the analysis from the shell."""

from __future__ import annotations

import json
from collections.abc import Iterator

import click

from analysis import routing, sentiment
from tracker.cli.app import cli

DATE_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
BATCH = 1000


def stdin_lines() -> list[str]:
    """Every line of standard input (UTF-8), line ends removed; a final newline adds none."""
    stream = click.get_text_stream("stdin", encoding="utf-8", errors="replace")
    return stream.read().splitlines()


def batches(items: list[str], size: int = BATCH) -> Iterator[list[str]]:
    """Consecutive slices of at most ``size`` items."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


@cli.command("sentiment")
@click.option("--json", "as_json", is_flag=True, help='print [{"score"}] for the lines')
def sentiment_command(as_json: bool) -> None:
    """Read one text per line on stdin; print its sentiment in [0, 1] (1 = positive)."""
    scores = [s for batch in batches(stdin_lines()) for s in sentiment.score_many(batch)]
    if as_json:
        click.echo(json.dumps([{"score": round(s, 4)} for s in scores]))
        return
    for score in scores:
        click.echo(f"{score:.4f}")


@cli.command("classify")
@click.option("--json", "as_json", is_flag=True,
              help='print [{"category", "confidence"}] for the lines')
def classify_command(as_json: bool) -> None:
    """Read one message per line on stdin; print its predicted 一级分类."""
    routes = [r for batch in batches(stdin_lines()) for r in routing.classify_many(batch)]
    if as_json:
        click.echo(json.dumps([{"category": r.best, "confidence": round(r.confidence, 4)}
                               for r in routes], ensure_ascii=False))
        return
    for route in routes:
        click.echo(route.best)
