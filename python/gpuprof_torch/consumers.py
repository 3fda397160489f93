"""The stand-ins for the training step: `sim` models the device as src/harness/consumer.ts
SimConsumer does; `cuda` copies each batch to a real GPU and runs a calibrated matmul load."""

import time

from .datasets import UsageProblem, image_dims, nbytes, normalisation_constants


def step_ms(model, samples):
    """src/harness/step-presets.ts stepMs: modelled device ms for one step over `samples`."""
    if model["kind"] == "preset":
        return model["msPerSample"] * samples
    return model["msPerBatch"] * samples / model["batch"]


def now_ms():
    return time.monotonic_ns() / 1e6


class ConsumerFailure(Exception):
    """The device failed during a trial (lost device, CUDA error): the trial fails with this."""


class Work(object):
    __slots__ = ("end_at", "busy_ms", "h2d_ms", "h2d_bytes")

    def __init__(self, end_at, busy_ms, h2d_ms, h2d_bytes):
        self.end_at = end_at
        self.busy_ms = busy_ms
        self.h2d_ms = h2d_ms
        self.h2d_bytes = h2d_bytes


class SimConsumer(object):
    """The batch's bytes cross PCIe at h2dGBPerS, then each step takes the step model's time; the
    host sleeps through it (on the stop event, so a stop lands at once)."""

    basis = "modelled"

    def __init__(self, request):
        self.step_model = request["stepModel"]
        self.h2d_gb_per_s = request["h2dGBPerS"]

    def info(self):
        return {"kind": "sim", "h2dGBPerS": self.h2d_gb_per_s}

    def begin_trial(self, pin_memory):
        pass

    def process(self, batch, dtype, step_sizes, start_at, stop_event):
        size = nbytes(batch)
        h2d_ms = size / (self.h2d_gb_per_s * 1e6)
        busy = h2d_ms
        for n in step_sizes:
            busy += step_ms(self.step_model, n)
        end_at = start_at + busy
        remaining = end_at - now_ms()
        if remaining > 0:
            if stop_event is not None:
                stop_event.wait(remaining / 1000.0)
            else:
                time.sleep(remaining / 1000.0)
        return Work(end_at, busy, h2d_ms, size)

    def close(self):
        pass


