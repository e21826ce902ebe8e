"""The safe expression language of level files, with exact slopes.

A level's `height` (or a fit level's `model`) is a formula written by a stranger. It is parsed with
Python's `ast` and then checked node by node against an allowlist: numbers, declared names, `pi`,
`e`, `+ - * / **`, unary signs and calls of the functions in `FUNCTIONS`. Anything else is refused
with the column where it starts. The checked tree is compiled into nested Python closures over
numpy; no string is ever handed to `eval`, `exec` or any other evaluator.

Slopes are exact: every closure returns a dual number `(value, tangent)`, forward-mode automatic
differentiation over the tree. `tangent` has shape `(k, *value.shape)` (broadcastable), one row per
variable we differentiate with respect to, or is `None` where the sub-expression does not depend on
any of them. Why forward mode: levels have few variables (1 to a dozen) and we want heights and
slopes over whole grids in one vectorised call, which forward mode gives for free.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np

MAX_LENGTH = 2000
MAX_NODES = 1000
MAX_DEPTH = 60

CONSTANTS = {"pi": float(np.pi), "e": float(np.e)}

Dual = tuple[np.ndarray, np.ndarray | None]


class ExpressionError(ValueError):
    """A formula we refuse. `offset` is the 0-based character index in the formula's text."""

    def __init__(self, message: str, offset: int = 0, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.hint = hint


def _sigmoid(x):
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def _d_sqrt(x, v):
    return 0.5 / v


# name -> (arity, value function, derivative function f'(x) given x and the value)
_UNARY: dict[str, tuple[Callable, Callable]] = {
    "sin": (np.sin, lambda x, v: np.cos(x)),
    "cos": (np.cos, lambda x, v: -np.sin(x)),
    "tan": (np.tan, lambda x, v: 1.0 + v * v),
    "exp": (np.exp, lambda x, v: v),
    "log": (np.log, lambda x, v: 1.0 / x),
    "log1p": (np.log1p, lambda x, v: 1.0 / (1.0 + x)),
    "sqrt": (np.sqrt, _d_sqrt),
    "abs": (np.abs, lambda x, v: np.sign(x)),
    "tanh": (np.tanh, lambda x, v: 1.0 - v * v),
    "sinh": (np.sinh, lambda x, v: np.cosh(x)),
    "cosh": (np.cosh, lambda x, v: np.sinh(x)),
    "atan": (np.arctan, lambda x, v: 1.0 / (1.0 + x * x)),
    "sigmoid": (_sigmoid, lambda x, v: v * (1.0 - v)),
    "softplus": (lambda x: np.logaddexp(0.0, x), lambda x, v: _sigmoid(x)),
    "relu": (lambda x: np.maximum(x, 0.0), lambda x, v: (x > 0).astype(float)),
}
_BINARY = {"min", "max"}
FUNCTIONS: frozenset[str] = frozenset(_UNARY) | _BINARY

_OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_REFUSED_OPERATORS = {
    ast.BitXor: ("'^' is not a power here", "write powers as x**2"),
    ast.FloorDiv: ("'//' is not allowed", "use '/' for division"),
    ast.Mod: ("'%' is not allowed", "the language has + - * / ** and functions only"),
    ast.MatMult: ("'@' is not allowed", "the language has + - * / ** and functions only"),
}


@dataclass(frozen=True)
class Expression:
    """A checked formula. Call `value` for heights, `value_and_slope` for heights and exact slopes."""

    text: str
    names: frozenset[str]
    _compiled: Callable[[Mapping[str, Dual]], Dual]

    def value(self, env: Mapping[str, np.ndarray | float]) -> np.ndarray:
        duals = {name: (np.asarray(v, dtype=float), None) for name, v in env.items()}
        with np.errstate(all="ignore"):
            value, _ = self._compiled(duals)
        return np.asarray(value, dtype=float)

    def value_and_slope(
        self, env: Mapping[str, np.ndarray | float], wrt: Iterable[str]
    ) -> tuple[np.ndarray, np.ndarray]:
        """Height and exact partial derivatives with respect to `wrt`.

        Returns `(value, slope)`, `slope` of shape `(len(wrt), *value.shape)`.
        """
        wrt = list(wrt)
        return as_slope(self.evaluate(seeded(env, wrt)), len(wrt))

    def evaluate(self, duals: Mapping[str, Dual]) -> Dual:
        """The dual number of the formula, given the dual numbers of its names: a name may itself
        be the value of another formula (a hidden unit), tangent included, so the slope of a
        composition is exact (the chain rule, in forward mode)."""
        with np.errstate(all="ignore"):
            return self._compiled(duals)


def seeded(env: Mapping[str, np.ndarray | float], wrt: list[str]) -> dict[str, Dual]:
    """Dual numbers for `env`: a tangent of 1 in its own row for each name of `wrt`, none otherwise."""
    k = len(wrt)
    duals: dict[str, Dual] = {}
    for name, v in env.items():
        arr = np.asarray(v, dtype=float)
        if name in wrt:
            seed = np.zeros((k,) + (1,) * arr.ndim)
            seed[wrt.index(name)] = 1.0
            duals[name] = (arr, seed)
        else:
            duals[name] = (arr, None)
    return duals


def as_slope(dual: Dual, k: int) -> tuple[np.ndarray, np.ndarray]:
    """`(value, slope)` from a dual number, the slope of shape `(k, *value.shape)`."""
    value, tangent = dual
    value = np.asarray(value, dtype=float)
    if tangent is None:
        return value, np.zeros((k,) + value.shape)
    shape = np.broadcast_shapes(tangent.shape, (k,) + value.shape)
    value = np.broadcast_to(value, shape[1:])
    return value, np.broadcast_to(tangent, shape).astype(float, copy=True)


def parse(text: str, names: Iterable[str]) -> Expression:
    """Parse and check `text`; `names` are the variables and data columns it may use."""
    allowed = set(names)
    if not isinstance(text, str):
        raise ExpressionError("a formula must be a string", 0, 'write it in quotes, like "x**2"')
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            f"the formula is {len(text)} characters long; the limit is {MAX_LENGTH}",
            MAX_LENGTH,
            "split the idea into a simpler landscape",
        )
    if not text.strip():
        raise ExpressionError("the formula is empty", 0, 'write something like "x**2 + y**2"')
    source = text.strip("\n")
    lead = len(text) - len(text.lstrip("\n"))
    try:
        # Wrapped in brackets so a formula may span lines (in a TOML multi-line string).
        with warnings.catch_warnings():  # "1or x" warns on stderr; the error below is enough
            warnings.simplefilter("ignore", SyntaxWarning)
            tree = ast.parse("(" + source + "\n)", mode="eval")
    except SyntaxError as err:
        line, col = err.lineno or 1, (err.offset or 1) - 1
        offset = lead + min(_offset(source, line, col - (1 if line == 1 else 0)), len(source))
        raise ExpressionError(
            f"this is not a formula ({err.msg})", offset, "check brackets and operators"
        ) from None
    except (RecursionError, MemoryError, ValueError) as err:
        raise ExpressionError(
            f"the formula is too deeply nested or too large ({type(err).__name__})",
            0,
            f"keep it under {MAX_DEPTH} levels of brackets",
        ) from None
    _check_size(tree.body, source, lead)
    used: set[str] = set()
    compiled = _compile(tree.body, source, lead, allowed, used)
    return Expression(text=text, names=frozenset(used), _compiled=compiled)


