"""Property tests: hostile formulas and hostile level files only ever end in our own errors.

Two contracts, checked over generated input (hypothesis):

- formulas: `parse(text, names)` then `value_and_slope(...)` gives an `Expression` and float arrays,
  or raises `ExpressionError`. Any other exception is a bug.
- level files: `load_level_text` / `load_level_bytes` give a `Level`, or raise `LevelError` whose
  problems all have a line >= 1, a column >= 1 and a message. Any other exception is a bug. A level
  that loads must also be playable: a hike can start on it and take a step.

The default run is small and derandomized (same examples every time, so CI does not flake). The
`long` run (`pytest -m long tests/test_properties.py`) draws 10,000 fresh examples per property.
"""

from __future__ import annotations

import math
import string
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from foggymountain.hike import Hike
from foggymountain.race import run_racers
from foggymountain.level import KINDS, Level, LevelError, load_level_bytes, load_level_text
from foggymountain.optimizers import HYPERPARAMETERS, NAMES as OPTIMIZER_NAMES
from foggymountain.terrain.expression import FUNCTIONS, Expression, ExpressionError, parse

QUICK = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
LONG = settings(
    max_examples=10_000,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)

# ---- formulas --------------------------------------------------------------------------------

DECLARED = ("x", "y", "w", "b", "size")
UNKNOWN_NAMES = ("z", "os", "__import__", "eval", "exec", "open", "globals", "__builtins__", "np", "sys", "self")
UNKNOWN_FUNCTIONS = ("eval", "exec", "open", "__import__", "getattr", "print", "sinn", "Sin", "SIN", "pow", "round")

numbers = st.one_of(
    st.integers(min_value=0, max_value=10**6).map(str),
    st.floats(allow_nan=False, allow_infinity=False, min_value=0).map(repr),
    st.sampled_from(["0", "0.0", "1e308", "1e309", "1e-400", "9" * 400, "0x10", "0b101", "0o7", "1_000",
                     "1j", "2.5e-3", ".5", "5.", "1e", "00", "0.1e+999", "nan", "inf"]),
)
names = st.one_of(st.sampled_from(DECLARED), st.sampled_from(UNKNOWN_NAMES), st.sampled_from(["pi", "e"]),
                  st.sampled_from(sorted(FUNCTIONS)))
oddities = st.sampled_from([
    "'text'", '"x"', "b'bytes'", "f'{x}'", 'f"{x.__class__}"', "True", "None", "...", "[]", "{}", "()",
    "lambda: x", "(lambda q: q)(x)", "[i for i in x]", "{i: 1 for i in y}", "(i for i in x)", "{x}",
    "(q := x)", "x.__class__", "x.__class__.__mro__[1].__subclasses__()", "x[0]", "x[1:2]",
    "__import__('os').system('true')", "open('/etc/passwd')", "yield x", "await x", "*x", "**x",
    "x if y else w", "not x", "~x", "x and y", "x or y", "x < y", "x == y", "x is y", "x in y",
    "x, y", "sin(x=1)", "sin(*x)", "max(x)", "min(x, y, w)", "sin()", "\\", "#", "\n", "\t", ";",
    "x;y", "import os", "del x", "global x", "x = 1", "x += 1", "@x", "sin(x)(y)",
])
atoms = st.one_of(numbers, names, oddities)
unary_ops = st.sampled_from(["-", "+", "~", "not ", "--", "- -"])
binary_ops = st.sampled_from(["+", "-", "*", "/", "**", "//", "%", "@", "^", "<<", ">>", "&", "|",
                              " and ", " or ", "<", ">=", "==", " is ", " in ", ",", ":=", ".", " if 1 else "])
functions = st.one_of(st.sampled_from(sorted(FUNCTIONS)), st.sampled_from(UNKNOWN_FUNCTIONS))


def _extend(children):
    return st.one_of(
        st.tuples(unary_ops, children).map("".join),
        st.tuples(children, binary_ops, children).map("".join),
        children.map(lambda c: f"({c})"),
        st.tuples(functions, st.lists(children, min_size=0, max_size=3)).map(lambda t: f"{t[0]}({', '.join(t[1])})"),
        st.tuples(children, st.sampled_from(["**1e300", "**1e309", "**-1e300", "**9999999", "**0.5", "**x", "**-1"])).map("".join),
        st.tuples(children, st.sampled_from(["[0]", ".real", ".__class__", "(1)", "[x]"])).map("".join),
        st.tuples(st.sampled_from(["(lambda: ", "[", "{", "f'{", "(q := "]), children,
                  st.sampled_from([")", "]", "}", "}'", " for q in x)", " for q in x]"])).map("".join),
    )


