"""`foggymountain serve`: the game in a browser, through textual-serve (the optional [web] extra).

Every browser tab runs its own `foggymountain play` process as the user who started `serve`.
Without `--player`, the start page asks each visitor for a name and their game runs with
`--player NAME`, so progress files and workshop results stay apart. Localhost only by default:
see docs/workshop.md before exposing it.
"""

from __future__ import annotations

import argparse
import html
import ipaddress
import json
import re
import shlex
import sys
import unicodedata
from pathlib import Path

INSTALL_HINT = ("`foggymountain serve` needs textual-serve, the optional [web] extra:\n"
                "    pip install 'foggymountain[web]'     (from a checkout: pip install '.[web]')")
PLAYER_NAME = re.compile(r"^[\w][\w .'-]{0,39}$")


def add_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1: this machine only; read docs/workshop.md before changing it)")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    parser.add_argument("--public-url", metavar="URL",
                        help="the address browsers use, when it differs from http://HOST:PORT (behind a reverse proxy)")
    parser.add_argument("--levels", type=Path, metavar="DIR", help="serve this folder of levels (passed to `play`)")
    parser.add_argument("--player", metavar="NAME", help="everyone plays as NAME (default: each visitor types a name)")
    parser.add_argument("--results", type=Path, metavar="DIR", help="write every finished hike here (passed to `play`)")
    parser.add_argument("--max-sessions", type=int, default=40, metavar="N",
                        help="at most N games at once, each a process (default 40)")


def play_command(levels: Path | None, results: Path | None, player: str | None) -> str:
    """The shell command one browser session runs; every argument quoted."""
    parts = [sys.executable, "-m", "foggymountain", "play"]
    if levels is not None:
        parts += ["--levels", str(levels.resolve())]
    if results is not None:
        parts += ["--results", str(results.resolve())]
    if player is not None:
        parts += ["--player", player]
    return " ".join(shlex.quote(part) for part in parts)


def valid_player(name: str) -> bool:
    return bool(PLAYER_NAME.match(name)) and name == name.strip() and name == normal_name(name)


def normal_name(name: str) -> str:
    """The NFKC form of a name: look-alikes of compatibility (full-width `ａｂｃ`, ligatures,
    superscripts) become the plain letters, so they are one player, not two."""
    return unicodedata.normalize("NFKC", name)


def run(args: argparse.Namespace) -> int:
    from foggymountain.commands import results_folder_ready

    try:
        from textual_serve.server import Server  # noqa: F401
    except ImportError:
        print(INSTALL_HINT, file=sys.stderr)
        return 1
    if args.levels is not None and not args.levels.is_dir():
        print(f"{args.levels}:1:1: no such folder\n    hint: --levels takes a folder of .toml levels", file=sys.stderr)
        return 2
    if args.player is not None:
        args.player = normal_name(args.player)
    if args.player is not None and not valid_player(args.player):
        print(f"--player {args.player!r}: use letters, digits, spaces, . ' - and _ (at most 40)", file=sys.stderr)
        return 2
    if not results_folder_ready(args.results):
        return 2
    if not _is_loopback(args.host):
        print(f"warning: listening on {args.host}: anyone who can reach port {args.port} can start games that run as "
              "this user. Prefer an SSH tunnel or a reverse proxy with a login (docs/workshop.md).", file=sys.stderr)
    server = make_server(args)
    server.serve()
    return 0


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def make_server(args: argparse.Namespace):
    """A textual-serve Server whose sessions run `play`, one player name per visitor.

    textual-serve runs one command for every session (`self.command`). We keep its handlers and
    make `command` depend on the session: each request is its own asyncio task, so a context
    variable set in our handler is what the parent's handler reads."""
    import contextvars
    from urllib.parse import quote

    import aiohttp_jinja2
    from aiohttp import web
    from textual_serve.server import Server

    session_command: contextvars.ContextVar[str | None] = contextvars.ContextVar("session_command", default=None)

    class GameServer(Server):
        def __init__(self) -> None:
            super().__init__(play_command(args.levels, args.results, args.player), host=args.host, port=args.port,
                             title="Foggy Mountain", public_url=args.public_url)
            self.sessions = 0

        @property
        def command(self) -> str:
            return session_command.get() or self._default_command

        @command.setter
        def command(self, value: str) -> None:
            self._default_command = value

        async def _make_app(self) -> web.Application:
            app = await super()._make_app()
            app.router.add_get("/play/{player}", self.handle_player_index)
            app.router.add_get("/ws/{player}", self.handle_player_websocket)
            return app

        def _name_page(self, error: str, status: int = 200) -> web.Response:
            page = _NAME_PAGE.format(error=html.escape(error), base=html.escape(json.dumps(self.public_url + "/play/")))
            return web.Response(text=page, content_type="text/html", status=status)

        async def _game_page(self, request: web.Request, player: str | None) -> web.Response:
            context = await Server.handle_index.__wrapped__(self, request)
            if player is not None:
                context["app_websocket_url"] += "/" + quote(player)
            return aiohttp_jinja2.render_template("app_index.html", request, context)

        async def handle_index(self, request: web.Request) -> web.Response:
            if args.player is not None:
                return await self._game_page(request, None)
            return self._name_page("")

        async def handle_player_index(self, request: web.Request) -> web.Response:
            player = request.match_info["player"]
            if args.player is not None:
                raise web.HTTPFound(self.public_url + "/")
            if normal_name(player) != player and valid_player(normal_name(player)):
                raise web.HTTPFound(self.public_url + "/play/" + quote(normal_name(player)))
            if not valid_player(player):
                return self._name_page("Use letters, digits, spaces, . ' - and _ (at most 40).", 400)
            return await self._game_page(request, player)

        async def handle_websocket(self, request: web.Request) -> web.StreamResponse:
            if args.player is None:
                raise web.HTTPForbidden(text="choose a name on the start page first")
            return await self._session(request, None)

        async def handle_player_websocket(self, request: web.Request) -> web.StreamResponse:
            player = request.match_info["player"]
            if args.player is not None or not valid_player(player):
                raise web.HTTPForbidden(text="not a valid player name")
            return await self._session(request, play_command(args.levels, args.results, player))

        async def _session(self, request: web.Request, command: str | None) -> web.StreamResponse:
            if self.sessions >= args.max_sessions:
                raise web.HTTPServiceUnavailable(text="too many games at once; try again in a minute")
            self.sessions += 1
            token = session_command.set(command)
            try:
                return await Server.handle_websocket(self, request)
            finally:
                session_command.reset(token)
                self.sessions -= 1

    return GameServer()


_NAME_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Foggy Mountain</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
 body {{ font-family: ui-monospace, Menlo, Consolas, monospace; background: #17325e; color: #f0ece4;
        display: flex; align-items: center; justify-content: center; height: 100vh; margin: 0; }}
 form {{ background: #1b4f7c; padding: 2em 3em; border-radius: 8px; }}
 input, button {{ font: inherit; padding: .4em .6em; }}
 .error {{ color: #ffb4a0; }}
</style></head>
<body><form onsubmit="event.preventDefault(); var n = this.player.value.trim();
 if (n) window.location.href = {base} + encodeURIComponent(n.normalize('NFKC'));">
<h1>Foggy Mountain</h1>
<p>Gradient descent, played blindfolded.</p>
<p class="error">{error}</p>
<p><label>Your name: <input name="player" maxlength="40" autofocus required></label> <button>Play</button></p>
<p>Your progress and results are kept under this name.</p>
</form></body></html>
"""
