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
import re
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
    """A formula we refuse. `offset` is the 0-based character index in the formula's text and
    `length` how many characters the problem covers."""

    def __init__(self, message: str, offset: int = 0, hint: str = "", length: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.hint = hint
        self.length = max(1, length)


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
# Other names authors reach for, and ours.
_ALIASES = {"ln": "log", "arctan": "atan", "atan2": "atan", "fabs": "abs", "maximum": "max", "minimum": "min",
            "logistic": "sigmoid", "expit": "sigmoid", "square_root": "sqrt"}

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
        diagnosed = diagnose(text)
        if diagnosed is not None:
            raise diagnosed from None
        line, col = err.lineno or 1, (err.offset or 1) - 1
        offset = lead + min(_offset(source, line, col - (1 if line == 1 else 0)), len(source))
        raise ExpressionError(
            f"this is not a formula (Python's parser says: {err.msg})", offset, "check brackets and operators"
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


def _end(node: ast.AST, source: str, lead: int) -> int:
    line, col = getattr(node, "end_lineno", None), getattr(node, "end_col_offset", None)
    if line is None or col is None:
        return _where(node, source, lead) + 1
    return lead + _offset(source, line, col - 1 if line == 1 else col)


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
            raise _needs_brackets(name, at, "x")
        product = _as_product(name, allowed | set(CONSTANTS))
        power = re.fullmatch(r"([^\d]+)(\d+)", name)
        if product and power and power.group(1) in allowed:  # x2: a power, a product, or a new name?
            product_hint = (f"write {power.group(1)}**{power.group(2)} for a power, {product} for a product, "
                            f"or declare '{name}' in [landscape] variables")
        else:
            product_hint = f"to multiply, write {product}" if product else ""
        close = _did_you_mean(name, allowed | set(CONSTANTS))
        same_but_case = [known for known in sorted(allowed | set(CONSTANTS)) if known.lower() == name.lower()]
        if same_but_case:
            close = f"names are case-sensitive: did you mean '{same_but_case[0]}'?"
        if close and product_hint and not power:
            product_hint = f"{close} or, to multiply, write {product}"
        raise ExpressionError(
            f"unknown name '{name}'",
            at,
            product_hint
            or close
            or "declare it in [landscape] variables (or as a data column)",
            len(name),
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
        if isinstance(func, (ast.Constant, ast.BinOp, ast.UnaryOp, ast.Call)) or (
            isinstance(func, ast.Name) and (func.id in allowed or func.id in CONSTANTS)
        ):
            # 2(x + 1), (y + 1)(y - 1), x(y + 1): a product written without its '*'
            bracket = _end(func, source, lead)
            text = lead * "\n" + source
            while bracket < len(text) and text[bracket] != "(":
                bracket += 1
            raise _missing_times(
                " ".join(text[at:bracket].split()),
                " ".join(text[bracket : _end(node, source, lead)].split()),
                bracket,
                func.id if isinstance(func, ast.Name) else None,
            )
        if isinstance(func, ast.Attribute) and func.attr in FUNCTIONS and isinstance(func.value, ast.Name):
            raise ExpressionError(  # math.sin(x), np.exp(x): the author knows Python
                f"functions are written without '{func.value.id}.'",
                _where(func, source, lead),
                f"write {func.attr}(...)",
                len(func.value.id) + 1,
            )
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
            alias = _ALIASES.get(func.id.lower())
            raise ExpressionError(
                f"unknown function '{func.id}'",
                at,
                (f"here it is called {alias}: write {alias}(...)" if alias else "")
                or _did_you_mean(func.id, FUNCTIONS) or "call one of: " + _function_list(),
                len(func.id),
            )
        arity = 2 if func.id in _BINARY else 1
        if len(node.args) != arity:
            raise ExpressionError(
                f"{func.id}() takes {arity} argument{'s' if arity > 1 else ''}, "
                f"not {len(node.args)}",
                at,
                f"write {func.id}({', '.join(['x', 'y'][:arity])})"
                + (f"; for more, nest them: {func.id}({func.id}(a, b), c)" if arity == 2 and len(node.args) > 2 else ""),
                len(func.id),
            )
        args = [_compile(arg, source, lead, allowed, used) for arg in node.args]
        if func.id in _BINARY:
            pick = np.minimum if func.id == "min" else np.maximum
            a, b = args
            return lambda env: _minmax(pick, a(env), b(env))
        f, df = _UNARY[func.id]
        (arg,) = args
        return lambda env: _apply(f, df, arg(env))
    if isinstance(node, ast.Tuple):  # a comma: `1,5` or `x, y`; the reader says which
        found = diagnose(lead * "\n" + source)
        if found is not None:
            raise found
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


def _as_product(name: str, known: set[str]) -> str:
    """`xy` as `x*y` when it is known names (and digits) written side by side; else ''."""
    pieces = re.findall(r"\d+|[^\d]+", name)
    parts: list[str] = []
    for piece in pieces:
        if piece.isdigit():
            parts.append(piece)
            continue
        split = _split_names(piece, known)
        if split is None:
            return ""
        parts += split
    return "*".join(parts) if len(parts) > 1 else ""


def _split_names(text: str, known: set[str]) -> list[str] | None:
    if not text:
        return []
    for size in range(len(text), 0, -1):  # the longest known name first: "theta" before "t"
        if text[:size] in known:
            rest = _split_names(text[size:], known)
            if rest is not None:
                return [text[:size], *rest]
    return None


def _did_you_mean(name: str, options: Iterable[str]) -> str:
    import difflib

    close = difflib.get_close_matches(name, sorted(options), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


# ---- what is wrong with a formula Python cannot parse -------------------------------------
#
# Python's parser knows Python, not formulas: for `2x` it says "invalid decimal literal", for
# `sin x` "Perhaps you forgot a comma?", and it points at the end of `sin(x + y**2`. A formula
# that fails to parse is read again by this small parser of the formula language, which knows
# what a level author meant and where: the `(` never closed, the `*` left out, the `sin` without
# brackets. When it finds nothing, Python's message is passed on.

_TOKEN = re.compile(
    r"""(?P<space>\s+)
    |(?P<number>0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+
       |(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?[\d_]+)?[jJ]?)
    |(?P<name>[^\W\d]\w*)
    |(?P<op>\*\*|//|==|!=|<=|>=|:=|[-+*/%@^~<>=(),\[\]{}.:;'"!&|$?#\\`])
    |(?P<other>.)""",
    re.VERBOSE | re.DOTALL,
)
_KEYWORDS = frozenset(
    "and as assert async await break class continue def del elif else except finally for from "
    "global if import in is lambda nonlocal not or pass raise return try while with yield "
    "None True False".split()
)
_BINARY_OPS = {"+", "-", "*", "/", "**", "^", "//", "%", "@", "<", ">", "<=", ">=", "==", "!="}
_LANGUAGE = "formulas hold numbers, names, + - * / **, round brackets and calls like sin(x)"
_SHORT = 40  # longer pieces of formula are shortened in hints


@dataclass(frozen=True)
class _Token:
    kind: str  # number, name, op, other, end
    text: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)


def _tokens(text: str) -> list[_Token]:
    tokens = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind != "space":
            tokens.append(_Token(kind, match.group(), match.start()))
    tokens.append(_Token("end", "", len(text.rstrip())))
    return tokens


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _SHORT else text[: _SHORT - 1] + "…"


def _needs_brackets(name: str, offset: int, argument: str, length: int | None = None) -> ExpressionError:
    return ExpressionError(
        f"a function needs brackets: {name}({argument})",
        offset,
        "a function's argument goes in round brackets, as in sqrt(x**2 + 1)",
        length or len(name),
    )


def _missing_times(left: str, right: str, offset: int, variable: str | None = None) -> ExpressionError:
    """`left` and `right` written side by side: a product without its '*' (`right` starts at
    `offset`)."""
    if variable is not None:
        message = f"'{variable}' is not a function: a multiplication needs '*'"
    else:
        message = "a multiplication needs '*' between its two sides"
    return ExpressionError(message, offset, f"write {_short(left)}*{_short(right)}", len(right.split("\n")[0]) or 1)


class _Diagnosis(Exception):
    def __init__(self, error: ExpressionError) -> None:
        self.error = error


class _FormulaReader:
    """A recursive-descent reader of the formula language, for diagnosis only."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokens(text)
        self.i = 0
        self.depth = 0

    @property
    def token(self) -> _Token:
        return self.tokens[self.i]

    @property
    def previous(self) -> _Token | None:
        return self.tokens[self.i - 1] if self.i else None

    def fail(self, message: str, token: _Token, hint: str, length: int | None = None) -> None:
        raise _Diagnosis(ExpressionError(message, token.start, hint, length or len(token.text) or 1))

    def read(self) -> None:
        self.expression()
        token = self.token
        if token.kind != "end":
            self.after_value(token, closing_allowed=False)

    def expression(self) -> None:
        self.depth += 1
        if self.depth > 2 * MAX_DEPTH:
            raise _Diagnosis(None)  # nested past the limit: leave it to the other checks
        self.operand()
        while True:
            token = self.token
            if token.kind == "op" and token.text in _BINARY_OPS:
                self.i += 1
                self.operand()
            elif token.kind in ("number", "name") and token.text not in _KEYWORDS or token.text == "(":
                self.implicit_product(token)
            else:
                break
        self.depth -= 1

    def operand(self) -> None:
        """A value, after any number of unary signs; records where it starts for hints."""
        while self.token.kind == "op" and self.token.text in ("-", "+", "~"):
            self.i += 1
        self.last_start = self.token.start
        self.primary()

    def primary(self) -> None:
        token = self.token
        if token.kind == "number":
            self.i += 1
        elif token.kind == "name" and token.text not in _KEYWORDS:
            self.i += 1
            if token.text in FUNCTIONS:
                if self.token.text != "(":
                    self.function_without_brackets(token)
                self.call_arguments()
            elif self.token.text == "(":
                start = self.token
                self.bracket_group()
                raise _Diagnosis(_missing_times(token.text, self.text[start.start : self.previous.end], start.start, token.text))
        elif token.text == "(":
            self.bracket_group()
        else:
            self.missing_value(token)

    def bracket_group(self) -> None:
        opener = self.token
        self.i += 1
        self.expression()
        self.close(opener)

    def call_arguments(self) -> None:
        opener = self.token
        self.i += 1
        if self.token.text == ")":
            self.i += 1
            return
        self.expression()
        while self.token.text == ",":
            self.i += 1
            self.expression()
        self.close(opener)

    def close(self, opener: _Token) -> None:
        token = self.token
        if token.text == ")":
            self.i += 1
            return
        if token.kind == "end":
            closed = " ".join(self.text.split()) + ")"
            self.fail("this bracket is never closed", opener,
                      f"close it: {closed}" if len(closed) <= 2 * _SHORT else "add ')' where the bracket's content ends")
        self.after_value(token, closing_allowed=True)

    def implicit_product(self, token: _Token) -> None:
        left = self.text[self.last_start : self.previous.end]
        self.operand()
        right = self.text[token.start : self.previous.end]
        raise _Diagnosis(_missing_times(left, right, token.start))

    def function_without_brackets(self, name: _Token) -> None:
        following = self.token
        if following.kind in ("number", "name", "op") and following.text not in _KEYWORDS | set(_BINARY_OPS - {"-", "+"}) | {")", ","}:
            try:  # sin x**2 reads as sin(x**2), as a mathematician means it
                self.operand()
                while self.token.text == "**":
                    self.i += 1
                    self.operand()
            except _Diagnosis:
                pass
            else:
                argument = self.text[following.start : self.previous.end]
                raise _Diagnosis(_needs_brackets(name.text, name.start, argument, self.previous.end - name.start))
        raise _Diagnosis(_needs_brackets(name.text, name.start, "x"))

    def missing_value(self, token: _Token) -> None:
        before = self.previous
        if token.kind == "op" and token.text in _BINARY_OPS - {"-", "+"}:
            if before is None or before.text in ("(", ","):
                self.fail(f"'{token.text}' needs something on its left", token, f"write a value before '{token.text}', or remove it")
            self.fail(f"two operators in a row: '{before.text}' then '{token.text}'", token, "remove one of them")
        if before is not None and before.kind == "op" and before.text in _BINARY_OPS | {"-", "+", "~"}:
            self.fail(f"'{before.text}' needs something on its right", before, f"write a value after '{before.text}', or remove it")
        if token.text == ")" and before is not None and before.text == "(":
            self.fail("empty brackets", before, "put a formula between them, or remove them", 2)
        if token.text in (")", ",") and before is not None and before.text == ",":
            self.fail("a function argument is missing after this comma", before, "write the argument, or remove the comma")
        if token.text == ")":
            self.fail("this bracket closes nothing", token, "remove it, or add the '(' it closes")
        self.not_in_language(token)

    def after_value(self, token: _Token, closing_allowed: bool) -> None:
        if token.text == ")" and not closing_allowed:
            self.fail("this bracket closes nothing", token, "remove it, or add the '(' it closes")
        if token.text == ",":
            before, after = self.previous, self.tokens[self.i + 1]
            if before.kind == "number" and after.kind == "number" and before.end == token.start == after.start - 1:
                self.fail("a comma in a number", token, f"the decimal point is a dot: write {before.text}.{after.text}")
            self.fail("a comma only separates a function's arguments", token,
                      "one formula, one value: join the parts with + or *, or call min(a, b) / max(a, b)")
        self.not_in_language(token)

    def not_in_language(self, token: _Token) -> None:
        text = token.text
        if token.kind == "end":
            self.fail("the formula ends too early", token, _LANGUAGE)
        if text in ("=", ":="):
            self.fail("'=' does not belong in a formula", token, 'write only the right-hand side, like height = "x**2"')
        if text in ("'", '"', "`"):
            self.fail("quotes do not belong inside a formula", token, "write names without quotes: x, not 'x'")
        if text == ",":
            self.fail("a comma only separates a function's arguments", token,
                      "one formula, one value: join the parts with + or *, or call min(a, b) / max(a, b)")
        if text in ("[", "]", "{", "}"):
            self.fail(f"'{text}' is not a bracket of formulas", token, "group with round brackets: (x + 1)")
        if token.kind == "name":
            self.fail(f"'{text}' is not part of the formula language", token, _LANGUAGE)
        self.fail(f"'{text}' is not part of the formula language", token, _LANGUAGE)


_LOOKALIKES = {"²": "**2", "³": "**3", "×": "*", "·": "*", "÷": "/", "−": "-", "–": "-", "√": "sqrt(...)"}


def diagnose(text: str) -> ExpressionError | None:
    """The first mistake of a formula that does not parse, in the game's words (None: not found)."""
    for i, char in enumerate(text):
        if char in _LOOKALIKES:
            return ExpressionError(f"'{char}' is not part of the formula language", i, f"write {_LOOKALIKES[char]} instead")
    bar = text.find("|")
    if bar >= 0 and text.find("|", bar + 1) > bar:
        return ExpressionError("'|' is not part of the formula language", bar, "write abs(x) for the size of x")
    reader = _FormulaReader(text)
    try:
        reader.read()
    except _Diagnosis as found:
        return found.error
    except RecursionError:
        return None
    return None


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
