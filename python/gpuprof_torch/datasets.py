"""The Datasets a torch trial reads, each opened lazily in the process that reads it.

Built-in kinds read the way PyTorch users read each format (np.load mmap, one file per sample,
PIL as torchvision's ImageFolder does, h5py with a chunk cache). A factory is the user's own
Dataset. Wrappers around them mark each batch's start for the timing collate (timing.py).
"""

import importlib.util
import os
import sys

import numpy as np
import torch
from torch.utils.data import Dataset, IterableDataset

from . import timing

# torchvision's ImageNet statistics (src/harness/dtype.ts); 0.5/0.5 for any other channel count.
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


class UsageProblem(Exception):
    """The user's mistake (factory file missing, not a Dataset): one line that says the fix."""


class SampleReadError(Exception):
    """A sample cannot be read (truncated file, undecodable image); the message names the file."""


def image_dims(shape):
    """src/harness/dataset/synthetic-pixels.ts imageDims: (channels, height, width)."""
    shape = [int(d) for d in shape]
    if len(shape) == 3:
        return shape[0], shape[1], shape[2]
    if len(shape) == 2:
        return 1, shape[0], shape[1]
    total = 1
    for d in shape:
        total *= d
    return 1, 1, total


def normalisation_constants(channels):
    mean = IMAGENET_MEAN if channels == 3 else (0.5,) * channels
    std = IMAGENET_STD if channels == 3 else (0.5,) * channels
    return mean, std


_norm_cache = {}


def normalise(x, dtype):
    """ToTensor + Normalize, as a user writes it: x.float().div(255), then (x - mean) / std per
    channel; .half() after for float16. x is a uint8 sample of sampleShape."""
    shape = tuple(x.shape)
    c, h, w = image_dims(shape)
    key = c
    if key not in _norm_cache:
        mean, std = normalisation_constants(c)
        _norm_cache[key] = (
            torch.tensor(mean, dtype=torch.float32).view(c, 1, 1),
            torch.tensor(std, dtype=torch.float32).view(c, 1, 1),
        )
    mean, std = _norm_cache[key]
    y = x.reshape(c, h, w).float().div(255)
    y = y.sub_(mean).div_(std)
    if dtype == "float16":
        y = y.half()
    return y.reshape(shape)


def _torch_dtype(dtype):
    return {"uint8": torch.uint8, "float32": torch.float32, "float16": torch.float16}.get(dtype, torch.uint8)


class _PerProcess(Dataset):
    """Opens its handle on first use in each process: every worker opens its own."""

    def __init__(self, desc, dtype):
        self.desc = desc
        self.dtype = dtype if dtype in ("float32", "float16") else "uint8"
        self.sample_shape = [int(d) for d in desc.get("sampleShape", [])]
        self._pid = None
        self._handle = None

    def _opened(self):
        pid = os.getpid()
        if self._pid != pid:
            self._handle = self._open()
            self._pid = pid
        return self._handle

    def _open(self):
        return None

    def close(self):
        handle, self._handle, self._pid = self._handle, None, None
        closer = getattr(handle, "close", None)
        if closer is not None:
            try:
                closer()
            except Exception:
                pass

    def _finish(self, x):
        if self.dtype != "uint8":
            x = normalise(x, self.dtype)
        return x

    def __getstate__(self):
        # Spawned workers get the description, not the handle.
        state = dict(self.__dict__)
        state["_pid"] = None
        state["_handle"] = None
        return state

class NpyDataset(_PerProcess):
    def _open(self):
        return np.load(self.desc["path"], mmap_mode="r")

    def __len__(self):
        return int(self.desc["count"])

    def __getitem__(self, index):
        arr = self._opened()
        timing.count_mapped(arr[index].nbytes)
        if self.desc.get("layout") == "nhwc" and arr.ndim == 4:
            sample = np.ascontiguousarray(arr[index].transpose(2, 0, 1))
        else:
            sample = np.array(arr[index])
        if list(sample.shape) != self.sample_shape:
            if sample.size != _prod(self.sample_shape):
                raise SampleReadError(
                    "%s: sample %d has shape %s, expected %s" % (self.desc["path"], index, list(sample.shape), self.sample_shape)
                )
            sample = sample.reshape(self.sample_shape)
        return self._finish(torch.from_numpy(sample))

