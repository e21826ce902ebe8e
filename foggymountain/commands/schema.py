"""`foggymountain schema`: print the JSON Schema of the level format for editors."""

from __future__ import annotations

import argparse
import json
import sys


def add_parser(parser: argparse.ArgumentParser) -> None:
    parser.epilog = ("Save it next to your levels (foggymountain schema > level.schema.json) and make the first "
                     "line of a level  #:schema ./level.schema.json  for autocompletion in VS Code (Even Better "
                     "TOML) or any taplo-based editor.")


def run(args: argparse.Namespace) -> int:
    from foggymountain.schema import build_schema

    json.dump(build_schema(), sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0