def _offset(source: str, lineno: int, col: int) -> int:
    lines = source.split("\n")
    return sum(len(line) + 1 for line in lines[: max(lineno - 1, 0)]) + max(col, 0)


def _where(node: ast.AST, source: str, lead: int) -> int:
    line, col = getattr(node, "lineno", 1), getattr(node, "col_offset", 0)
    return lead + _offset(source, line, col - 1 if line == 1 else col)  # minus the opening bracket


# AST nodes that are part of their parent, not parts of the formula: `Load`, `+`, `-`...
_NOT_COUNTED = (ast.expr_context, ast.operator, ast.unaryop, ast.boolop, ast.cmpop)
_CHAINS = ((ast.Add, ast.Sub), (ast.Mult, ast.Div))


def _chain_of(node: ast.AST):
    """The operator family of a `+ -` or `* /` BinOp, else None."""
    if isinstance(node, ast.BinOp):
        for family in _CHAINS:
            if isinstance(node.op, family):
                return family
    return None


def _check_size(root: ast.AST, source: str, lead: int) -> None:
    """Parts are numbers, names, operations and calls (not the `+` or the `Load` inside them).
    Depth is the nesting of brackets and calls: a flat sum `a + b + c + ...` is one level however
    long (it is compiled as a loop), so MAX_NODES terms can be written within MAX_DEPTH."""
    count = 0
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, _NOT_COUNTED):
            continue
        count += 1
        if count > MAX_NODES:
            raise ExpressionError(
                f"the formula has more than {MAX_NODES} parts (numbers, names, operations)", 0, "write a simpler landscape"
            )
        if depth > MAX_DEPTH:
            raise ExpressionError(
                f"the formula is nested more than {MAX_DEPTH} levels deep",
                _where(node, source, lead),
                "flatten the brackets",
            )
        family = _chain_of(node)
        for child in ast.iter_child_nodes(node):
            same_chain = family is not None and child is getattr(node, "left", None) and _chain_of(child) is family
            stack.append((child, depth if same_chain else depth + 1))


