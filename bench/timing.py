"""Noise-resistant timing: the minimum of repeats, handler and baseline interleaved on the same inputs."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence


def once(fn: Callable[[object], object], arg: object) -> float:
    start = time.perf_counter()
    fn(arg)
    return time.perf_counter() - start


def paired_min(subject: Callable, baseline: Callable, subject_inputs: Sequence, baseline_inputs: Sequence):
    """``(min subject seconds, min baseline seconds)``; input i of each is used once, the two alternate."""
    subject_times, baseline_times = [], []
    for subject_input, baseline_input in zip(subject_inputs, baseline_inputs, strict=True):
        baseline_times.append(once(baseline, baseline_input))
        subject_times.append(once(subject, subject_input))
    return min(subject_times), min(baseline_times)
