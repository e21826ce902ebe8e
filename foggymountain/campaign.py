"""Finding levels: the built-in campaign shipped in the wheel, and folders of levels (packs)."""

from __future__ import annotations

from pathlib import Path


def builtin_levels_dir() -> Path:
    """The campaign folder: inside the installed package, or `levels/` in a source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_levels", here.parent / "levels"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("the built-in levels are missing from this installation")


def level_files(folder: Path) -> list[Path]:
    """Level files of a folder in campaign order: by file name (01-..., 02-...)."""
    return sorted(p for p in folder.glob("*.toml") if p.name != "pack.toml")
