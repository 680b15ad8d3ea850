"""``yuqing reply-check``: the reply quality checks from the shell.

One reply: ``--message``/``--message-file`` and ``--reply``/``--reply-file`` (UTF-8 text), and
optionally ``--others FILE`` (other replies, one per line) for the boilerplate check. Prints the
scores and findings in Chinese, or with ``--json`` one object. ``--jsonl`` reads one
``{"message", "reply"}`` per line on stdin and prints one ``{"relevance", "completeness",
"interpretability", "score", "problems"}`` per line; the replies of the batch are each other's
corpus for the boilerplate check.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from tracker.cli.analysis import stdin_lines
from tracker.cli.app import cli

FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def _text(value: str | None, path: Path | None, name: str) -> str:
    """The text of an option given inline or as a file; exactly one of them, not blank."""
    if (value is None) == (path is None):
        raise click.UsageError(f"give exactly one of --{name} and --{name}-file")
    text = value if value is not None else path.read_text(encoding="utf-8", errors="replace")
    if not text.strip():
        raise click.UsageError(f"the {name} is empty")
    return text


def parse_jsonl(lines: list[str]) -> list[tuple[str, str]]:
    """(message, reply) of each non-blank line; a one-line error naming a bad line."""
    pairs = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise click.ClickException(f"line {number}: not JSON ({exc.msg})") from None
        if not isinstance(item, dict) or not all(
                isinstance(item.get(k), str) for k in ("message", "reply")):
            raise click.ClickException(
                f'line {number}: expected {{"message": "...", "reply": "..."}} with text values')
        pairs.append((item["message"], item["reply"]))
    return pairs


def _print_one(check) -> None:
    click.echo(f"相关性 {check.relevance:.2f}  完整性 {check.completeness:.2f}  "
               f"可解释性 {check.interpretability:.2f}  总分 {check.score:.2f}")
    for problem in check.problems:
        click.echo(f"问题：{problem}")
    for finding in check.findings:
        click.echo(f"发现：{finding}")


@cli.command("reply-check")
@click.option("--message", help="the message text")
@click.option("--message-file", type=FILE, help="a UTF-8 file holding the message")
@click.option("--reply", help="the reply text")
@click.option("--reply-file", type=FILE, help="a UTF-8 file holding the reply")
@click.option("--others", type=FILE, help="other replies, one per line (boilerplate check)")
@click.option("--json", "as_json", is_flag=True, help="print one JSON object")
@click.option("--jsonl", "as_jsonl", is_flag=True,
              help='read {"message", "reply"} lines on stdin, print one result per line')
def reply_check_command(message, message_file, reply, reply_file, others, as_json,
                        as_jsonl) -> None:
    """Check a reply to a message: relevance, completeness, interpretability and defects."""
    from analysis import reply_quality

    if as_jsonl:
        pairs = parse_jsonl(stdin_lines())
        corpus = reply_quality.ReplyCorpus([r for _, r in pairs], includes_checked=True)
        for m, r in pairs:
            result = reply_quality.check_reply(m, r, others=corpus)
            click.echo(json.dumps(result.as_json(), ensure_ascii=False))
        return
    text_m = _text(message, message_file, "message")
    text_r = _text(reply, reply_file, "reply")
    other = (others.read_text(encoding="utf-8", errors="replace").splitlines()
             if others else None)
    result = reply_quality.check_reply(text_m, text_r, others=[o for o in other or [] if o])
    if as_json:
        click.echo(json.dumps(result.as_json() | {"findings": list(result.findings)},
                              ensure_ascii=False))
    else:
        _print_one(result)
