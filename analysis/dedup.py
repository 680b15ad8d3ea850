"""Near-duplicate signatures: 64-bit SimHash over character shingles, and a banded index.

Two texts whose signatures differ in at most `max_distance` bits (default 3) are treated as
copies or reposts. The index splits a signature into max_distance + 1 bands; by the pigeonhole
principle two signatures within max_distance bits share at least one band, so a lookup touches
only the items in a few buckets, not the corpus.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable

import numpy as np

from analysis.text import normalize

BITS = 64
MAX_DISTANCE = 3
SHINGLE = 3
_KEEP = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]+")
_POWERS = (1 << np.arange(BITS - 1, -1, -1, dtype=np.uint64)).astype(np.uint64)


def shingles(text: str, size: int = SHINGLE) -> list[str]:
    """Character shingles of the normalised text, punctuation and spaces dropped."""
    chars = "".join(_KEEP.findall(normalize(text).lower()))
    if len(chars) <= size:
        return [chars] if chars else []
    return [chars[i:i + size] for i in range(len(chars) - size + 1)]


def _hash64(token: str) -> bytes:
    return hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest()


def simhash(text: str) -> int:
    """The 64-bit SimHash of a text (0 for a text without letters, digits or CJK)."""
    grams = shingles(text)
    if not grams:
        return 0
    raw = np.frombuffer(b"".join(_hash64(g) for g in grams), dtype=np.uint8)
    bits = np.unpackbits(raw).reshape(len(grams), BITS)
    votes = bits.sum(axis=0) * 2 > len(grams)
    return int(np.dot(votes.astype(np.uint64), _POWERS))


def hamming(a: int, b: int) -> int:
    """Number of differing bits between two signatures."""
    return (a ^ b).bit_count()


def is_near_duplicate(a: int, b: int, max_distance: int = MAX_DISTANCE) -> bool:
    """Whether two non-empty signatures are within max_distance bits."""
    return a != 0 and b != 0 and hamming(a, b) <= max_distance


def _bands(signature: int, count: int) -> list[tuple[int, int]]:
    out, shift = [], 0
    for i in range(count):
        width = BITS // count + (1 if i < BITS % count else 0)
        out.append((i, (signature >> shift) & ((1 << width) - 1)))
        shift += width
    return out


class SimHashIndex:
    """Signatures by key, with near-duplicate lookup through band buckets."""

    def __init__(self, items: Iterable[tuple[str, int]] = (),
                 max_distance: int = MAX_DISTANCE) -> None:
        self.max_distance = max_distance
        self._signatures: dict[str, int] = {}
        self._buckets: dict[tuple[int, int], list[str]] = defaultdict(list)
        for key, signature in items:
            self.add(key, signature)

    def __len__(self) -> int:
        return len(self._signatures)

    def add(self, key: str, signature: int) -> None:
        """Index a signature under key (empty signatures are ignored)."""
        if signature == 0 or key in self._signatures:
            return
        self._signatures[key] = signature
        for band in _bands(signature, self.max_distance + 1):
            self._buckets[band].append(key)

    def remove(self, key: str) -> None:
        """Forget a key."""
        signature = self._signatures.pop(key, None)
        if signature is not None:
            for band in _bands(signature, self.max_distance + 1):
                self._buckets[band].remove(key)

    def query(self, signature: int) -> list[tuple[str, int]]:
        """Keys within the index's max_distance bits, nearest first, as (key, distance)."""
        max_distance = self.max_distance
        if signature == 0:
            return []
        seen: dict[str, int] = {}
        for band in _bands(signature, self.max_distance + 1):
            for key in self._buckets.get(band, ()):
                if key not in seen:
                    seen[key] = hamming(signature, self._signatures[key])
        hits = [(k, d) for k, d in seen.items() if d <= max_distance]
        return sorted(hits, key=lambda kd: (kd[1], kd[0]))

    def items(self) -> list[tuple[str, int]]:
        """All (key, signature) pairs, for serialising."""
        return list(self._signatures.items())