grammar = st.recursive(atoms, _extend, max_leaves=40)


@st.composite
def deep(draw):
    """Nesting far past the parser's and our own limits, in every shape a formula can nest."""
    depth = draw(st.sampled_from([50, 59, 60, 61, 62, 100, 199, 200, 201, 500, 1000, 1999, 5000, 100_000]))
    shape = draw(st.sampled_from(["brackets", "unary", "calls", "powers", "sums", "lambdas", "lists"]))
    if shape == "brackets":
        return "(" * depth + "x" + ")" * depth
    if shape == "unary":
        return "-" * depth + "x"
    if shape == "calls":
        return "sin(" * depth + "x" + ")" * depth
    if shape == "powers":
        return "**".join(["x"] * depth)
    if shape == "sums":
        return "+".join(["x"] * depth)
    if shape == "lambdas":
        return "(lambda: " * depth + "x" + ")" * depth
    return "[" * depth + "x" + "]" * depth


formulas = st.one_of(
    grammar,
    deep(),
    st.text(max_size=200),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=60),
    st.text(alphabet="xyw+-*/()., 0123456789e\n\t", max_size=120),
    st.binary(max_size=200).map(lambda raw: raw.decode("utf-8", "replace")),
    st.binary(max_size=200).map(lambda raw: raw.decode("latin-1")),
    st.tuples(grammar, st.text(max_size=5), grammar).map("".join),
)

values = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 1.0, -1.0, 1e-300, 1e300, -1e300, math.nan, math.inf, -math.inf]),
)


@st.composite
def formula_cases(draw):
    text = draw(formulas)
    declared = draw(st.lists(st.sampled_from(DECLARED), unique=True, max_size=len(DECLARED)))
    grid = draw(st.booleans())
    env = {}
    for name in declared:
        if grid:
            env[name] = np.array(draw(st.lists(values, min_size=3, max_size=3)), dtype=float)
        else:
            env[name] = draw(values)
    wrt = draw(st.lists(st.sampled_from(declared), unique=True)) if declared else []
    return text, declared, env, wrt


def check_formula(text: str, declared: list[str], env: dict, wrt: list[str]) -> None:
    try:
        expression = parse(text, declared)
    except ExpressionError as err:
        assert isinstance(err.message, str) and err.message
        assert isinstance(err.offset, int) and err.offset >= 0
        return
    assert isinstance(expression, Expression)
    assert expression.names <= set(declared)
    try:
        value, slope = expression.value_and_slope(env, wrt)
        plain = expression.value(env)
    except ExpressionError:
        return
    assert isinstance(value, np.ndarray) and value.dtype == np.float64
    assert isinstance(slope, np.ndarray) and slope.dtype == np.float64
    assert isinstance(plain, np.ndarray) and plain.dtype == np.float64
    assert slope.shape == (len(wrt),) + value.shape


@QUICK
@given(formula_cases())
def test_formulas_end_in_an_expression_or_an_expression_error(case):
    check_formula(*case)


@pytest.mark.long
@LONG
@given(formula_cases())
def test_formulas_end_in_an_expression_or_an_expression_error_long(case):
    check_formula(*case)


# ---- level files -----------------------------------------------------------------------------

# A data file for `data_file` keys to find: one good CSV and a few broken ones next to the levels.
LEVEL_FOLDER = Path(tempfile.mkdtemp(prefix="foggy-properties-"))
(LEVEL_FOLDER / "good.csv").write_text("size,price\n1,2\n2,4\n3,6.5\n")
(LEVEL_FOLDER / "ragged.csv").write_text("size,price\n1,2\n2\n")
(LEVEL_FOLDER / "nan.csv").write_text("size,price\n1,nan\n")
(LEVEL_FOLDER / "header.csv").write_text("1size,price\n1,2\n")
(LEVEL_FOLDER / "binary.csv").write_bytes(b"size,price\n\x00\x01")
(LEVEL_FOLDER / "latin1.csv").write_bytes("size,prix\n1,\xe9\n".encode("latin-1"))
(LEVEL_FOLDER / "empty.csv").write_text("")
LEVEL_PATH = LEVEL_FOLDER / "fuzz.toml"
DATA_FILES = ["good.csv", "ragged.csv", "nan.csv", "header.csv", "binary.csv", "latin1.csv", "empty.csv",
              "missing.csv", "../good.csv", "/etc/passwd", "", ".", "sub/../good.csv", "good.csv\x00"]

