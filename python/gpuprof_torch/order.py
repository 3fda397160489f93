"""Sample order: the Node harness's seeded permutation, ported bit for bit.

src/harness/index-order.ts shuffles with pure-rand's xoroshiro128plus and uniformInt; this module
repeats the same 32-bit arithmetic so a torch trial reads exactly the sample sequence a harness
trial reads. BatchPlan is the sampler and batch sampler together (global batch g, epoch after
epoch); echo_steps mirrors src/harness/echo.ts.
"""

import math
from array import array

_M32 = 0xFFFFFFFF
_TWO32 = 4294967296


def to_int32(value):
    """ECMAScript ToInt32 of a JS number (what `x | 0` and `~x` start with)."""
    if isinstance(value, float):
        if not math.isfinite(value):
            return 0
        value = int(value)  # truncates toward zero, exact for any double
    value &= _M32
    return value - _TWO32 if value >= 0x80000000 else value


def js_seed(base, times, plus):
    """`base * times + plus` evaluated as JS numbers (IEEE doubles), as the harness computes seeds."""
    return float(base) * float(times) + float(plus)


class Xoroshiro128Plus(object):
    """pure-rand's xoroshiro128plus: next() is a signed 32-bit integer. State is kept as uint32."""

    __slots__ = ("s01", "s00", "s11", "s10")

    def __init__(self, seed):
        s = to_int32(seed)
        self.s01 = _M32  # -1
        self.s00 = (~s) & _M32
        self.s11 = s & _M32
        self.s10 = 0

    def next(self):
        s00 = self.s00
        s01 = self.s01
        s10 = self.s10
        s11 = self.s11
        out = (s00 + s10) & _M32
        a0 = s10 ^ s00
        a1 = s11 ^ s01
        self.s00 = ((s00 << 24) & _M32) ^ (s01 >> 8) ^ a0 ^ ((a0 << 16) & _M32)
        self.s01 = ((s01 << 24) & _M32) ^ (s00 >> 8) ^ a1 ^ (((a1 << 16) & _M32) | (a0 >> 16))
        self.s10 = ((a1 << 5) & _M32) ^ (a0 >> 27)
        self.s11 = ((a0 << 5) & _M32) ^ (a1 >> 27)
        return out - _TWO32 if out >= 0x80000000 else out


def uniform_int(rng, lo, hi):
    """pure-rand's uniformInt(rng, lo, hi) for ranges below 2^32 (lo and hi included)."""
    range_size = hi - lo + 1
    max_allowed = (_TWO32 // range_size) * range_size if range_size > 2 else _TWO32
    delta = rng.next() + 0x80000000
    while delta >= max_allowed:
        delta = rng.next() + 0x80000000
    return delta % range_size + lo


def seeded_permutation(n, seed):
    """src/harness/index-order.ts seededPermutation(n, seed): Fisher-Yates with xoroshiro128plus.

    `seed` is a JS number: ints and floats are both taken through ToInt32 as JS does.
    Returns a list of ints. The loop is inlined (about 1 s for 1.28M samples).
    """
    out = list(range(n))
    s = to_int32(seed)
    s01 = _M32
    s00 = (~s) & _M32
    s11 = s & _M32
    s10 = 0
    M = _M32
    for i in range(n - 1, 0, -1):
        range_size = i + 1
        max_allowed = (4294967296 // range_size) * range_size if range_size > 2 else 4294967296
        while True:
            # next(): the sum as uint32 plus 2^31 is the signed result plus 2^31, mod 2^32.
            delta = ((s00 + s10) + 0x80000000) & M
            a0 = s10 ^ s00
            a1 = s11 ^ s01
            t00 = s00
            s00 = ((t00 << 24) & M) ^ (s01 >> 8) ^ a0 ^ ((a0 << 16) & M)
            s01 = ((s01 << 24) & M) ^ (t00 >> 8) ^ a1 ^ (((a1 << 16) & M) | (a0 >> 16))
            s10 = ((a1 << 5) & M) ^ (a0 >> 27)
            s11 = ((a0 << 5) & M) ^ (a1 >> 27)
            if delta < max_allowed:
                break
        j = delta % range_size
        out[i], out[j] = out[j], out[i]
    return out


class BatchPlan(object):
    """src/harness/index-order.ts BatchPlan: the sample indices of global batch g, across epochs.

    Shuffled epochs use seeded_permutation(count, seed * 7919 + epoch). Iterating it yields batch
    after batch forever, so it serves as a DataLoader batch_sampler (the trial ends the loop).
    """

    _cache = {}  # (count, int32 seed) -> permutation, shared by the trials of one server

    def __init__(self, count, batch, drop_last, order, seed):
        self.count = int(count)
        self.batch = int(batch)
        self.order = order
        self.seed = seed
        self.batches_per_epoch = self.count // self.batch if drop_last else -(-self.count // self.batch)
        if self.batches_per_epoch < 1:
            raise ValueError("batch %d is larger than the dataset (%d samples)" % (self.batch, self.count))
        self._epoch = -1
        self._perm = None

    def epoch_order(self, epoch):
        if self.order == "sequential":
            return None
        if epoch != self._epoch:
            key = (self.count, to_int32(js_seed(self.seed, 7919, epoch)))
            perm = BatchPlan._cache.get(key)
            if perm is None:
                perm = array("l", seeded_permutation(self.count, key[1]))
                if len(BatchPlan._cache) >= 4:
                    BatchPlan._cache.pop(next(iter(BatchPlan._cache)))
                BatchPlan._cache[key] = perm
            self._perm = perm
            self._epoch = epoch
        return self._perm

    def indices(self, g):
        epoch = g // self.batches_per_epoch
        start = (g % self.batches_per_epoch) * self.batch
        end = min(start + self.batch, self.count)
        order = self.epoch_order(epoch)
        if order is None:
            return list(range(start, end))
        return order[start:end].tolist()

    def __iter__(self):
        g = 0
        while True:
            yield self.indices(g)
            g += 1


def _split_in_order(indices, split):
    size = -(-len(indices) // split)
    return [list(indices[k : k + size]) for k in range(0, len(indices), size)]


def echo_steps(indices, echo, split, seed):
    """src/harness/echo.ts echoSteps: the sample indices of each step one loaded batch makes."""
    indices = list(indices)
    if echo == 1:
        return _split_in_order(indices, split)
    steps = []
    for use in range(echo):
        order = seeded_permutation(len(indices), js_seed(seed, 31, use))
        steps.extend(_split_in_order([indices[i] for i in order], split))
    return steps
