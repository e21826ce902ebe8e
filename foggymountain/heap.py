"""Give memory the game no longer uses back to the system.

The game's heavy work runs in worker threads (loading levels, tuning and racing the racers), and
glibc's malloc gives each thread its own arena and keeps what a thread frees there for later.
After such a burst the player's process holds a few MB it will not use again; on a host serving
thirty players that adds up (issue 14: under 80 MB per player after 1,000 steps). `release()`
asks malloc to return free pages (`malloc_trim(0)`); elsewhere than glibc it does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

_trim = None
if sys.platform.startswith("linux"):
    try:
        _trim = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc (musl has no malloc_trim)
        _trim = None


def release() -> bool:
    """Return free heap pages to the system; True when the C library could be asked."""
    if _trim is None:
        return False
    _trim(0)
    return True