WORDS = ["x", "y", "w", "b", "size", "price", "theta", "sin", "pi", "e", "lambda", "1x", "x-y", "ü", "", "x y",
         "__class__", "True", "a" * 80]


class Raw(str):
    """Text written into the TOML as it is (a formula of the grammar, a date, an inline table...)."""


def toml_string(text: str) -> str:
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        elif 0xD800 <= ord(ch) <= 0xDFFF:
            out.append("?")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def toml_value(value) -> str:
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(value)


def toml_key(key: str) -> str:
    if key and all(ch in string.ascii_letters + string.digits + "_-" for ch in key):
        return key
    return toml_string(key)


def toml_document(doc: dict, inline_tables: bool) -> str:
    lines = []
    for key, value in doc.items():
        if not isinstance(value, dict):
            lines.append(f"{toml_key(key)} = {toml_value(value)}")
    for key, value in doc.items():
        if isinstance(value, dict):
            if key == "agents" and not inline_tables:
                loose = {k: v for k, v in value.items() if not isinstance(v, dict)}
                lines.append("[agents]")
                lines.extend(f"{toml_key(k)} = {toml_value(v)}" for k, v in loose.items())
                for name, settings_ in value.items():
                    if isinstance(settings_, dict):
                        lines.append(f"[agents.{toml_key(name)}]")
                        lines.extend(f"{toml_key(k)} = {toml_value(v)}" for k, v in settings_.items())
                continue
            lines.append(f"[{toml_key(key)}]")
            for inner, item in value.items():
                lines.append(f"{toml_key(inner)} = {toml_value(item)}")
    return "\n".join(lines) + "\n"


huge_ints = st.sampled_from([2**63 - 1, -(2**63), 10**18, 10**30, 10**400, -(10**400)])
hostile_scalars = st.one_of(
    st.integers(min_value=-20, max_value=20_000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, -1, 1, 0.0, -0.0, 1e-300, 1e300, 1e308, math.nan, math.inf, -math.inf, True, False]),
    huge_ints,
    st.text(max_size=12),
    st.sampled_from(["1", "0.1", "nan", "x", ""]),
    st.sampled_from([Raw("1979-05-27T07:32:00Z"), Raw("1979-05-27"), Raw("07:32:00"), Raw("1e309"), Raw("-1e309"),
                     Raw("1" + "0" * 5000), Raw("0x7fffffffffffffff"), Raw("+inf"), Raw("-nan")]),
)
hostile_values = st.recursive(
    hostile_scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(WORDS[:8]), inner, max_size=3)),
    max_leaves=6,
)
edge_numbers = st.one_of(huge_ints, st.sampled_from([
    0, -1, 0.0, -0.0, 5e-324, 1e-300, 1e300, math.nan, math.inf, -math.inf, True, "1", [], {},
    Raw("1e309"), Raw("-nan"), Raw("1" + "0" * 5000), Raw("1979-05-27")]))
maybe_hostile_numbers = st.one_of(st.integers(min_value=-10, max_value=10), st.floats(min_value=-10, max_value=10),
                                  edge_numbers, hostile_values)
level_formulas = st.one_of(
    st.sampled_from(["x**2", "(x - 1)**2 + 10*(y + 2)**2", "w*size + b", "sin(x)*cos(y)", "1/x", "log(x)",
                     "sqrt(x)", "x", "0", "price", "w*x + b", "x**x", "exp(exp(exp(x)))"]),
    grammar,
)
variable_lists = st.one_of(
    st.lists(st.sampled_from(WORDS), min_size=0, max_size=4),
    st.sampled_from([["x"], ["x", "y"], ["w", "b"], ["w"]]),
    hostile_values,
)


