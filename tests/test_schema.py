"""`foggymountain schema`: a valid draft 2020-12 schema, in sync with the loader, that accepts
every real level and every `new` template and catches typos."""

import copy
import json
import tomllib
from pathlib import Path

import jsonschema
import pytest

from foggymountain import level as level_module
from foggymountain import optimizers, templates
from foggymountain.cli import main
from foggymountain.schema import build_schema

LEVELS = Path(__file__).parent.parent / "levels"
CAMPAIGN = sorted(p for p in LEVELS.glob("*.toml") if p.name != "pack.toml")


@pytest.fixture(scope="module")
def validator():
    schema = build_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _errors(validator, document) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document)]


def test_the_schema_knows_every_key_the_loader_knows():
    schema = build_schema()
    assert set(schema["properties"]) == level_module.TOP_KEYS
    landscape = schema["properties"]["landscape"]
    assert set(landscape["properties"]) == set().union(*level_module.LANDSCAPE_KEYS.values())
    assert set(schema["properties"]["hike"]["properties"]) == level_module.HIKE_KEYS
    assert schema["properties"]["concepts"]["items"]["enum"] == list(level_module.CONCEPTS)
    agents = schema["properties"]["agents"]["properties"]
    assert set(agents) == set(optimizers.HYPERPARAMETERS)
    for name, specs in optimizers.HYPERPARAMETERS.items():
        assert list(agents[name]["properties"]) == [spec.name for spec in specs]
    for table in (schema["properties"], landscape["properties"], schema["properties"]["hike"]["properties"]):
        for key, entry in table.items():
            assert entry.get("description"), f"no description for {key}"


def test_the_schema_command_prints_it(capsys):
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out) == build_schema()


def test_there_are_campaign_levels_to_validate():
    assert CAMPAIGN, "levels/ has no level file"


@pytest.mark.parametrize("path", CAMPAIGN, ids=[p.name for p in CAMPAIGN])
def test_every_campaign_level_validates(validator, path):
    assert _errors(validator, tomllib.loads(path.read_text(encoding="utf-8"))) == []


@pytest.mark.parametrize("kind", templates.KINDS)
def test_every_new_template_validates(validator, kind):
    document = tomllib.loads(templates.render(kind, "A title", "a.toml"))
    assert _errors(validator, document) == []


def _function_level() -> dict:
    return tomllib.loads(templates.render("function", "A title", "a.toml"))


@pytest.mark.parametrize("change, where", [
    (lambda d: d["hike"].update(budgte=3), "Additional properties"),
    (lambda d: d.update(titel="x"), "Additional properties"),
    (lambda d: d["landscape"].update(corpus="a b"), "corpus"),
    (lambda d: d["landscape"].update(kind="fit"), "required"),
    (lambda d: d["landscape"].update(kind="mountain"), "mountain"),
    (lambda d: d["hike"].update(budget=0), "minimum"),
    (lambda d: d["hike"].update(budget=2.5), "integer"),
    (lambda d: d["agents"]["adam"].update(beta1=1.0), "maximum"),
    (lambda d: d["agents"]["sgd"].update(learning_rate=0), "exclusiveMinimum"),
    (lambda d: d["agents"]["sgd"].update(lr=0.1), "Additional properties"),
    (lambda d: d["agents"].update(adamm={}), "Additional properties"),
    (lambda d: d.update(concepts=["slopes"]), "slopes"),
    (lambda d: d["landscape"]["bounds"].update(x=[1, 2, 3]), "too long"),
    (lambda d: d.pop("briefing"), "briefing"),
])
def test_the_schema_catches_typos_and_wrong_values(validator, change, where):
    document = _function_level()
    change(document)
    errors = _errors(validator, document)
    assert errors and where.lower() in " ".join(errors).lower() + " " + " ".join(
        str(e.validator) for e in validator.iter_errors(document)).lower()


def test_a_next_token_start_is_one_number(validator):
    document = tomllib.loads(templates.render("next-token", "A title", "a.toml"))
    assert _errors(validator, document) == []
    bad = copy.deepcopy(document)
    bad["landscape"]["start"] = {"x": 1}
    assert _errors(validator, bad)
