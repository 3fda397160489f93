"""The server: requests from fd 3, replies on fd 4, one JSON object per line.

A reader thread reads fd 3 into a queue; trials run on the main thread (torch's SIGCHLD handler
for dead DataLoader workers raises only there). When fd 3 ends (gpuprof died or closed it) the
whole process group is killed at once, so no DataLoader worker outlives gpuprof. stdout and stderr
are the user's Dataset's: nothing of the protocol is written there.
"""

import json
import os
import queue
import signal
import sys
import threading

from . import protocol

REQUEST_FD = 3
REPLY_FD = 4

_server_pid = None



def _settle_allocator():
    """Leaves glibc's malloc as a script that has loaded any data leaves it, before workers fork.

    glibc raises its mmap and trim thresholds (from 128 KiB) the first time a large mmapped block
    is freed. A training script has done that long before its DataLoader forks (a model, an array,
    a file read whole); this process, which only imported modules and parsed JSON, may not have,
    and then every worker gives its freed samples back to the kernel after each batch and faults
    them in again for the next: measured on 3x218x178 uint8 .npy samples with 2 workers, 0.7x the
    samples/s of the same DataLoader in a bare script. Freeing one 4 MiB block puts the thresholds
    where the script's are; it changes nothing in the user's own code or settings.
    """
    block = bytearray(4 << 20)
    del block

class StopSignal(object):
    """`stop` requests, matched to the trial they were sent for.

    The reader counts the trial requests it has read; a stop applies to every trial read before
    it, so a stop that arrives while a trial is still queued is not lost when that trial starts.
    `event` wakes the sim consumer's sleep; while `interruptible`, SIGUSR1 breaks the main
    thread out of a blocking next() on the DataLoader.
    """

    def __init__(self):
        self.event = threading.Event()
        self.lock = threading.Lock()
        self.trials_read = 0
        self.stop_upto = 0
        self.interruptible = False

    def trial_read(self):
        with self.lock:
            self.trials_read += 1

    def stop_requested(self):
        with self.lock:
            self.stop_upto = self.trials_read
        self.event.set()

    def begin(self, ordinal):
        with self.lock:
            self.event.clear()
            if self.stop_upto >= ordinal:
                self.event.set()

    def requested(self, ordinal):
        return self.stop_upto >= ordinal


class Replies(object):
    def __init__(self, fd):
        self.fd = fd
        self.lock = threading.Lock()

    def send(self, message):
        data = (json.dumps(message, separators=(",", ":"), allow_nan=False) + "\n").encode("utf-8")
        with self.lock:
            view = memoryview(data)
            while view:
                try:
                    n = os.write(self.fd, view)
                except InterruptedError:
                    continue
                except OSError:
                    # gpuprof is gone: nobody is left to serve.
                    die()
                    return
                view = view[n:]


_live_workers = lambda: []  # noqa: E731 - set by main(): the pids of the live DataLoader's workers


def die():
    """Kills our process group (DataLoader workers included) when we lead it, as gpuprof starts
    us; otherwise the live DataLoader's workers, then us."""
    try:
        if os.getpgid(0) == os.getpid():
            os.killpg(0, signal.SIGKILL)
    except OSError:
        pass
    try:
        for pid in _live_workers():
            os.kill(pid, signal.SIGKILL)
    except Exception:
        pass
    os._exit(1)


def _reader(requests, stop):
    buffered = b""
    while True:
        try:
            chunk = os.read(REQUEST_FD, 65536)
        except InterruptedError:
            continue
        except OSError:
            chunk = b""
        if not chunk:
            die()
            return
        buffered += chunk
        while b"\n" in buffered:
            line, buffered = buffered.split(b"\n", 1)
            if not line.strip():
                continue
            try:
                message = json.loads(line.decode("utf-8"))
            except ValueError as err:
                requests.put(("bad", "a request is not JSON (%s)" % err))
                continue
            kind = message.get("type") if isinstance(message, dict) else None
            if kind == "stop":
                stop.stop_requested()
                if stop.interruptible and _server_pid is not None:
                    try:
                        os.kill(_server_pid, signal.SIGUSR1)
                    except OSError:
                        pass
                continue
            if kind == "trial":
                stop.trial_read()
            requests.put(("request", message))


