"""One line for a failure: "ExceptionType: message", and the user's file:line where known.

An exception raised in a DataLoader worker reaches the main process re-raised by torch with the
worker's traceback as text ("Caught ValueError in DataLoader worker process 0. Original
Traceback ..."): the type, message and frames are parsed back out of that text.
"""

import os
import re
import traceback

_FRAME = re.compile(r'^\s*File "(.*)", line (\d+)')
_ORIGINAL = "Original Traceback (most recent call last):"
# Types whose message already names the file; the type adds nothing for the user.
_PLAIN_TYPES = ("SampleReadError", "UsageProblem")


def _one_line(text, limit=500):
    line = " ".join(part.strip() for part in str(text).strip().splitlines() if part.strip())
    return line if len(line) <= limit else line[: limit - 3] + "..."


def _short_type(name):
    name = name.strip()
    return name.rsplit(".", 1)[-1] if re.match(r"^[A-Za-z_][\w.]*$", name) else name


def _pick_where(frames, user_file):
    """The deepest frame in the user's file; else the deepest in its folder; else None."""
    if not frames:
        return None
    if user_file:
        user_file = os.path.abspath(user_file)
        for path, line in reversed(frames):
            if os.path.abspath(path) == user_file:
                return "%s:%d" % (path, line)
        folder = os.path.dirname(user_file) + os.sep
        here = os.path.dirname(os.path.abspath(__file__)) + os.sep
        for path, line in reversed(frames):
            full = os.path.abspath(path)
            if full.startswith(folder) and not full.startswith(here):
                return "%s:%d" % (path, line)
    return None


def _worker_text(err):
    """The worker's traceback text when torch re-raised a worker's exception, else None."""
    for arg in getattr(err, "args", ()) or ():
        if isinstance(arg, str) and _ORIGINAL in arg:
            return arg
    text = str(err)
    return text if _ORIGINAL in text else None


def parse_traceback_text(text):
    """(type name, message, [(file, line)]) of the last exception in a formatted traceback."""
    body = text.split(_ORIGINAL, 1)[-1]
    lines = body.splitlines()
    # A chained traceback holds several; the last one is what was raised.
    starts = [i for i, l in enumerate(lines) if l.startswith("Traceback (most recent call last):")]
    if starts:
        lines = lines[starts[-1] + 1 :]
    frames = []
    last_frame_line = -1
    for i, line in enumerate(lines):
        m = _FRAME.match(line)
        if m:
            frames.append((m.group(1), int(m.group(2))))
            last_frame_line = i
    rest = lines[last_frame_line + 1 :]
    # Skip the frame's code line and 3.11's ^^^^ markers: indented lines.
    k = 0
    while k < len(rest) and (rest[k].startswith(" ") or not rest[k].strip()):
        k += 1
    rest = rest[k:]
    if not rest:
        return "Exception", "", frames
    head = rest[0]
    if ": " in head:
        kind, message = head.split(": ", 1)
    else:
        kind, message = head.rstrip(":"), ""
    message = "\n".join([message] + rest[1:])
    return _short_type(kind), message, frames


def describe_exception(err, user_file=None):
    """(reason, where) for an exception raised in the main process or a worker."""
    text = _worker_text(err)
    if text is not None:
        kind, message, frames = parse_traceback_text(text)
    else:
        kind = type(err).__name__
        message = str(err)  # as a traceback prints it (KeyError quotes its key)
        frames = [(f.filename, f.lineno) for f in traceback.extract_tb(err.__traceback__)]
    message = _one_line(message)
    if kind in _PLAIN_TYPES and message:
        reason = message
    else:
        reason = "%s: %s" % (kind, message) if message else kind
    return reason, _pick_where(frames, user_file)