def _compile(node, source, lead, allowed, used) -> Callable[[Mapping[str, Dual]], Dual]:
    at = _where(node, source, lead)
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise ExpressionError(
                f"{type(node.value).__name__} values are not allowed, only numbers",
                at,
                "formulas hold numbers, names and operators",
            )
        try:
            number = float(node.value)
        except OverflowError:
            raise ExpressionError("this number is too large", at, "use a smaller number") from None
        if not np.isfinite(number):
            raise ExpressionError("this number is not finite", at, "use an ordinary number")
        return lambda env, c=(np.float64(number), None): c
    if isinstance(node, ast.Name):
        name = node.id
        if name in allowed:
            used.add(name)
            return lambda env: env[name]
        if name in CONSTANTS:
            return lambda env, c=(np.float64(CONSTANTS[name]), None): c
        if name in FUNCTIONS:
            raise ExpressionError(
                f"'{name}' is a function; call it with brackets", at, f"write {name}(x)"
            )
        raise ExpressionError(
            f"unknown name '{name}'",
            at,
            _did_you_mean(name, allowed | set(CONSTANTS))
            or "declare it in [landscape] variables (or as a data column)",
        )
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        inner = _compile(node.operand, source, lead, allowed, used)
        if isinstance(node.op, ast.UAdd):
            return inner
        return lambda env: _neg(inner(env))
    if isinstance(node, ast.BinOp):
        op = type(node.op)
        if op in _REFUSED_OPERATORS:
            message, hint = _REFUSED_OPERATORS[op]
            raise ExpressionError(message, _operator_offset(node, source, lead), hint)
        if op not in _OPERATORS:
            raise ExpressionError(
                "this operator is not allowed", at, "the language has + - * / ** and functions"
            )
        family = _chain_of(node)
        if family is not None and _chain_of(node.left) is family:
            return _compile_chain(node, family, source, lead, allowed, used)
        left = _compile(node.left, source, lead, allowed, used)
        right = _compile(node.right, source, lead, allowed, used)
        rule = _BINARY_RULES[op]
        return lambda env: rule(left(env), right(env))
    if isinstance(node, ast.Call):
        func = node.func
        if not isinstance(func, ast.Name):
            raise ExpressionError(
                "only plain function calls are allowed",
                _where(func, source, lead),
                "call one of: " + _function_list(),
            )
        if node.keywords:
            raise ExpressionError(
                "functions take positional arguments only",
                _where(node.keywords[0], source, lead),
                f"write {func.id}(x)",
            )
        if any(isinstance(arg, ast.Starred) for arg in node.args):
            raise ExpressionError("'*' arguments are not allowed", at, f"write {func.id}(x)")
        if func.id not in FUNCTIONS:
            raise ExpressionError(
                f"unknown function '{func.id}'",
                at,
                _did_you_mean(func.id, FUNCTIONS) or "call one of: " + _function_list(),
            )
        arity = 2 if func.id in _BINARY else 1
        if len(node.args) != arity:
            raise ExpressionError(
                f"{func.id}() takes {arity} argument{'s' if arity > 1 else ''}, "
                f"not {len(node.args)}",
                at,
                f"write {func.id}({', '.join(['x', 'y'][:arity])})",
            )
        args = [_compile(arg, source, lead, allowed, used) for arg in node.args]
        if func.id in _BINARY:
            pick = np.minimum if func.id == "min" else np.maximum
            a, b = args
            return lambda env: _minmax(pick, a(env), b(env))
        f, df = _UNARY[func.id]
        (arg,) = args
        return lambda env: _apply(f, df, arg(env))
    raise ExpressionError(
        f"{_describe(node)} is not allowed in a formula",
        at,
        "formulas hold numbers, variable names, + - * / **, and calls of " + _function_list(),
    )


def _compile_chain(node, family, source, lead, allowed, used):
    """`a + b - c + ...` (or `a * b / c ...`) as one loop, left to right: the same arithmetic as
    nested calls, without a Python frame per term (a sum of 400 terms would need 800)."""
    links = []
    while _chain_of(node) is family:
        links.append(node)
        node = node.left
    first = _compile(node, source, lead, allowed, used)
    steps = []
    for link in reversed(links):
        op = type(link.op)
        steps.append((_BINARY_RULES[op], _compile(link.right, source, lead, allowed, used)))

    def chain(env):
        value = first(env)
        for rule, term in steps:
            value = rule(value, term(env))
        return value

    return chain