@st.composite
def points(draw, variables):
    names_ = variables if isinstance(variables, list) and all(isinstance(v, str) for v in variables) else ["x"]
    point = {name: draw(maybe_hostile_numbers) for name in names_ if draw(st.integers(0, 9)) > 0}
    if draw(st.integers(0, 9)) == 0:
        point[draw(st.sampled_from(WORDS))] = draw(maybe_hostile_numbers)
    return point


@st.composite
def boundses(draw, variables):
    names_ = variables if isinstance(variables, list) and all(isinstance(v, str) for v in variables) else ["x"]
    out = {}
    for name in names_:
        if draw(st.integers(0, 9)) == 0:
            continue
        out[name] = draw(st.one_of(
            st.tuples(st.floats(-10, -0.5), st.floats(0.5, 10)).map(list),
            st.lists(maybe_hostile_numbers, max_size=3),
            hostile_values,
        ))
    return out


@st.composite
def landscapes(draw):
    kind = draw(st.one_of(st.sampled_from(KINDS), hostile_values))
    table = {"kind": kind} if draw(st.integers(0, 9)) else {}
    if kind == "next-token":
        table["corpus"] = draw(st.one_of(
            st.sampled_from(["the cat sat. the dog sat.", "a b", "a", "", "one two three four five six seven eight nine "
                             "ten eleven twelve thirteen fourteen fifteen sixteen seventeen."]),
            st.text(max_size=80), hostile_values))
        if draw(st.booleans()):
            table["bound"] = draw(maybe_hostile_numbers)
        if draw(st.booleans()):
            table["start"] = draw(maybe_hostile_numbers)
        if draw(st.booleans()):
            table["prompts"] = draw(st.one_of(st.lists(st.sampled_from(["the", "cat", "zebra", ""]), max_size=3), hostile_values))
        return table
    variables = draw(variable_lists)
    table["variables"] = variables
    if kind == "fit":
        table["model"] = draw(level_formulas)
        table["target"] = draw(st.one_of(st.sampled_from(["price", "size", "y", "w"]), hostile_values))
        if draw(st.booleans()):
            table["loss"] = draw(st.one_of(st.sampled_from(["mse", "mae", "logistic", "hinge"]), hostile_values))
        choice = draw(st.integers(0, 3))
        if choice in (0, 3):
            rows = draw(st.integers(1, 6))
            table["data"] = draw(st.one_of(
                st.fixed_dictionaries({
                    "size": st.lists(st.floats(-5, 5), min_size=rows, max_size=rows),
                    "price": st.lists(st.sampled_from([0, 1, 0.5, 2.0]), min_size=rows, max_size=rows),
                }),
                st.dictionaries(st.sampled_from(WORDS), st.lists(maybe_hostile_numbers, max_size=4), max_size=3),
                hostile_values,
            ))
        if choice in (1, 3):
            table["data_file"] = draw(st.one_of(st.sampled_from(DATA_FILES), hostile_values))
    else:
        table["height"] = draw(st.one_of(level_formulas, hostile_values))
    if draw(st.integers(0, 9)):
        table["bounds"] = draw(boundses(variables))
    if draw(st.integers(0, 9)):
        table["start"] = draw(st.one_of(points(variables), hostile_values))
    if draw(st.integers(0, 3)) == 0:
        table["minimum"] = draw(st.one_of(points(variables), hostile_values))
    if draw(st.integers(0, 5)) == 0:
        table[draw(st.sampled_from(WORDS))] = draw(hostile_values)
    return table


@st.composite
def hikes(draw):
    table = {}
    for key, numbers_ in [
        ("budget", st.integers(1, 40)), ("goal", st.floats(-1, 10)), ("par", st.integers(1, 40)),
        ("max_stride", st.floats(0.01, 10)), ("stride", st.floats(0.01, 10)), ("noise", st.floats(0, 2)),
        ("batch_size", st.integers(1, 10)), ("seed", st.integers(0, 2**32 - 1)), ("show_height", st.booleans()),
    ]:
        pick = draw(st.integers(0, 9))
        if pick < 5 if key != "budget" else pick < 1:
            continue
        table[key] = draw(numbers_) if pick < 8 else draw(hostile_values)
    if draw(st.integers(0, 5)) == 0:
        table[draw(st.sampled_from(["budgit", "steps", "x", "Budget"]))] = draw(hostile_values)
    return table


