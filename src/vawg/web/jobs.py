"""Slow results computed in the background, newest request first, and kept for the next asker.

A page never computes a slow Result (a model, a bootstrap, permutations) in the thread that
draws it: it asks :class:`Jobs` for the result and, while it is being computed, shows that it
is (:func:`vawg.web.pages.common.wait_for`). A filter changed meanwhile interrupts the page at
once (Streamlit stops a run at its next drawing call) while the computation goes on and is kept,
so going back to the earlier selection is instant.

Two worker threads: one takes only the jobs someone is waiting for (newest first), the other
the same when there are any, else the ones computed ahead of need (:meth:`Jobs.prefetch`: every page's
results for the filters in use, and at start-up for the default filters). A job nobody has
asked about for ``forget_after`` seconds is dropped before it starts. Finished results are kept,
least recently used dropped first, up to ``keep``.

:class:`Memo` keeps the results of the cheap calls the same way, and makes a second caller of
a call under way wait for the first instead of computing it again.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

__all__ = ["Job", "Jobs", "Memo"]

T = TypeVar("T")


class Job(Generic[T]):
    """One result being computed (or computed): poll :meth:`done`, then take :meth:`result`."""

    def __init__(self, key: Hashable, work: Callable[[], T], *, wanted: float, urgent: bool):
        self.key, self.work = key, work
        self.wanted, self.urgent = wanted, urgent
        self.started: float | None = None
        self.finished: float | None = None
        self._value: T | None = None
        self._error: BaseException | None = None
        self._done = threading.Event()

    def done(self) -> bool:
        """Whether the result (or its error) is there."""
        return self._done.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until done or ``timeout`` seconds; return :meth:`done`."""
        return self._done.wait(timeout)

    def result(self) -> T:
        """The result; raises the computation's error. Only call once :meth:`done`."""
        if not self._done.is_set():
            raise RuntimeError("the job is not finished; wait for it first")
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]

    @property
    def seconds(self) -> float | None:
        """How long the computation took, once finished."""
        if self.started is None or self.finished is None:
            return None
        return self.finished - self.started

    def _run(self) -> None:
        self.started = time.monotonic()
        try:
            self._value = self.work()
        except BaseException as error:  # kept and raised to whoever asks
            self._error = error
        finally:
            self.finished = time.monotonic()
            self._done.set()


class Jobs:
    """A small scheduler for slow results (see the module docstring)."""

    def __init__(
        self,
        *,
        keep: int = 48,
        forget_after: float = 120.0,
        workers: int = 2,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.keep, self.forget_after = keep, forget_after
        self._clock = clock
        self._lock = threading.Condition()
        self._queue: dict[Hashable, Job[object]] = {}
        self._running: dict[Hashable, Job[object]] = {}
        self._finished: OrderedDict[Hashable, Job[object]] = OrderedDict()
        for index in range(workers):
            threading.Thread(
                target=self._worker,
                args=(index < workers - 1,),  # the last worker also takes prefetches
                name=f"vawg-jobs-{index}",
                daemon=True,
            ).start()

    def get(self, key: Hashable, work: Callable[[], T]) -> Job[T]:
        """The job for ``key``: finished, under way, or queued now ahead of prefetches."""
        return self._submit(key, work, urgent=True)

    def prefetch(self, key: Hashable, work: Callable[[], T]) -> Job[T]:
        """Compute ``key`` when a worker is free of urgent jobs (nobody is waiting for it yet)."""
        return self._submit(key, work, urgent=False)

    def peek(self, key: Hashable) -> Job[object] | None:
        """The finished job for ``key``, if there is one (does not queue anything)."""
        with self._lock:
            return self._finished.get(key)

    def _submit(self, key: Hashable, work: Callable[[], T], *, urgent: bool) -> Job[T]:
        now = self._clock()
        with self._lock:
            found = self._finished.get(key) or self._running.get(key) or self._queue.get(key)
            if found is not None:
                if key in self._finished:
                    self._finished.move_to_end(key)
                found.wanted = max(found.wanted, now)
                found.urgent = found.urgent or urgent
                self._lock.notify_all()
                return found  # type: ignore[return-value]
            job: Job[T] = Job(key, work, wanted=now, urgent=urgent)
            self._queue[key] = job  # type: ignore[assignment]
            self._lock.notify_all()
            return job

    def _next(self, urgent_only: bool) -> Job[object] | None:
        """The job to run next (caller holds the lock), dropping forgotten ones."""
        now = self._clock()
        for key in [k for k, j in self._queue.items() if now - j.wanted > self.forget_after]:
            del self._queue[key]
        candidates = [j for j in self._queue.values() if j.urgent or not urgent_only]
        if not candidates:
            return None
        return max(candidates, key=lambda j: (j.urgent, j.wanted))

    def _worker(self, urgent_only: bool) -> None:
        while True:
            with self._lock:
                job = self._next(urgent_only)
                while job is None:
                    self._lock.wait(timeout=5.0)
                    job = self._next(urgent_only)
                del self._queue[job.key]
                self._running[job.key] = job
            job._run()
            with self._lock:
                del self._running[job.key]
                self._finished[job.key] = job
                while len(self._finished) > self.keep:
                    self._finished.popitem(last=False)
                self._lock.notify_all()


class Memo:
    """Results of calls kept by key (least recently used dropped), one computation per key."""

    def __init__(self, keep: int = 64) -> None:
        self.keep = keep
        self._lock = threading.Lock()
        self._values: OrderedDict[Hashable, object] = OrderedDict()
        self._computing: dict[Hashable, threading.Lock] = {}

    def get(self, key: Hashable, work: Callable[[], T]) -> T:
        """The kept value for ``key``, else ``work()`` (kept); concurrent callers share one."""
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]  # type: ignore[return-value]
            gate = self._computing.setdefault(key, threading.Lock())
        with gate:
            with self._lock:
                if key in self._values:
                    return self._values[key]  # type: ignore[return-value]
            try:
                value = work()
            finally:
                with self._lock:
                    self._computing.pop(key, None)
            with self._lock:
                self._values[key] = value
                while len(self._values) > self.keep:
                    self._values.popitem(last=False)
            return value

    def clear(self) -> None:
        """Forget every kept value."""
        with self._lock:
            self._values.clear()
