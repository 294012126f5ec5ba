"""The background scheduler the pages wait on: order, keeping, dropping, errors (no browser)."""

from __future__ import annotations

import threading

import pytest

from vawg.web.jobs import Jobs, Memo


def test_urgent_jobs_run_newest_first_and_before_prefetches() -> None:
    clock = [0.0]
    jobs = Jobs(workers=1, clock=lambda: clock[0])
    gate = threading.Event()
    order: list[str] = []
    blocker = jobs.get("blocker", gate.wait)  # occupies the one worker
    while blocker.started is None:
        threading.Event().wait(0.01)
    for name, urgent in (("ahead-1", False), ("old", True), ("ahead-2", False), ("new", True)):
        clock[0] += 1
        submit = jobs.get if urgent else jobs.prefetch
        submit(name, lambda n=name: order.append(n))  # type: ignore[misc]
    gate.set()
    last = jobs.prefetch("ahead-2", lambda: None)
    assert last.wait(10)
    for key in ("new", "old", "ahead-1"):
        found = jobs.peek(key)
        assert found is not None and found.wait(10)
    assert order == ["new", "old", "ahead-2", "ahead-1"]


def test_a_result_is_kept_and_shared_and_an_error_is_raised_to_the_asker() -> None:
    jobs = Jobs(workers=2)
    calls: list[int] = []
    first = jobs.get(("k", 1), lambda: calls.append(1) or 42)
    assert first.wait(10) and first.result() == 42
    again = jobs.get(("k", 1), lambda: calls.append(2) or 0)
    assert again is first and calls == [1]
    failing = jobs.get("bad", lambda: 1 / 0)
    assert failing.wait(10)
    with pytest.raises(ZeroDivisionError):
        failing.result()
    assert first.seconds is not None and first.seconds >= 0


def test_a_job_nobody_asked_about_lately_is_dropped_before_it_starts() -> None:
    clock = [0.0]
    jobs = Jobs(workers=1, forget_after=60, clock=lambda: clock[0])
    gate = threading.Event()
    blocker = jobs.get("blocker", gate.wait)
    while blocker.started is None:
        threading.Event().wait(0.01)
    ran: list[str] = []
    stale = jobs.prefetch("stale", lambda: ran.append("stale"))
    clock[0] = 61.0
    fresh = jobs.get("fresh", lambda: ran.append("fresh"))
    gate.set()
    assert fresh.wait(10)
    threading.Event().wait(0.2)
    assert ran == ["fresh"] and not stale.done()
    assert jobs.peek("stale") is None


def test_only_the_kept_number_of_results_stay() -> None:
    jobs = Jobs(workers=1, keep=2)
    for key in ("a", "b", "c"):
        assert jobs.get(key, lambda k=key: k).wait(10)  # type: ignore[misc]
    assert jobs.peek("a") is None and jobs.peek("c") is not None


def test_memo_computes_once_for_concurrent_callers_and_not_after_an_error() -> None:
    memo = Memo(keep=2)
    started = threading.Event()
    release = threading.Event()
    calls: list[str] = []

    def slow() -> str:
        calls.append("slow")
        started.set()
        release.wait(10)
        return "value"

    results: list[str] = []
    threads = [threading.Thread(target=lambda: results.append(memo.get("k", slow)))]
    threads[0].start()
    started.wait(10)
    threads.append(threading.Thread(target=lambda: results.append(memo.get("k", slow))))
    threads[1].start()
    release.set()
    for thread in threads:
        thread.join(10)
    assert results == ["value", "value"] and calls == ["slow"]
    with pytest.raises(ValueError):
        memo.get("broken", lambda: int("x"))
    assert memo.get("broken", lambda: 7) == 7
