"""The command palette (ctrl+p): a screen's own commands (the app adds the game's)."""

from __future__ import annotations

from typing import Any, Callable

from textual.command import DiscoveryHit, Hit, Hits, Provider

Command = tuple[str, str, Callable[[], Any]]  # name, help, what it does


class CommandList(Provider):
    """A provider of a plain list of commands (`commands()`)."""

    def commands(self) -> list[Command]:
        raise NotImplementedError

    async def discover(self) -> Hits:
        for name, help_text, callback in self.commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self.commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)


class ScreenCommands(CommandList):
    """The commands of the screen the palette opened over. A screen that has some sets
    `COMMANDS = {ScreenCommands}` and defines `palette_commands()`."""

    def commands(self) -> list[Command]:
        return self.screen.palette_commands()
