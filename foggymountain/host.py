"""`foggymountain host`: the game over SSH for a workshop room, on asyncssh (never our own SSH).

A participant runs a stock OpenSSH client, `ssh -p 2222 ana@HOST`; the user name is the player
name. Each connection gets one session: its own `foggymountain play --player NAME` process in a
pseudo-terminal sized to the client's window (window changes are passed on with TIOCSWINSZ, and the
kernel tells the game with SIGWINCH), with the client's TERM (and COLORTERM, when it sends it).

Nothing but the game is served: a command (`ssh host cat /etc/passwd`) gets a one-line message and
the channel closes; subsystems (SFTP, and so SCP), port forwarding of either direction, agent and
X11 forwarding are all refused. Every join, leave and refusal is one line on the host's stdout.

Flow control both ways: the game's output is read only while the SSH channel can take more
(`pause_writing`/`resume_writing`), and a player's input waits in a buffer while the game is not
reading (the channel stops reading too), so one stuck game never blocks the others.
"""

from __future__ import annotations

import asyncio
import errno
import fcntl
import hmac
import ipaddress
import os
import secrets
import signal
import struct
import sys
import termios
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import asyncssh

from foggymountain.commands.serve import normal_name, valid_player

DEFAULT_PORT = 2222
READ_CHUNK = 65536
MAX_PENDING_INPUT = 1 << 16  # bytes of a player's input kept while the game is not reading
HANGUP_GRACE = 3.0  # seconds between SIGHUP and SIGKILL when a game must end
MAX_PASSWORD_FAILURES = 3  # per connection, then it is closed
MAX_COLUMNS, MAX_ROWS = 1000, 500  # the largest window a game is given
SPARE_CONNECTIONS = 10  # connections beyond --max-players (people reading the "full" message, ...)
TERM_NAME_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.+-_")
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read off a projector

# What a game killed mid-screen leaves behind in the client's terminal, undone: leave the
# alternate screen, show the cursor, stop mouse reports and bracketed paste, reset colours.
TERMINAL_RESET = b"\x1b[?1049l\x1b[?25h\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?1015l\x1b[?2004l\x1b[0m\r\n"


@dataclass
class HostSettings:
    bind: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    levels: Path | None = None
    results: Path | None = None
    max_players: int = 40
    idle_seconds: float = 20 * 60
    password: str | None = None
    attempts_per_minute: int = 60
    host_key: Path | None = None  # default: the user's data folder


# ---- small pieces with no SSH in them ---------------------------------------------------------


def player_name(user_name: str) -> str | None:
    """The player name an SSH user name stands for (NFKC, outer spaces dropped), or None when it is
    not one `serve` would accept either (letters, digits, spaces, . ' - _; at most 40)."""
    name = normal_name(user_name).strip()  # NFKC: full-width look-alikes are the same player
    return name if valid_player(name) else None


def is_loopback(address: str) -> bool:
    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def generated_password(groups: int = 3, size: int = 4) -> str:
    """A password to read off a projector: 'k7mq-2xfp-9wzr' (about 59 bits)."""
    return "-".join("".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(size)) for _ in range(groups))


def password_for(bind: str, given: str | None, open_: bool) -> tuple[str | None, bool]:
    """The password players need, and whether we made it up: none on loopback or with --open,
    else the given one, else a generated one."""
    if given is not None:
        return given, False
    if open_ or is_loopback(bind):
        return None, False
    return generated_password(), True


def printable(text: str, limit: int = 80) -> str:
    """A client's text for the host's log: no escape sequences, one line, bounded."""
    cleaned = "".join(ch if ch.isprintable() else "?" for ch in text)
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


def default_host_key_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("foggymountain", appauthor=False)) / "host" / "ssh_host_ed25519_key"


def load_or_create_host_key(path: Path) -> tuple[asyncssh.SSHKey, bool]:
    """The host key at `path`, generated (ed25519, mode 0600, folder 0700) the first time.
    Returns (key, created). A key file others can read is made private again."""
    path = Path(path)
    if path.exists():
        if path.stat().st_mode & 0o077:
            os.chmod(path, 0o600)
        return asyncssh.read_private_key(str(path)), False
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = asyncssh.generate_private_key("ssh-ed25519", comment="foggymountain host")
    data = key.export_private_key()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)
    return key, True


