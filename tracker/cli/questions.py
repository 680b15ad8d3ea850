"""The ``--jsonl`` mode shared by the question searches (``yuqing policy search``,
``yuqing qa similar``): one ``{"text": ...}`` per stdin line, one ``{"hits": [...]}`` out."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

import click
from sqlalchemy.orm import Session

from tracker.cli.app import Context
from tracker.db import session_scope

HitsOf = Callable[[Session, str], list[dict[str, Any]]]


def answer_lines(ctx: Context, hits_of: HitsOf) -> int:
    """Answer each stdin line with ``hits_of(session, text)``; a bad line prints no hits and
    its reason on stderr. Returns how many lines were bad."""
    bad = 0
    with session_scope(ctx.sessions) as session:
        for line_no, line in enumerate(sys.stdin, 1):
            if not line.strip():
                continue
            try:
                text = json.loads(line).get("text")
                if not isinstance(text, str):
                    raise ValueError('no "text" string')
            except (ValueError, AttributeError) as exc:
                bad += 1
                click.echo(f"line {line_no}: {exc}", err=True)
                click.echo(json.dumps({"hits": []}))
                continue
            click.echo(json.dumps({"hits": hits_of(session, text)}, ensure_ascii=False))
    return bad
