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
from foggymountain.terrain.expression import CONSTANTS, FUNCTIONS, ExpressionError, parse
from foggymountain.terrain.landscapes import (
    LOSSES,
    FitLandscape,
    FunctionLandscape,
    Landscape,
    NextTokenLandscape,
)
from foggymountain.safe_read import UnsafeFile, is_hidden, read_bytes
from foggymountain.safe_text import one_line, visible, visible_lines
from foggymountain.toml_places import Places

MAX_FILE_BYTES = 1_000_000
MAX_DATA_BYTES = 20_000_000
MAX_DATA_COLUMNS = 64
MAX_DATA_ROWS = 100_000  # see MAX_WORK: the rows are walked every step of every racer
MAX_BUDGET = 10_000
MAX_VARIABLES = 64
MAX_COORDINATE = 1e9
MAX_HIDDEN = 8
KINDS = ("function", "fit", "next-token")

# The lessons a level can teach: name -> what the player learns. Documented in docs/levels.md.
CONCEPTS: dict[str, str] = {
    "slope": "the sign of the slope (derivative) says which way is down",
    "step-size": "how far to walk each step (the step size) matters as much as where",
    "overshoot": "too big a stride jumps across the valley floor",
    "divergence": "bigger still, and every step climbs: the walk blows up",
    "crawl": "too small a stride and the budget runs out before the floor",
    "local-minimum": "a side valley can trap a walker that only goes downhill",
    "plateau": "almost no slope: a long walk with little to feel",
    "cliff": "a sudden wall flings a walker that keeps a fixed pace",
    "saddle": "flat in the middle, down only sideways",
    "narrow-valley": "a ravine: steps zig-zag across it instead of along it",
    "momentum": "keeping some of the last step's velocity rolls through ravines and bumps",
    "adaptive": "Adam's per-coordinate strides handle badly scaled ground",
    "noise": "a mini-batch slope is only an estimate of the true slope",
    "regression": "fitting a line y = m*x + b: the parameters are the map",
    "mae": "mean absolute error versus mean squared error",
    "cross-entropy": "a classifier's loss punishes confident mistakes",
    "next-token": "a tiny language model learns which word comes next",
    "many-weights": "too many directions to choose: you choose only the pace",
    "generalization": "a low loss on the training data is not a low loss on new data: a flexible model overfits",
    "weight-decay": "decoupled weight decay (AdamW) keeps the weights small and the held-out loss lower",
    "forgetting": "AdaGrad only accumulates squared slopes and stalls; RMSProp forgets old ones and keeps going",
    "chain-rule": "backpropagation: each weight's slope is a product of chain-rule factors, passed backwards",
    "batch-size": "on a budget of examples, small batches take many noisy steps, the full data few exact ones",
    "sampling": "a language model writes by sampling the next word, with a temperature: not always the likeliest",
}

TOP_KEYS = {"title", "chapter", "concepts", "briefing", "debrief", "author", "landscape", "hike", "agents"}
LANDSCAPE_KEYS = {
    "function": {"kind", "variables", "height", "bounds", "start", "minimum"},
    "fit": {"kind", "variables", "model", "hidden", "target", "loss", "data", "data_file", "holdout", "holdout_file", "bounds", "start", "minimum", "prompts"},
    "next-token": {"kind", "corpus", "bound", "start", "prompts"},
}
HIKE_KEYS = {"budget", "examples", "goal", "par", "max_stride", "stride", "show_height", "noise", "batch_size", "batch_sizes", "seed"}
MAX_BATCH_SIZES = 6


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    col: int
    message: str
    hint: str = ""

    def __str__(self) -> str:
        # File names and quoted values come from strangers: never a control character on a terminal.
        text = f"{visible(self.path)}:{self.line}:{self.col}: {visible(self.message)}"
        return text + (f"\n    hint: {visible(self.hint)}" if self.hint else "")