class RateLimiter:
    """Connection attempts per address: a bucket of `per_minute` tokens refilled evenly over a
    minute, so a room joining at once is fine and a password-guessing loop is slowed to a crawl."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = max(int(per_minute), 1)
        self.refill = self.capacity / 60.0
        self.clock = clock
        self.buckets: dict[str, tuple[float, float]] = {}

    def allow(self, address: str) -> bool:
        now = self.clock()
        tokens, then = self.buckets.get(address, (float(self.capacity), now))
        tokens = min(self.capacity, tokens + (now - then) * self.refill)
        allowed = tokens >= 1
        self.buckets[address] = (tokens - 1 if allowed else tokens, now)
        if len(self.buckets) > 10_000:  # forget full buckets: they are the default
            self.buckets = {a: b for a, b in self.buckets.items() if b[0] < self.capacity - 1}
        return allowed


def child_environment(base: dict[str, str], term: str | None, client: dict[str, str]) -> dict[str, str]:
    """The game's environment: the host's, minus what describes the host's own terminal, plus the
    client's TERM (when it is a plausible terminal name) and its COLORTERM/NO_COLOR if it sent them."""
    dropped = ("SSH_", "COLORTERM", "LINES", "COLUMNS", "TMUX", "STY", "TERM_PROGRAM", "WINDOWID", "NO_COLOR")
    env = {k: v for k, v in base.items() if not k.startswith(dropped)}
    env["TERM"] = term if term and len(term) <= 64 and set(term) <= TERM_NAME_CHARS else "xterm-256color"
    if client.get("COLORTERM") in ("truecolor", "24bit"):
        env["COLORTERM"] = client["COLORTERM"]
    if "NO_COLOR" in client:
        env["NO_COLOR"] = "1"
    env.setdefault("LANG", "C.UTF-8")
    return env


def play_argv(settings: HostSettings, player: str) -> list[str]:
    argv = [sys.executable, "-m", "foggymountain", "play", "--player", player]
    if settings.levels is not None:
        argv += ["--levels", str(Path(settings.levels).resolve())]
    if settings.results is not None:
        argv += ["--results", str(Path(settings.results).resolve())]
    return argv


def set_window_size(fd: int, columns: int, rows: int, pixel_width: int = 0, pixel_height: int = 0) -> None:
    """Size a pty; a client's claim is clamped (a 65535x65535 window would have the game allocate
    a screen of four billion cells)."""
    columns, rows = min(max(int(columns), 1), MAX_COLUMNS), min(max(int(rows), 1), MAX_ROWS)
    pixel_width, pixel_height = min(max(int(pixel_width), 0), 65535), min(max(int(pixel_height), 0), 65535)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, pixel_width, pixel_height))


def _take_terminal() -> None:  # in the child, after setsid: the pty becomes its controlling terminal
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def _duration(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds), 60)
    return f"{minutes}m{seconds:02d}s" if minutes else f"{seconds}s"


# ---- the server -------------------------------------------------------------------------------


class Host:
    """The listening server, the games in progress, and the log."""

    def __init__(self, settings: HostSettings, out=None, game: Callable[[HostSettings, str], list[str]] = play_argv) -> None:
        self.settings = settings
        self.out = out if out is not None else sys.stdout
        self.game = game  # the command line of one player's game (tests run a small stand-in)
        self.limiter = RateLimiter(settings.attempts_per_minute)
        self.games: set[GameSession] = set()
        self.connections: set[Connection] = set()
        self.listener: asyncssh.SSHAcceptor | None = None
        self.key: asyncssh.SSHKey | None = None
        self.key_path = Path(settings.host_key) if settings.host_key else default_host_key_path()

    def log(self, text: str) -> None:
        print(f"{time.strftime('%H:%M:%S')} {text}", file=self.out, flush=True)

    def load_key(self) -> None:
        """Read the host key (made the first time); OSError or ValueError when it cannot be."""
        self.key, _ = load_or_create_host_key(self.key_path)

    async def start(self) -> None:
        if self.key is None:
            self.load_key()
        self.listener = await asyncssh.create_server(
            lambda: Connection(self), self.settings.bind, self.settings.port,
            server_host_keys=[self.key],
            encoding=None,  # bytes both ways: the pty speaks bytes
            line_editor=False,  # the game reads raw keys
            agent_forwarding=False, x11_forwarding=False, allow_scp=False, sftp_factory=None,
            login_timeout=60, keepalive_interval=30,
            server_version="FoggyMountain",
        )

    @property
    def port(self) -> int:
        assert self.listener is not None
        return self.listener.get_port()

    @property
    def fingerprint(self) -> str:
        assert self.key is not None
        return self.key.get_fingerprint("sha256")

    async def close(self) -> None:
        if self.listener is not None:
            self.listener.close()
        for game in list(self.games):
            game.end("The host closed the workshop. Thank you for playing!")
        for connection in list(self.connections):
            connection.close()
        deadline = time.monotonic() + HANGUP_GRACE + 1
        while self.games and time.monotonic() < deadline:
            await asyncio.sleep(0.05)


