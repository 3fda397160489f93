"""CPU, peak memory and reads of one process, from /proc (Linux)."""

import os

try:
    _TICKS = float(os.sysconf("SC_CLK_TCK"))
except (AttributeError, ValueError, OSError):
    _TICKS = 100.0


def cpu_seconds(pid):
    """(user, system) CPU seconds of the whole process (every thread), or None."""
    try:
        with open("/proc/%d/stat" % pid, "rb") as f:
            text = f.read().decode("latin-1")
    except OSError:
        return None
    # The command name may hold spaces and parentheses: fields start after the last ')'.
    fields = text[text.rindex(")") + 2 :].split()
    # fields[0] is field 3 (state); utime and stime are fields 14 and 15.
    return int(fields[11]) / _TICKS, int(fields[12]) / _TICKS


def peak_rss_mib(pid):
    try:
        with open("/proc/%d/status" % pid, "rb") as f:
            for line in f:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except (OSError, ValueError, IndexError):
        pass
    return None


def io(pid):
    """(rchar, read_bytes) so far, or None where /proc/<pid>/io cannot be read."""
    try:
        with open("/proc/%d/io" % pid, "rb") as f:
            values = {}
            for line in f:
                key, _, value = line.partition(b":")
                values[key.strip()] = int(value)
        return values[b"rchar"], values[b"read_bytes"]
    except (OSError, ValueError, KeyError):
        return None


def reset_peak_rss():
    """Resets this process's VmHWM to its current RSS; False where the kernel refuses."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False