class LevelError(Exception):
    """A level we refuse, with every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


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
        raise LevelError([Problem(shown, 1, 1, "this is a folder, not a level file", "name a .toml level file (check and play also take folders)")])
    try:
        raw = read_bytes(path, MAX_FILE_BYTES)
    except UnsafeFile as err:
        hint = ("a level is a short text file; put data in a CSV next to it" if err.too_large
                else "name an ordinary .toml file (not a pipe, device, folder or link loop)")
        raise LevelError([Problem(shown, 1, 1, f"the file {err.reason}", hint)]) from None
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
                                  "a level nests tables and arrays only a few levels deep")]) from None
    except (tomllib.TOMLDecodeError, ValueError) as err:  # ValueError: an integer of over 4300 digits
        line, col = _toml_error_place(str(err), text)
        message = str(err).split(" (at ")[0]
        raise LevelError([Problem(shown, line, col, f"TOML syntax error: {message}", "see https://toml.io for the syntax; strings need quotes, tables need [brackets]")]) from None
    return _Reader(document, Places(text), path).read()


def _toml_error_place(message: str, text: str) -> tuple[int, int]:
    import re

    found = re.search(r"line (\d+), column (\d+)", message)
    if found:
        return int(found.group(1)), int(found.group(2))
    lines = text.split("\n")
    if "end of document" in message:
        # An unclosed string or bracket: point at where the last one was opened.
        opener = re.compile(r'"""|\'\'\'' if "string" in message.lower() else r"[\[{]")
        for number in range(len(lines), 0, -1):
            match = opener.search(lines[number - 1])
            if match:
                return number, match.start() + 1
        return len(lines), 1
    return 1, 1


