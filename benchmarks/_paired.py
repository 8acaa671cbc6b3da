"""Whole processes timed in pairs (A B A B ...): what the start-up benchmarks share.

CPU is each child's own accounting (user + system, from ``os.wait4``), so the
interpreter's start, its imports and its exit all count, and a machine whose
speed drifts affects both sides of a pair alike. The figure to quote is the
median of the per-pair ratios A / B.
"""

from __future__ import annotations

import os
import statistics
import subprocess

__all__ = ["cpu_of", "paired"]


def cpu_of(command: list[str], env: dict[str, str]) -> float:
    """CPU seconds (user + system) of one whole process; it must succeed."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{command[:3]}... failed: {process.stderr.read().decode()[-400:]}")
    return usage.ru_utime + usage.ru_stime


def paired(name: str, a: list[str], b: list[str], runs: int, env: dict[str, str]) -> float:
    """Time ``a`` and ``b`` in turn ``runs`` times; print and return the median ratio A / B."""
    cpu_of(a, env), cpu_of(b, env)  # warm the file cache
    pairs = []
    for _ in range(runs):
        pairs.append((cpu_of(a, env), cpu_of(b, env)))
    ratios = sorted(x / y for x, y in pairs)
    a_ms = [x * 1000 for x, _ in pairs]
    b_ms = [y * 1000 for _, y in pairs]
    print(
        f"{name}: A {statistics.median(a_ms):.0f} ms ({min(a_ms):.0f}-{max(a_ms):.0f}), "
        f"B {statistics.median(b_ms):.0f} ms ({min(b_ms):.0f}-{max(b_ms):.0f}), "
        f"A/B {statistics.median(ratios):.2f}x ({ratios[0]:.2f}-{ratios[-1]:.2f}), {runs} pairs"
    )
    return statistics.median(ratios)
