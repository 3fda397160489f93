"""Per-batch load timing, measured in the process that makes the batch (a worker, or main).

The dataset wrapper marks the first __getitem__ (or __next__) of a batch; the timing collate ends
the batch and wraps it with its figures. The mark is a module global, so it is per process
whatever the start method (fork or spawn), and never shared between workers.
"""

import os
import time

_started_ns = None
# Bytes this process copied out of memory maps since its last batch: reads that /proc's rchar
# never sees (a page fault is not a read()), so the process record adds them.
_mapped_bytes = 0


def count_mapped(nbytes):
    global _mapped_bytes
    _mapped_bytes += int(nbytes)


def mark():
    """A sample is about to be fetched: the batch starts now unless it already has."""
    global _started_ns
    if _started_ns is None:
        _started_ns = time.monotonic_ns()


def reset():
    global _started_ns, _mapped_bytes
    _started_ns = None
    _mapped_bytes = 0


def take(now_ns):
    """The batch's start (now_ns when nothing was fetched) and its mapped bytes; the next batch starts afresh."""
    global _started_ns, _mapped_bytes
    started = _started_ns if _started_ns is not None else now_ns
    mapped = _mapped_bytes
    _started_ns = None
    _mapped_bytes = 0
    return started, mapped


class TimedBatch(object):
    """A collated batch and where and when it was made. torch's pin_memory() calls our
    pin_memory(), which pins the batch inside, so the figures survive pinning untouched."""

    __slots__ = ("batch", "load_ms", "done_ns", "pid", "mapped_bytes")

    def __init__(self, batch, load_ms, done_ns, pid, mapped_bytes=0):
        self.batch = batch
        self.load_ms = load_ms
        self.done_ns = done_ns
        self.pid = pid
        self.mapped_bytes = mapped_bytes

    def pin_memory(self, *args, **kwargs):
        from torch.utils.data._utils.pin_memory import pin_memory

        return TimedBatch(pin_memory(self.batch, *args), self.load_ms, self.done_ns, self.pid, self.mapped_bytes)

    def __reduce__(self):
        return (TimedBatch, (self.batch, self.load_ms, self.done_ns, self.pid, self.mapped_bytes))


class TimedCollate(object):
    """Wraps the user's collate_fn (default_collate otherwise) and times the batch."""

    def __init__(self, collate_fn):
        self.collate_fn = collate_fn

    def __call__(self, samples):
        batch = self.collate_fn(samples)
        done = time.monotonic_ns()
        started, mapped = take(done)
        return TimedBatch(batch, (done - started) / 1e6, done, os.getpid(), mapped)


def unwrap(item):
    """(batch, load_ms, done_ns, pid, mapped_bytes) from what the DataLoader handed over."""
    if isinstance(item, TimedBatch):
        return item.batch, item.load_ms, item.done_ns, item.pid, item.mapped_bytes
    if isinstance(item, (tuple, list)) and len(item) == 2 and isinstance(item[1], dict) and "doneNs" in item[1]:
        meta = item[1]
        return item[0], meta["loadMs"], meta["doneNs"], meta["pid"], meta.get("mappedBytes", 0)
    raise TypeError("the DataLoader handed over %s, not a timed batch" % type(item).__name__)
