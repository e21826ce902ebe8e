"""Level files (TOML) in, `Level` objects out, or a `LevelError` listing every problem.

Level files come from strangers. Nothing in them is evaluated: formulas go through the allowlisted
parser in `terrain.expression`; everything else is plain data checked here key by key. Every
problem carries `file:line:col` and a hint, and all problems of a file are reported at once.
"""

from __future__ import annotations

import csv
import difflib
import io
import keyword
import math
import os
import re
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from foggymountain import optimizers
from foggymountain.diagnostics import LevelError, Problem, Span
from foggymountain.terrain.expression import CONSTANTS, FUNCTIONS, ExpressionError, parse
from foggymountain.terrain.landscapes import (
    LOSSES,
    FitLandscape,
    FunctionLandscape,
    Landscape,
    NextTokenLandscape,
)
from foggymountain.preface import CONCEPTS, MAX_FILE_BYTES  # the lessons' words, shown before a level loads
from foggymountain.safe_read import UnsafeFile, is_hidden, read_bytes
from foggymountain.safe_text import one_line, visible_lines
from foggymountain.toml_places import Places, toml_problem

MAX_DATA_BYTES = 20_000_000
MAX_DATA_COLUMNS = 64
MAX_DATA_ROWS = 100_000  # see work.py: the rows are walked every step of every racer
MAX_BUDGET = 10_000
MAX_VARIABLES = 64
MAX_COORDINATE = 1e9
MAX_HIDDEN = 8
KINDS = ("function", "fit", "next-token")


TOP_KEYS = {"title", "chapter", "concepts", "briefing", "debrief", "author", "landscape", "hike", "agents"}
LANDSCAPE_KEYS = {
    "function": {"kind", "variables", "height", "bounds", "start", "minimum"},
    "fit": {"kind", "variables", "model", "hidden", "target", "loss", "data", "data_file", "holdout", "holdout_file", "bounds", "start", "minimum", "prompts"},
    "next-token": {"kind", "corpus", "bound", "start", "prompts"},
}
HIKE_KEYS = {"budget", "examples", "goal", "par", "max_stride", "stride", "show_height", "noise", "batch_size", "batch_sizes", "seed"}
MAX_BATCH_SIZES = 6


@dataclass(frozen=True)
class Racer:
    """One racer entered in a level: which optimizer and with which hyperparameters.

    `written` names the settings the level's author wrote in `[agents.NAME]`. A racer whose
    learning rate was written is *pinned*: it walks exactly as written. Any other racer (the
    default racers of a level without `[agents]`, or an `[agents.NAME]` table without a
    learning rate) is *tuned* to the level before it races (see `tuning`).
    """

    name: str
    hyperparameters: dict[str, float]
    written: tuple[str, ...] = ()

    @property
    def pinned(self) -> bool:
        return "learning_rate" in self.written


@dataclass(eq=False)
class Level:
    path: Path | None
    id: str
    title: str
    chapter: str
    concepts: tuple[str, ...]
    briefing: str
    debrief: str
    landscape: Landscape
    start: np.ndarray
    budget: int
    stated_goal: float | None
    par: int
    max_stride: float | None
    stride: float
    show_height: bool
    noise: float
    batch_size: int | None
    seed: int
    racers: tuple[Racer, ...]
    stated_minimum: np.ndarray | None = None
    prompts: tuple[str, ...] = ()
    # A batch-size level: the mini-batch sizes to choose from (every racer walks once with each),
    # and the budget counted in examples seen instead of steps (`budget` is then the most steps).
    batch_sizes: tuple[int, ...] = ()
    examples: int | None = None
    author: str = ""
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return self.landscape.kind

    @property
    def variables(self) -> tuple[str, ...]:
        return self.landscape.variables

    @property
    def dimensions(self) -> int:
        return len(self.landscape.variables)

    @property
    def budget_unit(self) -> str:
        """What the budget and par count: examples seen on a batch-size level, steps elsewhere."""
        return "examples" if self.examples is not None else "steps"

    @property
    def budget_amount(self) -> int:
        return self.examples if self.examples is not None else self.budget

    @property
    def noisy(self) -> bool:
        smallest = min(self.batch_sizes) if self.batch_sizes else self.batch_size
        return self.noise > 0 or (
            smallest is not None and self.landscape.n_rows is not None and smallest < self.landscape.n_rows
        )

    @cached_property
    def start_height(self) -> float:
        return float(self.landscape.height(self.start))

    @cached_property
    def minimum(self):
        """The valley floor within the bounds (searched once, on first use)."""
        from foggymountain.terrain.minimum import Minimum, find_minimum

        try:
            found = find_minimum(self.landscape, seed=self.seed)
        except ValueError:  # no finite height anywhere the search looked: the start is all we know
            found = Minimum(point=np.array(self.start, float), height=self.start_height)
        if self.stated_minimum is not None:
            stated = float(self.landscape.height(self.stated_minimum))
            if stated <= found.height + 1e-9:
                return Minimum(point=np.array(self.stated_minimum, float), height=stated)
        return found

    @property
    def known_goal(self) -> float | None:
        """The goal if it costs nothing now (stated in the file, or already worked out by `goal`,
        which the game does in a worker: see `race.RaceAhead`), else None. For the screens."""
        if self.stated_goal is not None:
            return self.stated_goal
        return self.__dict__.get("goal")

    @cached_property
    def goal(self) -> float:
        """Heights at or below this count as reaching the valley floor."""
        if self.stated_goal is not None:
            return self.stated_goal
        floor = self.minimum.height
        goal = floor + 0.05 * max(self.start_height - floor, 1e-12)
        if not math.isfinite(goal):  # start - floor overflowed (heights near ±1.8e308)
            goal = 0.95 * floor + 0.05 * max(self.start_height, floor)
        return goal


# ---- loading -------------------------------------------------------------------------------