def _version(module_name):
    try:
        module = __import__(module_name)
    except Exception:
        return None
    return str(getattr(module, "__version__", None) or getattr(module, "VERSION", None) or "unknown")


def _one_line(err):
    text = str(err).strip().splitlines()
    return text[0] if text else type(err).__name__


class Server(object):
    def __init__(self, replies, stop):
        self.replies = replies
        self.stop = stop
        self.consumer = None
        self.runner = None
        self.torch_problem = None
        self.trials = 0

    def send(self, message):
        self.replies.send(message)

    # -- requests -------------------------------------------------------------------------------

    def hello(self, message):
        torch_info = None
        problem = None
        try:
            import torch

            cuda = []
            try:
                if torch.cuda.is_available():
                    for i in range(torch.cuda.device_count()):
                        try:
                            name = torch.cuda.get_device_name(i)
                        except Exception:
                            name = "unknown"
                        cuda.append({"index": i, "name": str(name)})
            except Exception:
                cuda = []
            torch_info = {"version": str(torch.__version__), "cuda": cuda}
        except BaseException as err:  # a broken install can raise anything, SystemExit included
            if isinstance(err, KeyboardInterrupt):
                raise
            problem = "%s: %s" % (type(err).__name__, _one_line(err)) if not isinstance(err, ImportError) else _one_line(err)
            self.torch_problem = problem
        _settle_allocator()
        pil = None
        try:
            import PIL

            pil = str(getattr(PIL, "__version__", None) or getattr(PIL, "PILLOW_VERSION", "unknown"))
        except Exception:
            pil = None
        self.send(
            protocol.ready(
                sys.version.split()[0],
                sys.executable,
                torch_info,
                _version("numpy"),
                _version("h5py"),
                pil,
                _version("torchvision") if torch_info is not None else None,
                problem,
            )
        )

    def _need_torch(self):
        try:
            import torch  # noqa: F401
        except BaseException as err:
            if isinstance(err, KeyboardInterrupt):
                raise
            return "torch cannot be imported: %s" % _one_line(err)
        return None

    def describe(self, message):
        problem = self._need_torch()
        if problem:
            self.send(protocol.error(problem, False))
            return
        from . import datasets as ds_mod
        from .faults import describe_exception

        desc = message["dataset"]
        user_file = desc.get("file") if desc["kind"] == "factory" else None
        dataset = None
        try:
            collate_fn = None
            if desc["kind"] == "factory":
                factory = ds_mod.load_factory(desc)
                dataset, collate_fn = factory.dataset, factory.collate_fn
                iterable = factory.iterable
            else:
                dataset = ds_mod.open_builtin(desc, "uint8")
                iterable = False
            count = None if iterable else ds_mod.count_of(dataset)
            if not iterable and count is None:
                raise ds_mod.UsageProblem(
                    "--dataset-factory %s: %s() returned a map-style Dataset without __len__; give it one, or make it an IterableDataset"
                    % (desc.get("file"), desc.get("function"))
                )
            try:
                sample = ds_mod.first_sample(dataset)
                shape, dtype, nbytes = ds_mod.describe_sample(sample, collate_fn)
            except ds_mod.UsageProblem:
                raise
            except Exception as err:
                reason, where = describe_exception(err, user_file)
                if user_file is None:
                    raise ds_mod.UsageProblem(reason)
                raise ds_mod.UsageProblem(
                    "--dataset-factory %s: the first sample raised %s%s" % (desc["file"], reason, " at %s" % where if where else "")
                )
            self.send(
                protocol.described(
                    count, shape, dtype, nbytes, iterable, collate_fn is not None, ds_mod.qualified_name(dataset)
                )
            )
        except ds_mod.UsageProblem as err:
            self.send(protocol.error(_one_line(err), True))
        except (FileNotFoundError, PermissionError, IsADirectoryError) as err:
            self.send(protocol.error("%s: %s" % (getattr(err, "filename", None) or "", err.strerror or _one_line(err)), True))
        except ImportError as err:
            self.send(protocol.error("%s is needed to read this dataset: %s" % (getattr(err, "name", None) or "a module", _one_line(err)), False))
        except Exception as err:
            reason, _ = describe_exception(err, user_file)
            self.send(protocol.error(reason, False))
        finally:
            close = getattr(dataset, "close", None)
            if close is not None and desc["kind"] != "factory":
                close()

    def open_consumer(self, message):
        problem = self._need_torch()
        if problem:
            self.send(protocol.error(problem, False))
            return
        from . import consumers
        from .datasets import UsageProblem

        request = message["consumer"]
        try:
            consumer = consumers.open_consumer(request)
        except UsageProblem as err:
            self.send(protocol.error(_one_line(err), True))
            return
        except Exception as err:
            self.send(protocol.error("%s consumer: %s: %s" % (request.get("kind"), type(err).__name__, _one_line(err)), False))
            return
        if self.consumer is not None:
            try:
                self.consumer.close()
            except Exception:
                pass
        self.consumer = consumer
        self.send(protocol.consumer(consumer.info()))

    def trial(self, message):
        self.trials += 1
        ordinal = self.trials
        trial = message["trial"]
        problem = self._need_torch()
        if problem:
            self.send(protocol.trial_failed(trial["id"], problem, None))
            return
        if self.consumer is None:
            self.send(protocol.trial_failed(trial["id"], "no consumer: gpuprof sent the trial before open-consumer", None))
            return
        from .trial import TrialRunner

        if self.runner is None:
            self.runner = TrialRunner(self.send, self.stop)
        self.stop.begin(ordinal)
        reply = self.runner.run(trial, self.consumer, ordinal)
        self.send(reply)

    def shutdown(self):
        runner = self.runner
        if runner is not None and runner.current is not None:
            from .trial import shutdown_iterator

            it, runner.current = runner.current, None
            shutdown_iterator(it)

    def serve(self, requests):
        handlers = {
            "hello": self.hello,
            "describe": self.describe,
            "open-consumer": self.open_consumer,
            "trial": self.trial,
        }
        while True:
            kind, message = requests.get()
            if kind == "bad":
                self.send(protocol.error(message, False))
                continue
            problem = protocol.request_problem(message)
            if problem:
                self.send(protocol.error(problem, False))
                continue
            if message["type"] == "bye":
                self.shutdown()
                return
            try:
                handlers[message["type"]](message)
            except (SystemExit, KeyboardInterrupt):
                raise
            except BaseException as err:
                self.send(protocol.error("gpuprof's Python side failed on %s: %s: %s" % (message["type"], type(err).__name__, _one_line(err)), False))


