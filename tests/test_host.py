"""`foggymountain host`: the game over SSH.

Three depths. Plain unit tests of the pieces (player names, the rate limit, the game's
environment, the host key). In-process tests: the real asyncssh server on 127.0.0.1 with an
asyncssh client, each player's game replaced by a small stand-in that reports its terminal (size,
TERM, window changes), so refusals, limits and the pty are checked in seconds. End to end (marked
e2e, needs tmux and the OpenSSH client): the installed `foggymountain host`, two players with the
real `ssh` in tmux walking a level, then `board` and `report` listing both; a command, a port
forward and a player beyond --max-players refused.
"""

from __future__ import annotations

import asyncio
import io
import os
import shlex
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import asyncssh
import pytest

from foggymountain.host import (Host, HostSettings, RateLimiter, child_environment, load_or_create_host_key,
                                password_for, player_name)

# ---- pieces -------------------------------------------------------------------------------------


def test_user_names_become_player_names_as_serve_accepts_them():
    assert player_name("ana") == "ana"
    assert player_name(" Ada Lovelace ") == "Ada Lovelace"
    assert player_name("Zoe\u0301") == "Zoé"  # NFC: one name however the keyboard spelled it
    for bad in ("", "../etc", "ana\x1b[2J", "a" * 41, "-rf", "root;ls"):
        assert player_name(bad) is None, bad


def test_rate_limit_lets_a_room_in_and_slows_a_loop():
    now = [0.0]
    limiter = RateLimiter(3, clock=lambda: now[0])
    assert [limiter.allow("10.0.0.1") for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("10.0.0.2")  # per address
    now[0] += 20.0  # a token back every 60/3 seconds
    assert limiter.allow("10.0.0.1") and not limiter.allow("10.0.0.1")


def test_the_game_gets_the_clients_terminal_not_the_hosts():
    base = {"PATH": "/bin", "TERM": "screen", "COLORTERM": "truecolor", "SSH_AUTH_SOCK": "/x", "TMUX": "t", "LINES": "9"}
    env = child_environment(base, "xterm-kitty", {"COLORTERM": "24bit", "LD_PRELOAD": "/evil.so"})
    assert env["TERM"] == "xterm-kitty" and env["COLORTERM"] == "24bit" and env["PATH"] == "/bin"
    assert not {"SSH_AUTH_SOCK", "TMUX", "LINES", "LD_PRELOAD"} & set(env)
    plain = child_environment(base, "vt100; rm -rf /", {})
    assert plain["TERM"] == "xterm-256color" and "COLORTERM" not in plain


def test_off_loopback_needs_a_password_unless_open():
    assert password_for("127.0.0.1", None, False) == (None, False)
    assert password_for("::1", None, False) == (None, False)
    word, generated = password_for("0.0.0.0", None, False)
    assert generated and len(word) == 14 and word.count("-") == 2
    assert password_for("0.0.0.0", None, True) == (None, False)
    assert password_for("192.168.1.5", "fog", False) == ("fog", False)


def test_the_host_key_is_made_once_and_kept_private(tmp_path):
    path = tmp_path / "data" / "host" / "key"
    key, created = load_or_create_host_key(path)
    assert created and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    again, created_again = load_or_create_host_key(path)
    assert not created_again and again.get_fingerprint() == key.get_fingerprint()
    path.chmod(0o644)
    load_or_create_host_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_an_unreadable_host_key_is_a_message_not_a_traceback(tmp_path, capsys):
    from foggymountain.cli import main

    bad = tmp_path / "key"
    bad.write_text("not a key")
    assert main(["host", "--host-key", str(bad), "--port", "0"]) == 1
    err = capsys.readouterr().err
    assert f"{bad}: cannot read the host key" in err and "hint:" in err and "Traceback" not in err


# ---- the server, in process, with asyncssh clients ----------------------------------------------

STAND_IN = r"""
import fcntl, os, signal, struct, sys, termios
def size():
    rows, cols, _, _ = struct.unpack("HHHH", fcntl.ioctl(0, termios.TIOCGWINSZ, b"\0" * 8))
    return f"{cols}x{rows}"
signal.signal(signal.SIGWINCH, lambda *a: print(f"resized {size()}", flush=True))  # before hello: no resize lost
print(f"hello {sys.argv[1]} TERM={os.environ.get('TERM')} COLORTERM={os.environ.get('COLORTERM', '-')} "
      f"size={size()} tty={os.isatty(0)} ctty={os.tcgetpgrp(0) == os.getpgrp()}", flush=True)
for line in sys.stdin:
    if line.strip() == "quit":
        break
    print("got", line.strip(), flush=True)
"""


def stand_in(settings, player):
    return [sys.executable, "-c", STAND_IN, player]


@pytest.fixture
async def host(tmp_path):
    settings = HostSettings(port=0, host_key=tmp_path / "host_key", max_players=2, idle_seconds=60)
    server = Host(settings, out=io.StringIO(), game=stand_in)
    await server.start()
    try:
        yield server
    finally:
        await server.close()


async def connect(server: Host, user: str = "ana", **options):
    return await asyncssh.connect("127.0.0.1", port=server.port, username=user, known_hosts=None,
                                  client_keys=None, agent_path=None, **options)


async def read_until(process, text: str, timeout: float = 20.0) -> str:
    seen = ""
    deadline = time.monotonic() + timeout
    while text not in seen:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"{text!r} never came; got {seen!r}")
        chunk = await asyncio.wait_for(process.stdout.read(4096), left)
        if not chunk:
            raise AssertionError(f"the channel closed before {text!r}; got {seen!r}")
        seen += chunk
    return seen