def load_level(path: str | Path) -> Level:
    """Read and check a level file; raise LevelError listing every problem."""
    path = Path(path)
    shown = str(path)
    if path.is_dir():
        raise LevelError([Problem(shown, 1, 1, "this is a folder, not a level file", "name a .toml level file (check and play also take folders)", length=0)])
    try:
        raw = read_bytes(path, MAX_FILE_BYTES)
    except UnsafeFile as err:
        hint = ("a level is a short text file; put data in a CSV next to it" if err.too_large
                else "name an ordinary .toml file (not a pipe, device, folder or link loop)")
        raise LevelError([Problem(shown, 1, 1, f"the file {err.reason}", hint, length=0)]) from None
    return load_level_bytes(raw, path)


def load_level_bytes(raw: bytes, path: Path) -> Level:
    shown = str(path)
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise LevelError([Problem(shown, line, 1, "this is a binary file, not a TOML level", "levels are UTF-8 text files ending in .toml")])
    try:
        text = raw.decode("utf-8-sig")  # a byte-order mark (Notepad, Excel) is not content
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        col = err.start - (raw.rfind(b"\n", 0, err.start) + 1) + 1
        raise LevelError([Problem(shown, line, col, "the file is not UTF-8 text", "save it as UTF-8")]) from None
    return load_level_text(text, path)


def load_level_text(text: str, path: Path) -> Level:
    shown = str(path)
    try:
        document = tomllib.loads(text)
    except RecursionError:
        raise LevelError([Problem(shown, 1, 1, "the TOML is nested too deeply to read",
                                  "a level nests tables and arrays only a few levels deep", length=0)]) from None
    except (tomllib.TOMLDecodeError, ValueError) as err:  # ValueError: an integer of over 4300 digits
        raise LevelError([toml_problem(shown, text, str(err))]) from None
    return _Reader(document, Places(text), path).read()