def _on_sigterm(signum, frame):
    if os.getpid() != _server_pid:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTERM)
        return
    raise SystemExit(0)


def _on_sigusr1(signum, frame):
    from .trial import Stopped

    if _stop is not None and _stop.interruptible and os.getpid() == _server_pid:
        raise Stopped()


def _in_child():
    """A forked child (a DataLoader worker): default signals, and no protocol fds."""
    try:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGUSR1, signal.SIG_DFL)
    except (ValueError, OSError):
        pass
    for fd in (REQUEST_FD, REPLY_FD):
        try:
            os.close(fd)
        except OSError:
            pass


_stop = None


def main():
    global _server_pid, _stop, _live_workers
    _server_pid = os.getpid()
    for fd in (REQUEST_FD, REPLY_FD):
        try:
            os.fstat(fd)
        except OSError:
            sys.stderr.write(
                "gpuprof_torch: fd %d is not open; this module is started by gpuprof (--loader torch), which talks to it on fds 3 and 4\n" % fd
            )
            sys.exit(2)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_sigterm)
    signal.signal(signal.SIGUSR1, _on_sigusr1)
    if hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=_in_child)
    _stop = StopSignal()
    replies = Replies(REPLY_FD)
    requests = queue.Queue()
    reader = threading.Thread(target=_reader, args=(requests, _stop), name="gpuprof-requests", daemon=True)
    reader.start()
    server = Server(replies, _stop)

    def live_workers():
        from .trial import worker_pids

        runner = server.runner
        return worker_pids(runner.current) if runner is not None and runner.current is not None else []

    _live_workers = live_workers
    try:
        server.serve(requests)
    except SystemExit:
        pass
    finally:
        try:
            server.shutdown()
        except BaseException:
            pass
    sys.stdout.flush()
    os._exit(0)