class _Reader:
    """Walks a parsed TOML document, collecting problems instead of stopping at the first."""

    def __init__(self, document: dict, places: Places, path: Path) -> None:
        self.doc = document
        self.places = places
        self.path = path
        self.problems: list[Problem] = []
        self.variables: tuple[str, ...] = ()

    # -- reporting

    def problem(self, key: tuple[str, ...], message: str, hint: str = "", *, value: bool = True) -> None:
        place = self.places.find(key)
        col = place.value_col if value and self.places.has(key) else place.col
        self.problems.append(Problem(str(self.path), place.line, col, message, hint))

    def check_keys(self, table: dict, allowed: set[str], where: tuple[str, ...], required: set[str] = frozenset()) -> None:
        for key in table:
            if key not in allowed:
                close = difflib.get_close_matches(key, sorted(allowed), n=1, cutoff=0.6)
                hint = f"did you mean '{close[0]}'?" if close else "allowed here: " + ", ".join(sorted(allowed))
                self.problem(where + (key,), f"unknown key '{key}'" + (f" in [{'.'.join(where)}]" if where else ""), hint, value=False)
        for key in sorted(required - set(table)):
            name = f"[{'.'.join(where)}]" if where else "the top of the file"
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
            self.problem(where + (key,), f"'{key}' must be {kind}, not {_type_name(value)}", f"write {key} = {low if low is not None else 1}")
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
        good = [name for name in value if self.valid_name(name, where + (key,))]
        duplicates = sorted({n for n in value if value.count(n) > 1})
        if duplicates:
            self.problem(where + (key,), f"variable '{duplicates[0]}' is declared twice", "each variable once")
        return tuple(dict.fromkeys(good))

    def valid_name(self, name: str, key: tuple[str, ...]) -> bool:
        if not name.isidentifier() or keyword.iskeyword(name) or not name.isascii():
            self.problem(key, f"'{name}' is not a valid name", "names are letters, digits and _, starting with a letter")
            return False
        if name in FUNCTIONS or name in CONSTANTS:
            self.problem(key, f"'{name}' is the name of a {'function' if name in FUNCTIONS else 'constant'}", "pick another name, like w or theta")
            return False
        return True

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
            self.problems.append(Problem(str(self.path), line, col, f"in {key}: {err.message}", err.hint))
            return None

    def read_data(self, table: dict, variables: tuple[str, ...], inline: str = "data") -> dict[str, np.ndarray] | None:
        """The columns of `data` / `data_file` (or, with inline="holdout", of `holdout` / `holdout_file`)."""
        where = ("landscape",)
        self.variables = variables
        file = f"{inline}_file"
        if inline in table and file in table:
            self.problem(where + (file,), f"give either '{inline}' or '{file}', not both", "remove one of them", value=False)
            return None
        if file in table:
            return self.read_data_file(table, file)
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

    def read_data_file(self, table: dict, file: str = "data_file") -> dict[str, np.ndarray] | None:
        """A CSV next to the level (or in a visible folder below it): header row, then numbers.
        Only what is needed to name a problem is ever quoted: the offending cell, cut short."""
        key = ("landscape", file)
        name = self.string(table, file, ("landscape",))
        if name is None:
            return None
        shown_name = one_line(name, 60)
        if "\x00" in name:  # pathlib raises ValueError on it
            self.problem(key, f"{file} has a NUL character in its name", "name a CSV file next to the level")
            return None
        relative = Path(name)
        folder = Path(os.path.realpath(self.path.parent))
        target = Path(os.path.realpath(self.path.parent / relative))  # never raises on a loop of links
        if relative.is_absolute() or ".." in relative.parts or not target.is_relative_to(folder):
            self.problem(key, f"{file} '{shown_name}' is outside the level's folder", "put the CSV next to the level file and name it without '..' or '/'")
            return None
        if is_hidden(relative) or is_hidden(target.relative_to(folder)):
            self.problem(key, f"{file} '{shown_name}' is a hidden file or lies in a hidden folder", "data files are visible CSV files in the level's folder (no name part starting with '.')")
            return None
        try:
            raw = read_bytes(self.path.parent / relative, MAX_DATA_BYTES)
        except UnsafeFile as err:
            hint = "use a sample of the data" if err.too_large else "name an ordinary CSV file next to the level"
            self.problem(key, f"{file} '{shown_name}' {err.reason}", hint)
            return None
        shown = str(self.path.parent / name)
        if b"\x00" in raw:
            self.problems.append(Problem(shown, 1, 1, "the data file is binary, not CSV", "save it as a UTF-8 CSV"))
            return None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as err:
            line = raw[: err.start].count(b"\n") + 1
            self.problems.append(Problem(shown, line, 1, "the data file is not UTF-8 text", "save it as a UTF-8 CSV with a header row"))
            return None
        return self.read_csv(text, shown)

    def read_csv(self, text: str, shown: str) -> dict[str, np.ndarray] | None:
        """The columns of a CSV's text; problems at `shown`:LINE:COL. Rows are read one by one and
        counted against the limits, so a huge CSV is refused before it fills memory."""
        reader = csv.reader(io.StringIO(text))
        header: list[str] | None = None
        values: list[list[float]] = []
        try:
            for row in reader:
                number = reader.line_num
                if not any(cell.strip() for cell in row):
                    continue
                if header is None:
                    header = [h.strip() for h in row]
                    if not self.check_header(header, shown, number):
                        return None
                    values = [[] for _ in header]
                    continue
                if len(row) != len(header):
                    self.problems.append(Problem(shown, number, 1, f"row has {len(row)} values; the header has {len(header)}", "one value per column"))
                    return None
                if len(values[0]) >= MAX_DATA_ROWS:
                    self.problems.append(Problem(shown, number, 1, f"the data has more than {MAX_DATA_ROWS:,} rows (the limit)", "use a sample of the data: a few hundred rows teach as well"))
                    return None
                col = 1
                for i, cell in enumerate(row):
                    value = _csv_number(cell)
                    if value is None:
                        self.problems.append(Problem(shown, number, col, f"'{one_line(cell.strip(), 40)}' in column '{header[i]}' is not a finite number", "every cell must be an ordinary number, like 3.5 or -2e-3"))
                        return None
                    values[i].append(value)
                    col += len(cell) + 1
        except csv.Error as err:
            self.problems.append(Problem(shown, reader.line_num or 1, 1, f"cannot read the CSV: {one_line(err, 80)}", "save it as a UTF-8 CSV with a header row"))
            return None
        if header is None or not values or not values[0]:
            self.problems.append(Problem(shown, 1, 1, "the CSV needs a header row and at least one data row", "first line: column names"))
            return None
        return {name_: np.array(column) for name_, column in zip(header, values)}

    def check_header(self, header: list[str], shown: str, line: int) -> bool:
        if len(header) > MAX_DATA_COLUMNS:
            self.problems.append(Problem(shown, line, 1, f"the CSV has {len(header):,} columns; the limit is {MAX_DATA_COLUMNS}", "keep the columns the model uses"))
            return False
        col = 1
        seen: set[str] = set()
        for name_ in header:
            cell = one_line(name_, 40)
            if not name_.isidentifier() or keyword.iskeyword(name_) or not name_.isascii():
                self.problems.append(Problem(shown, line, col, f"column name '{cell}' is not a valid name", "names are letters, digits and _, starting with a letter"))
                return False
            if name_ in FUNCTIONS or name_ in CONSTANTS:
                self.problems.append(Problem(shown, line, col, f"column name '{cell}' is the name of a {'function' if name_ in FUNCTIONS else 'constant'}", "rename the column"))
                return False
            if name_ in self.variables:
                self.problems.append(Problem(shown, line, col, f"data column '{cell}' has the name of a variable", "rename the column or the variable"))
                return False
            if name_ in seen:
                self.problems.append(Problem(shown, line, col, f"column '{cell}' appears twice in the header", "each column once"))
                return False
            seen.add(name_)
            col += len(name_) + 1
        return True

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
        """Refuse a level whose valley-floor search or race would take minutes (see work.py)."""
        from foggymountain import work

        budget, batch = hike["budget"], hike["batch_size"]
        if hike.get("examples") is not None and hike.get("batch_sizes"):
            # a batch-size level: every racer walks every batch size; at most examples // smallest steps
            sizes = hike["batch_sizes"]
            budget, batch = hike["examples"] // min(sizes), min(sizes)
            walkers = (walkers - 1) * len(sizes) + 1
        cost = work.of_landscape(landscape, budget, walkers, batch)
        if cost.evaluation > work.MAX_EVALUATION_WORK:
            key = ("landscape", "data_file") if self.places.has(("landscape", "data_file")) else ("landscape", "data") if landscape.n_rows else ("landscape",)
            self.problem(key, f"one slope of this level costs {cost.evaluation:,} operations ({cost.rows:,} rows x {cost.parts} formula parts x "
                              f"{cost.variables + 1} for the height and each variable); the limit is {work.MAX_EVALUATION_WORK:,}",
                         "use fewer data rows, fewer variables or a shorter formula")
            return
        if cost.map > work.MAX_MAP_WORK:
            key = ("landscape", "data_file") if self.places.has(("landscape", "data_file")) else ("landscape", "data")
            self.problem(key, f"drawing the revealed map costs {cost.map:,} operations ({work.MAP_POINTS if cost.variables >= 2 else work.CURVE_POINTS:,} points x "
                              f"{cost.rows:,} rows x {cost.parts} formula parts); the limit is {work.MAX_MAP_WORK:,}",
                         f"use at most {work.MAX_MAP_WORK // ((work.MAP_POINTS if cost.variables >= 2 else work.CURVE_POINTS) * cost.parts):,} data rows")
            return
        if cost.race > work.MAX_RACE_WORK:
            self.problem(("hike", "budget"), f"a race of {cost.budget:,} steps with {walkers} walkers costs {cost.race:,} operations here; "
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
