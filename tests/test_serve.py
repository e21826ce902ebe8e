"""`foggymountain serve`: an install hint without the [web] extra; one `play` per visitor name."""

import argparse
import asyncio
import builtins
import shlex
import sys
from pathlib import Path

import pytest

from foggymountain.cli import main
from foggymountain.commands import serve


def test_without_textual_serve_it_says_how_to_install_it(monkeypatch, capsys):
    real_import = builtins.__import__

    def no_textual_serve(name, *args, **kwargs):
        if name.startswith("textual_serve"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_textual_serve)
    assert main(["serve"]) == 1
    assert "pip install '.[web]'" in capsys.readouterr().err


def test_the_play_command_quotes_every_argument(tmp_path):
    command = serve.play_command(tmp_path / "my levels", tmp_path / "results", "Ada L; rm -rf ~")
    parts = shlex.split(command)
    assert parts[:4] == [sys.executable, "-m", "foggymountain", "play"]
    assert parts[4:] == ["--levels", str((tmp_path / "my levels").resolve()), "--results",
                         str((tmp_path / "results").resolve()), "--player", "Ada L; rm -rf ~"]


@pytest.mark.parametrize("name, ok", [("ada", True), ("Ada Lovelace", True), ("Zoë", True), ("o'neil", True),
                                      ("", False), (" ada", False), ("a/b", False), ("x" * 41, False),
                                      ("a\nb", False), ("$(reboot)", False), ("-rf", False)])
def test_player_names_from_the_browser_are_checked(name, ok):
    assert serve.valid_player(name) is ok


def test_each_visitor_gets_a_play_process_with_their_name(tmp_path, monkeypatch):
    pytest.importorskip("textual_serve")
    from aiohttp.test_utils import TestClient, TestServer
    from textual_serve import server as textual_server

    started: list[str] = []

    class FakeAppService:
        def __init__(self, command, **kwargs):
            started.append(command)

        async def start(self, width, height):
            pass

        async def stop(self):
            pass

    monkeypatch.setattr(textual_server, "AppService", FakeAppService)

    async def scenario():
        args = argparse.Namespace(host="127.0.0.1", port=0, public_url="http://testserver", levels=None,
                                  player=None, results=tmp_path, max_sessions=5)
        game = serve.make_server(args)
        client = TestClient(TestServer(await game._make_app()))
        await client.start_server()
        try:
            page = await (await client.get("/")).text()
            assert "Your name" in page
            game_page = await (await client.get("/play/Ada%20L")).text()
            assert "/ws/Ada%20L" in game_page
            assert (await client.get("/play/%24(reboot)")).status == 400
            assert (await client.get("/ws")).status == 403
            for name in ("Ada%20L", "bob"):
                socket = await client.ws_connect(f"/ws/{name}?width=80&height=24")
                await socket.close()
        finally:
            await client.close()

    asyncio.run(scenario())
    players = [shlex.split(command)[shlex.split(command).index("--player") + 1] for command in started]
    assert players == ["Ada L", "bob"]
    assert all("--results" in command for command in started)
