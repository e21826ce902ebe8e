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
        self._every: dict[tuple[str, ...], list[Place]] = {}
        self._headers: list[tuple[int, tuple[str, ...]]] = []  # (line, table) of each [header]
        self._scan()

    def _add(self, path: tuple[str, ...], place: Place) -> None:
        self._places.setdefault(path, place)
        self._every.setdefault(path, []).append(place)

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
                self._add(table, Place(number, line.index("[") + 1, line.index("[") + 1))
                self._headers.append((number, table))
                continue
            key = _KEY.match(line)
            if not key:
                continue
            path = table + _split_key(key.group(2))
            value_start = key.end()
            self._add(path, Place(number, len(key.group(1)) + 1, value_start + 1))
            rest = line[value_start:]
            for delimiter in ('"""', "'''"):
                if rest.startswith(delimiter) and rest.count(delimiter) == 1:
                    in_string = delimiter
            if rest.startswith("{"):
                for inner in _INLINE_KEY.finditer(line, value_start):
                    name = inner.group(2).strip('"')
                    self._add(path + (name,), Place(number, inner.start(2) + 1, inner.end() + 1))

    def find(self, path: tuple[str, ...]) -> Place:
        """The place of `path`, or of its nearest ancestor that we found, or the file's start."""
        path = tuple(path)
        while path:
            if path in self._places:
                return self._places[path]
            path = path[:-1]
        return Place(1, 1, 1)

    def first_before(self, path: tuple[str, ...], line: int) -> Place | None:
        """The first place `path` is written, if that is above `line`."""
        earlier = [p for p in self._every.get(tuple(path), []) if p.line < line]
        return earlier[0] if earlier else None

    def first_under(self, prefix: tuple[str, ...]) -> tuple[str, ...]:
        """The key path written first (highest in the file) among `prefix` and the keys under it."""
        under = [(place.line, path) for path, place in self._places.items() if path[: len(prefix)] == tuple(prefix)]
        return min(under)[1] if under else tuple(prefix)

    def table_at(self, line: int) -> tuple[str, ...]:
        """The table a `key = value` on `line` belongs to: that of the last [header] above it."""
        tables = [table for number, table in self._headers if number < line]
        return tables[-1] if tables else ()

    @property
    def first_header(self) -> int | None:
        """The line of the file's first [table] header: top-level keys go above it."""
        return self._headers[0][0] if self._headers else None

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


# ---- TOML syntax errors, in the author's words ----------------------------------------------

_AT = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)\s*$")
_GENERIC_HINT = "see https://toml.io for the syntax: key = value, text in \"quotes\", tables in [brackets]"


def _table_name(path: tuple[str, ...]) -> str:
    return f"[{'.'.join(path)}]" if path else "the top of the file"


def toml_problem(shown: str, text: str, error: str):
    """A `Problem` for tomllib's `error` on `text`: what is wrong, in plain words, where it is and
    (for a key or table written twice) where it was first. tomllib's own words if explaining fails:
    an author must never see a traceback."""
    from foggymountain.diagnostics import Problem

    try:
        return _explain(shown, text, error)
    except Exception:  # noqa: BLE001 - a bug here must still leave the author a place and a message
        found = _AT.search(error)
        line, col = (int(found.group(1)), int(found.group(2))) if found and found.group(1) else (1, 1)
        raw = error[: found.start()] if found else error
        return Problem(shown, line, col, f"TOML syntax error: {raw}", _GENERIC_HINT)