@st.composite
def agentses(draw):
    agents = {}
    names_ = st.one_of(st.sampled_from(OPTIMIZER_NAMES), st.sampled_from(["sgdd", "lbfgs", "x", "", "Adam"]))
    for name in draw(st.lists(names_, max_size=4)):
        known = [spec.name for spec in HYPERPARAMETERS.get(name, ())] or ["learning_rate"]
        keys = st.one_of(st.sampled_from(known), st.sampled_from(["lr", "betas", "nesterov", "x"]))
        agents[name] = draw(st.one_of(
            st.dictionaries(keys, st.one_of(edge_numbers, st.floats(0, 1), maybe_hostile_numbers), max_size=3),
            hostile_values,
        ))
    return agents


@st.composite
def good_documents(draw):
    """A level that should load: one of the three kinds with ordinary random values."""
    kind = draw(st.sampled_from(KINDS))
    hike = {"budget": draw(st.integers(1, 60)), "seed": draw(st.integers(0, 2**32 - 1))}
    if kind == "next-token":
        landscape = {"kind": kind, "corpus": draw(st.sampled_from(["the cat sat. the dog sat.", "a b a b c.", "up down up."]))}
        hike["batch_size"] = draw(st.integers(1, 3))
    elif kind == "fit":
        rows = draw(st.integers(2, 8))
        landscape = {
            "kind": kind, "variables": ["w", "b"], "model": draw(st.sampled_from(["w*size + b", "w*size", "sigmoid(w*size + b)", "b", "0.5", "size"])),
            "target": "price", "loss": draw(st.sampled_from(["mse", "mae"])),
            "data": {"size": draw(st.lists(st.floats(-5, 5), min_size=rows, max_size=rows)),
                     "price": draw(st.lists(st.floats(-5, 5), min_size=rows, max_size=rows))},
            "bounds": {"w": [-5, 5], "b": [-5, 5]},
            "start": {"w": draw(st.floats(-4, 4)), "b": draw(st.floats(-4, 4))},
        }
        if draw(st.booleans()):
            del landscape["data"]
            landscape["data_file"] = "good.csv"
    else:
        variables = draw(st.sampled_from([["x"], ["x", "y"], ["x", "y", "w"]]))
        formula = {1: ["x**2", "(x - 1)**2", "sin(x) + x**2/10", "abs(x)", "log1p(x**2)", "1", "pi"],
                   2: ["x**2 + 3*y**2", "(x - 1)**2 + 10*(y + 2)**2", "sin(x)*cos(y) + (x**2 + y**2)/20", "0", "x"],
                   3: ["x**2 + y**2 + w**2", "(x - y)**2 + w**2"]}[len(variables)]
        landscape = {
            "kind": kind, "variables": variables, "height": draw(st.sampled_from(formula)),
            "bounds": {v: [-4, 4] for v in variables}, "start": {v: draw(st.floats(-3.5, 3.5)) for v in variables},
        }
        hike["noise"] = draw(st.sampled_from([0.0, 0.0, 0.5]))
    for key, numbers_ in [("stride", st.floats(0.01, 2)), ("max_stride", st.floats(0.5, 10)), ("show_height", st.booleans())]:
        if draw(st.booleans()):
            hike[key] = draw(numbers_)
    doc = {"title": draw(st.text(max_size=20)), "briefing": draw(st.text(max_size=40)), "landscape": landscape, "hike": hike}
    if draw(st.booleans()):
        doc["agents"] = {name: {} for name in draw(st.lists(st.sampled_from(OPTIMIZER_NAMES), min_size=1, max_size=3, unique=True))}
    return doc


@st.composite
def spoiled(draw, doc):
    """A good level with a key or two given a hostile value, dropped, or joined by a stranger."""
    for _ in range(draw(st.integers(0, 2))):
        table = doc
        while True:
            inner = [k for k, v in table.items() if isinstance(v, dict)]
            if not inner or draw(st.booleans()):
                break
            table = table[draw(st.sampled_from(inner))]
        action = draw(st.sampled_from(["replace", "replace", "drop", "add"]))
        if action == "add" or not table:
            table[draw(st.sampled_from(WORDS + ["budget", "goal", "kind", "learning_rate"]))] = draw(hostile_values)
        elif action == "drop":
            del table[draw(st.sampled_from(sorted(table)))]
        else:
            table[draw(st.sampled_from(sorted(table)))] = draw(st.one_of(hostile_values, level_formulas, maybe_hostile_numbers))
    return doc


