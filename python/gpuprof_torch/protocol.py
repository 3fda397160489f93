"""The messages between gpuprof (Node) and this package: the mirror of src/torch/protocol.ts.

One JSON object per line. Node writes requests on our fd 3 and reads replies from our fd 4, so
whatever the user's Dataset prints on stdout or stderr never mixes with them. Change both files.
The TypedDicts document the shapes; the functions below build every reply, so a reply cannot
miss a field.
"""

from typing import List, Optional, TypedDict, Union
from typing import Literal  # Python >= 3.8

PROTOCOL_VERSION = 1
MIN_TORCH = "1.8"

# ---------------------------------------------------------------------------------------------
# Requests (Node -> Python)


class PresetStepModel(TypedDict):
    kind: Literal["preset"]
    name: str
    msPerSample: float
    source: str


class FixedStepModel(TypedDict):
    kind: Literal["fixed"]
    msPerBatch: float
    batch: int


StepModel = Union[PresetStepModel, FixedStepModel]


class NpyDataset(TypedDict):
    kind: Literal["npy"]
    path: str
    count: int
    sampleShape: List[int]
    layout: Literal["nchw", "nhwc"]


class RawFilesDataset(TypedDict):
    kind: Literal["raw-files"]
    files: List[str]
    sampleShape: List[int]


class ImageFilesDataset(TypedDict):
    kind: Literal["image-files"]
    files: List[str]
    sampleShape: List[int]
    decoder: Literal["pil", "torchvision"]


class H5Cache(TypedDict):
    nbytes: float
    nslots: float
    w0: float


class H5Dataset(TypedDict):
    kind: Literal["h5"]
    path: str
    dataset: str
    count: int
    sampleShape: List[int]
    cache: H5Cache


class FactoryDataset(TypedDict):
    kind: Literal["factory"]
    file: str
    function: str


TorchDataset = Union[NpyDataset, RawFilesDataset, ImageFilesDataset, H5Dataset, FactoryDataset]
DATASET_KINDS = ("npy", "raw-files", "image-files", "h5", "factory")


class TorchConsumerRequest(TypedDict):
    kind: Literal["sim", "cuda"]
    stepModel: StepModel
    h2dGBPerS: float
    device: Optional[int]
    batch: int


class TorchTrial(TypedDict):
    id: int
    workers: int
    dtype: Literal["uint8", "float16", "float32", "dataset"]
    pinMemory: bool
    echo: int
    echoSplit: int
    baseline: bool
    batch: int
    prefetch: int
    dropLast: bool
    order: Literal["sequential", "shuffle"]
    seed: int
    warmupSteps: int
    durationS: Optional[float]
    steps: Optional[int]
    dataset: TorchDataset


# The fields each request must carry (checked on arrival; the values are Node's to get right).
REQUEST_FIELDS = {
    "hello": ("protocol",),
    "describe": ("dataset",),
    "open-consumer": ("consumer",),
    "trial": ("trial",),
    "stop": (),
    "bye": (),
}
TRIAL_FIELDS = (
    "id", "workers", "dtype", "pinMemory", "echo", "echoSplit", "baseline", "batch", "prefetch",
    "dropLast", "order", "seed", "warmupSteps", "durationS", "steps", "dataset",
)
DATASET_FIELDS = {
    "npy": ("path", "count", "sampleShape", "layout"),
    "raw-files": ("files", "sampleShape"),
    "image-files": ("files", "sampleShape", "decoder"),
    "h5": ("path", "dataset", "count", "sampleShape", "cache"),
    "factory": ("file", "function"),
}
CONSUMER_FIELDS = ("kind", "stepModel", "h2dGBPerS", "device", "batch")


def request_problem(message):
    """None when the request has the fields it needs, else one line saying what is missing."""
    if not isinstance(message, dict):
        return "a request must be a JSON object"
    kind = message.get("type")
    if kind not in REQUEST_FIELDS:
        return "unknown request type %r" % (kind,)
    missing = [f for f in REQUEST_FIELDS[kind] if f not in message]
    if missing:
        return "%s request without %s" % (kind, ", ".join(missing))
    dataset = None
    if kind == "describe":
        dataset = message["dataset"]
    elif kind == "trial":
        trial = message["trial"]
        if not isinstance(trial, dict):
            return "trial must be an object"
        missing = [f for f in TRIAL_FIELDS if f not in trial]
        if missing:
            return "trial request without %s" % ", ".join(missing)
        dataset = trial["dataset"]
    elif kind == "open-consumer":
        consumer = message["consumer"]
        if not isinstance(consumer, dict):
            return "consumer must be an object"
        missing = [f for f in CONSUMER_FIELDS if f not in consumer]
        if missing:
            return "open-consumer request without %s" % ", ".join(missing)
        if consumer["kind"] not in ("sim", "cuda"):
            return "unknown consumer kind %r" % (consumer["kind"],)
    if dataset is not None:
        if not isinstance(dataset, dict) or dataset.get("kind") not in DATASET_FIELDS:
            return "unknown dataset kind %r" % (dataset.get("kind") if isinstance(dataset, dict) else dataset,)
        missing = [f for f in DATASET_FIELDS[dataset["kind"]] if f not in dataset]
        if missing:
            return "%s dataset without %s" % (dataset["kind"], ", ".join(missing))
    return None


# ---------------------------------------------------------------------------------------------
# Replies (Python -> Node)


