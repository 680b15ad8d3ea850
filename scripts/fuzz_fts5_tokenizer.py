"""Fuzz the embedded index's C tokenizer under AddressSanitizer and UBSan.

Crawled text is hostile input and the tokenizer is C, so after changing
``tracker/index/embedded/fts5/yuqing_tokenizer.c`` run:

    .venv/bin/python scripts/fuzz_fts5_tokenizer.py [--rounds 20000]

It compiles the extension with ``-fsanitize=address,undefined`` into a temporary folder,
runs itself again with the sanitizer runtimes preloaded, and feeds FTS5 random text from
every Unicode plane, raw bytes that are not UTF-8, and words longer than the tokenizer's
stack buffer, with phrase queries in between. Any memory error aborts with a report.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[1] / "tracker" / "index" / "embedded" / "fts5"


def fuzz(library: str, rounds: int) -> None:
    """Insert random documents and run phrase queries through the instrumented tokenizer."""
    from tracker.index.embedded import sqlite3

    db = sqlite3.connect(":memory:")
    db.enable_load_extension(True)
    db.execute("SELECT load_extension(?, 'sqlite3_yuqing_init')", (library,))
    db.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='yuqing')")
    rnd = random.Random(1)
    for i in range(rounds):
        if rnd.random() < 0.3:
            raw = bytes(rnd.randrange(256) for _ in range(rnd.randrange(80)))
            db.execute("INSERT INTO t(rowid, x) VALUES (?, CAST(? AS TEXT))", (i + 1, raw))
        else:
            text = "".join(chr(rnd.choice([rnd.randrange(0x20, 0x7F), rnd.randrange(0x80, 0xD7FF),
                                           rnd.randrange(0xE000, 0x110000)]))
                           for _ in range(rnd.randrange(80)))
            if rnd.random() < 0.05:
                text = "x" * rnd.randrange(200, 3000) + text
            db.execute("INSERT INTO t(rowid, x) VALUES (?, ?)", (i + 1, text))
        if i % 7 == 0:
            phrase = '"' + "".join(chr(rnd.randrange(0x4E00, 0x4E20)) for _ in range(3)) + '"'
            db.execute("SELECT count(*) FROM t WHERE t MATCH ?", (phrase,)).fetchone()
    print(f"no sanitizer report after {rounds:,} documents")


def main() -> int:
    """Build, then run the fuzzer under the sanitizers."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20_000)
    parser.add_argument("--library", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.library:
        fuzz(args.library, args.rounds)
        return 0
    with tempfile.TemporaryDirectory() as folder:
        library = str(Path(folder) / "yuqing_asan.so")
        subprocess.run(["gcc", "-O1", "-g", "-fsanitize=address,undefined",
                        "-fno-omit-frame-pointer", "-shared", "-fPIC", f"-I{SOURCE}",
                        str(SOURCE / "yuqing_tokenizer.c"), "-o", library], check=True)
        runtimes = [subprocess.run(["gcc", f"-print-file-name={name}"], check=True,
                                   capture_output=True, text=True).stdout.strip()
                    for name in ("libasan.so", "libubsan.so")]
        env = {**os.environ, "LD_PRELOAD": ":".join(runtimes),
               "ASAN_OPTIONS": "detect_leaks=0", "UBSAN_OPTIONS": "halt_on_error=1"}
        return subprocess.run([sys.executable, __file__, "--rounds", str(args.rounds),
                               "--library", library], env=env).returncode


if __name__ == "__main__":
    sys.exit(main())