@st.composite
def level_documents(draw):
    if draw(st.booleans()):
        return draw(spoiled(draw(good_documents())))
    doc = {}
    if draw(st.integers(0, 9)):
        doc["title"] = draw(st.one_of(st.text(max_size=20), hostile_values))
    if draw(st.integers(0, 9)):
        doc["briefing"] = draw(st.one_of(st.text(max_size=40), st.just("budget = 3\n[hike]"), hostile_values))
    for key in ("chapter", "debrief", "author"):
        if draw(st.integers(0, 3)) == 0:
            doc[key] = draw(st.one_of(st.text(max_size=10), hostile_values))
    if draw(st.booleans()):
        doc["concepts"] = draw(st.one_of(st.lists(st.sampled_from(["slope", "step-size", "sloop", ""]), max_size=3), hostile_values))
    if draw(st.integers(0, 9)) == 0:
        doc[draw(st.sampled_from(WORDS))] = draw(hostile_values)
    if draw(st.integers(0, 19)):
        doc["landscape"] = draw(st.one_of(landscapes(), hostile_values) if draw(st.integers(0, 9)) == 0 else landscapes())
    if draw(st.integers(0, 19)):
        doc["hike"] = draw(hikes())
    if draw(st.integers(0, 2)) == 0:
        doc["agents"] = draw(agentses())
    return doc


@st.composite
def mutated(draw, text: str) -> str:
    """The document, sometimes with a few characters or lines cut, doubled or replaced."""
    for _ in range(draw(st.integers(0, 3))):
        action = draw(st.sampled_from(["cut", "insert", "double-line", "drop-line", "none"]))
        if not text or action == "none":
            continue
        at = draw(st.integers(0, len(text)))
        if action == "cut":
            text = text[:at] + text[at + draw(st.integers(1, 10)):]
        elif action == "insert":
            text = text[:at] + draw(st.one_of(st.text(max_size=5), st.sampled_from(['"', '"""', "[", "]", "=", "\n", "{", "#", "'''", "\\"]))) + text[at:]
        else:
            lines = text.split("\n")
            index = draw(st.integers(0, len(lines) - 1))
            if action == "double-line":
                lines.insert(index, lines[index])
            else:
                del lines[index]
            text = "\n".join(lines)
    return text


@st.composite
def level_texts(draw):
    text = toml_document(draw(level_documents()), inline_tables=draw(st.booleans()))
    if draw(st.integers(0, 2)) == 0:
        text = draw(mutated(text))
    return text


