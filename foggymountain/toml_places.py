"""Where things are in a TOML file: the line and column of each key and of each value.

`tomllib` gives values but no positions, and level authors need `file:line:col`. TOML is simple
enough at the level of lines that a small scanner finds the keys we report on: table headers,
`key = value` lines, dotted keys and the keys of one-line inline tables. Multi-line strings are
skipped so a briefing that mentions `budget = 3` is never mistaken for a key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r'^(\s*)((?:[A-Za-z0-9_-]+|"[^"]*"|\'[^\']*\')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|\'[^\']*\'))*)\s*=\s*')
_INLINE_KEY = re.compile(r'([{,]\s*)([A-Za-z0-9_-]+|"[^"]*")\s*=\s*')


def _split_key(key: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("\"'") for part in re.split(r"\.(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)", key))


@dataclass(frozen=True)
class Place:
    line: int  # 1-based
    col: int  # 1-based, where the key starts
    value_col: int  # 1-based, where the value starts


class Places:
    """Map from key paths like ("landscape", "bounds", "x") to their Place."""

    def __init__(self, source: str) -> None:
        # tomllib reads CRLF files as LF inside strings; count columns the same way.
        self.lines = source.replace("\r\n", "\n").split("\n")
        self._places: dict[tuple[str, ...], Place] = {}
        self._scan()

    def _scan(self) -> None:
        table: tuple[str, ...] = ()
        in_string: str | None = None
        for number, line in enumerate(self.lines, start=1):
            if in_string:
                if line.count(in_string) % 2 == 1:
                    in_string = None
                continue
            header = _HEADER.match(line)
            if header:
                table = _split_key(header.group(1))
                self._places.setdefault(table, Place(number, line.index("[") + 1, line.index("[") + 1))
                continue
            key = _KEY.match(line)
            if not key:
                continue
            path = table + _split_key(key.group(2))
            value_start = key.end()
            self._places.setdefault(path, Place(number, len(key.group(1)) + 1, value_start + 1))
            rest = line[value_start:]
            for delimiter in ('"""', "'''"):
                if rest.startswith(delimiter) and rest.count(delimiter) == 1:
                    in_string = delimiter
            if rest.startswith("{"):
                for inner in _INLINE_KEY.finditer(line, value_start):
                    name = inner.group(2).strip('"')
                    self._places.setdefault(
                        path + (name,), Place(number, inner.start(2) + 1, inner.end() + 1)
                    )

    def find(self, path: tuple[str, ...]) -> Place:
        """The place of `path`, or of its nearest ancestor that we found, or the file's start."""
        path = tuple(path)
        while path:
            if path in self._places:
                return self._places[path]
            path = path[:-1]
        return Place(1, 1, 1)

    def has(self, path: tuple[str, ...]) -> bool:
        return tuple(path) in self._places

    def in_string(self, path: tuple[str, ...], offset: int) -> tuple[int, int]:
        """Line and column of character `offset` inside the string value at `path`."""
        place = self.find(path)
        line_text = self.lines[place.line - 1]
        start = place.value_col - 1
        rest = line_text[start:]
        for delimiter in ('"""', "'''"):
            if rest.startswith(delimiter):
                line, col = place.line, start + 3
                # TOML trims a newline right after the opening delimiter.
                if not line_text[col:].strip():
                    line, col = line + 1, 0
                text_lines = self.lines[line - 1 :]
                remaining = offset
                for extra, text in enumerate(text_lines):
                    available = len(text) - (col if extra == 0 else 0)
                    if remaining <= available:
                        return line + extra, (col if extra == 0 else 0) + remaining + 1
                    remaining -= available + 1
                return place.line, place.value_col
        if rest[:1] in "\"'":
            return place.line, start + 1 + offset + 1
        return place.line, place.value_col
