"""Authoring: `foggymountain new` writes levels that pass `check`; packs order and check levels."""

from pathlib import Path

import pytest

from foggymountain import templates
from foggymountain.campaign import builtin_levels_dir, level_files, load_pack
from foggymountain.checking import check_level
from foggymountain.cli import main
from foggymountain.level import LevelError, load_level


@pytest.mark.parametrize("kind", templates.KINDS)
def test_new_then_check_for_every_kind(tmp_path, kind, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["new", f"my-{kind}-level", "--kind", kind]) == 0
    path = tmp_path / f"my-{kind}-level.toml"
    assert path.is_file() and "wrote" in capsys.readouterr().out
    assert check_level(path) == []
    assert main(["check", str(path)]) == 0
    level = load_level(path)
    assert level.kind == kind and level.title == f"My {kind.replace('-', ' ')} level"
    assert "#" in path.read_text()  # commented


def test_new_keeps_a_name_ending_in_toml_and_defaults_to_a_function_level(tmp_path):
    assert main(["new", str(tmp_path / "02_ravine.toml")]) == 0
    level = load_level(tmp_path / "02_ravine.toml")
    assert level.kind == "function" and level.title == "Ravine"


def test_new_refuses_to_overwrite_without_force(tmp_path, capsys):
    path = tmp_path / "mine.toml"
    path.write_text("my precious level")
    assert main(["new", str(path)]) == 1
    assert "exists" in capsys.readouterr().err and path.read_text() == "my precious level"
    assert main(["new", str(path), "--force", "--kind", "fit"]) == 0
    assert load_level(path).kind == "fit"


def test_new_reports_a_missing_folder_without_a_traceback(tmp_path, capsys):
    assert main(["new", str(tmp_path / "nope" / "level")]) == 1
    assert "does not exist" in capsys.readouterr().err


def test_titles_with_quotes_stay_valid_toml(tmp_path):
    path = tmp_path / "q.toml"
    path.write_text(templates.render("function", 'The "big" \\ one\u00e9', path.name))
    assert load_level(path).title == 'The "big" \\ one\u00e9'


# ---- packs ---------------------------------------------------------------------------------


def _pack(folder: Path, manifest: str | None, names=("a.toml", "b.toml", "c.toml")) -> Path:
    folder.mkdir(exist_ok=True)
    for name in names:
        (folder / name).write_text(templates.render("function", name, name))
    if manifest is not None:
        (folder / "pack.toml").write_text(manifest)
    return folder


def test_a_pack_orders_its_levels_then_the_rest_by_name(tmp_path):
    folder = _pack(tmp_path / "p", 'title = "Workshop"\nintroduction = "Hello."\nauthor = "Ada"\norder = ["c.toml", "a.toml"]\n')
    pack = load_pack(folder)
    assert (pack.title, pack.introduction, pack.author) == ("Workshop", "Hello.", "Ada")
    assert [p.name for p in pack.files] == ["c.toml", "a.toml", "b.toml"]
    assert [p.name for p in level_files(folder)] == ["c.toml", "a.toml", "b.toml"]


def test_a_folder_without_pack_toml_is_a_pack_by_file_name(tmp_path):
    folder = _pack(tmp_path / "my-levels", None)
    pack = load_pack(folder)
    assert pack.title == "My levels" and [p.name for p in pack.files] == ["a.toml", "b.toml", "c.toml"]


def test_pack_problems_have_a_place_and_a_hint(tmp_path):
    folder = _pack(tmp_path / "p", 'title = 3\norder = [\n  "a.toml",\n  "bb.toml",\n  "a.toml",\n  "../x.toml",\n]\ncolour = 1\n')
    with pytest.raises(LevelError) as caught:
        load_pack(folder)
    shown = [str(p) for p in caught.value.problems]
    manifest = str(folder / "pack.toml")
    assert shown[0].startswith(f"{manifest}:1:9: 'title' must be a string")
    assert any(s.startswith(f"{manifest}:4:3: 'bb.toml' does not exist") and "did you mean 'b.toml'" in s for s in shown)
    assert any(s.startswith(f"{manifest}:5:") and "twice" in s for s in shown)
    assert any(s.startswith(f"{manifest}:6:3:") and "not a file name" in s for s in shown)
    assert any(s.startswith(f"{manifest}:8:1: unknown key 'colour'") for s in shown)
    # level_files never fails: a broken pack.toml still shows the levels, by name
    assert [p.name for p in level_files(folder)] == ["a.toml", "b.toml", "c.toml"]


def test_a_pack_toml_syntax_error_is_a_problem(tmp_path):
    folder = _pack(tmp_path / "p", 'title = "unclosed\n')
    with pytest.raises(LevelError) as caught:
        load_pack(folder)
    assert str(caught.value.problems[0]).startswith(f"{folder / 'pack.toml'}:1:")


def test_pack_command_lists_levels_in_order_with_their_status(tmp_path, capsys):
    folder = _pack(tmp_path / "p", 'title = "Workshop"\nintroduction = "Three hikes."\norder = ["b.toml"]\n')
    assert main(["pack", str(folder)]) == 0
    out = capsys.readouterr().out
    assert out.index("Workshop") < out.index("Three hikes.") < out.index("1. b.toml  ok") < out.index("2. a.toml  ok")
    (folder / "z-broken.toml").write_text('title = "x"\n')
    assert main(["pack", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "4. z-broken.toml  BROKEN" in out and "z-broken.toml:1:1: error: missing key" in out
    assert main(["pack", str(tmp_path / "nope")]) == 1


def test_the_builtin_campaign_is_a_sound_pack(capsys):
    folder = builtin_levels_dir()
    assert level_files(folder)
    assert main(["pack", str(folder), "--quiet"]) == 0, capsys.readouterr().out


@pytest.mark.parametrize("kind", templates.KINDS)
def test_templates_say_pace_is_stride_over_slope(kind):
    """The learning rate is the stride divided by the slope's size (stride = pace × slope), never
    the stride times the slope."""
    text = " ".join(templates.render(kind, "T", "t.toml").split())
    assert "stride times the slope" not in text
    if kind == "function":
        assert "stride divided by the size of the slope was your pace: the learning rate" in text


def test_the_fit_template_s_commented_lesson_keys_pass_check_when_uncommented(tmp_path):
    """holdout, hidden units and a batch-size budget: each commented line of the fit template works."""
    from foggymountain import templates
    from foggymountain.checking import check_level

    text = templates.render("fit", "Lemonade", "lemonade.toml")
    variants = {
        "holdout": text.replace("# holdout = ", "holdout = "),
        "hidden": text.replace("# hidden = ", "hidden = ").replace('model = "m * temperature + b"', 'model = "b * h"'),
        "batches": (text.replace("# batch_sizes = ", "batch_sizes = ").replace("# examples = ", "examples = ")
                    .replace("\nbudget = 30\npar = 20\n", "\n")),
    }
    for name, variant in variants.items():
        path = tmp_path / f"{name}.toml"
        path.write_text(variant, encoding="utf-8")
        assert check_level(path) == [], name
    assert load_level(tmp_path / "holdout.toml").landscape.holdout is not None
    assert [n for n, _ in load_level(tmp_path / "hidden.toml").landscape.hidden] == ["h"]
    batches = load_level(tmp_path / "batches.toml")
    assert batches.batch_sizes == (1, 3, 7) and batches.examples == 70 and batches.budget == 70