async def test_each_player_gets_a_game_in_a_pty_sized_to_their_window(host):
    async with await connect(host) as conn:
        process = await conn.create_process(term_type="xterm-256color", term_size=(100, 30),
                                            env={"COLORTERM": "truecolor"})
        hello = await read_until(process, "ctty=")
        if "\n" not in hello.split("ctty=")[1]:
            hello += await read_until(process, "\n")
        assert "hello ana TERM=xterm-256color COLORTERM=truecolor size=100x30 tty=True ctty=True" in hello
        process.change_terminal_size(132, 43)
        await read_until(process, "resized 132x43")
        process.stdin.write("north\n")
        await read_until(process, "got north")
        process.stdin.write("quit\n")
        await asyncio.wait_for(process.wait_closed(), 10)
        assert process.exit_status == 0
    log = host.out.getvalue()
    assert "join  ana from 127.0.0.1 (1 of 2 playing)" in log
    await _until(lambda: "leave ana" in host.out.getvalue())


async def _until(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def test_a_huge_window_is_clamped(host):
    async with await connect(host) as conn:
        process = await conn.create_process(term_type="xterm", term_size=(65535, 65535))
        assert "size=1000x500" in await read_until(process, "ctty=")
        process.change_terminal_size(0, 0)
        await read_until(process, "resized 1x1")


async def test_a_command_gets_one_line_and_the_channel_closes(host):
    async with await connect(host) as conn:
        result = await asyncio.wait_for(conn.run("cat /etc/passwd"), 10)
    assert result.exit_status == 1 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "only the game" in result.stderr
    assert "refused command 'cat /etc/passwd' from ana" in host.out.getvalue()


async def test_no_terminal_no_game(host):
    async with await connect(host) as conn:
        result = await asyncio.wait_for(conn.run(), 10)
    assert result.exit_status == 1 and "needs a terminal" in result.stderr


async def test_sftp_and_port_forwards_are_refused(host):
    target = socket.create_server(("127.0.0.1", 0))
    target.settimeout(0.5)
    try:
        async with await connect(host) as conn:
            with pytest.raises(asyncssh.Error):
                await conn.start_sftp_client()
            with pytest.raises(asyncssh.ChannelOpenError):
                await conn.open_connection("127.0.0.1", target.getsockname()[1])
            with pytest.raises(asyncssh.ChannelListenError):
                await conn.forward_remote_port("127.0.0.1", 0, "127.0.0.1", 9)
        with pytest.raises(socket.timeout):
            target.accept()  # nothing ever reached it
    finally:
        target.close()
    log = host.out.getvalue()
    assert "refused subsystem 'sftp'" in log and "refused a port forward (-L)" in log and "remote forward (-R)" in log


async def test_a_user_name_that_is_no_player_name_is_told_why(host):
    async with await connect(host, user="../root") as conn:
        process = await conn.create_process(term_type="xterm", term_size=(80, 24))
        await asyncio.wait_for(process.wait_closed(), 10)
        assert process.exit_status == 1
        assert "user name is your player name" in await process.stderr.read()


async def test_players_beyond_the_limit_are_refused_with_a_message(host):
    conns = [await connect(host, user) for user in ("ana", "bob", "cy")]
    try:
        playing = [await c.create_process(term_type="xterm", term_size=(80, 24)) for c in conns[:2]]
        for process in playing:
            await read_until(process, "hello")
        extra = await conns[2].create_process(term_type="xterm", term_size=(80, 24))
        await asyncio.wait_for(extra.wait_closed(), 10)
        assert extra.exit_status == 1 and "full (2 players)" in await extra.stderr.read()
        assert "refused cy (127.0.0.1): full (2 playing)" in host.out.getvalue()
        # one leaves: there is room again
        playing[0].stdin.write("quit\n")
        await asyncio.wait_for(playing[0].wait_closed(), 10)
        await _until(lambda: len(host.games) == 1)
        async with await connect(host, "cy") as late:
            process = await late.create_process(term_type="xterm", term_size=(80, 24))
            await read_until(process, "hello cy")
    finally:
        for conn in conns:
            conn.close()


async def test_an_idle_game_ends_with_a_message(tmp_path):
    settings = HostSettings(port=0, host_key=tmp_path / "host_key", idle_seconds=0.6)
    server = Host(settings, out=io.StringIO(), game=stand_in)
    await server.start()
    try:
        async with await connect(server) as conn:
            process = await conn.create_process(term_type="xterm", term_size=(80, 24))
            seen = await read_until(process, "connect again")
            assert "No key pressed" in seen and "progress is kept" in seen
            assert "\x1b[?1049l" in seen  # the client's terminal leaves the game's screen
            await asyncio.wait_for(process.wait_closed(), 10)
        await _until(lambda: not server.games)
        assert "idle  ana" in server.out.getvalue()
    finally:
        await server.close()


async def test_passwords_and_the_rate_limit(tmp_path):
    settings = HostSettings(port=0, host_key=tmp_path / "host_key", password="fog-path", attempts_per_minute=3)
    server = Host(settings, out=io.StringIO(), game=stand_in)
    await server.start()
    try:
        with pytest.raises(asyncssh.PermissionDenied):
            await connect(server, password="guess")
        async with await connect(server, password="fog-path") as conn:
            result = await conn.run("id")
            assert result.exit_status == 1
        with pytest.raises(asyncssh.DisconnectError, match="Too many connection attempts"):
            await connect(server, password="fog-path")
        assert "wrong password for 'ana'" in server.out.getvalue()
        assert "too many connection attempts" in server.out.getvalue()
    finally:
        await server.close()


# ---- end to end: the installed command, the real OpenSSH client, tmux ----------------------------

from test_e2e import FIRST, GAME, SSH, TMUX, Tmux, free_port, isolated  # noqa: E402

needs_openssh = pytest.mark.skipif(not (TMUX and GAME and SSH), reason="needs tmux, the OpenSSH client and the installed command")
SSH_OPTIONS = ("-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR "
               "-o ConnectTimeout=10 -o BatchMode=yes -F /dev/null")


class RunningHost:
    """`foggymountain host` as a process on 127.0.0.1, its stdout kept for the join/leave lines."""

    def __init__(self, folder: Path, *options: str) -> None:
        self.port = free_port()
        self.log = folder / "host.log"
        self.env = {**os.environ, **isolated(folder)}
        self.process = subprocess.Popen([GAME, "host", "--port", str(self.port), *options], cwd=folder,
                                        stdout=self.log.open("w"), stderr=subprocess.STDOUT, env=self.env)
        deadline = time.monotonic() + 30
        while "Ctrl+C stops" not in self.log.read_text():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"host did not start:\n{self.log.read_text()}")
            time.sleep(0.1)

    def ssh(self, user: str, extra: str = "") -> str:
        return f"{shlex.quote(SSH)} {SSH_OPTIONS} -p {self.port} {extra} {shlex.quote(user)}@127.0.0.1"

    def text(self) -> str:
        return self.log.read_text()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def _level_folder(tmp_path: Path) -> Path:
    levels = tmp_path / "workshop"
    levels.mkdir()
    (levels / "01-ssh-valley.toml").write_text(FIRST.replace("Tmux Valley", "Ssh Valley"))
    return levels


