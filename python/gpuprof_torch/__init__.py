"""gpuprof's Python side for `--loader torch`: runs PyTorch DataLoader trials for the Node CLI.

Started by gpuprof as `python3 -u -m gpuprof_torch` with PYTHONPATH at this package's parent;
requests arrive on fd 3 and replies leave on fd 4 (see protocol.py). Nothing here imports torch
at import time: `hello` must answer even where torch is missing.
"""

from .protocol import PROTOCOL_VERSION

__all__ = ["PROTOCOL_VERSION"]