class PythonInfo(TypedDict):
    version: str
    executable: str


class CudaDeviceName(TypedDict):
    index: int
    name: str


class TorchInfo(TypedDict):
    version: str
    cuda: List[CudaDeviceName]


class Ready(TypedDict):
    type: Literal["ready"]
    protocol: int
    python: PythonInfo
    torch: Optional[TorchInfo]
    numpy: Optional[str]
    h5py: Optional[str]
    pil: Optional[str]
    torchvision: Optional[str]
    problem: Optional[str]


class Described(TypedDict):
    type: Literal["described"]
    count: Optional[int]
    sampleShape: List[int]
    sampleDtype: str
    sampleBytes: int
    iterable: bool
    collate: bool
    datasetClass: str


class SimConsumerInfo(TypedDict):
    kind: Literal["sim"]
    h2dGBPerS: float


class CudaDeviceInfo(TypedDict):
    index: int
    name: str
    capability: str
    totalMiB: float


class CudaCalibration(TypedDict):
    targetMsPerBatch: float
    batch: int
    matrixN: int
    matmulsPerBatch: int
    achievedMsPerBatch: float
    tflopsPerS: float


class CudaConsumerInfo(TypedDict):
    kind: Literal["cuda"]
    device: CudaDeviceInfo
    calibration: CudaCalibration


TorchConsumerInfo = Union[SimConsumerInfo, CudaConsumerInfo]


class Reads(TypedDict):
    allBytes: float
    storageBytes: float


class ProcessUse(TypedDict):
    role: Literal["main", "worker"]
    pid: int
    userS: float
    systemS: float
    peakRssMiB: float
    reads: Optional[Reads]


class BatchRecords(TypedDict):
    waitMs: List[float]
    loadMs: List[float]
    transportMs: List[float]
    freshSamples: List[int]
    steps: List[int]
    consumedSamples: List[int]
    bytesDelivered: List[float]
    bytesCopied: List[float]
    busyMs: List[float]
    h2dMs: List[float]
    h2dBytes: List[float]


BATCH_RECORD_FIELDS = (
    "waitMs", "loadMs", "transportMs", "freshSamples", "steps", "consumedSamples",
    "bytesDelivered", "bytesCopied", "busyMs", "h2dMs", "h2dBytes",
)


class Window(TypedDict):
    startNs: int
    endNs: int


class TrialDone(TypedDict):
    type: Literal["trial-done"]
    id: int
    window: Window
    firstBatchMs: float
    batches: BatchRecords
    deviceBasis: Literal["modelled", "measured"]
    processes: List[ProcessUse]
    notes: List[str]


def ready(python_version, executable, torch_info, numpy, h5py, pil, torchvision, problem):
    # type: (str, str, Optional[TorchInfo], Optional[str], Optional[str], Optional[str], Optional[str], Optional[str]) -> Ready
    return {
        "type": "ready",
        "protocol": PROTOCOL_VERSION,
        "python": {"version": python_version, "executable": executable},
        "torch": torch_info,
        "numpy": numpy,
        "h5py": h5py,
        "pil": pil,
        "torchvision": torchvision,
        "problem": problem,
    }


def described(count, sample_shape, sample_dtype, sample_bytes, iterable, collate, dataset_class):
    # type: (Optional[int], List[int], str, int, bool, bool, str) -> Described
    return {
        "type": "described",
        "count": None if count is None else int(count),
        "sampleShape": [int(d) for d in sample_shape],
        "sampleDtype": str(sample_dtype),
        "sampleBytes": int(sample_bytes),
        "iterable": bool(iterable),
        "collate": bool(collate),
        "datasetClass": str(dataset_class),
    }


def consumer(info):
    # type: (TorchConsumerInfo) -> dict
    return {"type": "consumer", "info": info}


def sim_consumer_info(h2d_gb_per_s):
    # type: (float) -> SimConsumerInfo
    return {"kind": "sim", "h2dGBPerS": h2d_gb_per_s}


def cuda_consumer_info(device, calibration):
    # type: (CudaDeviceInfo, CudaCalibration) -> CudaConsumerInfo
    return {"kind": "cuda", "device": device, "calibration": calibration}


def progress(trial_id, steps):
    # type: (int, int) -> dict
    return {"type": "progress", "id": int(trial_id), "steps": int(steps)}


def empty_batch_records():
    # type: () -> BatchRecords
    return {field: [] for field in BATCH_RECORD_FIELDS}  # type: ignore


def trial_done(trial_id, window, first_batch_ms, batches, device_basis, processes, notes):
    # type: (int, Window, float, BatchRecords, str, List[ProcessUse], List[str]) -> TrialDone
    return {
        "type": "trial-done",
        "id": int(trial_id),
        "window": window,
        "firstBatchMs": first_batch_ms,
        "batches": batches,
        "deviceBasis": device_basis,
        "processes": processes,
        "notes": list(notes),
    }


def trial_failed(trial_id, reason, where):
    # type: (int, str, Optional[str]) -> dict
    return {"type": "trial-failed", "id": int(trial_id), "reason": reason, "where": where}


def trial_stopped(trial_id):
    # type: (int) -> dict
    return {"type": "trial-stopped", "id": int(trial_id)}


def error(problem, usage):
    # type: (str, bool) -> dict
    return {"type": "error", "problem": problem, "usage": bool(usage)}
