"""`foggymountain new NAME [--kind KIND] [--force]`: write a commented starting level."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from foggymountain.templates import KINDS


def add_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", metavar="NAME", help="the level file to write: NAME.toml (or NAME if it ends in .toml)")
    parser.add_argument("--kind", choices=KINDS, default="function",
                        help="function: a formula landscape; fit: fit a model to data; "
                        "next-token: a tiny language model (default: function)")
    parser.add_argument("--force", action="store_true", help="overwrite the file if it exists")


def run(args: argparse.Namespace) -> int:
    from foggymountain import templates
    from foggymountain.progress import write_atomically

    path = Path(args.name if args.name.endswith(".toml") else args.name + ".toml")
    if path.name == "pack.toml":
        print(f"{path}:1:1: pack.toml is the name of a pack's manifest, not of a level\n    hint: pick another name", file=sys.stderr)
        return 1
    if path.exists() and not args.force:
        print(f"{path}:1:1: the file exists; nothing written\n    hint: pick another name, or add --force to overwrite it", file=sys.stderr)
        return 1
    if not path.parent.is_dir():
        print(f"{path}:1:1: the folder {path.parent} does not exist\n    hint: create it first", file=sys.stderr)
        return 1
    text = templates.render(args.kind, templates.title_from_name(path.stem), str(path))
    try:
        write_atomically(path, text)
    except OSError as err:
        print(f"{path}:1:1: cannot write the file: {err.strerror}\n    hint: check the folder's permissions", file=sys.stderr)
        return 1
    print(f"wrote {path} (a {args.kind} level)")
    print(f"  next: edit it, then  foggymountain check {path}  and  foggymountain play {path}")
    return 0