class RawFilesDataset(_PerProcess):
    def __len__(self):
        return len(self.desc["files"])

    def __getitem__(self, index):
        path = self.desc["files"][index]
        expected = _prod(self.sample_shape)
        with open(path, "rb") as f:
            data = bytearray(f.read())
        if len(data) != expected:
            raise SampleReadError("%s: %d bytes, expected %d; is the file truncated?" % (path, len(data), expected))
        sample = np.frombuffer(data, dtype=np.uint8).reshape(self.sample_shape)
        return self._finish(torch.from_numpy(sample))

class ImageFilesDataset(_PerProcess):
    """PIL as torchvision's ImageFolder loads (convert RGB, or L for one channel), Resize's
    bilinear when the size differs, then PILToTensor's C x H x W uint8 view."""

    def __len__(self):
        return len(self.desc["files"])

    def _open(self):
        c = image_dims(self.sample_shape)[0]
        if c not in (1, 3):
            raise SampleReadError("images decode to 1 or 3 channels; this dataset has %d" % c)
        return c

    def __getitem__(self, index):
        channels = self._opened()
        path = self.desc["files"][index]
        _, height, width = image_dims(self.sample_shape)
        if self.desc.get("decoder") == "torchvision":
            x = self._torchvision(path, channels, height, width)
        else:
            x = self._pil(path, channels, height, width)
        if list(x.shape) != self.sample_shape:
            x = x.reshape(self.sample_shape)
        return self._finish(x)

    def _pil(self, path, channels, height, width):
        from PIL import Image

        try:
            with open(path, "rb") as f:
                img = Image.open(f)
                img = img.convert("RGB" if channels == 3 else "L")
            if img.size != (width, height):
                resampling = getattr(Image, "Resampling", Image)
                img = img.resize((width, height), resampling.BILINEAR)
        except (OSError, ValueError) as err:
            raise SampleReadError("%s: cannot decode (%s)" % (path, err))
        # torchvision.transforms.PILToTensor: H x W x C as a tensor, viewed as C x H x W.
        t = torch.as_tensor(np.array(img, copy=True))
        t = t.view(img.size[1], img.size[0], len(img.getbands()))
        return t.permute((2, 0, 1))

    def _torchvision(self, path, channels, height, width):
        try:
            import torchvision.io as tvio
        except ImportError as err:
            raise SampleReadError("--decoder torchvision: torchvision cannot be imported (%s)" % err)
        mode = tvio.ImageReadMode.RGB if channels == 3 else tvio.ImageReadMode.GRAY
        try:
            x = tvio.decode_image(tvio.read_file(path), mode=mode)
        except RuntimeError as err:
            raise SampleReadError("%s: cannot decode (%s)" % (path, str(err).splitlines()[0] if str(err) else err))
        if tuple(x.shape[1:]) != (height, width):
            import torchvision.transforms.functional as TF

            x = TF.resize(x, [height, width])
        return x

class H5Dataset(_PerProcess):
    def _open(self):
        import h5py

        cache = self.desc.get("cache") or {}
        kwargs = {}
        if "nbytes" in cache:
            kwargs["rdcc_nbytes"] = int(cache["nbytes"])
        if "nslots" in cache:
            kwargs["rdcc_nslots"] = int(cache["nslots"])
        if "w0" in cache:
            kwargs["rdcc_w0"] = float(cache["w0"])
        f = h5py.File(self.desc["path"], "r", **kwargs)
        return _H5Handle(f, f[self.desc["dataset"]])

    def __len__(self):
        return int(self.desc["count"])

    def __getitem__(self, index):
        sample = self._opened().ds[index]
        if list(sample.shape) != self.sample_shape:
            sample = sample.reshape(self.sample_shape)
        return self._finish(torch.from_numpy(np.ascontiguousarray(sample)))