def _operator_offset(node: ast.BinOp, source: str, lead: int) -> int:
    start = _where(node.left, source, lead)
    end_line = getattr(node.left, "end_lineno", None)
    end_col = getattr(node.left, "end_col_offset", None)
    if end_line is None or end_col is None:
        return start
    position = lead + _offset(source, end_line, end_col - 1 if end_line == 1 else end_col)
    text = lead * "\n" + source
    while position < len(text) and text[position] in " \t)\n":
        position += 1
    return position


def _describe(node: ast.AST) -> str:
    names = {
        ast.Attribute: "attribute access ('.')",
        ast.Subscript: "indexing ('[...]')",
        ast.Lambda: "a lambda",
        ast.ListComp: "a comprehension",
        ast.GeneratorExp: "a comprehension",
        ast.SetComp: "a comprehension",
        ast.DictComp: "a comprehension",
        ast.JoinedStr: "an f-string",
        ast.Compare: "a comparison",
        ast.BoolOp: "'and'/'or'",
        ast.IfExp: "'if ... else'",
        ast.NamedExpr: "':='",
        ast.Tuple: "a tuple (a comma)",
        ast.List: "a list",
        ast.Dict: "a dictionary",
        ast.Set: "a set",
        ast.Await: "'await'",
        ast.Yield: "'yield'",
        ast.UnaryOp: "'not' or '~'",
    }
    return names.get(type(node), f"'{type(node).__name__}'")


def _function_list() -> str:
    return ", ".join(sorted(FUNCTIONS))


def _did_you_mean(name: str, options: Iterable[str]) -> str:
    import difflib

    close = difflib.get_close_matches(name, sorted(options), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


# ---- dual-number rules -------------------------------------------------------------------


def _add_tangents(da, db):
    if da is None:
        return db
    if db is None:
        return da
    return da + db


def _scale(d, factor):
    """Tangent times a derivative factor. A zero tangent stays zero even where the factor is
    infinite or nan: a variable that does not move a sub-expression gets no say in its slope
    (so sqrt(x**2 + y**2) has slope 0, not nan, at its tip, and x**y keeps its x-slope at x < 0)."""
    if d is None:
        return None
    product = d * factor
    if not np.all(np.isfinite(product)):
        product = np.where(d == 0, 0.0, product)
    return product


def _neg(a: Dual) -> Dual:
    v, d = a
    return -v, (None if d is None else -d)


def _add(a: Dual, b: Dual) -> Dual:
    return a[0] + b[0], _add_tangents(a[1], b[1])


def _sub(a: Dual, b: Dual) -> Dual:
    return a[0] - b[0], _add_tangents(a[1], None if b[1] is None else -b[1])


def _mul(a: Dual, b: Dual) -> Dual:
    (va, da), (vb, db) = a, b
    return va * vb, _add_tangents(_scale(da, vb), _scale(db, va))


def _div(a: Dual, b: Dual) -> Dual:
    (va, da), (vb, db) = a, b
    value = va / vb
    return value, _add_tangents(_scale(da, 1.0 / vb), _scale(db, -value / vb))


def _pow(a: Dual, b: Dual) -> Dual:
    (va, da), (vb, db) = a, b
    value = np.power(va, vb)
    tangent = None
    if da is not None:
        # d/da a**b = b * a**(b-1); written this way so x**2 at x = 0 has slope 0, not nan.
        tangent = _scale(da, vb * np.power(va, vb - 1.0))
    if db is not None:
        # d/db a**b = a**b * log(a); where a**b is 0 (a = 0, b > 0) the limit is 0, not nan.
        factor = np.where(value == 0, 0.0, value * np.log(va))
        tangent = _add_tangents(tangent, _scale(db, factor))
    return value, tangent


def _apply(f, df, a: Dual) -> Dual:
    x, d = a
    value = f(x)
    return value, (None if d is None else _scale(d, df(x, value)))


def _minmax(pick, a: Dual, b: Dual) -> Dual:
    (va, da), (vb, db) = a, b
    value = pick(va, vb)
    if da is None and db is None:
        return value, None
    chose_a = (value == va).astype(float)
    return value, _add_tangents(_scale(da, chose_a), _scale(db, 1.0 - chose_a))


_BINARY_RULES = {ast.Add: _add, ast.Sub: _sub, ast.Mult: _mul, ast.Div: _div, ast.Pow: _pow}
