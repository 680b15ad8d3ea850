"""Type-7 percentiles (linear interpolation between closest ranks), in one implementation.

For sorted ``x[0..n-1]``, ``h = (n-1)·p`` and the value is
``x[⌊h⌋] + (h-⌊h⌋)·(x[⌊h⌋+1] - x[⌊h⌋])``: numpy's default and PostgreSQL's
``percentile_cont``. Plain values and ``(value, count)`` pairs share :func:`_type7`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable


def _type7(nth: Callable[[int], float], n: int, p: float) -> float:
    """The type-7 percentile ``p`` of ``n`` sorted values, the ``i``-th given by ``nth(i)``."""
    h = (n - 1) * p
    lower = int(h)
    upper = min(lower + 1, n - 1)
    return nth(lower) + (h - lower) * (nth(upper) - nth(lower))


def percentiles(values: list[float], ps: Iterable[float] = (0.5, 0.9)) -> tuple:
    """Type-7 percentiles ``ps`` of ``values`` (sorted in place); ``None`` each when empty."""
    ps = tuple(ps)
    if not values:
        return (None,) * len(ps)
    values.sort()
    return tuple(_type7(values.__getitem__, len(values), p) for p in ps)


def weighted_percentile(pairs: list[tuple[float, int]], p: float) -> float | None:
    """Type-7 percentile of values given as ``(value, count)`` pairs."""
    pairs = sorted(pair for pair in pairs if pair[1] > 0)
    n = sum(count for _, count in pairs)
    if n == 0:
        return None
    return _type7(lambda index: _nth(pairs, index), n, p)


def _nth(pairs: list[tuple[float, int]], index: int) -> float:
    """The ``index``-th value (from 0) of sorted ``(value, count)`` pairs."""
    seen = 0
    for value, count in pairs:
        seen += count
        if index < seen:
            return value
    raise IndexError(index)
