"""One torch trial, measured with src/harness/trial.ts's definitions.

A fresh DataLoader per trial; the consumer runs on its own clock (a step starts when both its
batch and the device are ready), so the host's lateness never counts as a stall. The first batch
after iter() is worker start-up: timed apart (firstBatchMs) and always part of the warm-up.
"""

import os
import time

from torch.utils.data import DataLoader
from torch.utils.data.dataloader import default_collate

from . import datasets as ds_mod
from . import procstats, protocol, timing
from .faults import describe_exception
from .order import BatchPlan, echo_steps


class Stopped(BaseException):
    """The trial was stopped (Ctrl-C in gpuprof)."""


class TrialFailure(Exception):
    """A failure with the one line the user sees, and where."""

    def __init__(self, reason, where=None):
        Exception.__init__(self, reason)
        self.reason = reason
        self.where = where


def _r3(v):
    return round(float(v), 3)


class _Source(object):
    """The trial's Dataset (wrapped for timing), its collate, count and the user's file."""

    def __init__(self, trial):
        desc = trial["dataset"]
        dtype = trial["dtype"]
        self.user_file = None
        collate_fn = None
        if desc["kind"] == "factory":
            if dtype not in ("dataset", "uint8"):
                raise TrialFailure("--dtype %s: a --dataset-factory Dataset returns its own dtype; use --dtype dataset" % dtype)
            factory = ds_mod.load_factory(desc)
            self.user_file = factory.file
            inner = factory.dataset
            collate_fn = factory.collate_fn
            self.iterable = factory.iterable
            if trial["baseline"]:
                sample = ds_mod.clone_sample(ds_mod.first_sample(inner))
                count = None if self.iterable else ds_mod.count_of(inner)
                inner = ds_mod.BaselineIterableDataset(sample) if self.iterable else ds_mod.BaselineMapDataset(sample, count)
        else:
            self.iterable = False
            if trial["baseline"]:
                inner = ds_mod.BaselineMapDataset(ds_mod.baseline_sample(desc, dtype), _builtin_count(desc))
            else:
                inner = ds_mod.open_builtin(desc, dtype)
        self.inner = inner
        if self.iterable:
            self.count = None
            self.dataset = ds_mod.TimedIterableDataset(inner)
        else:
            self.count = ds_mod.count_of(inner)
            if self.count is None:
                raise TrialFailure("the Dataset has no __len__; a map-style Dataset needs one (or make it an IterableDataset)")
            self.dataset = ds_mod.timed_map_dataset(inner)
        self.collate = timing.TimedCollate(collate_fn or default_collate)


def _builtin_count(desc):
    if "count" in desc:
        return int(desc["count"])
    return len(desc["files"])


def _make_loader(trial, source, plan):
    workers = int(trial["workers"])
    kwargs = dict(
        num_workers=workers,
        pin_memory=bool(trial["pinMemory"]),
        collate_fn=source.collate,
    )
    if workers > 0:
        kwargs["prefetch_factor"] = int(trial["prefetch"])
        kwargs["persistent_workers"] = True
    if plan is not None:
        # The harness's sampler and batch sampler in one: batch g of the seeded order, epoch after
        # epoch (drop_last honoured per epoch, as BatchSampler does).
        kwargs["batch_sampler"] = plan
    else:
        kwargs["batch_size"] = int(trial["batch"])
        kwargs["drop_last"] = bool(trial["dropLast"])
    return DataLoader(source.dataset, **kwargs)


def shutdown_iterator(it):
    """Stops the iterator's workers (and pin thread) and waits for them; safe on any iterator."""
    if it is None:
        return
    shutdown = getattr(it, "_shutdown_workers", None)
    if shutdown is not None:
        try:
            shutdown()
        except Exception:
            pass


def worker_pids(it):
    workers = getattr(it, "_workers", None) or []
    pids = []
    for w in workers:
        pid = getattr(w, "pid", None)
        if pid is not None:
            pids.append(int(pid))
    return pids


