"""A JSON Schema (draft 2020-12) of the level format, for editors' autocompletion and hover help.

Built from the loader's own key sets (`level.TOP_KEYS`, `LANDSCAPE_KEYS`, `HIKE_KEYS`, `KINDS`,
`CONCEPTS`) and from `optimizers.HYPERPARAMETERS`, so a key added to the loader without a
description here fails `tests/test_schema.py` instead of silently missing from editors.
The loader stays the authority: it checks more than a schema can say (formulas, data lengths,
a start inside the bounds); the schema catches typos and wrong types while typing.

Use it with taplo or VS Code's Even Better TOML: `foggymountain schema > level.schema.json`, then
`#:schema ./level.schema.json` as the first line of a level file.
"""

from __future__ import annotations

import math

from foggymountain import level as level_module
from foggymountain import optimizers
from foggymountain.terrain.landscapes import LOSSES

SCHEMA_ID = "https://foggymountain.invalid/schema/level.json"

TOP_DESCRIPTIONS = {
    "title": "The level's name, shown in the level select and on the briefing.",
    "chapter": "The chapter the level belongs to; levels of a chapter are grouped in the level select.",
    "concepts": "The lessons this level teaches (shown on the debrief), from a fixed list.",
    "briefing": "What the player reads before the hike. Speak of the mountain: height, slope, stride.",
    "debrief": "What the player reads after the hike, on the reveal screen: name the machine-learning terms here.",
    "author": "Who wrote the level.",
    "landscape": "The ground: a formula (kind = \"function\"), a model fitted to data (\"fit\") or a tiny language model (\"next-token\").",
    "hike": "The rules of the hike: budget of steps, goal, par, strides, noise.",
    "agents": "The racers (optimizers) the player races against, each with its hyperparameters. Leave out to race "
              + ", ".join(optimizers.LABELS[n] for n in optimizers.DEFAULT_RACERS) + " with their defaults.",
}

LANDSCAPE_DESCRIPTIONS = {
    "kind": "What the ground is made of: " + ", ".join(f'"{k}"' for k in level_module.KINDS) + " (default \"function\").",
    "variables": "The names of the coordinates the player walks over (the parameters): letters, digits and _.",
    "height": "function: the height (loss) as a formula of the variables. Numbers, variables, pi, e, + - * / ** and functions "
              "like sin, exp, log, sqrt, abs, tanh, sigmoid, softplus, relu, min, max.",
    "model": "fit: the model's prediction as a formula of the variables (parameters) and the data columns, e.g. \"m * x + b\".",
    "target": "fit: the data column the model should predict.",
    "hidden": "fit: hidden units, name = formula of the variables and data columns, e.g. { h = \"tanh(w1 * x)\" }; "
              "the model uses them by name, and the hike shows each weight's slope as a product of chain-rule factors.",
    "loss": "fit: how a wrong prediction is measured: " + ", ".join(f'"{name}"' for name in LOSSES) + " (default \"mse\").",
    "data": "fit: the data, one list of numbers per column, one value per row: { x = [1, 2], y = [2, 4] }.",
    "data_file": "fit: a CSV file next to the level (header row of column names) instead of 'data'.",
    "holdout": "fit: held-out rows, the same columns as 'data': never felt on the hike; the reveal shows each model's loss on them (new data).",
    "holdout_file": "fit: a CSV file next to the level with the held-out rows, instead of 'holdout'.",
    "bounds": "The map: [low, high] for every variable. Walking outside is falling off the mountain.",
    "start": "Where the hike starts: a value per variable; next-token: one number for every weight (default 0).",
    "minimum": "Optional: the valley floor (lowest point) if you know it; `foggymountain check` verifies it.",
    "corpus": "next-token: the text the bigram model learns from. Few different words (at most 16).",
    "bound": "next-token: every weight stays within [-bound, bound] (default 8).",
    "prompts": "Words (next-token) or notes shown after the hike with the model's guesses.",
}

HIKE_DESCRIPTIONS = {
    "budget": f"The number of steps allowed (1 to {level_module.MAX_BUDGET}). A batch-size level gives 'examples' instead.",
    "examples": "A batch-size level: the budget counted in examples seen (a step with a batch of b rows costs b). Needs 'batch_sizes'.",
    "batch_sizes": "A batch-size level: the mini-batch sizes the player chooses from (b) and every racer walks with, small to large. Needs 'examples'.",
    "goal": "The height that counts as reaching the valley floor (default: 5% of the way from the floor to the start height).",
    "par": "Reaching the goal within this many steps earns the second star (default: 3/4 of the budget).",
    "max_stride": "The longest stride (step size) the player may take.",
    "stride": "The player's stride at the start (default: a tenth of the map).",
    "show_height": "false hides the altimeter: the player feels the slope only (default true).",
    "noise": "Standard deviation of noise added to the felt slope: a noisy gradient estimate (default 0).",
    "batch_size": "fit and next-token: the slope is felt on this many data rows per step: a mini-batch gradient.",
    "seed": "The seed of the noise and the mini-batches; the player and the racers feel the same draws.",
}

_TOML_NUMBER = {"type": "number"}


