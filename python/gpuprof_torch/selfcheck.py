"""`python3 -m gpuprof_torch.selfcheck`: the sample order against arrays printed by the Node harness
(src/harness/index-order.ts seededPermutation and BatchPlan, src/harness/echo.ts echoSteps)."""

import sys

from .order import BatchPlan, echo_steps, seeded_permutation

PERMUTATIONS = [
    (10, 7919, [9, 4, 6, 1, 0, 3, 2, 7, 5, 8]),
    (10, 0, [1, 4, 8, 2, 6, 5, 9, 0, 3, 7]),
    (1, 5, [0]),
    (2, 1, [1, 0]),
    (17, -3, [7, 9, 8, 15, 5, 2, 1, 4, 3, 6, 14, 16, 0, 12, 10, 13, 11]),
    (32, 2147483647, [1, 15, 14, 17, 8, 6, 28, 5, 26, 21, 19, 4, 25, 29, 27, 11, 3, 16, 7, 12, 18, 2, 24, 10, 30, 13, 9, 22, 20, 23, 31, 0]),
    (12, 4294967303, [9, 6, 8, 11, 1, 4, 3, 10, 2, 5, 7, 0]),
    (50, 123456789 * 7919 + 2, [25, 30, 35, 49, 17, 11, 7, 48, 6, 16, 24, 43, 22, 31, 3, 34, 29, 4, 41, 28, 1, 47, 19, 13, 44, 10, 12, 5, 36, 26, 18, 40, 46, 0, 39, 2, 8, 15, 9, 45, 27, 21, 37, 38, 23, 20, 14, 33, 32, 42]),
]
# BatchPlan({count: 10, batch: 4, order: "shuffle", seed: 42}), dropLast false then true.
PLAN_KEEP = [[6, 1, 0, 7], [5, 8, 2, 4], [3, 9], [0, 6, 2, 3], [9, 4, 1, 5], [7, 8], [2, 4, 9, 5]]
PLAN_DROP = [[6, 1, 0, 7], [5, 8, 2, 4], [0, 6, 2, 3], [9, 4, 1, 5], [2, 4, 9, 5]]
# echoSteps([10..16], echo 2, split 2, seed 3) and echoSteps([10..16], 1, 3, 3).
ECHO_2_2 = [[14, 13, 12, 11], [15, 10, 16], [14, 12, 11, 10], [16, 13, 15]]
ECHO_1_3 = [[10, 11, 12], [13, 14, 15], [16]]


def check():
    problems = []
    for n, seed, want in PERMUTATIONS:
        got = seeded_permutation(n, seed)
        if got != want:
            problems.append("seeded_permutation(%d, %d) = %s, Node has %s" % (n, seed, got, want))
    for drop, want in ((False, PLAN_KEEP), (True, PLAN_DROP)):
        plan = BatchPlan(10, 4, drop, "shuffle", 42)
        got = [plan.indices(g) for g in range(len(want))]
        if got != want:
            problems.append("BatchPlan(drop_last=%s) = %s, Node has %s" % (drop, got, want))
    seq = BatchPlan(10, 4, False, "sequential", 1)
    if [seq.indices(g) for g in range(4)] != [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9], [0, 1, 2, 3]]:
        problems.append("sequential BatchPlan is wrong")
    for args, want in (((2, 2), ECHO_2_2), ((1, 3), ECHO_1_3)):
        got = echo_steps(list(range(10, 17)), args[0], args[1], 3)
        if got != want:
            problems.append("echo_steps(echo=%d, split=%d) = %s, Node has %s" % (args[0], args[1], got, want))
    return problems


def cuda_dry_check():
    """Runs CudaConsumer on the CPU with torch.cuda's calls faked (events on the host clock), so
    its code paths run where there is no GPU. Returns a list of problems."""
    import time
    import types

    import torch

    from . import consumers

    class FakeEvent(object):
        def __init__(self, enable_timing=False):
            self.t = None

        def record(self, stream=None):
            self.t = time.monotonic_ns() / 1e6

        def synchronize(self):
            pass

        def elapsed_time(self, other):
            return other.t - self.t

    class Props(object):
        name = "Fake GPU"
        major, minor = 9, 0
        total_memory = 80 * 1024 ** 3

    fake = types.SimpleNamespace(
        is_available=lambda: True,
        device_count=lambda: 1,
        set_device=lambda d: None,
        get_device_properties=lambda i: Props(),
        synchronize=lambda d=None: None,
        Event=FakeEvent,
    )

    class DryCuda(consumers.CudaConsumer):
        MATRIX_SIZES = (128, 64)

        def _device(self, index):
            return torch.device("cpu")

    problems = []
    real = torch.cuda
    torch.cuda = fake
    try:
        model = {"kind": "fixed", "msPerBatch": 20.0, "batch": 8}
        c = DryCuda({"kind": "cuda", "stepModel": model, "h2dGBPerS": 0, "device": None, "batch": 8})
        info = c.info()
        cal = info["calibration"]
        if info["device"]["capability"] != "9.0" or cal["matmulsPerBatch"] < 1 or cal["achievedMsPerBatch"] <= 0:
            problems.append("cuda dry check: odd info %s" % info)
        c.begin_trial(False)
        batch = torch.randint(0, 255, (8, 3, 16, 16), dtype=torch.uint8)
        start_at = time.monotonic_ns() / 1e6
        work = c.process(batch, "uint8", [4, 4], start_at, None)
        if not (work.end_at >= start_at and work.busy_ms > 0 and work.h2d_bytes == batch.numel()):
            problems.append("cuda dry check: odd work end=%s busy=%s bytes=%s" % (work.end_at - start_at, work.busy_ms, work.h2d_bytes))
        y = c._normalise(batch.clone())
        want = (batch.float() / 255 - torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)) / torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)
        if not torch.allclose(y, want, atol=1e-5):
            problems.append("cuda dry check: normalisation differs")
        work = c.process({"image": batch, "label": torch.arange(8)}, "dataset", [8], time.monotonic_ns() / 1e6, None)
        if work.h2d_bytes != batch.numel() + 8 * 8:
            problems.append("cuda dry check: dict batch bytes %s" % work.h2d_bytes)
        c.close()
    except Exception as err:  # the point of the check is to see these
        import traceback

        problems.append("cuda dry check raised: %s" % traceback.format_exc())
    finally:
        torch.cuda = real
    return problems


if __name__ == "__main__":
    found = check()
    print("order self-check: %s" % ("FAILED" if found else "ok"))
    cuda_problems = []
    if "--no-cuda-dry" not in sys.argv:
        try:
            import torch  # noqa: F401
        except ImportError:
            print("cuda dry check: skipped (no torch)")
        else:
            cuda_problems = cuda_dry_check()
            print("cuda dry check: %s" % ("FAILED" if cuda_problems else "ok"))
    for line in found + cuda_problems:
        print(line)
    sys.exit(1 if found or cuda_problems else 0)