class Connection(asyncssh.SSHServer):
    """One client connection: who it is, its password tries, its one game, its idle clock."""

    def __init__(self, host: Host) -> None:
        self.host = host
        self.conn: asyncssh.SSHServerConnection | None = None
        self.address = "?"
        self.user = ""
        self.player: str | None = None
        self.game: GameSession | None = None
        self.limited = False
        self.failures = 0
        self.last_input = time.monotonic()
        self.idle_timer: asyncio.TimerHandle | None = None

    # -- lifetime

    def connection_made(self, conn) -> None:
        self.conn = conn
        peer = conn.get_extra_info("peername")
        self.address = str(peer[0]) if peer else "?"
        self.limited = not self.host.limiter.allow(self.address)
        self.host.connections.add(self)
        self._schedule_idle_check(self.host.settings.idle_seconds)

    def connection_lost(self, exc) -> None:
        self.host.connections.discard(self)
        if self.idle_timer is not None:
            self.idle_timer.cancel()
        if self.game is not None:
            self.game.end(None)

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()

    def touch(self) -> None:
        self.last_input = time.monotonic()

    def _schedule_idle_check(self, delay: float) -> None:
        self.idle_timer = asyncio.get_running_loop().call_later(max(delay, 0.05), self._check_idle)

    def _check_idle(self) -> None:
        idle = time.monotonic() - self.last_input
        limit = self.host.settings.idle_seconds
        if idle < limit:
            self._schedule_idle_check(limit - idle)
            return
        who = self.player or printable(self.user) or "a client"
        self.host.log(f"idle  {who} from {self.address}: no key for {_duration(idle)}, closing")
        minutes = f"{limit / 60:g} minute{'s' if limit != 60 else ''}" if limit >= 60 else f"{limit:g} seconds"
        if self.game is not None:
            self.game.end(f"No key pressed for {minutes}: the game has ended. Your progress is kept; connect again to go on.")
        else:
            self.close()

    # -- authentication

    def begin_auth(self, username: str) -> bool:
        self.user = username
        if self.limited:
            self.host.log(f"refused {self.address}: too many connection attempts")
            assert self.conn is not None
            self.conn.disconnect(asyncssh.DISC_TOO_MANY_CONNECTIONS,
                                 "Too many connection attempts from your address: wait a minute and try again.")
            return True
        if len(self.host.connections) > 2 * self.host.settings.max_players + SPARE_CONNECTIONS:
            self.host.log(f"refused {self.address}: {len(self.host.connections)} connections open")
            assert self.conn is not None
            self.conn.disconnect(asyncssh.DISC_TOO_MANY_CONNECTIONS, "Too many connections: try again in a minute.")
            return True
        self.player = player_name(username)
        return self.host.settings.password is not None

    def password_auth_supported(self) -> bool:
        return self.host.settings.password is not None

    def validate_password(self, username: str, password: str) -> bool:
        expected = self.host.settings.password or ""
        if hmac.compare_digest(password.encode("utf-8", "surrogateescape"), expected.encode("utf-8")):
            return True
        self.failures += 1
        self.host.log(f"wrong password for {printable(username)!r} from {self.address}")
        if self.failures >= MAX_PASSWORD_FAILURES or not self.host.limiter.allow(self.address):
            assert self.conn is not None
            self.conn.disconnect(asyncssh.DISC_NO_MORE_AUTH_METHODS_AVAILABLE, "Wrong password; ask the host for it.")
        return False

    # -- what a client may open: one game session, nothing else

    def session_requested(self):
        if self.game is not None:
            self.host.log(f"refused a second session on {self.describe()}")
            return False
        self.game = GameSession(self)
        return self.game

    def connection_requested(self, dest_host, dest_port, orig_host, orig_port):
        self.host.log(f"refused a port forward (-L) to {printable(str(dest_host))}:{dest_port} from {self.describe()}")
        return False

    def server_requested(self, listen_host, listen_port):
        self.host.log(f"refused a remote forward (-R) of port {listen_port} from {self.describe()}")
        return False

    def unix_connection_requested(self, dest_path):
        self.host.log(f"refused a socket forward from {self.describe()}")
        return False

    def unix_server_requested(self, listen_path):
        self.host.log(f"refused a remote socket forward from {self.describe()}")
        return False

    def describe(self) -> str:
        who = self.player or printable(self.user) or "?"
        return f"{who} ({self.address})"


