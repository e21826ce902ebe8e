"""Reading files that strangers hand us: only regular files, and never more than a limit.

A FIFO, a socket or a device (`/dev/zero`, through a symlink or not) reports a size of 0 and
then blocks or never ends; a symlink loop raises in odd places; `/proc` and `/sys` hold "regular"
files of size 0 that stream without end or block. So, before anything is read:

- the path is resolved and refused if it is not a regular file (or lies in `/proc`, `/sys`,
  `/dev`), with the reason in words;
- it is opened with O_NONBLOCK (a FIFO swapped in after the check cannot hang the open) and
  checked again on the open descriptor;
- at most `limit + 1` bytes are read, so a file that grows or lies about its size is still
  refused as too large instead of filling memory.

`UnsafeFile` carries the reason, phrased to follow a file name: "is a FIFO (named pipe), not a file".
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

# Kernel file systems: their files stream or block whatever their size says.
SPECIAL_ROOTS = (Path("/proc"), Path("/sys"), Path("/dev"))


class UnsafeFile(Exception):
    """A file we refuse to read; `reason` follows the file's name in a message."""

    def __init__(self, reason: str, *, too_large: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.too_large = too_large


def kind_of(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    return "not a regular file"


def _os_reason(err: OSError) -> str:
    if err.errno == errno.ELOOP:
        return "is a loop of symbolic links"
    if err.errno == errno.ENOENT:
        return "does not exist"
    if err.errno in (errno.EACCES, errno.EPERM):
        return "cannot be read (permission denied)"
    if err.errno == errno.ENAMETOOLONG:
        return "has a name too long for the file system"
    return f"cannot be read ({err.strerror or type(err).__name__})"


def check_regular(path: str | os.PathLike) -> os.stat_result:
    """The stat of `path` if it is a regular file we may read; UnsafeFile otherwise."""
    path = Path(path)
    try:
        info = os.stat(path)  # follows symlinks: a link to a level is fine, a link to /dev/zero is not
    except OSError as err:
        raise UnsafeFile(_os_reason(err)) from None
    except ValueError:  # a NUL in the name
        raise UnsafeFile("has a NUL character in its name") from None
    if not stat.S_ISREG(info.st_mode):
        what = kind_of(info.st_mode)
        raise UnsafeFile(f"is {what}, not a file" if what != "not a regular file" else "is not a regular file")
    try:
        real = Path(os.path.realpath(path))
    except (OSError, ValueError):
        real = path
    for root in SPECIAL_ROOTS:
        if real == root or root in real.parents:
            raise UnsafeFile(f"is in {root}, a kernel file system, not a file of yours")
    return info


def read_bytes(path: str | os.PathLike, limit: int) -> bytes:
    """The content of the regular file at `path`, at most `limit` bytes; UnsafeFile otherwise
    (the reason says why: not a file, too large, a loop of links, unreadable)."""
    info = check_regular(path)
    if info.st_size > limit:
        raise UnsafeFile(f"is {info.st_size:,} bytes; the limit is {limit:,}", too_large=True)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as err:
        raise UnsafeFile(_os_reason(err)) from None
    try:
        opened = os.fstat(descriptor)
        if not stat.S_ISREG(opened.st_mode):  # swapped between the check and the open
            raise UnsafeFile(f"is {kind_of(opened.st_mode)}, not a file")
        chunks: list[bytes] = []
        remaining = limit + 1
        while remaining > 0:
            try:
                chunk = os.read(descriptor, min(remaining, 1 << 20))
            except BlockingIOError:
                raise UnsafeFile("would block on reading: not an ordinary file") from None
            except OSError as err:
                raise UnsafeFile(_os_reason(err)) from None
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
    finally:
        os.close(descriptor)
    data = b"".join(chunks)
    if len(data) > limit:
        raise UnsafeFile(f"is more than {limit:,} bytes (the limit)", too_large=True)
    return data


def is_hidden(relative: Path) -> bool:
    """Does any part of a relative path start with a dot ('.ssh/id_rsa', '.env', '..')?"""
    return any(part.startswith(".") for part in relative.parts)


def read_text_or_none(path: str | os.PathLike, limit: int) -> str | None:
    """The UTF-8 text of a regular file of at most `limit` bytes, or None (for quick looks at a
    file that the loader reads properly, with its reasons: the watcher, a cache key, a listing)."""
    try:
        return read_bytes(path, limit).decode("utf-8-sig")
    except (UnsafeFile, UnicodeDecodeError):
        return None
