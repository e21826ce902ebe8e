"""A program in a pseudo-terminal, watched byte by byte: what a player's terminal receives, and when.

`Terminal(argv)` forks the program onto a new pty of a fixed size (TERM=xterm-256color), reads
everything it writes on a background thread with a timestamp per chunk, and can type keys, wait
for text to appear (escape sequences stripped), wait for the output to go quiet, and read the
process's CPU time and resident memory from /proc. Linux only (pty, /proc).
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import termios
import threading
import time

# CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), other two-byte escapes, and DCS/APC strings.
_ESCAPES = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[PX^_][^\x1b]*\x1b\\|\x1b[@-Z\\-_]|\x1b[()][0-9A-Za-z]")

KEYS = {
    "enter": b"\r",
    "escape": b"\x1b",
    "up": b"\x1b[A",
    "down": b"\x1b[B",
    "right": b"\x1b[C",
    "left": b"\x1b[D",
    "backspace": b"\x7f",
    "tab": b"\t",
}


def plain(raw: bytes) -> str:
    """The text of terminal output with escape sequences removed."""
    return _ESCAPES.sub(b"", raw).decode("utf-8", "replace")


def _set_size(fd: int, columns: int, rows: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))


class Terminal:
    def __init__(self, argv: list[str], *, columns: int = 80, rows: int = 24, env: dict | None = None,
                 cwd: str | None = None) -> None:
        environment = dict(os.environ if env is None else env)
        environment.update({"TERM": "xterm-256color", "COLUMNS": str(columns), "LINES": str(rows)})
        environment.pop("TEXTUAL", None)  # no devtools
        self.started = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:  # the child: size its own terminal before the program can ask
            try:
                _set_size(0, columns, rows)
                if cwd:
                    os.chdir(cwd)
                os.execvpe(argv[0], argv, environment)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        self.columns, self.rows = columns, rows
        self._chunks: list[tuple[float, bytes]] = []
        self._lock = threading.Condition()
        self._closed = False
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    # ---- output

    def _read(self) -> None:
        while True:
            try:
                ready, _, _ = select.select([self.fd], [], [], 0.5)
                if not ready:
                    if self._exited():
                        break
                    continue
                data = os.read(self.fd, 65536)
            except OSError:
                break
            if not data:
                break
            with self._lock:
                self._chunks.append((time.perf_counter(), data))
                self._lock.notify_all()
        with self._lock:
            self._closed = True
            self._lock.notify_all()

    def _exited(self) -> bool:
        try:
            done, _ = os.waitpid(self.pid, os.WNOHANG)
        except ChildProcessError:
            return True
        if done:
            self.pid = -1
        return bool(done)

    @property
    def mark(self) -> int:
        """A bookmark in the output: pass it to `since`, `wait_for`, `wait_quiet`."""
        with self._lock:
            return len(self._chunks)

    def since(self, mark: int) -> list[tuple[float, bytes]]:
        with self._lock:
            return list(self._chunks[mark:])

    def output(self, mark: int = 0) -> bytes:
        return b"".join(data for _, data in self.since(mark))

    def text(self, mark: int = 0) -> str:
        return plain(self.output(mark))

    def wait_for(self, needle: str | re.Pattern, mark: int = 0, timeout: float = 10.0) -> float | None:
        """Wait until `needle` appears in the plain text written since `mark`; return the time the
        chunk that completed it arrived (perf_counter), or None on timeout."""
        deadline = time.perf_counter() + timeout
        seen = b""
        index = mark
        while True:
            with self._lock:
                while index >= len(self._chunks) and not self._closed:
                    left = deadline - time.perf_counter()
                    if left <= 0:
                        return None
                    self._lock.wait(left)
                fresh = self._chunks[index:]
                index = len(self._chunks)
                closed = self._closed
            for stamp, data in fresh:
                seen += data
                text = plain(seen)
                if (needle.search(text) if isinstance(needle, re.Pattern) else needle in text):
                    return stamp
            if closed or time.perf_counter() > deadline:
                return None

    def wait_quiet(self, mark: int, quiet: float = 0.25, timeout: float = 10.0) -> tuple[float | None, int]:
        """Wait until nothing has been written for `quiet` seconds. Returns (time of the last chunk
        after `mark`, or None if nothing came; bytes written since `mark`)."""
        deadline = time.perf_counter() + timeout
        while True:
            with self._lock:
                last = self._chunks[-1][0] if len(self._chunks) > mark else None
                now = time.perf_counter()
                anchor = last if last is not None else now
                if (last is not None and now - last >= quiet) or now >= deadline or self._closed:
                    return last, sum(len(d) for _, d in self._chunks[mark:])
                self._lock.wait(max(0.005, min(quiet - (now - anchor) if last else quiet, deadline - now)))

    # ---- input

    def press(self, *keys: str) -> float:
        """Type keys (names from KEYS, or literal text). Returns when the last byte was written."""
        for key in keys:
            os.write(self.fd, KEYS.get(key, key.encode()))
        return time.perf_counter()

    def resize(self, columns: int, rows: int) -> None:
        _set_size(self.fd, columns, rows)
        self.columns, self.rows = columns, rows
        if self.pid > 0:
            os.kill(self.pid, signal.SIGWINCH)

    # ---- the process

    def cpu_seconds(self) -> float:
        """User + system CPU time of the process so far."""
        fields = open(f"/proc/{self.pid}/stat").read().rsplit(")", 1)[1].split()
        ticks = os.sysconf("SC_CLK_TCK")
        return (int(fields[11]) + int(fields[12])) / ticks

    def rss_mb(self) -> float:
        for line in open(f"/proc/{self.pid}/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def alive(self) -> bool:
        return self.pid > 0 and not self._exited()

    def close(self, timeout: float = 3.0) -> None:
        """End the program: SIGTERM, then SIGKILL if it lingers."""
        if self.pid > 0:
            for sig in (signal.SIGTERM, signal.SIGKILL):
                try:
                    os.kill(self.pid, sig)
                except ProcessLookupError:
                    break
                deadline = time.perf_counter() + timeout
                while time.perf_counter() < deadline:
                    if self._exited():
                        break
                    time.sleep(0.02)
                if self.pid <= 0:
                    break
        self._reader.join(timeout=1.0)
        try:
            os.close(self.fd)
        except OSError:
            pass

    def __enter__(self) -> Terminal:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