class GameSession(asyncssh.SSHServerSession):
    """One player's game: a `foggymountain play` process on a pty, bytes both ways."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.host = connection.host
        self.chan = None
        self.term: str | None = None
        self.size = (80, 24, 0, 0)
        self.has_pty = False
        self.command: str | None = None
        self.process: asyncio.subprocess.Process | None = None
        self.master: int | None = None
        self.pending = bytearray()
        self.output_done = asyncio.Event()
        self.paused = False
        self.started_at = time.monotonic()
        self.ended = False
        self.counted = False

    # -- requests before the session starts

    def connection_made(self, chan) -> None:
        self.chan = chan

    def pty_requested(self, term_type, term_size, term_modes) -> bool:
        self.has_pty = True
        self.term = term_type
        self.size = tuple(term_size)
        return True

    def shell_requested(self) -> bool:
        return True

    def exec_requested(self, command) -> bool:
        self.command = command if isinstance(command, str) else bytes(command).decode("utf-8", "replace")
        return True  # accepted only to answer with a message; session_started refuses it

    def subsystem_requested(self, subsystem) -> bool:
        name = subsystem if isinstance(subsystem, str) else bytes(subsystem).decode("utf-8", "replace")
        self.host.log(f"refused subsystem {printable(name)!r} (sftp/scp) from {self.connection.describe()}")
        return False

    def break_received(self, msec) -> bool:
        return False

    # -- the session

    def session_started(self) -> None:
        connection, settings = self.connection, self.host.settings
        if self.command is not None:
            self.host.log(f"refused command {printable(self.command)!r} from {connection.describe()}")
            self._refuse("Foggy Mountain serves only the game here: connect without a command, "
                         f"ssh -p {self.host.port} NAME@HOST")
        elif connection.player is None:
            self.host.log(f"refused user name {printable(connection.user)!r} from {connection.address}")
            self._refuse("Your SSH user name is your player name: use letters, digits, spaces, . ' - and _ "
                         f"(at most 40), e.g. ssh -p {self.host.port} ana@HOST")
        elif not self.has_pty:
            self._refuse(f"Foggy Mountain needs a terminal: connect with ssh -t -p {self.host.port} NAME@HOST")
        elif len(self.host.games) >= settings.max_players:
            self.host.log(f"refused {connection.describe()}: full ({settings.max_players} playing)")
            self._refuse(f"The workshop is full ({settings.max_players} players). Try again in a few minutes.")
        else:
            self.host.games.add(self)
            self.counted = True
            self.host.log(f"join  {connection.player} from {connection.address} "
                          f"({len(self.host.games)} of {settings.max_players} playing)")
            asyncio.get_running_loop().create_task(self._run())

    def _refuse(self, message: str) -> None:
        self.chan.write_stderr((message + "\r\n").encode("utf-8"))
        self.chan.exit(1)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        master, slave = os.openpty()
        self.master = master
        try:
            columns, rows, pixel_width, pixel_height = self.size
            set_window_size(slave, columns or 80, rows or 24, pixel_width, pixel_height)
            os.set_blocking(master, False)
            env = child_environment(dict(os.environ), self.term, dict(self.chan.get_environment()))
            self.process = await asyncio.create_subprocess_exec(
                *self.host.game(self.host.settings, self.connection.player), stdin=slave, stdout=slave, stderr=slave,
                env=env, start_new_session=True, preexec_fn=_take_terminal, close_fds=True)
        except OSError as err:
            os.close(slave)
            self.host.log(f"could not start a game for {self.connection.describe()}: {err}")
            self.end("The host could not start the game; tell the host.")
            return
        os.close(slave)
        if self.ended:  # the player left while the game was starting
            self._hang_up()
        else:
            loop.add_reader(master, self._read_output)
        status = await self.process.wait()
        try:
            await asyncio.wait_for(self.output_done.wait(), 1.0)
        except asyncio.TimeoutError:
            pass  # something the game started still holds the pty: do not wait for it
        self._finish(status)

    # -- output: game -> client

    def _read_output(self) -> None:
        try:
            while not self.paused:
                data = os.read(self.master, READ_CHUNK)
                if not data:
                    raise OSError(errno.EIO, "end of output")
                self.chan.write(data)
        except BlockingIOError:
            return
        except OSError:  # EIO: every copy of the pty's other end is closed, the game has gone
            self._stop_reading()
            self.output_done.set()

    def _stop_reading(self) -> None:
        if self.master is not None:
            loop = asyncio.get_running_loop()
            loop.remove_reader(self.master)
            loop.remove_writer(self.master)

    def pause_writing(self) -> None:
        self.paused = True
        if self.master is not None and not self.output_done.is_set():
            asyncio.get_running_loop().remove_reader(self.master)

    def resume_writing(self) -> None:
        self.paused = False
        if self.master is not None and not self.output_done.is_set() and not self.ended:
            asyncio.get_running_loop().add_reader(self.master, self._read_output)

    # -- input: client -> game

    def data_received(self, data, datatype) -> None:
        self.connection.touch()
        if datatype is not None or self.master is None or self.ended:
            return
        if len(self.pending) + len(data) > MAX_PENDING_INPUT:
            return  # a paste far larger than any game needs: dropped, not buffered without end
        self.pending += data
        self._write_input()

    def _write_input(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while self.pending:
                written = os.write(self.master, self.pending)
                del self.pending[:written]
        except BlockingIOError:
            loop.add_writer(self.master, self._write_input)
            self.chan.pause_reading()
            return
        except OSError:
            self.pending.clear()
        loop.remove_writer(self.master)
        self.chan.resume_reading()

    def terminal_size_changed(self, width, height, pixwidth, pixheight) -> None:
        self.size = (width, height, pixwidth, pixheight)
        if self.master is not None and not self.ended:
            try:
                set_window_size(self.master, width, height, pixwidth, pixheight)
            except OSError:
                pass

    def eof_received(self) -> bool:
        return False

    def connection_lost(self, exc) -> None:
        self.end(None)

    # -- the end

    def end(self, message: str | None) -> None:
        """End the game (the player left, went idle, or the host is closing); `message` is shown to
        a client still connected."""
        if self.ended:
            return
        self.ended = True
        self._hang_up()
        if message is not None and self.chan is not None:
            try:
                self.chan.write(TERMINAL_RESET + message.encode("utf-8") + b"\r\n")
                self.chan.exit(0)
            except (OSError, asyncssh.Error, BrokenPipeError):
                pass
        if self.process is None:
            self._leave()

    def _hang_up(self) -> None:
        if self.process is None or self.process.returncode is not None:
            return
        self._stop_reading()
        pid = self.process.pid
        with _quietly():
            os.killpg(pid, signal.SIGHUP)
        asyncio.get_running_loop().call_later(HANGUP_GRACE, self._kill, pid)

    def _kill(self, pid: int) -> None:
        if self.process is not None and self.process.returncode is None:
            with _quietly():
                os.killpg(pid, signal.SIGKILL)

    def _finish(self, status: int) -> None:
        self._stop_reading()
        if self.master is not None:
            with _quietly():
                os.close(self.master)
            self.master = None
        if not self.ended:
            self.ended = True
            try:
                self.chan.exit(status if status >= 0 else 128 - status)
            except (OSError, asyncssh.Error):
                pass
        self._leave()

    def _leave(self) -> None:
        if self.counted:
            self.counted = False
            self.host.games.discard(self)
            self.host.log(f"leave {self.connection.player} from {self.connection.address} after "
                          f"{_duration(time.monotonic() - self.started_at)} ({len(self.host.games)} playing)")


class _quietly:
    """Ignore the process having gone already (ProcessLookupError, PermissionError, EBADF)."""

    def __enter__(self):
        return self

    def __exit__(self, kind, value, traceback):
        return kind is not None and issubclass(kind, OSError)