def _hike(tmux: Tmux) -> None:
    tmux.wait_for("Ssh Valley", timeout=90)  # the level select
    tmux.keys("Enter")
    tmux.wait_for("Firstbriefing", timeout=30)
    tmux.keys("Enter")
    tmux.wait_for("step 0 of 12", timeout=30)
    for number in range(1, 4):
        tmux.keys("Enter")
        tmux.wait_for(f"step {number} of 12", timeout=30)
    tmux.keys("c")
    tmux.wait_for("Retry", timeout=90)  # the reveal: the result is being written


@pytest.mark.e2e
@needs_openssh
def test_two_players_over_openssh_then_board_and_report(tmp_path):
    levels = _level_folder(tmp_path)
    results = tmp_path / "results"
    host = RunningHost(tmp_path, "--levels", str(levels), "--results", str(results))
    players: list[Tmux] = []
    board = None
    try:
        for name in ("ana", "bob"):
            folder = tmp_path / name
            folder.mkdir()
            players.append(Tmux(folder, host.ssh(name), {"TERM": "xterm-256color"}))
        for tmux in players:
            _hike(tmux)
        deadline = time.monotonic() + 30
        while len(list(results.glob("*.json"))) < 2:
            assert time.monotonic() < deadline, f"results: {list(results.iterdir())}"
            time.sleep(0.2)
        log = host.text()
        assert "join  ana from 127.0.0.1" in log and "join  bob from 127.0.0.1" in log
        deadline = time.monotonic() + 40
        while "leave ana" not in host.text():  # q: back to the level select, q again: quit the game
            assert time.monotonic() < deadline, host.text() + players[0].screen()
            players[0].keys("q")
            time.sleep(2)

        report = subprocess.run([GAME, "report", str(results)], capture_output=True, text=True, timeout=60,
                                env=host.env, cwd=tmp_path)
        assert report.returncode == 0 and "ana" in report.stdout and "bob" in report.stdout, report.stdout

        board_folder = tmp_path / "board"
        board_folder.mkdir()
        board = Tmux(board_folder, f"{shlex.quote(GAME)} board {shlex.quote(str(results))} --levels {shlex.quote(str(levels))}",
                     isolated(tmp_path))
        screen = board.wait_for("2 players", timeout=60)
        assert "ana" in screen and "bob" in screen
        board.keys("Down")
        screen = board.wait_for("Ssh Valley   (t: class trails)", timeout=20)
        assert "ana" in screen and "bob" in screen
        board.keys("t")
        screen = board.wait_for("2 trails", timeout=30)  # both walks on the revealed curve
        assert "Class trails" in screen and "ana" in screen and "bob" in screen
    finally:
        for tmux in players + ([board] if board else []):
            tmux.close()
        host.stop()
    assert "leave bob" in host.text()  # every game ended with the host


