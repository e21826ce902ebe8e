"""`foggymountain report DIR [--csv FILE|-] [--json]`: the workshop leaderboard from a results folder.

Reads every result file the players' games wrote into DIR (`play --results DIR`), keeps each
player's best hike per level, and prints a board per level and an overall board. Files it cannot
read are listed (path: reason) on stderr and skipped.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from pathlib import Path

from foggymountain.safe_text import one_line, spreadsheet_cell

CSV_COLUMNS = ["board", "level_title", "rank", "player", "stars", "final_height", "steps", "steps_to_goal", "plays",
               "forecast"]


def add_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", type=Path, metavar="DIR", help="the results folder the players' games write into")
    parser.add_argument("--csv", metavar="FILE", help="also write the boards as CSV to FILE ('-' for stdout instead of the tables)")
    parser.add_argument("--json", action="store_true", help="print the boards as JSON instead of the tables")


def run(args: argparse.Namespace) -> int:
    from foggymountain.results import leaderboard, load_results

    folder: Path = args.folder
    if not folder.is_dir():
        print(f"{folder}: no such folder\n    hint: give the folder passed to `foggymountain play --results`", file=sys.stderr)
        return 1
    if args.json and args.csv == "-":
        print("--json and --csv - both print to stdout; pick one (or give --csv a file name)", file=sys.stderr)
        return 2
    rows, warnings = load_results(folder)
    for warning in warnings:
        print(f"skipped {_printable(warning)}", file=sys.stderr)
    boards, overall = leaderboard(rows)
    if args.csv is not None:
        text = to_csv(boards, overall)
        if args.csv == "-":
            sys.stdout.write(text)
        else:
            try:
                Path(args.csv).write_text(text, encoding="utf-8", newline="")
            except OSError as err:
                print(f"{args.csv}: cannot write the CSV: {err.strerror}", file=sys.stderr)
                return 1
    if args.json:
        json.dump(to_json(boards, overall, warnings), sys.stdout, indent=1)
        sys.stdout.write("\n")
    elif args.csv != "-":
        print(to_text(boards, overall, len(rows)), end="")
    return 0


def _forecast(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def _height(value: float | None) -> str:
    return "-" if value is None else f"{value:.4g}"


def _standing_row(standing, overall: bool) -> dict:
    return {
        "rank": standing.rank,
        "player": standing.player,
        "stars": standing.stars,
        "final_height": None if overall else standing.final_height,
        "steps": standing.steps,
        "steps_to_goal": None if overall else standing.steps_to_goal,
        "plays": standing.plays,
        "forecast": None if standing.forecast is None else round(standing.forecast, 1),
    }


def to_json(boards, overall, warnings: list[str]) -> dict:
    return {
        "levels": [{"id": b.level_id, "title": b.title, "standings": [_standing_row(s, False) for s in b.standings]} for b in boards],
        "overall": [{**_standing_row(s, True), "levels": s.plays} for s in overall.standings],
        "warnings": warnings,
    }


def to_csv(boards, overall) -> str:
    """The boards as CSV. Text cells come from players' files: never a formula (a leading quote,
    as spreadsheet exporters do) and never a control character."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for board in boards:
        for standing in board.standings:
            writer.writerow(_text_cells({"board": board.level_id, "level_title": board.title, **_standing_row(standing, False)}))
    for standing in overall.standings:
        writer.writerow(_text_cells({"board": "overall", "level_title": "", **_standing_row(standing, True)}))
    return out.getvalue()


def _text_cells(row: dict) -> dict:
    return {key: spreadsheet_cell(value) if isinstance(value, str) else value for key, value in row.items()}


def to_text(boards, overall, hikes: int) -> str:
    if not boards:
        return "No results yet: nobody has finished a hike into this folder.\n"
    parts = []
    for board in boards:
        rows = [[str(s.rank), _printable(s.player), _stars(s.stars), _height(s.final_height), str(s.steps),
                 "-" if s.steps_to_goal is None else str(s.steps_to_goal), str(s.plays), _forecast(s.forecast)]
                for s in board.standings]
        parts.append(_table(_printable(f"{board.title}  ({board.level_id})"),
                            ["#", "player", "stars", "final height", "steps", "to goal", "hikes", "forecast"], rows,
                            "rllrrrrr"))
    rows = [[str(s.rank), _printable(s.player), str(s.stars), str(s.plays), str(s.steps), _forecast(s.forecast)]
            for s in overall.standings]
    parts.append(_table(f"Overall  ({hikes} hike{'s' if hikes != 1 else ''}, {len(boards)} level{'s' if len(boards) != 1 else ''})",
                        ["#", "player", "stars", "levels", "steps", "forecast"], rows, "rlrrrr"))
    return "\n".join(parts)


def _printable(text: str) -> str:
    """Names come from players: never let one send escape sequences to the facilitator's terminal."""
    return one_line(text)


def _stars(count: int) -> str:
    return "*" * count + "." * (3 - count)


def _table(title: str, header: list[str], rows: list[list[str]], align: str) -> str:
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows)]

    def line(cells: list[str]) -> str:
        return "  ".join(cell.rjust(w) if a == "r" else cell.ljust(w) for cell, w, a in zip(cells, widths, align)).rstrip()

    rule = "-" * len(line(header))
    return "\n".join([title, rule, line(header), *[line(r) for r in rows]]) + "\n"
