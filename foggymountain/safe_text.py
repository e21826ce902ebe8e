"""Text from files, made safe to show: no control character ever reaches a terminal.

Titles, chapters, words of a corpus, player names, file names and result fields come from
strangers. A terminal obeys the control characters in what it prints: ESC starts sequences that
move the cursor, recolour the screen, set the window title or (OSC 52) the clipboard; BEL rings;
CR overwrites a line; C1 controls (U+0080..U+009F) are ESC in disguise on some terminals; bidi
overrides (U+202E...) make a line read differently from what it holds. So every such character
is shown as its escape (`\\x1b`, `\\u202e`), visible and harmless, at every boundary where file text
is printed or drawn. Markup is the screens' business: they build `Text`/`Content` from this text,
never parse it.
"""

from __future__ import annotations

import re
import unicodedata

# Bidirectional embeddings, overrides and isolates, and the marks: they reorder what follows.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Line and paragraph separators end lines in some terminals and editors, unseen.
SEPARATORS = frozenset("\u2028\u2029\x85")


def is_unsafe(char: str, keep: str = "") -> bool:
    """A character that must not reach a terminal as it is (unless listed in `keep`)."""
    if char in keep:
        return False
    if char in BIDI_CONTROLS or char in SEPARATORS:
        return True
    category = unicodedata.category(char)
    return category in ("Cc", "Cs")  # C0, DEL, C1; lone surrogates (cannot even be encoded)


def escape_char(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: object, keep: str = "") -> str:
    """`text` with every control character shown as its escape: "a\\x1b[31mb" for "a<ESC>[31mb".
    `keep` lists characters to leave alone (say "\\n\\t" for a multi-line text)."""
    text = str(text)
    if text.isprintable() and not any(c in BIDI_CONTROLS for c in text):
        return text  # the common case, fast
    return "".join(escape_char(c) if is_unsafe(c, keep) else c for c in text)


def visible_lines(text: object) -> str:
    """`visible`, keeping newlines and tabs: for briefings, introductions and messages."""
    return visible(text, keep="\n\t")


def one_line(text: object, limit: int | None = None) -> str:
    """`visible` on a single line: tabs and newlines become spaces; cut to `limit` characters."""
    line = visible(str(text).replace("\r\n", " ").replace("\n", " ").replace("\t", " "))
    if limit is not None and len(line) > limit:
        line = line[: max(limit - 1, 0)] + "…"
    return line


def first_unsafe(text: str, keep: str = "") -> int | None:
    """Index of the first character `visible` would escape, or None."""
    for index, char in enumerate(text):
        if is_unsafe(char, keep):
            return index
    return None


# The colours `preview` draws with: SGR sequences only, ESC [ digits and semicolons m.
_SGR = re.compile(r"\x1b\[[0-9;]*m")


class VisibleStream:
    """A text stream that shows control characters as escapes (keeping newlines and tabs): the
    last guard of every command's stdout and stderr. With `colours`, the SGR colour sequences
    `preview` writes itself pass (titles and words were made visible when loaded)."""

    def __init__(self, stream, colours: bool = False) -> None:
        self._stream = stream
        self.colours = colours

    def write(self, text: str) -> int:
        if self.colours:
            pieces, last = [], 0
            for match in _SGR.finditer(text):
                pieces.append(visible(text[last : match.start()], keep="\n\t"))
                pieces.append(match.group())
                last = match.end()
            pieces.append(visible(text[last:], keep="\n\t"))
            self._stream.write("".join(pieces))
        else:
            self._stream.write(visible(text, keep="\n\t"))
        return len(text)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


# Cells a spreadsheet reads as a formula (OWASP's list): = + - @, and tab or CR in front of them.
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(text: object) -> str:
    """A text cell for CSV: visible, and never a formula (a leading quote, as spreadsheet
    exporters do, so "=HYPERLINK(...)" stays text). Numbers are written as numbers, not here."""
    cell = visible(text)
    return "'" + cell if cell.startswith(FORMULA_LEADS) else cell
