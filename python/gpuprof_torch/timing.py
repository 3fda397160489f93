"""Per-batch load timing, measured in the process that makes the batch (a worker, or main).

The dataset wrapper marks the first __getitem__ (or __next__) of a batch; the timing collate ends
the batch and wraps it with its figures. The mark is a module global, so it is per process
whatever the start method (fork or spawn), and never shared between workers.
"""

import os
import time

_started_ns = None


def mark():
    """A sample is about to be fetched: the batch starts now unless it already has."""
    global _started_ns
    if _started_ns is None:
        _started_ns = time.monotonic_ns()


def reset():
    global _started_ns
    _started_ns = None


def take(now_ns):
    """The batch's start (now_ns when nothing was fetched), and the next batch starts afresh."""
    global _started_ns
    started = _started_ns if _started_ns is not None else now_ns
    _started_ns = None
    return started


class TimedBatch(object):
    """A collated batch and where and when it was made. torch's pin_memory() calls our
    pin_memory(), which pins the batch inside, so the figures survive pinning untouched."""

    __slots__ = ("batch", "load_ms", "done_ns", "pid")

    def __init__(self, batch, load_ms, done_ns, pid):
        self.batch = batch
        self.load_ms = load_ms
        self.done_ns = done_ns
        self.pid = pid

    def pin_memory(self, *args, **kwargs):
        from torch.utils.data._utils.pin_memory import pin_memory

        return TimedBatch(pin_memory(self.batch, *args), self.load_ms, self.done_ns, self.pid)

    def __reduce__(self):
        return (TimedBatch, (self.batch, self.load_ms, self.done_ns, self.pid))


class TimedCollate(object):
    """Wraps the user's collate_fn (default_collate otherwise) and times the batch."""

    def __init__(self, collate_fn):
        self.collate_fn = collate_fn

    def __call__(self, samples):
        batch = self.collate_fn(samples)
        done = time.monotonic_ns()
        started = take(done)
        return TimedBatch(batch, (done - started) / 1e6, done, os.getpid())


def unwrap(item):
    """(batch, load_ms, done_ns, pid) from what the DataLoader handed over."""
    if isinstance(item, TimedBatch):
        return item.batch, item.load_ms, item.done_ns, item.pid
    if isinstance(item, (tuple, list)) and len(item) == 2 and isinstance(item[1], dict) and "doneNs" in item[1]:
        meta = item[1]
        return item[0], meta["loadMs"], meta["doneNs"], meta["pid"]
    raise TypeError("the DataLoader handed over %s, not a timed batch" % type(item).__name__)