class CudaConsumer(object):
    """A real GPU: the batch is copied (non_blocking when pinned), normalised on the device when
    it is uint8, then K multiplies of N x N float32 matrices calibrated at open time to take the
    step model's time per batch. Times come from CUDA events, put on the host's monotonic clock
    through an origin event recorded when each trial starts."""

    basis = "measured"
    # Candidate matrix sizes, largest first (calibration picks one).
    MATRIX_SIZES = (4096, 2048, 1024, 512, 256)

    def __init__(self, request):
        import torch

        if not torch.cuda.is_available():
            built = getattr(torch.version, "cuda", None)
            raise UsageProblem(
                "--consumer cuda: torch.cuda.is_available() is False (torch %s, %s); use a machine with a CUDA GPU and a CUDA build of torch, or --consumer sim"
                % (torch.__version__, "built for CUDA %s" % built if built else "a CPU-only build")
            )
        index = request.get("device")
        index = 0 if index is None else int(index)
        count = torch.cuda.device_count()
        if index < 0 or index >= count:
            raise UsageProblem("--device %d: torch sees %d CUDA device%s (0..%d)" % (index, count, "" if count == 1 else "s", count - 1))
        self.torch = torch
        self.index = index
        self.device = self._device(index)
        torch.cuda.set_device(self.device)
        props = torch.cuda.get_device_properties(index)
        self.device_info = {
            "index": index,
            "name": str(props.name),
            "capability": "%d.%d" % (props.major, props.minor),
            "totalMiB": round(props.total_memory / (1024.0 * 1024.0), 1),
        }
        self.step_model = request["stepModel"]
        self.batch = int(request["batch"])
        self.pin_memory = False
        self._mean_std = {}
        self._origin = None
        self._t0_ms = None
        self._calibrate()

    def _device(self, index):
        return self.torch.device("cuda:%d" % index)

    # -- calibration ---------------------------------------------------------------------------

    def _time_matmuls(self, n, k):
        torch = self.torch
        a, b, c = self._matrices(n)
        start = torch.cuda.Event(enable_timing=True)
        end = torch.cuda.Event(enable_timing=True)
        start.record()
        for _ in range(k):
            torch.mm(a, b, out=c)
        end.record()
        end.synchronize()
        return start.elapsed_time(end)

    def _matrices(self, n):
        if getattr(self, "_n", None) != n:
            torch = self.torch
            gen = torch.Generator(device=self.device)
            gen.manual_seed(0)
            self._a = torch.randn(n, n, device=self.device, dtype=torch.float32, generator=gen)
            self._b = torch.randn(n, n, device=self.device, dtype=torch.float32, generator=gen)
            self._c = torch.empty(n, n, device=self.device, dtype=torch.float32)
            self._n = n
        return self._a, self._b, self._c

    def _calibrate(self):
        target = step_ms(self.step_model, self.batch)
        chosen = None
        per_matmul = None
        # The largest N whose one multiply is at most a tenth of a batch's step (K >= ~10 keeps
        # sub-batches of echo / split close to their share); the smallest N otherwise.
        for n in self.MATRIX_SIZES:
            self._matrices(n)
            self._time_matmuls(n, 3)  # warm-up: cuBLAS picks its kernel
            ms = self._time_matmuls(n, 10) / 10.0
            chosen, per_matmul = n, ms
            if ms <= target / 10.0:
                break
        k = max(1, int(round(target / per_matmul))) if per_matmul > 0 else 1
        achieved = min(self._time_matmuls(chosen, k) for _ in range(3))
        if achieved > 0:
            # Refine once on the measured chain (launch gaps, clocks).
            k = max(1, int(round(k * target / achieved)))
            achieved = min(self._time_matmuls(chosen, k) for _ in range(3))
        self.matrix_n = chosen
        self.matmuls_per_batch = k
        flops = 2.0 * chosen ** 3 * k
        self.calibration = {
            "targetMsPerBatch": round(target, 3),
            "batch": self.batch,
            "matrixN": chosen,
            "matmulsPerBatch": k,
            "achievedMsPerBatch": round(achieved, 3),
            "tflopsPerS": round(flops / (achieved * 1e-3) / 1e12, 2) if achieved > 0 else 0.0,
        }

    def info(self):
        return {"kind": "cuda", "device": self.device_info, "calibration": self.calibration}

    # -- trials --------------------------------------------------------------------------------

    def begin_trial(self, pin_memory):
        """The origin of this trial's device times on the host clock."""
        torch = self.torch
        self.pin_memory = bool(pin_memory)
        torch.cuda.synchronize(self.device)
        origin = torch.cuda.Event(enable_timing=True)
        origin.record()
        origin.synchronize()
        self._t0_ms = now_ms()
        self._origin = origin

    def _host_ms(self, event):
        return self._t0_ms + self._origin.elapsed_time(event)

    def _normalise(self, x):
        torch = self.torch
        c = image_dims(list(x.shape[1:]))[0]
        if c not in self._mean_std:
            mean, std = normalisation_constants(c)
            self._mean_std[c] = (
                torch.tensor(mean, device=self.device, dtype=torch.float32).view(1, c, 1, 1),
                torch.tensor(std, device=self.device, dtype=torch.float32).view(1, c, 1, 1),
            )
        mean, std = self._mean_std[c]
        _, _, h, w = (x.shape[0],) + image_dims(list(x.shape[1:]))
        y = x.reshape(x.shape[0], c, h, w).float().div_(255)
        return y.sub_(mean).div_(std)

    def _to_device(self, batch):
        torch = self.torch
        if isinstance(batch, torch.Tensor):
            return batch.to(self.device, non_blocking=self.pin_memory)
        if isinstance(batch, dict):
            return {k: self._to_device(v) for k, v in batch.items()}
        if isinstance(batch, (list, tuple)):
            return [self._to_device(v) for v in batch]
        return batch

    def process(self, batch, dtype, step_sizes, start_at, stop_event):
        torch = self.torch
        if self._origin is None:
            self.begin_trial(self.pin_memory)
        try:
            size = nbytes(batch)
            start = torch.cuda.Event(enable_timing=True)
            copied = torch.cuda.Event(enable_timing=True)
            end = torch.cuda.Event(enable_timing=True)
            start.record()
            x = self._to_device(batch)
            copied.record()
            if dtype == "uint8" and isinstance(x, torch.Tensor) and x.dtype == torch.uint8:
                x = self._normalise(x)
            a, b, c = self._matrices(self.matrix_n)
            for n in step_sizes:
                k = max(1, int(round(self.matmuls_per_batch * n / float(self.batch)))) if n > 0 else 0
                for _ in range(k):
                    torch.mm(a, b, out=c)
            end.record()
            # The step's loss.item(): the host waits for the device before it asks for a batch.
            end.synchronize()
            busy = start.elapsed_time(end)
            h2d = start.elapsed_time(copied)
            end_at = self._host_ms(end)
            del x
        except RuntimeError as err:
            raise ConsumerFailure("CUDA: %s" % (str(err).strip().splitlines() or ["error"])[0])
        return Work(end_at, busy, h2d, size)

    def close(self):
        self._a = self._b = self._c = None
        self._n = None


def open_consumer(request):
    if request["kind"] == "cuda":
        return CudaConsumer(request)
    return SimConsumer(request)