@st.composite
def level_bytes(draw):
    choice = draw(st.integers(0, 4))
    if choice == 0:
        return draw(st.binary(max_size=300))
    raw = draw(level_texts()).encode("utf-8")
    if choice == 1:
        at = draw(st.integers(0, len(raw)))
        return raw[:at] + draw(st.sampled_from([b"\x00", b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xef\xbb\xbf", b"\r", b"\r\n"])) + raw[at:]
    if choice == 2:
        return b"\xef\xbb\xbf" + raw
    if choice == 3:
        return raw.replace(b"\n", b"\r\n")
    return raw


def check_level_outcome(load, *args) -> None:
    try:
        level = load(*args)
    except LevelError as err:
        assert err.problems, "a LevelError with no problems"
        for problem in err.problems:
            assert isinstance(problem.line, int) and problem.line >= 1, problem
            assert isinstance(problem.col, int) and problem.col >= 1, problem
            assert isinstance(problem.message, str) and problem.message.strip(), problem
            str(problem)
        return
    assert isinstance(level, Level)
    # A level that loads is a level the game can open: a hike starts and takes a step, and the
    # racers can race on it.
    hike = Hike(level)
    hike.step()
    run_racers(level, budget=min(level.budget, 3))


@QUICK
@given(level_texts())
def test_level_text_ends_in_a_level_or_a_level_error(text):
    check_level_outcome(load_level_text, text, LEVEL_PATH)


@QUICK
@given(level_bytes())
def test_level_bytes_end_in_a_level_or_a_level_error(raw):
    check_level_outcome(load_level_bytes, raw, LEVEL_PATH)


@pytest.mark.long
@LONG
@given(level_texts())
def test_level_text_ends_in_a_level_or_a_level_error_long(text):
    check_level_outcome(load_level_text, text, LEVEL_PATH)


@pytest.mark.long
@LONG
@given(level_bytes())
def test_level_bytes_end_in_a_level_or_a_level_error_long(raw):
    check_level_outcome(load_level_bytes, raw, LEVEL_PATH)


def test_the_generators_reach_loadable_levels():
    """The level generator is not all noise: some documents it makes load (so the property also
    covers the playable path), many do not."""
    loaded = refused = 0

    @settings(max_examples=300, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
    @given(level_texts())
    def count(text):
        nonlocal loaded, refused
        try:
            load_level_text(text, LEVEL_PATH)
            loaded += 1
        except LevelError:
            refused += 1
        except Exception:  # reported by the properties above
            pass

    count()
    assert refused > 0
    assert loaded > 0, "no generated level loaded: the generator only tests the refusal path"


# ---- files from strangers (issue 13) ----------------------------------------------------------

from foggymountain.level import _csv_number  # noqa: E402
from foggymountain.safe_text import FORMULA_LEADS, is_unsafe, one_line, spreadsheet_cell, visible  # noqa: E402

ANY_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=()), max_size=60)
HOSTILE_TEXT = st.lists(st.sampled_from(["a", "[/]", "[@click=app.quit]", "\x1b[31m", "\x1b]52;c;eA==\x07", "\x9b", "\u202e",
                                         "\r", "\n", "\t", "\x00", "\x7f", "\u2028", "=", "+", "-", "@", "é", "１"]),
                        max_size=12).map("".join)


def _has_control(text: str, keep: str = "") -> bool:
    return any(is_unsafe(char, keep) for char in text)


@QUICK
@given(st.one_of(ANY_TEXT, HOSTILE_TEXT))
def test_visible_text_has_no_control_character_and_keeps_the_rest(text):
    shown = visible(text)
    assert not _has_control(shown)
    assert not _has_control(one_line(text)) and "\n" not in one_line(text)
    if not _has_control(text):
        assert shown == text  # text without control characters is never changed


@QUICK
@given(st.one_of(ANY_TEXT, HOSTILE_TEXT))
def test_a_spreadsheet_cell_is_never_a_formula(text):
    cell = spreadsheet_cell(text)
    assert not cell.startswith(FORMULA_LEADS) and not _has_control(cell)


@QUICK
@given(st.one_of(st.floats(allow_nan=False, allow_infinity=False).map(repr), st.integers(-10**6, 10**6).map(str),
                 st.text(alphabet="0123456789.eE+-_ ١٢４", max_size=12), ANY_TEXT))
def test_a_csv_number_is_ascii_decimal_and_finite(cell):
    value = _csv_number(cell)
    if value is not None:
        assert math.isfinite(value) and cell.strip(" ").isascii() and "_" not in cell
        assert value == float(cell)


JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), HOSTILE_TEXT),
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(HOSTILE_TEXT, children, max_size=4)),
    max_leaves=20,
)
RESULT_KEYS = ("format", "version", "player", "level", "stars", "final_height", "steps", "steps_to_goal", "time")


@QUICK
@given(st.dictionaries(st.sampled_from(RESULT_KEYS), JSON_VALUES), st.dictionaries(st.sampled_from(("id", "title")), JSON_VALUES))
def test_a_result_file_is_a_row_or_a_reason(document, level):
    import json

    from foggymountain.results import FORMAT, Row, read_result

    document = {"format": FORMAT, "version": 1, **document}
    if "level" not in document:
        document["level"] = level
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "r.json"
        path.write_text(json.dumps(document))
        try:
            row = read_result(path)
        except ValueError:
            return
    assert isinstance(row, Row) and 0 <= row.stars <= 3
    assert row.final_height is None or math.isfinite(row.final_height)
    assert not _has_control(row.player + row.level_id + row.level_title + row.time)


@QUICK
@given(st.dictionaries(HOSTILE_TEXT, JSON_VALUES, max_size=4))
def test_a_progress_entry_keeps_only_what_the_game_can_show(entry):
    from foggymountain.progress import _clean_entry
    from foggymountain.ui.widgets.words import best_short, best_text

    clean = _clean_entry(entry)
    for result in (clean.get("best"), clean.get("last")):
        if result is not None:
            best_text(result), best_short(result)  # never raises
            assert not any(_has_control(v) for v in result.values() if isinstance(v, str))