class TimedMapDataset(Dataset):
    """Marks each batch's first __getitem__ for the timing collate."""

    def __init__(self, inner):
        self.inner = inner

    def __len__(self):
        return len(self.inner)

    def __getitem__(self, index):
        timing.mark()
        return self.inner[index]

class TimedBatchedMapDataset(TimedMapDataset):
    """For a Dataset with __getitems__ (torch >= 2 fetches a whole batch with it)."""

    def __getitems__(self, indices):
        timing.mark()
        return self.inner.__getitems__(indices)


def timed_map_dataset(inner):
    return TimedBatchedMapDataset(inner) if getattr(inner, "__getitems__", None) else TimedMapDataset(inner)


class TimedIterableDataset(IterableDataset):
    def __init__(self, inner):
        self.inner = inner

    def __iter__(self):
        timing.reset()
        it = iter(self.inner)
        while True:
            timing.mark()
            try:
                sample = next(it)
            except StopIteration:
                return
            yield sample

class BaselineMapDataset(Dataset):
    """PyTorch's own ceiling: a preallocated sample, never read."""

    def __init__(self, sample, count):
        self.sample = sample
        self.count = int(count)

    def __len__(self):
        return self.count

    def __getitem__(self, index):
        return self.sample

class BaselineIterableDataset(IterableDataset):
    def __init__(self, sample):
        self.sample = sample

    def __iter__(self):
        sample = self.sample
        while True:
            yield sample


BUILTIN = {
    "npy": NpyDataset,
    "raw-files": RawFilesDataset,
    "image-files": ImageFilesDataset,
    "h5": H5Dataset,
}


class _H5Handle(object):
    def __init__(self, f, ds):
        self.f = f
        self.ds = ds

    def close(self):
        self.f.close()


def _prod(shape):
    n = 1
    for d in shape:
        n *= int(d)
    return n


# ---------------------------------------------------------------------------------------------
# Factories: the user's own Dataset


class Factory(object):
    """What a factory function gave: the dataset and its collate_fn (None for default_collate)."""

    def __init__(self, dataset, collate_fn, file, function):
        self.dataset = dataset
        self.collate_fn = collate_fn
        self.file = file
        self.function = function

    @property
    def iterable(self):
        return isinstance(self.dataset, IterableDataset)


_modules = {}


def _load_module(file):
    path = os.path.abspath(file)
    if path in _modules:
        return _modules[path]
    if not os.path.isfile(path):
        raise UsageProblem("--dataset-factory %s: no such file; give the path of a .py file that defines the factory function" % file)
    folder = os.path.dirname(path)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    # Named after its file, so that classes defined there pickle by name (spawned workers), unless
    # that name is taken by another module.
    stem = os.path.splitext(os.path.basename(path))[0]
    name = stem
    existing = sys.modules.get(name)
    if not stem.isidentifier() or (existing is not None and os.path.abspath(getattr(existing, "__file__", None) or "") != path):
        name = "gpuprof_factory_%d" % len(_modules)
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise UsageProblem("--dataset-factory %s: cannot be imported as a Python module; give a .py file" % file)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except (Exception, SystemExit) as err:
        sys.modules.pop(name, None)
        from .faults import describe_exception

        reason, where = describe_exception(err, path)
        raise UsageProblem(
            "--dataset-factory %s: importing it raised %s%s; fix the module so that it imports"
            % (file, reason, " (%s)" % where if where else "")
        )
    _modules[path] = module
    return module


