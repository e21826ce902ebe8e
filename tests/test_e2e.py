"""End to end, in a real terminal: tmux runs the INSTALLED `foggymountain` at 80x24 and we read
the screen with capture-pane, as a player would see it. One test plays a whole level from the level
select to the next level's briefing; one plays over a real SSH connection to a throwaway OpenSSH
server on 127.0.0.1.

Skipped when tmux, the installed command, or (for SSH) sshd/ssh/ssh-keygen are missing; `.ci/run`
installs tmux and openssh-server. Every wait is bounded, and the tmux server and sshd are always
stopped. The game's progress goes to a temporary folder (XDG_* variables), never the user's own.
"""

from __future__ import annotations

import os
import shlex
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

TMUX = shutil.which("tmux")
GAME = shutil.which("foggymountain", path=str(Path(sys.executable).parent)) or shutil.which("foggymountain")
SSHD = next((p for p in ("/usr/sbin/sshd", shutil.which("sshd")) if p and os.path.exists(p)), None)
SSH = shutil.which("ssh")
KEYGEN = shutil.which("ssh-keygen")

needs_terminal = pytest.mark.skipif(not (TMUX and GAME), reason="needs tmux and the installed foggymountain command")
needs_ssh = pytest.mark.skipif(not (SSHD and SSH and KEYGEN), reason="needs an OpenSSH server and client")

FIRST = """\
title = "Tmux Valley"
chapter = "End to end"
briefing = "Firstbriefing: walk down the valley in the fog."

[landscape]
variables = ["x"]
height = "(x - 1)**2"
bounds = { x = [-4, 4] }
start = { x = -3 }

[hike]
budget = 12
stride = 0.5
seed = 1
"""

SECOND = """\
title = "Tmux Bowl"
chapter = "End to end"
briefing = "Secondbriefing: now the map has two directions."

[landscape]
variables = ["x", "y"]
height = "x**2 + 3*y**2"
bounds = { x = [-4, 4], y = [-4, 4] }
start = { x = -3, y = 2 }

[hike]
budget = 10
stride = 0.8
seed = 2
"""


class Tmux:
    """A private tmux server (its own socket) running one command in an 80x24 window."""

    def __init__(self, folder: Path, command: str, env: dict[str, str]) -> None:
        self.socket = str(folder / "tmux.sock")
        self.base = [TMUX, "-S", self.socket, "-f", "/dev/null"]
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        # remain-on-exit keeps a crashed game's last words on the screen for the failure message.
        subprocess.run(self.base + ["new-session", "-d", "-s", "e2e", "-x", "80", "-y", "24",
                                    f"env {exports} {command}"], check=True, timeout=10)
        subprocess.run(self.base + ["set-option", "-t", "e2e", "remain-on-exit", "on"], timeout=10)

    def screen(self) -> str:
        done = subprocess.run(self.base + ["capture-pane", "-p", "-t", "e2e"], capture_output=True, text=True,
                              timeout=10)
        return done.stdout

    def keys(self, *keys: str) -> None:
        subprocess.run(self.base + ["send-keys", "-t", "e2e", *keys], check=True, timeout=10)

    def wait_for(self, text: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} did not appear within {timeout} s; the screen:\n{screen}")

    def wait_gone(self, text: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text not in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} stayed on the screen for {timeout} s:\n{screen}")

    def close(self) -> None:
        subprocess.run(self.base + ["kill-server"], capture_output=True, timeout=10)


def isolated(folder: Path) -> dict[str, str]:
    env = {name: str(folder / name.lower()) for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME",
                                                             "XDG_CACHE_HOME")}
    env["TERM"] = "xterm-256color"
    return env


def campaign(folder: Path) -> Path:
    levels = folder / "levels"
    levels.mkdir()
    (levels / "01-tmux-valley.toml").write_text(FIRST)
    (levels / "02-tmux-bowl.toml").write_text(SECOND)
    return levels


def walk_a_few_steps(tmux: Tmux, budget: int, steps: int = 3) -> None:
    for number in range(1, steps + 1):
        tmux.keys("Enter")
        tmux.wait_for(f"step {number} of {budget}", timeout=20)