def build_schema() -> dict:
    """The schema as a JSON-ready dict."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Foggy Mountain level",
        "description": "A level of Foggy Mountain, gradient descent played blindfolded. `foggymountain check FILE` is the authority.",
        "type": "object",
        "properties": {
            "title": _string("title"),
            "chapter": _string("chapter"),
            "concepts": {
                "description": TOP_DESCRIPTIONS["concepts"],
                "type": "array",
                "items": {"enum": list(level_module.CONCEPTS),
                          "enumDescriptions": list(level_module.CONCEPTS.values()),
                          "markdownEnumDescriptions": list(level_module.CONCEPTS.values())},
            },
            "briefing": _string("briefing"),
            "debrief": _string("debrief"),
            "author": _string("author"),
            "landscape": _landscape(),
            "hike": _hike(),
            "agents": _agents(),
        },
        "required": ["title", "briefing", "landscape", "hike"],
        "additionalProperties": False,
    }


def _string(key: str) -> dict:
    return {"description": TOP_DESCRIPTIONS[key], "type": "string"}


def _landscape() -> dict:
    keys = level_module.LANDSCAPE_KEYS
    every_key = sorted(set().union(*keys.values()))
    name = {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$"}
    point = {"type": "object", "additionalProperties": _TOML_NUMBER, "minProperties": 1}
    generic = {
        "kind": {"enum": list(level_module.KINDS), "default": "function"},
        "variables": {"type": "array", "items": name, "minItems": 1, "maxItems": level_module.MAX_VARIABLES, "uniqueItems": True},
        "height": {"type": "string", "minLength": 1},
        "model": {"type": "string", "minLength": 1},
        "target": {"type": "string", "minLength": 1},
        "hidden": {"type": "object", "minProperties": 1, "maxProperties": level_module.MAX_HIDDEN,
                   "propertyNames": name, "additionalProperties": {"type": "string", "minLength": 1}},
        "loss": {"enum": list(LOSSES), "default": "mse"},
        "data": {"type": "object", "minProperties": 1,
                 "additionalProperties": {"type": "array", "items": _TOML_NUMBER, "minItems": 1}},
        "data_file": {"type": "string", "minLength": 1},
        "holdout": {"type": "object", "minProperties": 1,
                    "additionalProperties": {"type": "array", "items": _TOML_NUMBER, "minItems": 1}},
        "holdout_file": {"type": "string", "minLength": 1},
        "bounds": {"type": "object", "minProperties": 1,
                   "additionalProperties": {"type": "array", "items": _TOML_NUMBER, "minItems": 2, "maxItems": 2}},
        "start": {},  # its type depends on the kind: see below
        "minimum": point,
        "corpus": {"type": "string", "minLength": 1},
        "bound": {"type": "number", "exclusiveMinimum": 0, "maximum": 100, "default": 8},
        "prompts": {"type": "array", "items": {"type": "string"}},
    }
    properties = {key: {"description": LANDSCAPE_DESCRIPTIONS[key], **generic[key]} for key in every_key}
    required = {"function": ["variables", "height", "bounds", "start"],
                "fit": ["variables", "model", "target", "bounds", "start"],
                "next-token": ["corpus"]}
    start = {"function": point, "fit": point, "next-token": {"type": "number"}}
    rules = []
    for kind in level_module.KINDS:
        condition = {"properties": {"kind": {"const": kind}}}
        if kind != "function":  # a landscape without a kind is a function landscape
            condition["required"] = ["kind"]
        rules.append({
            "if": condition,
            "then": {
                "required": required[kind],
                "propertyNames": {"enum": sorted(keys[kind])},
                "properties": {"start": start[kind]},
            },
        })
    return {
        "description": TOP_DESCRIPTIONS["landscape"],
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
        "allOf": rules,
    }


def _hike() -> dict:
    budget_max = level_module.MAX_BUDGET
    types = {
        "budget": {"type": "integer", "minimum": 1, "maximum": budget_max},
        "goal": {"type": "number"},
        "par": {"type": "integer", "minimum": 1, "maximum": budget_max},
        "max_stride": {"type": "number", "exclusiveMinimum": 0},
        "stride": {"type": "number", "exclusiveMinimum": 0},
        "show_height": {"type": "boolean", "default": True},
        "noise": {"type": "number", "minimum": 0, "default": 0},
        "batch_size": {"type": "integer", "minimum": 1},
        "examples": {"type": "integer", "minimum": 1},
        "batch_sizes": {"type": "array", "items": {"type": "integer", "minimum": 1}, "minItems": 1,
                        "maxItems": level_module.MAX_BATCH_SIZES, "uniqueItems": True},
        "seed": {"type": "integer", "minimum": 0, "maximum": 2**32 - 1, "default": 0},
    }
    return {
        "description": TOP_DESCRIPTIONS["hike"],
        "type": "object",
        "properties": {key: {"description": HIKE_DESCRIPTIONS[key], **types[key]} for key in sorted(level_module.HIKE_KEYS)},
        "oneOf": [{"required": ["budget"]}, {"required": ["examples", "batch_sizes"]}],
        "additionalProperties": False,
    }


def _agents() -> dict:
    racers = {}
    for name, specs in optimizers.HYPERPARAMETERS.items():
        racers[name] = {
            "description": f"{optimizers.LABELS[name]}: " + "; ".join(spec.help.split(":")[0] for spec in specs) + ".",
            "type": "object",
            "properties": {spec.name: _hyperparameter(spec) for spec in specs},
            "additionalProperties": False,
        }
    return {
        "description": TOP_DESCRIPTIONS["agents"],
        "type": "object",
        "properties": racers,
        "additionalProperties": False,
        "minProperties": 1,
    }


def _hyperparameter(spec: optimizers.HyperParameter) -> dict:
    schema = {"description": f"{spec.help}. Allowed: {spec.range_text}, default {spec.default:g}.",
              "type": "number", "default": spec.default}
    schema["minimum" if spec.low_inclusive else "exclusiveMinimum"] = spec.low
    if not math.isinf(spec.high):
        schema["maximum" if spec.high_inclusive else "exclusiveMaximum"] = spec.high
    return schema
