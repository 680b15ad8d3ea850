"""``yuqing mask``: personal data masked for publication, from the shell."""

from __future__ import annotations

import json
import sys

import click

from tracker.cli.app import cli


def _stdin_text() -> str:
    """All of standard input as UTF-8 text (a clear error when it is not UTF-8)."""
    data = sys.stdin.buffer.read()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise click.ClickException(
            f"standard input is not UTF-8 text (byte {error.start}); convert it first, "
            "e.g. iconv -f GBK -t UTF-8") from None


def _parse_line(number: int, line: str, default_author: str | None) -> tuple[str, str | None]:
    """The text and author of one JSONL line, or a one-line error naming the line."""
    try:
        item = json.loads(line)
    except json.JSONDecodeError as error:
        raise click.ClickException(f"line {number}: not JSON ({error.msg})") from None
    if not isinstance(item, dict) or not isinstance(item.get("text"), str):
        raise click.ClickException(f'line {number}: expected an object with a "text" string')
    author = item.get("author", default_author)
    if author is not None and not isinstance(author, str):
        raise click.ClickException(f'line {number}: "author" must be a string or null')
    return item["text"], author or None


def mask_jsonl(text: str, default_author: str | None) -> list[str]:
    """One output JSON line per non-blank input line (all lines checked before any output)."""
    from analysis.privacy import apply_mask, find_pii

    items = [_parse_line(n, line, default_author)
             for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
    out = []
    for body, author in items:
        spans = find_pii(body, author=author)
        out.append(json.dumps({
            "text": apply_mask(body, spans),
            "spans": [{"kind": s.kind, "start": s.start, "end": s.end} for s in spans],
        }, ensure_ascii=False))
    return out


@cli.command("mask")
@click.option("--author", metavar="NAME",
              help="the writer's name or board nickname: masked wherever it stands")
@click.option("--jsonl", "as_jsonl", is_flag=True,
              help='read one {"text", "author"} object per line ("author" optional, --author '
                   'is its default) and print one {"text", "spans": [{"kind", "start", "end"}]} '
                   "per line; start/end index the ORIGINAL text (Unicode characters, end "
                   "exclusive)")
def mask_command(author: str | None, as_jsonl: bool) -> None:
    """Mask personal data in the text on stdin for publication (text in, masked text out).

    Masked: the writer (--author) everywhere, names the text marks as a person's (王守义您好,
    我叫…, …先生/女士/同志), phone, ID-card and bank-card numbers, plates, e-mail addresses and
    door-level addresses. Kinds in --jsonl spans: author, name, mobile, landline, id_card,
    bank_card, plate, email, address.
    """
    text = _stdin_text()
    if as_jsonl:
        for line in mask_jsonl(text, author):
            click.echo(line)
        return
    from analysis.privacy import mask

    click.echo(mask(text, author=author or None), nl=False)