class _Reader:
    """Walks a parsed TOML document, collecting problems instead of stopping at the first."""

    def __init__(self, document: dict, places: Places, path: Path) -> None:
        self.doc = document
        self.places = places
        self.path = path
        self.problems: list[Problem] = []

    # -- reporting

    def problem(self, key: tuple[str, ...], message: str, hint: str = "", *, value: bool = True) -> None:
        place = self.places.find(key)
        exact = self.places.has(key)
        col = place.value_col if value and exact else place.col
        if not key or place.line == 1 and not self.places.has(key[:1]):
            length = 0  # nowhere in the file, like a key missing at the top: no excerpt
        else:
            length = _written_length(self.places.lines[place.line - 1], col, value and exact)
        self.problems.append(Problem(str(self.path), place.line, col, message, hint, length=length))

    def trapped(self, where: tuple[str, ...], key: str) -> bool:
        """Record the table trap, if `key` is one: a key that belongs elsewhere (at the top, or in
        [hike] or [landscape]) written under a [table] header, which makes it part of that table."""
        home = None
        if key in TOP_KEYS:
            home = ()
        elif key in HIKE_KEYS and where[:1] != ("hike",):
            home = ("hike",)
        elif any(key in keys for keys in LANDSCAPE_KEYS.values()) and where[:1] != ("landscape",):
            home = ("landscape",)
        path = where + (key,)
        if home is None or not where or not self.places.has(path):
            return False
        place = self.places.find(path)
        if self.places.table_at(place.line) != where:  # written inline or dotted: not the trap
            return False
        header = self.places.find(where)
        table = f"[{'.'.join(where)}]"
        if home == ():
            first = self.places.first_header
            hint = (f"keys after a [table] header belong to that table: move this line above the first "
                    f"[table] header (line {first})")
        else:
            hint = f"keys after a [table] header belong to that table: move this line under [{home[0]}]"
        self.problems.append(Problem(
            str(self.path), place.line, place.col,
            f"'{key}' is read as part of {table}" + (", not the top of the file" if home == () else f", not [{home[0]}]"),
            hint, length=len(key), label=f"inside {table}",
            related=(Span(header.line, header.col, len(self.places.lines[header.line - 1].strip()), f"{table} starts here"),),
        ))
        return True

    def check_keys(self, table: dict, allowed: set[str], where: tuple[str, ...], required: set[str] = frozenset()) -> None:
        for key in table:
            if key not in allowed and self.trapped(where, key):
                continue
            if key not in allowed:
                close = difflib.get_close_matches(key, sorted(allowed), n=1, cutoff=0.6)
                hint = f"did you mean '{close[0]}'?" if close else "allowed here: " + ", ".join(sorted(allowed))
                if not close and where[:1] != ("agents",) and key in _RACER_SETTINGS:
                    hint = f"'{key}' is a racer's setting: write it under a racer's table, like [agents.sgd]"
                self.problem(where + (key,), f"unknown key '{key}'" + (f" in [{'.'.join(where)}]" if where else ""), hint, value=False)
        for key in sorted(required - set(table)):
            name = f"[{'.'.join(where)}]" if where else "the top of the file"
            if not where and key in ("landscape", "hike"):
                self.problem(where, f"missing table [{key}]", f"add a [{key}] header and its keys (see docs/levels.md)", value=False)
            else:
                self.problem(where, f"missing key '{key}' in {name}", f"add a line: {key} = ...", value=False)

    # -- typed getters: return None (and record a problem) when the value is wrong

    def string(self, table: dict, key: str, where: tuple[str, ...], default: str | None = None) -> str | None:
        if key not in table:
            return default
        value = table[key]
        if not isinstance(value, str):
            self.problem(where + (key,), f"'{key}' must be a string, not {_type_name(value)}", f'write {key} = "..."')
            return None
        return value

    def number(self, table: dict, key: str, where: tuple[str, ...], *, default=None, low=None, high=None, low_open=False, integer=False):
        if key not in table:
            return default
        value = table[key]
        kind = "a whole number" if integer else "a number"
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (integer and not isinstance(value, int)):
            self.problem(where + (key,), *_not_a_number(key, value, kind, low))
            return None
        if abs(value) > 1e308 or not math.isfinite(value):  # a huge TOML integer overflows float()
            self.problem(where + (key,), f"'{key}' must be finite, not {value}", "nan and inf are not allowed in levels")
            return None
        if low is not None and (value <= low if low_open else value < low):
            self.problem(where + (key,), f"'{key}' is {value}; it must be {'greater than' if low_open else 'at least'} {low}", f"pick a value {'above' if low_open else 'of at least'} {low}")
            return None
        if high is not None and value > high:
            self.problem(where + (key,), f"'{key}' is {value}; it must be at most {high}", f"pick a value up to {high}")
            return None
        return int(value) if integer else float(value)

    def table(self, parent: dict, key: str, where: tuple[str, ...], required: bool = False) -> dict | None:
        if key not in parent:
            if required:
                self.problem(where, f"missing table [{'.'.join(where + (key,))}]", f"add a [{'.'.join(where + (key,))}] section", value=False)
            return None
        value = parent[key]
        if not isinstance(value, dict):
            self.problem(where + (key,), f"'{key}' must be a table, not {_type_name(value)}", f"write [{'.'.join(where + (key,))}] or {key} = {{ ... }}")
            return None
        return value

    # -- the level

    def read(self) -> Level:
        doc = self.doc
        self.check_keys(doc, TOP_KEYS, (), {"title", "briefing", "landscape", "hike"})
        # Text shown on screens and printed: control characters made visible here, once (safe_text).
        title = self.string(doc, "title", ())
        title = None if title is None else one_line(title)
        chapter = one_line(self.string(doc, "chapter", (), "") or "")
        briefing = self.string(doc, "briefing", ())
        briefing = None if briefing is None else visible_lines(briefing)
        debrief = visible_lines(self.string(doc, "debrief", (), "") or "")
        author = one_line(self.string(doc, "author", (), "") or "")
        concepts = self.read_concepts()
        landscape_table = self.table(doc, "landscape", (), required="landscape" in doc)
        hike_table = self.table(doc, "hike", (), required="hike" in doc)
        landscape, start, stated_minimum, prompts = self.read_landscape(landscape_table) if landscape_table is not None else (None, None, None, ())
        hike = self.read_hike(hike_table, landscape) if hike_table is not None else None
        racers = self.read_agents()
        if landscape is not None and start is not None:
            self.check_start(landscape, start)
        if landscape is not None and hike is not None and not self.problems:
            self.check_work(landscape, hike, len(racers) + 1)
        if self.problems or landscape is None or hike is None or title is None or briefing is None:
            if not self.problems:
                self.problems.append(Problem(str(self.path), 1, 1, "the level is incomplete", "see docs/levels.md for a full example"))
            raise LevelError(sorted(self.problems, key=lambda p: (p.line, p.col)))
        budget = hike["budget"]
        batch_sizes, examples = hike["batch_sizes"], hike["examples"]
        if examples is not None:
            budget = examples // min(batch_sizes)  # the most steps a walker can take
        span = float(np.max(landscape.bounds[:, 1] - landscape.bounds[:, 0]))
        stride = hike["stride"] or min(span / 10.0, hike["max_stride"] or math.inf)
        return Level(
            path=self.path,
            id=self.path.stem,
            title=title,
            chapter=chapter,
            concepts=concepts,
            briefing=briefing,
            debrief=debrief,
            landscape=landscape,
            start=start,
            budget=budget,
            stated_goal=hike["goal"],
            par=hike["par"] if hike["par"] is not None else max(1, math.ceil((examples or budget) * 0.75)),
            max_stride=hike["max_stride"],
            stride=stride,
            show_height=hike["show_height"],
            noise=hike["noise"],
            batch_size=batch_sizes[len(batch_sizes) // 2] if batch_sizes else hike["batch_size"],
            seed=hike["seed"],
            racers=racers,
            stated_minimum=stated_minimum,
            prompts=prompts,
            author=author,
            batch_sizes=batch_sizes,
            examples=examples,
        )

    def read_concepts(self) -> tuple[str, ...]:
        value = self.doc.get("concepts", [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(("concepts",), "'concepts' must be a list of strings", 'write concepts = ["slope"]')
            return ()
        for concept in value:
            if concept not in CONCEPTS:
                close = difflib.get_close_matches(concept, sorted(CONCEPTS), n=1)
                self.problem(("concepts",), f"unknown concept '{concept}'", f"did you mean '{close[0]}'?" if close else "known concepts: " + ", ".join(CONCEPTS))
        return tuple(value)

    def read_landscape(self, table: dict):
        where = ("landscape",)
        kind = table.get("kind", "function")
        if kind not in KINDS:
            shown_kind = repr(one_line(kind, 40)) if isinstance(kind, str) else f"({_type_name(kind)}, not a name in quotes)"
            close = difflib.get_close_matches(kind if isinstance(kind, str) else "", KINDS, n=1)
            self.problem(where + ("kind",), f"unknown landscape kind {shown_kind}", f"did you mean '{close[0]}'?" if close else "kinds: " + ", ".join(KINDS))
            return None, None, None, ()
        required = {"function": {"variables", "height", "bounds", "start"}, "fit": {"variables", "model", "target", "bounds", "start"}, "next-token": {"corpus"}}[kind]
        self.check_keys(table, LANDSCAPE_KEYS[kind], where, required)
        prompts = self.read_prompts(table)
        if kind == "next-token":
            return self.read_next_token(table) + (prompts,)
        before = len(self.problems)
        variables = self.read_names(table, "variables", where)
        if not variables:
            return None, None, None, prompts
        # With some names refused, keep checking the rest with the good ones, then give up.
        names_ok = len(self.problems) == before
        bounds = self.read_bounds(table, variables)
        start = self.read_point(table, "start", variables)
        minimum = self.read_point(table, "minimum", variables) if "minimum" in table else None
        if kind == "function":
            expression = self.read_expression(table, "height", variables)
            if expression is None or bounds is None or not names_ok:
                return None, start, minimum, prompts
            return FunctionLandscape(expression, variables, bounds), start, minimum, prompts
        data = self.read_data(table, variables)
        target = self.string(table, "target", where)
        loss = self.string(table, "loss", where, "mse")
        if loss is not None and loss not in LOSSES:
            self.problem(where + ("loss",), f"unknown loss '{loss}'", "losses: " + ", ".join(LOSSES))
            loss = None
        if data is None:
            return None, start, minimum, prompts
        if target is not None and target not in data:
            close = difflib.get_close_matches(target, sorted(data), n=1)
            self.problem(where + ("target",), f"target '{target}' is not a data column", f"did you mean '{close[0]}'?" if close else "columns: " + ", ".join(data))
            target = None
        columns = tuple(c for c in data if c != target)
        holdout = self.read_holdout(table, variables, data) if "holdout" in table or "holdout_file" in table else None
        hidden = self.read_hidden(table, variables, columns) if "hidden" in table else ()
        model = self.read_expression(table, "model", variables + columns + tuple(name for name, _ in hidden or ()))
        if model is None or bounds is None or target is None or loss is None or not names_ok or hidden is None:
            return None, start, minimum, prompts
        if loss == "logistic" and not all(np.all(np.isin(rows[target], (0.0, 1.0))) for rows in (data, holdout or data)):
            self.problem(where + ("target",), "a logistic loss needs a target column of 0s and 1s", "label each row 0 or 1 (the held-out rows too)")
            return None, start, minimum, prompts
        landscape = FitLandscape(model=model, variables=variables, bounds=bounds, data=data, target=target, loss=loss, columns=columns,
                                 holdout=holdout, hidden=hidden)
        return landscape, start, minimum, prompts

    def read_hidden(self, table: dict, variables: tuple[str, ...], columns: tuple[str, ...]):
        """Hidden units: `hidden = { h = "tanh(w1 * x)" }`, formulas of the variables and data
        columns that the model may use by name. None (and problems recorded) when one is wrong."""
        where = ("landscape", "hidden")
        units = self.table(table, "hidden", ("landscape",))
        if units is None:
            return None
        if not units or len(units) > MAX_HIDDEN:
            self.problem(where, f"'hidden' names {len(units)} units; give 1 to {MAX_HIDDEN}", 'write hidden = { h = "tanh(w1 * x)" }', value=False)
            return None
        found = []
        for name, text in units.items():
            key = where + (name,)
            if not self.valid_name(name, key):
                return None
            if name in variables or name in columns:
                self.problem(key, f"hidden unit '{name}' has the name of a {'variable' if name in variables else 'data column'}", "rename the hidden unit", value=False)
                return None
            if not isinstance(text, str):
                self.problem(key, f"hidden unit '{name}' must be a formula in quotes", f'write {name} = "tanh(w1 * x)"')
                return None
            try:
                found.append((name, parse(text, variables + columns)))
            except ExpressionError as err:
                line, col = self.places.in_string(key, err.offset)
                other_unit = "unknown name" in err.message and any(f"'{n}'" in err.message for n in units)
                hint = "a hidden unit uses only the variables and data columns, not other hidden units" if other_unit else err.hint
                self.problems.append(Problem(str(self.path), line, col, f"in hidden unit {name}: {err.message}", hint))
                return None
        return tuple(found)

    def read_holdout(self, table: dict, variables: tuple[str, ...], data: dict[str, np.ndarray]) -> dict[str, np.ndarray] | None:
        """Held-out rows: the same columns as the data, never felt during the hike."""
        holdout = self.read_data(table, variables, inline="holdout")
        if holdout is None:
            return None
        if set(holdout) != set(data):
            missing, extra = sorted(set(data) - set(holdout)), sorted(set(holdout) - set(data))
            key = ("landscape", "holdout_file" if "holdout_file" in table else "holdout")
            said = "; ".join(part for part in (f"missing {', '.join(missing)}" if missing else "",
                                                f"not in the data: {', '.join(extra)}" if extra else "") if part)
            self.problem(key, f"the held-out rows need the data's columns ({said})", "give holdout the same columns as data: " + ", ".join(data))
            return None
        return {name: holdout[name] for name in data}

    def read_prompts(self, table: dict) -> tuple[str, ...]:
        value = table.get("prompts", [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(("landscape", "prompts"), "'prompts' must be a list of strings", 'write prompts = ["the"]')
            return ()
        return tuple(one_line(v) for v in value)

    def read_next_token(self, table: dict):
        where = ("landscape",)
        corpus = self.string(table, "corpus", where)
        corpus = None if corpus is None else visible_lines(corpus)  # its words are shown in the reveal
        bound = self.number(table, "bound", where, default=8.0, low=0, low_open=True, high=100)
        if corpus is None or bound is None:
            return None, None, None
        from foggymountain.terrain.landscapes import tokenize

        tokens = tokenize(corpus)
        vocabulary = list(dict.fromkeys(tokens))
        if len(tokens) < 2:
            self.problem(where + ("corpus",), "the corpus needs at least two words", "write a few short sentences")
            return None, None, None
        if len(vocabulary) ** 2 > MAX_VARIABLES * 4:
            self.problem(where + ("corpus",), f"the corpus has {len(vocabulary)} different words; a bigram model would have {len(vocabulary) ** 2} weights", f"use at most {int(math.sqrt(MAX_VARIABLES * 4))} different words")
            return None, None, None
        landscape = NextTokenLandscape.from_corpus(corpus, bound=bound)
        n = len(landscape.variables)
        start = np.zeros(n)
        if "start" in table:
            value = self.number(table, "start", where, low=-bound, high=bound)
            if value is None:
                return None, None, None
            start = np.full(n, value)
        for prompt in table.get("prompts", []) if isinstance(table.get("prompts"), list) else []:
            if isinstance(prompt, str) and prompt.lower() not in landscape.vocabulary:
                self.problem(where + ("prompts",), f"prompt word '{prompt}' is not in the corpus", "prompts are single words from the corpus")
        return landscape, start, None

    def read_names(self, table: dict, key: str, where: tuple[str, ...]) -> tuple[str, ...] | None:
        """The valid, distinct names of the list (problems recorded for the others)."""
        value = table.get(key)
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            self.problem(where + (key,), f"'{key}' must be a non-empty list of names", 'write variables = ["x", "y"]')
            return None
        if len(value) > MAX_VARIABLES:
            self.problem(where + (key,), f"{len(value)} variables; at most {MAX_VARIABLES}", "use fewer variables")
            return None
        good = []
        for name in value:
            wrong = _name_problem(name)
            if wrong:
                self.problems.append(self.in_list(where + (key,), name, 1, *wrong))
            else:
                good.append(name)
        duplicates = sorted({n for n in value if value.count(n) > 1})
        if duplicates:
            name = duplicates[0]
            first = self.in_list(where + (key,), name, 1, "", "")
            self.problems.append(self.in_list(where + (key,), name, 2, f"variable '{name}' is declared twice", "each variable once",
                                              related=(Span(first.line, first.col, first.length, "first here"),)))
        return tuple(dict.fromkeys(good))

    def in_list(self, key: tuple[str, ...], name: str, occurrence: int, message: str, hint: str, related=()) -> Problem:
        """A problem at the `occurrence`-th quoted `name` in the list at `key` (one line or several)."""
        place = self.places.find(key)
        for number in range(place.line, min(place.line + 50, len(self.places.lines) + 1)):
            line = self.places.lines[number - 1]
            start = place.value_col - 1 if number == place.line else 0
            for found in re.finditer(r'"([^"]*)"|\'([^\']*)\'', line[start:]):
                if name in (found.group(1), found.group(2)):
                    occurrence -= 1
                    if occurrence == 0:
                        return Problem(str(self.path), number, start + found.start() + 1, message, hint,
                                       length=len(found.group()), related=related)
            if "]" in line[start:]:
                break
        return Problem(str(self.path), place.line, place.value_col, message, hint, related=related)

    def valid_name(self, name: str, key: tuple[str, ...]) -> bool:
        wrong = _name_problem(name)
        if wrong:
            self.problem(key, *wrong)
        return wrong is None

    def read_bounds(self, table: dict, variables: tuple[str, ...]) -> np.ndarray | None:
        where = ("landscape", "bounds")
        value = self.table(table, "bounds", ("landscape",))
        if value is None:
            return None
        self.check_keys(value, set(variables), where, set(variables))
        rows = []
        for name in variables:
            pair = value.get(name)
            if pair is None:
                return None
            if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(v, (int, float)) and not isinstance(v, bool) and not abs(v) > 1e308 for v in pair)):
                self.problem(where + (name,), f"bounds of '{name}' must be [low, high]", f"write {name} = [-5, 5]")
                return None
            low, high = map(float, pair)
            if not (math.isfinite(low) and math.isfinite(high)):
                self.problem(where + (name,), f"bounds of '{name}' must be finite", f"write {name} = [-5, 5]")
                return None
            if max(abs(low), abs(high)) > MAX_COORDINATE:
                self.problem(where + (name,), f"bounds of '{name}' reach beyond ±{MAX_COORDINATE:g}", "a map that large cannot be drawn or walked; rescale the variable")
                return None
            if low >= high:
                self.problem(where + (name,), f"bounds of '{name}' are inverted or empty: [{pair[0]}, {pair[1]}]", f"write the low end first: {name} = [{min(low, high)}, {max(low, high) if low != high else high + 1}]")
                return None
            rows.append((low, high))
        return np.array(rows, dtype=float)

    def read_point(self, table: dict, key: str, variables: tuple[str, ...]) -> np.ndarray | None:
        where = ("landscape", key)
        value = self.table(table, key, ("landscape",))
        if value is None:
            return None
        self.check_keys(value, set(variables), where, set(variables))
        point = []
        for name in variables:
            if name not in value:
                return None
            number = self.number(value, name, where)
            if number is None:
                return None
            point.append(number)
        return np.array(point, dtype=float)

    def read_expression(self, table: dict, key: str, names: tuple[str, ...]):
        text = self.string(table, key, ("landscape",))
        if text is None:
            return None
        try:
            return parse(text, names)
        except ExpressionError as err:
            line, col = self.places.in_string(("landscape", key), err.offset)
            self.problems.append(Problem(str(self.path), line, col, f"in {key}: {err.message}", err.hint, length=err.length))
            return None

    def read_data(self, table: dict, variables: tuple[str, ...], inline: str = "data") -> dict[str, np.ndarray] | None:
        """The columns of `data` / `data_file` (or, with inline="holdout", of `holdout` / `holdout_file`)."""
        where = ("landscape",)
        file = f"{inline}_file"
        if inline in table and file in table:
            self.problem(where + (file,), f"give either '{inline}' or '{file}', not both", "remove one of them", value=False)
            return None
        if file in table:
            return self.read_data_file(table, file, variables)
        data = self.table(table, inline, where)
        if data is None:
            self.problem(where, f"a fit level needs '{inline}' or '{file}'", f'add {inline} = {{ size = [1, 2], price = [3, 4] }}', value=False)
            return None
        columns: dict[str, np.ndarray] = {}
        if len(data) > MAX_DATA_COLUMNS:
            self.problem(where + (inline,), f"the data has {len(data)} columns; the limit is {MAX_DATA_COLUMNS}", "keep the columns the model uses", value=False)
            return None
        for name, column in data.items():
            key = where + (inline, name)
            if not self.valid_name(name, key):
                return None
            if name in variables:
                self.problem(key, f"data column '{name}' has the name of a variable", "rename the column or the variable")
                return None
            if not isinstance(column, list) or not column or not all(isinstance(v, (int, float)) and not isinstance(v, bool) and not (isinstance(v, int) and abs(v) > 1e308) for v in column):
                self.problem(key, f"data column '{name}' must be a non-empty list of numbers", f"write {name} = [1.0, 2.0, 3.0]")
                return None
            if len(column) > MAX_DATA_ROWS:
                self.problem(key, f"data column '{name}' has {len(column):,} rows; the limit is {MAX_DATA_ROWS:,}", "use a sample of the data")
                return None
            array = np.array(column, dtype=float)
            if not np.all(np.isfinite(array)):
                self.problem(key, f"data column '{name}' has a NaN or infinite value at row {int(np.argmin(np.isfinite(array))) + 1}", "every value must be an ordinary number")
                return None
            columns[name] = array
        return self.same_lengths(columns, where + (inline,))

    def same_lengths(self, columns: dict[str, np.ndarray], key: tuple[str, ...]) -> dict[str, np.ndarray] | None:
        lengths = {name: len(c) for name, c in columns.items()}
        if len(set(lengths.values())) > 1:
            described = ", ".join(f"{n}: {k}" for n, k in lengths.items())
            self.problem(key, f"data columns have different lengths ({described})", "every column needs one value per row")
            return None
        return columns

    def read_data_file(self, table: dict, file: str = "data_file", variables: tuple[str, ...] = ()) -> dict[str, np.ndarray] | None:
        key = ("landscape", file)
        name = self.string(table, file, ("landscape",))
        if name is None:
            return None
        if "\x00" in name:  # pathlib raises ValueError on it
            self.problem(key, f"{file} has a NUL character in its name", "name a CSV file next to the level")
            return None
        shown_name = one_line(name, 60)
        relative = Path(name)
        folder = Path(os.path.realpath(self.path.parent))
        target = Path(os.path.realpath(self.path.parent / relative))  # never raises on a loop of links
        if relative.is_absolute() or ".." in relative.parts or not target.is_relative_to(folder):
            self.problem(key, f"{file} '{shown_name}' is outside the level's folder", "put the CSV next to the level file and name it without '..' or '/'")
            return None
        if is_hidden(relative) or is_hidden(target.relative_to(folder)):
            self.problem(key, f"{file} '{shown_name}' is a hidden file or lies in a hidden folder",
                         "data files are visible CSV files in the level's folder (no name part starting with '.')")
            return None
        try:
            raw = read_bytes(self.path.parent / relative, MAX_DATA_BYTES)
        except UnsafeFile as err:
            hint = "use a sample of the data" if err.too_large else "name an ordinary CSV file next to the level"
            self.problem(key, f"{file} '{shown_name}' {err.reason}", hint)
            return None
        shown = str(self.path.parent / name)
        columns, problems = read_csv(shown, raw, variables)
        self.problems += problems
        return columns

    def read_hike(self, table: dict, landscape: Landscape | None) -> dict | None:
        where = ("hike",)
        self.check_keys(table, HIKE_KEYS, where, set() if "examples" in table else {"budget"})
        hike = {
            "budget": self.number(table, "budget", where, low=1, high=MAX_BUDGET, integer=True),
            "examples": self.number(table, "examples", where, low=1, high=MAX_BUDGET * 100, integer=True),
            "goal": self.number(table, "goal", where),
            "par": self.number(table, "par", where, low=1, high=MAX_BUDGET, integer=True),
            "max_stride": self.number(table, "max_stride", where, low=0, low_open=True),
            "stride": self.number(table, "stride", where, low=0, low_open=True),
            "noise": self.number(table, "noise", where, default=0.0, low=0),
            "batch_size": self.number(table, "batch_size", where, low=1, integer=True),
            "seed": self.number(table, "seed", where, default=0, low=0, high=2**32 - 1, integer=True),
            "show_height": table.get("show_height", True),
        }
        if not isinstance(hike["show_height"], bool):
            self.problem(where + ("show_height",), "'show_height' must be true or false", "write show_height = true")
        hike["batch_sizes"] = self.read_batch_sizes(table, landscape)
        if "examples" in table or "batch_sizes" in table:
            return self.read_examples_budget(table, hike)
        if hike["budget"] is None:
            return None
        if hike["batch_size"] is not None and landscape is not None and landscape.n_rows is None:
            self.problem(where + ("batch_size",), "'batch_size' needs a landscape with data (fit or next-token)", "use 'noise' on function levels")
        if hike["par"] is not None and hike["par"] > hike["budget"]:
            self.problem(where + ("par",), f"par ({hike['par']}) is more than the budget ({hike['budget']})", "par is the number of steps for a good hike, at most the budget")
        return hike

    def read_batch_sizes(self, table: dict, landscape: Landscape | None) -> tuple[int, ...]:
        """`batch_sizes = [1, 4, 16]`: increasing whole numbers from 1 to the number of data rows."""
        key = ("hike", "batch_sizes")
        if "batch_sizes" not in table:
            return ()
        value = table["batch_sizes"]
        if not isinstance(value, list) or not value or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
            self.problem(key, "'batch_sizes' must be a list of whole numbers", "write batch_sizes = [1, 4, 16]")
            return ()
        if len(value) > MAX_BATCH_SIZES:
            self.problem(key, f"{len(value)} batch sizes; at most {MAX_BATCH_SIZES}", "keep a few sizes that show the trade-off")
            return ()
        if any(b <= a for a, b in zip(value, value[1:])):
            self.problem(key, "batch sizes must be listed from small to large, each once", "write batch_sizes = [1, 4, 16]")
            return ()
        if landscape is not None and landscape.n_rows is None:
            self.problem(key, "'batch_sizes' needs a landscape with data (fit or next-token)", "a function level has no rows to batch")
            return ()
        rows = landscape.n_rows if landscape is not None else None
        if value[0] < 1 or (rows is not None and value[-1] > rows):
            self.problem(key, f"batch sizes go from 1 to the number of data rows ({rows})" if rows else "batch sizes are at least 1",
                         f"the full data is a batch of {rows}" if rows else "write batch_sizes = [1, 4, 16]")
            return ()
        return tuple(value)

    def read_examples_budget(self, table: dict, hike: dict) -> dict | None:
        """A batch-size level: `examples` (the budget in examples seen) with `batch_sizes`."""
        where = ("hike",)
        for alone, needs in (("examples", "batch_sizes"), ("batch_sizes", "examples")):
            if alone in table and needs not in table:
                self.problem(where + (alone,), f"'{alone}' needs '{needs}'", "a batch-size level gives both: batch_sizes = [1, 4, 16] and examples = 480", value=False)
                return None
        for clash in ("budget", "batch_size"):
            if clash in table:
                said = "steps" if clash == "budget" else "one mini-batch size"
                self.problem(where + (clash,), f"'{clash}' ({said}) cannot be used with 'examples' and 'batch_sizes'", f"remove '{clash}': the budget is counted in examples, the batch size is chosen", value=False)
                return None
        examples, sizes = hike["examples"], hike["batch_sizes"]
        if examples is None or not sizes:
            return None
        if examples < sizes[-1]:
            self.problem(where + ("examples",), f"{examples} examples are fewer than the largest batch ({sizes[-1]})", f"give at least {sizes[-1]} examples: one step of the largest batch")
            return None
        if examples // sizes[0] > MAX_BUDGET:
            self.problem(where + ("examples",), f"{examples} examples in batches of {sizes[0]} are {examples // sizes[0]} steps; at most {MAX_BUDGET}", "give fewer examples or a larger smallest batch")
            return None
        if hike["par"] is not None and hike["par"] > examples:
            self.problem(where + ("par",), f"par ({hike['par']}) is more than the examples ({examples})", "on a batch-size level par is counted in examples seen")
            return None
        return hike

    def read_agents(self) -> tuple[Racer, ...]:
        if "agents" not in self.doc:
            return tuple(Racer(name, optimizers.make_optimizer(name).hyperparameters) for name in optimizers.DEFAULT_RACERS)
        agents = self.table(self.doc, "agents", ())
        if agents is None:
            return ()
        racers = []
        for name, settings in agents.items():
            key = ("agents", name)
            if not isinstance(settings, dict):
                self.problem(key, f"[agents.{name}] must be a table", f"write [agents.{name}] and its settings below it")
                continue
            settings = {k: v for k, v in settings.items() if not self.trapped(key, k)}
            try:
                optimizer = optimizers.make_optimizer(name, **settings)
            except optimizers.HyperparameterError as err:
                self.problem(key + ((err.key,) if err.key else ()), err.message, err.hint, value=err.key in settings if err.key else False)
                continue
            racers.append(Racer(name, optimizer.hyperparameters, tuple(settings)))
        if not racers and not self.problems:
            self.problem(("agents",), "[agents] names no racer", "add [agents.sgd] with a learning_rate", value=False)
        return tuple(racers)

    def check_work(self, landscape: Landscape, hike: dict, walkers: int) -> None:
        """Refuse a level whose valley-floor search, map or race would take minutes (see work.py)."""
        from foggymountain import work

        budget, batch = hike["budget"], hike["batch_size"]
        if hike.get("examples") is not None and hike.get("batch_sizes"):
            # a batch-size level: every racer walks every batch size; at most examples // smallest steps
            sizes = hike["batch_sizes"]
            budget, batch = hike["examples"] // min(sizes), min(sizes)
            walkers = (walkers - 1) * len(sizes) + 1
        cost = work.of_landscape(landscape, budget, walkers, batch)
        data_key = ("landscape", "data_file") if self.places.has(("landscape", "data_file")) else ("landscape", "data")
        if cost.evaluation > work.MAX_EVALUATION_WORK:
            self.problem(data_key if landscape.n_rows else ("landscape",),
                         f"one slope of this level costs {cost.evaluation:,} operations ({cost.rows:,} rows x {cost.parts} formula parts x "
                         f"{cost.variables + 1} for the height and each variable); the limit is {work.MAX_EVALUATION_WORK:,}",
                         "use fewer data rows, fewer variables or a shorter formula")
            return
        if cost.map > work.MAX_MAP_WORK:
            points = work.MAP_POINTS if cost.variables >= 2 else work.CURVE_POINTS
            self.problem(data_key, f"drawing the revealed map costs {cost.map:,} operations ({points:,} points x "
                                   f"{cost.rows:,} rows x {cost.parts} formula parts); the limit is {work.MAX_MAP_WORK:,}",
                         f"use at most {work.MAX_MAP_WORK // (points * cost.parts):,} data rows")
            return
        if cost.race > work.MAX_RACE_WORK:
            self.problem(("hike", "examples") if hike.get("examples") is not None else ("hike", "budget"),
                         f"a race of {cost.budget:,} steps with {walkers} walkers costs {cost.race:,} operations here; "
                         f"the limit is {work.MAX_RACE_WORK:,}",
                         f"lower the budget to {cost.budget_within(work.MAX_RACE_WORK):,} steps, or use fewer rows, variables or racers")

    def check_start(self, landscape: Landscape, start: np.ndarray) -> None:
        if not landscape.inside(start):
            outside = [n for n, v, (lo, hi) in zip(landscape.variables, start, landscape.bounds) if not lo <= v <= hi]
            self.problem(("landscape", "start") + ((outside[0],) if self.places.has(("landscape", "start", outside[0])) else ()), f"the start is outside the bounds ({outside[0]})", "move the start inside the map")
            return
        height, slope = landscape.height_and_slope(start)
        if not (np.isfinite(height) and np.all(np.isfinite(slope))):
            self.problem(("landscape", "start"), "the height or slope at the start is not finite", "move the start away from walls (division by zero, log of a negative...)")


_VALUE = re.compile(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'|[^\s,\]}#]+')
_KEY_WRITTEN = re.compile(r'\[[^\]]*\]?|"[^"]*"|[^\s=]+')


def _written_length(line: str, col: int, value: bool) -> int:
    """How many characters the value (or key, or [header]) written at `col` of `line` covers."""
    found = (_VALUE if value else _KEY_WRITTEN).match(line, col - 1)
    if value and line[col - 1 : col] in ("[", "{"):
        return 1
    return len(found.group()) if found else 1


_RACER_SETTINGS = {spec.name for specs in optimizers.HYPERPARAMETERS.values() for spec in specs}


def _not_a_number(key: str, value: Any, kind: str, low) -> tuple[str, str]:
    """(message, hint) for a setting that should be a number (a whole one, if `kind` says so)."""
    example = low if low is not None else 1
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return f"'{key}' must be {kind}, not a string", f"write {key} = {example}"
        if math.isfinite(number):
            shown = int(number) if kind == "a whole number" and number.is_integer() else value.strip()
            return f"'{key}' must be {kind}, not a string", f"write it without quotes: {key} = {shown}"
    if isinstance(value, float) and kind == "a whole number" and math.isfinite(value):
        if value.is_integer():
            return f"'{key}' must be a whole number, written without a decimal point or exponent", f"write {key} = {int(value)}"
        return f"'{key}' must be a whole number, not {value:g}", f"write {key} = {max(round(value), example)}"
    return f"'{key}' must be {kind}, not {_type_name(value)}", f"write {key} = {example}"


def _name_problem(name: str) -> tuple[str, str] | None:
    """(message, hint) when `name` cannot name a variable or a data column."""
    if not name.isidentifier() or keyword.iskeyword(name) or not name.isascii():
        return f"'{name}' is not a valid name", "names are letters, digits and _, starting with a letter"
    if name in FUNCTIONS or name in CONSTANTS:
        return f"'{name}' is the name of a {'function' if name in FUNCTIONS else 'constant'}", "pick another name, like w or theta"
    return None


# ---- data files ------------------------------------------------------------------------------

_DELIMITERS = {";": "semicolons", "\t": "tabs", "|": "bars"}


def read_csv(shown: str, raw: bytes, variables: tuple[str, ...] = ()) -> tuple[dict[str, np.ndarray] | None, list[Problem]]:
    """The columns of a CSV data file (a header row of names, then rows of numbers), or None and
    the problems, each at its place in the CSV."""
    if b"\x00" in raw:
        return None, [Problem(shown, 1, 1, "the data file is binary, not CSV", "save it as a UTF-8 CSV", length=0)]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        col = err.start - (raw.rfind(b"\n", 0, err.start) + 1) + 1
        return None, [Problem(shown, line, col, "the data file is not UTF-8 text", "save it as a UTF-8 CSV")]
    lines = text.replace("\r\n", "\n").split("\n")
    reader = csv.reader(io.StringIO(text))
    rows: list[tuple[int, list[str]]] = []
    try:
        for row in reader:  # one by one: a huge CSV is refused before it fills memory
            if not any(cell.strip() for cell in row):
                continue
            if not rows and len(row) > MAX_DATA_COLUMNS:
                return None, [Problem(shown, reader.line_num, 1, f"the CSV has {len(row):,} columns; the limit is {MAX_DATA_COLUMNS}",
                                      "keep the columns the model uses", length=0)]
            if len(rows) > MAX_DATA_ROWS:
                return None, [Problem(shown, reader.line_num, 1, f"the data has more than {MAX_DATA_ROWS:,} rows (the limit)",
                                      "use a sample of the data: a few hundred rows teach as well")]
            rows.append((reader.line_num, row))
    except csv.Error as err:
        return None, [Problem(shown, reader.line_num or 1, 1, f"cannot read the CSV: {one_line(err, 80)}", "save it as a UTF-8 CSV with a header row")]
    if len(rows) < 2:
        return None, [Problem(shown, 1, 1, "the CSV needs a header row and at least one data row", "first line: column names; then one row of numbers per example", length=0)]
    header_line, header_row = rows[0]
    header_text = lines[header_line - 1] if header_line <= len(lines) else ""
    problems = _check_header(shown, header_line, header_text, header_row, variables)
    if problems:
        return None, problems
    header = [h.strip() for h in header_row]
    values: list[list[float]] = [[] for _ in header]
    for number, row in rows[1:]:
        if len(row) != len(header):
            line_text = lines[number - 1] if number <= len(lines) else ""
            return None, [Problem(shown, number, 1, f"this row has {len(row)} values; the header has {len(header)}",
                                  "one value per column, separated by commas", length=len(line_text) or 1)]
        starts = _cell_starts(lines[number - 1] if number <= len(lines) else "")
        for i, cell in enumerate(row):
            value = _csv_number(cell)
            if value is None:
                col = starts[i] if i < len(starts) else 1
                return None, [Problem(shown, number, col, f"'{one_line(cell.strip(), 40)}' in column '{header[i]}' is not a finite number",
                                      "every cell must be an ordinary number", length=len(cell) or 1)]
            values[i].append(value)
    return {name: np.array(column) for name, column in zip(header, values)}, []


def _check_header(shown: str, line: int, text: str, row: list[str], variables: tuple[str, ...]) -> list[Problem]:
    starts = _cell_starts(text)
    if len(row) == 1:
        for delimiter, word in _DELIMITERS.items():
            if delimiter in text:
                return [Problem(shown, line, text.index(delimiter) + 1,
                                f"this CSV separates its columns with {word}; Foggy Mountain reads commas",
                                f"save it as comma-separated values, or replace each {delimiter!r} with ','",
                                label="read as part of one column name")]
    seen: dict[str, int] = {}
    for i, cell in enumerate(row):
        name = cell.strip()
        col = (starts[i] if i < len(starts) else 1) + len(cell) - len(cell.lstrip())
        if not name:
            trailing = i == len(row) - 1
            return [Problem(shown, line, max(col - 1, 1), f"column {i + 1} has no name",
                            "remove the comma at the end of the header" if trailing else "name every column, or remove the extra comma",
                            label="a comma with no name after it" if trailing else "")]
        wrong = _name_problem(name)
        if wrong is None and name in variables:
            wrong = (f"data column '{name}' has the name of a variable", "rename the column or the variable")
        if wrong:
            message, hint = wrong
            if " " in name and name.replace(" ", "_").isidentifier():
                hint = f"names have no spaces: write {name.replace(' ', '_')}, and use that name in the model"
            return [Problem(shown, line, col, message.replace("'", "column '", 1) if message.startswith("'") else message,
                            hint, length=len(name))]
        if name in seen:
            return [Problem(shown, line, col, f"column '{name}' appears twice", "give each column its own name",
                            length=len(name), label="again here", related=(Span(line, seen[name], len(name), "first here"),))]
        seen[name] = col
    return []


def _cell_starts(line: str) -> list[int]:
    """The 1-based column where each comma-separated cell of `line` starts (quotes respected)."""
    starts, quoted = [1], False
    for i, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            starts.append(i + 2)
    return starts


_CSV_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def _csv_number(cell: str) -> float | None:
    """A CSV cell as a finite number, or None. Only ASCII digits: float() would also take '١٢',
    '４', '1_000', 'nan' and 'infinity', none of which a spreadsheet writes as a number."""
    text = cell.strip(" ")
    if len(text) > 100 or not _CSV_NUMBER.fullmatch(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def _type_name(value: Any) -> str:
    return {bool: "true/false", str: "a string", int: "a whole number", float: "a number", list: "a list", dict: "a table"}.get(type(value), type(value).__name__)
