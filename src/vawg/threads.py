"""How many threads an analysis shares independent pieces of work among.

The Knox test's shuffles and the programme cohort's referral days are each independent, and
numpy and polars let go of the interpreter while they count, so a small pool of threads uses
the machine's cores. At most four: DuckDB and polars keep pools of their own, and on a small
machine more threads only compete with them. A process that already shares the cores with
others doing the same (``vawg demo``'s worker processes) keeps to one (:func:`limit`). Results
never depend on the number: the pieces are taken back in the order they were given.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

__all__ = ["MAX_WORKERS", "in_order", "limit", "workers"]

_In = TypeVar("_In")
_Out = TypeVar("_Out")

MAX_WORKERS = 4
_limit = MAX_WORKERS


def limit(threads: int) -> None:
    """Use at most ``threads`` threads for such pools in this process from now on."""
    global _limit
    _limit = max(1, min(MAX_WORKERS, threads))


def workers() -> int:
    """Threads for a pool of independent pieces of work: the cores, at most :data:`MAX_WORKERS`
    (or the :func:`limit` set in this process)."""
    return max(1, min(_limit, os.cpu_count() or 1))


def in_order(work: Callable[[_In], _Out], pieces: Iterable[_In]) -> list[_Out]:
    """``work`` done on each of ``pieces`` by a pool of :func:`workers` threads, the results
    in the order the pieces were given (in this thread when there is one worker)."""
    if workers() == 1:
        return [work(piece) for piece in pieces]
    with ThreadPoolExecutor(workers()) as pool:
        return list(pool.map(work, pieces))
