"""Noise-resistant timing: the minimum of repeats, handler and baseline interleaved on the same inputs."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence


def once(fn: Callable[[object], object], arg: object) -> float:
    start = time.perf_counter()
    fn(arg)
    return time.perf_counter() - start


def paired(subject: Callable, baseline: Callable, subject_inputs: Sequence, baseline_inputs: Sequence):
    """``(subject seconds, baseline seconds)`` lists; input i of each is used once, the two alternate."""
    subject_times, baseline_times = [], []
    for subject_input, baseline_input in zip(subject_inputs, baseline_inputs, strict=True):
        baseline_times.append(once(baseline, baseline_input))
        subject_times.append(once(subject, subject_input))
    return subject_times, baseline_times


def paired_min(subject: Callable, baseline: Callable, subject_inputs: Sequence, baseline_inputs: Sequence):
    """``(min subject seconds, min baseline seconds)``: the fastest repeat is the least disturbed by noise."""
    subject_times, baseline_times = paired(subject, baseline, subject_inputs, baseline_inputs)
    return min(subject_times), min(baseline_times)


class GcTimer:
    """Time spent in CPython's cyclic garbage collector while active (``with GcTimer() as gc_time: ...``)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.collections = 0
        self._started = 0.0

    def _callback(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._started
            self.collections += 1

    def __enter__(self) -> GcTimer:
        import gc

        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *exc: object) -> None:
        import gc

        gc.callbacks.remove(self._callback)
