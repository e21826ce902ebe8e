"""`heap.release`: memory a worker thread freed goes back to the system (glibc keeps it in the
thread's arena otherwise: a few MB per player after the racers were tuned and raced)."""

from __future__ import annotations

import sys
import threading

import pytest

from foggymountain import heap


def resident_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


@pytest.mark.skipif(not sys.platform.startswith("linux") or heap._trim is None, reason="glibc's malloc_trim")
def test_what_a_worker_thread_freed_is_given_back():
    kept = []

    def burst():  # many mid-sized blocks, as numpy's temporaries are: malloc'd in this thread's arena
        blocks = [bytearray(60_000) for _ in range(1500)]  # ~90 MB
        kept.append(bytearray(60_000))  # still in use, above them: the arena cannot simply shrink
        blocks.clear()

    worker = threading.Thread(target=burst)
    worker.start()
    worker.join()
    before = resident_mb()
    assert heap.release()
    after = resident_mb()
    assert before - after > 20, (before, after)