@pytest.mark.e2e
@needs_openssh
def test_openssh_commands_forwards_and_extra_players_are_refused(tmp_path):
    levels = _level_folder(tmp_path)
    host = RunningHost(tmp_path, "--levels", str(levels), "--max-players", "1")
    tmux = forward = None
    target = socket.create_server(("127.0.0.1", 0))
    target.settimeout(1.0)
    try:
        command = subprocess.run(shlex.split(host.ssh("ana")) + ["cat /etc/passwd"], capture_output=True, text=True,
                                 timeout=60)
        assert command.returncode == 1 and "root:" not in command.stdout
        assert "serves only the game" in command.stderr

        local = free_port()
        forward = subprocess.Popen(shlex.split(host.ssh("ana", f"-N -L {local}:127.0.0.1:{target.getsockname()[1]}")),
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 30
        while True:
            try:
                client = socket.create_connection(("127.0.0.1", local), timeout=2)
                break
            except OSError:
                assert time.monotonic() < deadline and forward.poll() is None, "ssh -L did not listen"
                time.sleep(0.2)
        with client:
            client.settimeout(10)
            assert client.recv(100) == b""  # the forward was refused: the local end is closed
        with pytest.raises(socket.timeout):
            target.accept()
        forward.terminate()
        forward.wait(timeout=10)
        assert "refused a port forward (-L)" in host.text()

        tmux = Tmux(tmp_path, host.ssh("ana"), {"TERM": "xterm-256color"})
        tmux.wait_for("Ssh Valley", timeout=90)
        extra = subprocess.run(shlex.split(host.ssh("bob", "-tt")), capture_output=True, text=True, timeout=60,
                               stdin=subprocess.DEVNULL)
        assert extra.returncode == 1 and "workshop is full" in extra.stdout + extra.stderr
        assert "refused bob (127.0.0.1): full" in host.text()
    finally:
        target.close()
        if forward is not None and forward.poll() is None:
            forward.kill()
            forward.wait(timeout=10)
        if tmux is not None:
            tmux.close()
        host.stop()