def _explain(shown: str, text: str, error: str):
    from foggymountain.diagnostics import Problem, Span

    places = Places(text)
    lines = places.lines
    found = _AT.search(error)
    raw = error[: found.start()] if found else error
    line, col = (int(found.group(1)), int(found.group(2))) if found and found.group(1) else (len(lines), 1)
    line = min(max(line, 1), len(lines))
    source = lines[line - 1]

    def problem(message: str, hint: str, at: tuple[int, int] = (line, col), length: int = 1,
                label: str = "", related: tuple = ()) -> Problem:
        return Problem(shown, at[0], at[1], message, hint, length=length, label=label, related=related)

    if raw.startswith("Duplicate inline table key"):
        return _twice_inline(places, line, col, problem)
    if raw == "Cannot overwrite a value":
        return _twice(places, line, col, problem)
    declared = re.match(r"Cannot declare \((.*)\) twice", raw)
    if declared:
        path = tuple(re.findall(r"'((?:[^'\\]|\\.)*)'", declared.group(1)))
        header = source.index("[") + 1 if "[" in source else 1
        first = places.first_before(path, line)
        name = f"[{'.'.join(path)}]"
        if first is None:
            return problem(f"{name} is declared twice", "write each table once", (line, header), len(source.strip()) or 1)
        if first.line == line:
            return problem(f"{name} is declared twice", "write each table once", (line, header), len(source.strip()) or 1)
        first_text = lines[first.line - 1]
        inline = "=" in first_text.split("#")[0] and not first_text.lstrip().startswith("[")
        hint = (f"keep either '{path[-1]} = {{ ... }}' or a {name} table, not both" if inline else
                f"write {name} once and put all its keys under that one header")
        return problem(f"{name} is declared twice", hint, (line, header), len(source.strip()) or 1,
                       "declared again here", (Span(first.line, first.col, len(first_text.strip()) or 1, "first declared here"),))
    if raw.startswith("Illegal character"):
        if col > len(source):  # the line ended inside a string
            quote = _open_quote(source)
            if quote is not None:
                return problem("this string is never closed", _unclosed_string_hint(source[quote]), (line, quote + 1),
                               label="opened here")
        char = source[col - 1] if col <= len(source) else "?"
        return problem(f"a control character (U+{ord(char):04X}) is not allowed here", "delete it; write plain text",
                       (line, col))
    at_end = found is not None and found.group(1) is None
    if raw == "Unterminated string" or (at_end and raw.startswith("Expected \"")):
        at = _last_string_opener(lines)
        if at is not None:
            delimiter = _delimiter_at(lines[at[0] - 1], at[1] - 1)
            return problem("this string is never closed", _unclosed_string_hint(delimiter), at, len(delimiter), "opened here")
    if raw in ("Unclosed array", "Unclosed inline table"):
        bracket = "[" if raw == "Unclosed array" else "{"
        here = source[col - 1 : col] if col <= len(source) else ""
        if here.strip() and not here.startswith("#"):  # stopped inside it: a separator is missing
            closer = "]" if bracket == "[" else "}"
            what = "list items" if bracket == "[" else "keys of an inline table"
            return problem(f"expected ',' or '{closer}' here", f"the {what} are separated by commas: write , not {here!r}"
                           if here in ";:" else f"the {what} are separated by commas", (line, col))
        at = _last_opener(lines, line, bracket)
        what = "list" if bracket == "[" else "inline table"
        hint = ("end it with ']'; a list may span lines, its items separated by commas" if bracket == "[" else
                "end it with '}' on the same line: an inline table stays on one line")
        return problem(f"this {what} is never closed", hint, at or (line, col), label="opened here")
    if raw == "Invalid value":
        key = _key_on(source)
        rest = source[col - 1 :].split("#")[0].strip()
        key_match = _KEY.match(source)
        at_value = key_match is not None and key_match.end() == col - 1
        if rest.startswith("="):
            return problem("one '=' is enough", f"write {key} = {rest.lstrip('= ')}" if key else "write key = value", (line, col))
        if rest.startswith("("):
            return problem("a list is written in square brackets", f"write [{rest[1:].split(')')[0]}]", (line, col))
        if at_value and key and rest and re.match(r"[^\s,\]}]", rest) and not re.match(r"[-+\d\[{\"'.]", rest):
            hint = f'text needs quotes: write {key} = "{rest}"'
            word = re.match(r"[^\s,\]}]+", rest).group()
            if word.lower() in ("true", "false") and word != word.lower():
                hint = f'true and false are lowercase: write {key} = {word.lower()}'
            if hint.startswith("true"):
                return problem(f"'{word}' is not a value TOML knows", hint, (line, col), len(word))
            return problem("this text has no quotes", hint, (line, col), len(rest))
        if not rest:
            return problem(f"'{key}' has no value" if key else "a value is missing here",
                           'write a value after \'=\': a number, "text", [a, list] or true/false', (line, col))
        word = re.match(r"[^\s,\]}]+", rest)
        shown_word = word.group() if word else rest[:1]
        if word and re.fullmatch(r"[A-Za-z_][\w-]*", shown_word) and shown_word not in ("true", "false", "inf", "nan"):
            hint = f'text needs quotes: write "{shown_word}"'
            if shown_word.lower() in ("true", "false"):
                hint = f'true and false are lowercase: write {shown_word.lower()} (or "{shown_word}" for text)'
            return problem(f"'{shown_word}' is not a value TOML knows", hint, (line, col), len(shown_word))
        return problem(f"'{shown_word}' is not a value TOML knows", 'values are numbers, "text", [lists], { inline tables } or true/false',
                       (line, col), len(shown_word))
    if raw == "Expected '=' after a key in a key/value pair":
        start = len(source) - len(source.lstrip()) + 1
        colon = re.match(r"\s*([A-Za-z0-9_-]+)\s*:\s*(.*)", source)
        if colon:
            return problem("TOML writes '=' between a key and its value, not ':'", f"write {colon.group(1)} = {colon.group(2)}",
                           (line, source.index(":") + 1))
        return problem("this line is neither 'key = value' nor a [table] header", 
                       "write key = value; text that spans lines belongs inside a \"\"\"triple-quoted\"\"\" string",
                       (line, start), len(source.strip()) or 1)
    if raw == "Expected ']' at the end of a table declaration":
        start = source.index("[") + 1 if "[" in source else 1
        return problem("this table header is never closed", "write the header on one line, like [hike]", (line, start),
                       len(source.strip()) or 1, "opened here")
    if raw == "Expected newline or end of document after a statement":
        key = _key_on(source)
        rest = source[col - 1 :].split("#")[0].rstrip()
        key_match = _KEY.match(source)
        value = source[key_match.end() : col - 1].strip() if key_match else ""
        hint = 'one key = value per line; text with spaces needs "quotes"'
        if rest.startswith(","):
            hint = "remove the comma: lines of TOML end without one"
        elif value.startswith("'") and rest[:1].isalpha():
            whole = source[key_match.end() :].split("#")[0].strip().strip("'")
            hint = f'the apostrophe ended the text; text with an apostrophe needs "double quotes": write {key} = "{whole}"'
        return problem(f"something follows the value{f' of {key!r}' if key else ''} on the same line", hint,
                       (line, col), len(rest) or 1)
    if raw.startswith("Unescaped '\\'"):
        slash = source.rfind("\\", 0, col)
        return problem("a backslash in \"...\" text starts an escape like \\n",
                       "write \\\\ for a backslash, or use 'single quotes' for text full of backslashes",
                       (line, slash + 1 if slash >= 0 else col), 2)
    if raw.startswith("Invalid initial character for a key part") or raw == "Invalid statement":
        return problem("a key is missing here", "write key = value, like budget = 30", (line, col))
    return problem(f"TOML syntax error: {raw}", _GENERIC_HINT, (line, col))