class TrialRunner(object):
    """Runs trials on the main thread; `current` is the live iterator (for shutdown on exit)."""

    def __init__(self, send, stop):
        self.send = send
        self.stop = stop
        self.current = None
        self.source = None

    def run(self, trial, consumer, ordinal):
        trial_id = trial["id"]
        it = None
        loader = None
        user_file = trial["dataset"].get("file") if trial["dataset"]["kind"] == "factory" else None
        self.source = None
        try:
            try:
                reply = self._run(trial, consumer, ordinal)
            finally:
                it = self.current
                self.current = None
                shutdown_iterator(it)
                timing.reset()
                self._close_source()
            return reply
        except Stopped:
            return protocol.trial_stopped(trial_id)
        except TrialFailure as err:
            return protocol.trial_failed(trial_id, err.reason, err.where)
        except ds_mod.UsageProblem as err:
            return protocol.trial_failed(trial_id, str(err), None)
        except Exception as err:
            reason, where = describe_exception(err, user_file)
            return protocol.trial_failed(trial_id, reason, where)

    def _close_source(self):
        """Closes the main process's handle of a built-in dataset (workers' go with them)."""
        source, self.source = self.source, None
        close = getattr(getattr(source, "inner", None), "close", None)
        if close is not None and isinstance(source.inner, ds_mod._PerProcess):
            try:
                close()
            except Exception:
                pass

    def _run(self, trial, consumer, ordinal):
        stop = self.stop
        trial_id = trial["id"]
        notes = []
        source = _Source(trial)
        self.source = source
        plan = None
        if not source.iterable:
            try:
                plan = BatchPlan(source.count, trial["batch"], trial["dropLast"], trial["order"], trial["seed"])
            except ValueError as err:
                raise TrialFailure(str(err))
            plan.indices(0)  # the first epoch's order, before the clock starts
        main_pid = os.getpid()
        if not procstats.reset_peak_rss():
            notes.append("the main process's peak memory could not be reset (/proc/self/clear_refs): it may include earlier trials")
        io_before = procstats.io(main_pid)
        loader = _make_loader(trial, source, plan)
        consumer.begin_trial(trial["pinMemory"])
        timing.reset()

        pin = bool(trial["pinMemory"])
        echo = int(trial["echo"])
        split = int(trial["echoSplit"])
        warmup = int(trial["warmupSteps"])
        want_steps = trial["steps"]
        duration_ms = (trial["durationS"] or 0) * 1000.0
        records = protocol.empty_batch_records()
        mapped_by_pid = {}

        if stop.requested(ordinal):
            raise Stopped()
        t_iter = time.monotonic_ns() / 1e6
        it = iter(loader)
        self.current = it
        device_free_at = time.monotonic_ns() / 1e6
        batch_id = 0
        steps_so_far = 0
        window_start = None
        window_steps = 0
        cpu_at_window = {}
        first_batch_ms = None
        last_progress = time.monotonic()
        yielded_this_pass = 0

        while True:
            if stop.requested(ordinal):
                raise Stopped()
            asked_ns = time.monotonic_ns()
            stop.interruptible = True
            try:
                item = next(it)
            except StopIteration:
                item = None
            finally:
                stop.interruptible = False
            if item is None:
                # Only an IterableDataset ends: the next epoch starts, as a user's loop would.
                if yielded_this_pass == 0:
                    raise TrialFailure("the IterableDataset yielded no batch%s" % (" (every batch was dropped by drop_last)" if trial["dropLast"] else ""))
                yielded_this_pass = 0
                it = iter(loader)
                self.current = it
                continue
            yielded_this_pass += 1
            ready_ns = time.monotonic_ns()
            ready_at = ready_ns / 1e6
            batch, load_ms, done_ns, pid, mapped = timing.unwrap(item)
            mapped_by_pid[pid] = mapped_by_pid.get(pid, 0) + mapped
            if first_batch_ms is None:
                first_batch_ms = ready_at - t_iter
            if window_start is None and batch_id >= 1 and steps_so_far >= warmup:
                window_start = device_free_at
                cpu_at_window = self._cpu([main_pid] + worker_pids(it))
            start_at = max(ready_at, device_free_at)
            wait = max(0.0, ready_at - device_free_at)
            if plan is not None:
                indices = plan.indices(batch_id)
            else:
                indices = list(range(ds_mod.batch_length(batch)))
            steps = echo_steps(indices, echo, split, batch_id)
            sizes = [len(s) for s in steps]
            work = consumer.process(batch, trial["dtype"], sizes, start_at, stop.event)
            delivered = ds_mod.nbytes(batch)
            # From the end of collate in the worker to the batch in main's hand, less any time the
            # batch sat waiting for main to ask (the harness's main thread receives a batch as it
            # arrives; torch's hands it over only inside next()).
            transport = 0.0 if pid == main_pid else max(0.0, (ready_ns - max(done_ns, asked_ns)) / 1e6)
            del batch, item
            device_free_at = work.end_at
            steps_so_far += len(steps)
            batch_id += 1
            now = time.monotonic()
            if now - last_progress >= 1.0:
                self.send(protocol.progress(trial_id, steps_so_far))
                last_progress = now
            if stop.requested(ordinal):
                raise Stopped()
            if window_start is None:
                continue
            window_steps += len(steps)
            records["waitMs"].append(_r3(wait))
            records["loadMs"].append(_r3(load_ms))
            records["transportMs"].append(_r3(transport))
            records["freshSamples"].append(len(indices))
            records["steps"].append(len(steps))
            records["consumedSamples"].append(sum(sizes))
            records["bytesDelivered"].append(delivered)
            records["bytesCopied"].append(delivered if pin else 0)
            records["busyMs"].append(_r3(work.busy_ms))
            records["h2dMs"].append(_r3(work.h2d_ms))
            records["h2dBytes"].append(work.h2d_bytes)
            window_ms = device_free_at - window_start
            done = window_steps >= want_steps if want_steps is not None else window_ms >= duration_ms
            if not done:
                continue
            processes = self._processes(main_pid, worker_pids(it), cpu_at_window, io_before, mapped_by_pid)
            return protocol.trial_done(
                trial_id,
                {"startNs": int(round(window_start * 1e6)), "endNs": int(round(device_free_at * 1e6))},
                _r3(first_batch_ms),
                records,
                consumer.basis,
                processes,
                notes,
            )

    @staticmethod
    def _cpu(pids):
        out = {}
        for pid in pids:
            out[pid] = procstats.cpu_seconds(pid)
        return out

    def _processes(self, main_pid, workers, cpu_at_window, io_before, mapped_by_pid):
        out = []
        for role, pid in [("main", main_pid)] + [("worker", p) for p in workers]:
            before = cpu_at_window.get(pid)
            after = procstats.cpu_seconds(pid)
            if after is None:
                user_s = system_s = 0.0
            else:
                base = before if before is not None else (0.0, 0.0)
                user_s, system_s = after[0] - base[0], after[1] - base[1]
            peak = procstats.peak_rss_mib(pid)
            io_now = procstats.io(pid)
            if role == "main":
                reads = (
                    {"allBytes": io_now[0] - io_before[0], "storageBytes": io_now[1] - io_before[1]}
                    if io_now is not None and io_before is not None
                    else None
                )
            else:
                # Workers start with this trial's DataLoader: their counters are the trial's.
                reads = {"allBytes": io_now[0], "storageBytes": io_now[1]} if io_now is not None else None
            if reads is not None:
                # rchar counts read() calls only: add what was copied out of memory maps (np.load's
                # mmap), and never say less was read than came from storage (a page fault that
                # pulls in a mapped library or a user's own map reaches read_bytes, not rchar).
                mapped = mapped_by_pid.get(pid, 0)
                reads["allBytes"] = max(reads["allBytes"] + mapped, reads["storageBytes"])
            out.append(
                {
                    "role": role,
                    "pid": pid,
                    "userS": round(user_s, 3),
                    "systemS": round(system_s, 3),
                    "peakRssMiB": round(peak, 1) if peak is not None else 0.0,
                    "reads": reads,
                }
            )
        return out
