"""Build the background document frequencies used by keywords and event clustering.

Usage: .venv/bin/python scripts/train_idf.py [--out analysis/models/idf_gov.npz]

Background corpus: the 9,210 segmented 附件2 messages (tokens joined back into text) and the
1,402 附件4 messages, i.e. government message-board text that is not the 附件3 hot-issue set.
Words, joined place names and character bigrams (prefixed "2:") are counted; only those
seen in at least two documents are kept.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis import keywords  # noqa: E402
from bench._common import DATA_DIR, load_routing_segmented, read_csv  # noqa: E402

MIN_DF = 2


def background_texts() -> list[str]:
    """The background documents as plain text."""
    texts = ["".join(r.text.split()) for r in load_routing_segmented()]
    fj4 = read_csv(DATA_DIR / "tipdm2020c_fj4_replies" / "fujian4_messages_replies_even_ids.csv")
    texts += [r["留言主题"] + " " + r["留言详情"] for r in fj4]
    return texts


def main() -> None:
    """Count document frequencies and write them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=keywords.IDF_PATH)
    args = parser.parse_args()
    texts = background_texts()
    # Pass 1: word frequencies alone. Joining place names consults them (a very common word
    # is no part of a name), so pass 2 counts places with pass 1's figures, never with
    # whatever file is already on disk: the output depends on the data only.
    words_df: Counter[str] = Counter()
    for text in texts:
        words_df.update(set(keywords.content_words(keywords.words_of(text))))
    keywords._background.set(keywords.DocumentFrequencies(len(texts), dict(words_df)))
    df: Counter[str] = Counter()
    for text in texts:
        words = keywords.words_of(text)
        df.update(set(keywords.content_words(words) + keywords.places(words)))
        df.update(set(keywords.bigrams(keywords.content_words(words))))
    kept = {t: c for t, c in sorted(df.items()) if c >= MIN_DF}
    keywords.save_background(keywords.DocumentFrequencies(len(texts), kept), args.out)
    print(f"{len(texts)} documents, {len(kept)} terms; wrote {args.out} "
          f"({args.out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