def _twice(places: Places, line: int, col: int, problem):
    from foggymountain.diagnostics import Span

    source = places.lines[line - 1]
    table = places.table_at(line)
    key = _KEY.match(source)
    if key is None:
        return problem("a key is set twice", "keep one of them")
    path = table + _split_key(key.group(2))
    written = key.group(2).strip()
    at = (line, len(key.group(1)) + 1)
    first = places.first_before(path, line)
    where = _table_name(table)
    if first is not None:
        return problem(f"'{written}' is set twice in {where}", "keep one of the two lines", at, len(written),
                       "set again here", (Span(first.line, first.col, len(written), "first set here"),))
    for cut in range(len(path) - 1, 0, -1):
        first = places.first_before(path[:cut], line)
        if first is not None:
            owner = ".".join(path[:cut])
            return problem(f"'{owner}' already has a value, so '{written}' cannot add to it", f"keep either {owner} = ... or its parts",
                           at, len(written), related=(Span(first.line, first.col, len(path[cut - 1]), "set here"),))
    return problem(f"'{written}' is set twice", "keep one of them", at, len(written))


def _twice_inline(places: Places, line: int, col: int, problem):
    """A key written twice inside one `{ ... }`: the one before the column, and its first."""
    from foggymountain.diagnostics import Span

    source = places.lines[line - 1]
    inner = [m for m in _INLINE_KEY.finditer(source) if m.start(2) < col]
    if not inner:
        return problem("a key is set twice in the same { ... }", "keep one of them")
    again = inner[-1]
    name = again.group(2).strip('"')
    first = next(m for m in inner if m.group(2).strip('"') == name)
    related = (Span(line, first.start(2) + 1, len(first.group(2)), "first set here"),) if first is not again else ()
    return problem(f"'{name}' is set twice in the same {{ ... }}", "keep one of them", (line, again.start(2) + 1),
                   len(again.group(2)), "set again here", related)


def _key_on(source: str) -> str:
    key = _KEY.match(source)
    return key.group(2).strip() if key else ""


def _open_quote(source: str) -> int | None:
    """Index of the quote that opens the string left open at the end of `source`."""
    key = _KEY.match(source)
    start = key.end() if key else 0
    i, quote_at, quote = start, None, None
    while i < len(source):
        char = source[i]
        if quote is None:
            if char in "\"'":
                quote, quote_at = char, i
            elif char == "#":
                break
        elif char == "\\" and quote == '"':
            i += 1
        elif char == quote:
            quote = None
        i += 1
    return quote_at if quote is not None else None


def _delimiter_at(line: str, index: int) -> str:
    for delimiter in ('"""', "'''", '"', "'"):
        if line.startswith(delimiter, index):
            return delimiter
    return line[index : index + 1]


def _last_string_opener(lines: list[str]) -> tuple[int, int] | None:
    """Where the string left open at the end of the document starts: the last odd triple quote,
    or else a quote left open on the last line with one."""
    for delimiter in ('"""', "'''"):
        count = 0
        last = None
        for number, line in enumerate(lines, start=1):
            for match in re.finditer(re.escape(delimiter), line):
                count += 1
                last = (number, match.start() + 1)
        if count % 2 == 1 and last is not None:
            return last
    for number in range(len(lines), 0, -1):
        quote = _open_quote(lines[number - 1])
        if quote is not None:
            return number, quote + 1
    return None


def _last_opener(lines: list[str], line: int, bracket: str) -> tuple[int, int] | None:
    """The `bracket` left open before `line`: the last '= [' (or '= {') at or above it."""
    for number in range(min(line, len(lines)), 0, -1):
        match = re.search(r"=\s*(" + re.escape(bracket) + ")", lines[number - 1])
        if match:
            return number, match.start(1) + 1
    return None


def _unclosed_string_hint(quote: str) -> str:
    if len(quote) == 3:
        return f"end it with {quote}"
    return f"end it with {quote} on the same line; text over several lines goes in \"\"\"triple quotes\"\"\""