@needs_terminal
def test_a_whole_level_in_tmux(tmp_path):
    levels = campaign(tmp_path)
    tmux = Tmux(tmp_path, f"{shlex.quote(GAME)} play --player e2e {shlex.quote(str(levels))}", isolated(tmp_path))
    try:
        tmux.wait_for("Tmux Valley", timeout=60)  # the level select
        tmux.wait_for("Tmux Bowl")
        tmux.keys("Enter")
        tmux.wait_for("Firstbriefing")
        tmux.keys("Enter")
        screen = tmux.wait_for("step 0 of 12")
        assert "Firstbriefing" not in screen
        walk_a_few_steps(tmux, 12)
        tmux.keys("c")
        tmux.wait_for("predict, then reveal", timeout=30)  # the prediction: Enter skips it
        tmux.keys("Enter")
        screen = tmux.wait_for("Retry", timeout=60)  # the reveal (or its plain race table)
        lines = screen.splitlines()
        assert len(lines) <= 24 and all(len(line) <= 80 for line in lines), "the reveal overflows 80x24"
        tmux.keys("n")
        tmux.wait_for("Secondbriefing", timeout=30)
        tmux.keys("Enter")
        tmux.wait_for("step 0 of 10")
        walk_a_few_steps(tmux, 10, steps=2)
    finally:
        tmux.close()


# ---- over SSH ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, server: subprocess.Popen, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"sshd exited with {server.returncode}: {server.stderr.read()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("sshd did not listen in time")


def start_sshd(folder: Path) -> tuple[subprocess.Popen, int, Path]:
    """A throwaway OpenSSH server as the current user, loopback only, key login only."""
    keys = folder / "ssh"
    keys.mkdir(mode=0o700)
    for name in ("host_key", "user_key"):
        subprocess.run([KEYGEN, "-q", "-t", "ed25519", "-N", "", "-f", str(keys / name)], check=True, timeout=30)
    authorized = keys / "authorized_keys"
    shutil.copy(keys / "user_key.pub", authorized)
    authorized.chmod(0o600)
    port = free_port()
    config = keys / "sshd_config"
    config.write_text(
        f"Port {port}\n"
        "ListenAddress 127.0.0.1\n"
        f"HostKey {keys / 'host_key'}\n"
        f"PidFile {keys / 'sshd.pid'}\n"
        f"AuthorizedKeysFile {authorized}\n"
        "StrictModes no\n"
        "PubkeyAuthentication yes\n"
        "PasswordAuthentication no\n"
        "KbdInteractiveAuthentication no\n"
        "UsePAM no\n"
        "PermitRootLogin prohibit-password\n"
        "PermitTTY yes\n"
        "X11Forwarding no\n"
        "AllowTcpForwarding no\n"
        "PrintMotd no\n"
        "LogLevel ERROR\n"
    )
    if os.geteuid() == 0:
        os.makedirs("/run/sshd", mode=0o755, exist_ok=True)  # sshd's privilege-separation folder
    server = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)], stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
    try:
        wait_for_port(port, server)
    except RuntimeError as err:
        server.kill()
        server.wait(timeout=10)
        pytest.skip(f"could not start a throwaway sshd: {err}")
    return server, port, keys / "user_key"


@needs_terminal
@needs_ssh
def test_playing_over_ssh(tmp_path):
    level = tmp_path / "ssh-valley.toml"
    level.write_text(FIRST.replace("Tmux Valley", "Ssh Valley"))
    server, port, key = start_sshd(tmp_path)
    tmux = None
    try:
        remote_env = " ".join(f"{k}={shlex.quote(v)}" for k, v in isolated(tmp_path / "remote").items()
                              if k != "TERM")
        remote = f"env {remote_env} {shlex.quote(GAME)} play --player e2e {shlex.quote(str(level))}"
        ssh = (f"{shlex.quote(SSH)} -tt -F /dev/null -p {port} -i {shlex.quote(str(key))} "
               "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes "
               "-o IdentitiesOnly=yes -o ConnectTimeout=10 -o LogLevel=ERROR "
               f"127.0.0.1 {shlex.quote(remote)}")
        tmux = Tmux(tmp_path, ssh, {"TERM": "xterm-256color"})
        tmux.wait_for("Firstbriefing", timeout=60)
        tmux.keys("Enter")
        tmux.wait_for("step 0 of 12", timeout=30)
        walk_a_few_steps(tmux, 12, steps=4)
        tmux.keys("c")
        tmux.wait_for("predict, then reveal", timeout=30)  # the prediction: Enter skips it
        tmux.keys("Enter")
        screen = tmux.wait_for("Retry", timeout=60)  # the reveal (or its plain race table)
        assert "Ssh Valley" in screen
        tmux.keys("q")
    finally:
        if tmux is not None:
            tmux.close()
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