def load_factory(desc):
    """Imports the factory's module (once) and calls the function: a fresh Dataset each call."""
    file = desc["file"]
    function = desc["function"]
    module = _load_module(file)
    fn = getattr(module, function, None)
    if fn is None or not callable(fn):
        raise UsageProblem(
            "--dataset-factory %s: %s; define `def %s():` returning a torch Dataset (or a (Dataset, collate_fn) tuple), or name the right function"
            % (file, "no function %s" % function if fn is None else "%s is not a function" % function, function)
        )
    try:
        made = fn()
    except Exception as err:
        from .faults import describe_exception

        reason, where = describe_exception(err, os.path.abspath(file))
        raise UsageProblem("--dataset-factory %s: %s() raised %s%s" % (file, function, reason, " at %s" % where if where else ""))
    collate_fn = None
    dataset = made
    if isinstance(made, (tuple, list)) and len(made) == 2 and isinstance(made[0], Dataset):
        dataset, collate_fn = made
        if collate_fn is not None and not callable(collate_fn):
            raise UsageProblem(
                "--dataset-factory %s: %s() returned (Dataset, %s); the second item must be a collate_fn (a function) or None"
                % (file, function, type(collate_fn).__name__)
            )
    if not isinstance(dataset, Dataset):
        raise UsageProblem(
            "--dataset-factory %s: %s() returned %s, not a torch.utils.data.Dataset; return a Dataset or a (Dataset, collate_fn) tuple"
            % (file, function, _a_type(dataset))
        )
    return Factory(dataset, collate_fn, os.path.abspath(file), function)


def _a_type(value):
    name = type(value).__module__ + "." + type(value).__qualname__ if type(value).__module__ != "builtins" else type(value).__name__
    return "a %s" % name if name[0].lower() not in "aeiou" else "an %s" % name


def qualified_name(obj):
    cls = type(obj)
    module = cls.__module__
    return cls.__qualname__ if module in ("builtins", "__main__") else "%s.%s" % (module, cls.__qualname__)


def open_builtin(desc, dtype):
    """One of our Datasets for a built-in kind (nothing is opened until the first sample)."""
    return BUILTIN[desc["kind"]](desc, dtype)


def count_of(dataset):
    try:
        return len(dataset)
    except TypeError:
        return None


def tensors_in(obj):
    """Every tensor in a (possibly nested) tuple / list / dict batch."""
    if isinstance(obj, torch.Tensor):
        return [obj]
    if isinstance(obj, dict):
        out = []
        for v in obj.values():
            out.extend(tensors_in(v))
        return out
    if isinstance(obj, (tuple, list)):
        out = []
        for v in obj:
            out.extend(tensors_in(v))
        return out
    return []


def nbytes(obj):
    return sum(t.numel() * t.element_size() for t in tensors_in(obj))


def batch_length(obj):
    """Samples in a collated batch: the leading dimension of its largest tensor."""
    tensors = [t for t in tensors_in(obj) if t.dim() > 0]
    if not tensors:
        if isinstance(obj, (list, tuple)):
            return len(obj)
        return 1
    return int(max(tensors, key=lambda t: t.numel()).shape[0])


def first_sample(dataset):
    if isinstance(dataset, IterableDataset):
        it = iter(dataset)
        try:
            return next(it)
        except StopIteration:
            raise UsageProblem("the IterableDataset yielded no sample")
    if count_of(dataset) == 0:
        raise UsageProblem("the Dataset is empty (len() is 0)")
    return dataset[0]


def describe_sample(sample, collate_fn):
    """Shape, dtype and bytes of one sample as the DataLoader sees it: collate [sample], then
    one sample's share of the largest tensor (all tensors' bytes)."""
    from torch.utils.data.dataloader import default_collate

    batch = (collate_fn or default_collate)([sample])
    tensors = tensors_in(batch)
    if not tensors:
        raise UsageProblem("a collated sample holds no tensor (got %s)" % type(batch).__name__)
    main = max(tensors, key=lambda t: t.numel())
    shape = list(main.shape)
    if shape and shape[0] == 1:
        shape = shape[1:]
    dtype = str(main.dtype).replace("torch.", "")
    return shape, dtype, nbytes(batch)


def clone_sample(sample):
    """A baseline's preallocated sample: the same structure, its own storage."""
    if isinstance(sample, torch.Tensor):
        return sample.clone()
    if isinstance(sample, dict):
        return {k: clone_sample(v) for k, v in sample.items()}
    if isinstance(sample, tuple):
        return tuple(clone_sample(v) for v in sample)
    if isinstance(sample, list):
        return [clone_sample(v) for v in sample]
    return sample


def baseline_sample(desc, dtype):
    return torch.zeros([int(d) for d in desc["sampleShape"]], dtype=_torch_dtype(dtype))
