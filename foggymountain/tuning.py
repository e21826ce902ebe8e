"""Racers tuned by default: the settings each racer walks at on a level, pinned or tuned.

A racer whose learning rate the level's author wrote (`[agents.NAME]` with `learning_rate`) is
*pinned* and walks exactly as written. Every other racer (the default racers of a level without
`[agents]`, an `[agents.NAME]` table without a learning rate, `race --racers`) is *tuned*: it
walks at the pace that suits this level, so the contest is against each method at its best.

The search, per racer:

1. **A log grid of paces**, four per decade, wide enough for any level: from a pace whose first
   stride would cross the map twice (`FIRST_STRIDE_TOP`) down six decades, and never narrower
   than 1e-4 to 10. Every pace of every racer walks in lockstep in one batch: one slope call per
   step (per noise seed) for all of them, one update call per racer (`make_pace_batch`).
2. **A finer pass** between the grid neighbours of the best pace. A racer whose best pace did not
   reach the goal on every seed also tries the coarse grid at other values of the one setting
   that shapes its walk (momentum, beta1), unless the author wrote that setting.
3. **Judging**. On a noisy level (noise or mini-batches) every candidate walks `NOISE_SEEDS`
   seeds, the level's own first, so a setting is chosen for being reliable, not for one lucky
   draw. A candidate is *unsafe* if on any seed its walk left the map, diverged, or leapt far
   above its start on the way (`LEAP_SHARE`); an unsafe setting is chosen only when every
   setting tried is unsafe. Among safe ones: reached the goal on more seeds, then sooner (the
   slowest seed's first arrival), then lower final height (mean over seeds), then the smaller
   pace.

The search is deterministic (no clock, no global random state) and its work is capped
(`WORK_CAP`): a level with a long budget walks fewer noise seeds, skips the second pass, and at
last judges only the first steps, instead of taking longer. Results are cached per level content (`TuningCache`): the level file's
bytes, its data file's, the racers asked for, the hike settings in memory and `TUNER_VERSION`.

The game never waits for this on the UI thread: `racer_settings(level)` is the function to call in
a worker; once it has run, the race reads the cache.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import tempfile
import time
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from foggymountain import optimizers
from foggymountain.feel import felt_slope
from foggymountain.level import Level, Racer
from foggymountain.terrain.landscapes import FitLandscape, NextTokenLandscape

PINNED, TUNED = "pinned", "tuned"
# A batch-size level races each racer at several batch sizes on one budget of examples: one pace
# for all of them is a question of its own, so there a racer without a learning rate walks at
# the library default (the lesson's author pins the paces the lesson needs).
DEFAULT = "default"

# Bump when the search or its judging changes: older cache entries are then never read.
TUNER_VERSION = 2

PACES_PER_DECADE = 4  # grid paces 1, 1.8, 3.2, 5.6 times a power of ten
GRID_DECADES = 6  # how far below the top pace the grid reaches
FIRST_STRIDE_TOP = 2.0  # the top pace's first stride, in lengths of the map's longest side
ALWAYS_LOW, ALWAYS_HIGH = 1e-4, 10.0  # the grid always covers these paces
REFINE_POINTS = 9  # the finer pass: this many paces from one grid neighbour of the best to the other

# "Far above its start": higher than the start by more than this share of the whole descent
# (start height minus the valley floor), i.e. more than twice as high above the floor as the start.
# Momentum swings uphill as it crosses a valley: that is how it walks, and on the classical test
# functions its swings at good paces climb 0.1 to 1.2 descents (Rosenbrock, the ravine, the
# six-hump camel). Walks that "reach" only because a big pace flung them across the map and they
# happened to land low climb far more: SGD on Rosenbrock 40 descents, Adam there 20 to 60, Adam
# on the three-hump camel 8. Those must never be chosen.
LEAP_SHARE = 1.0



def leap_ceiling(level: Level) -> float:
    """The height a walk must never pass on its way for its setting to be chosen (`LEAP_SHARE`)."""
    start_height = float(level.start_height)
    return start_height + LEAP_SHARE * max(start_height - float(level.minimum.height), 0.0)


NOISE_SEEDS = 4  # seeds each candidate walks on a noisy level (the level's own seed first)
SEED_STRIDE = 7919  # the other seeds: the level's seed plus multiples of this prime

# Work cap, in units of one lockstep step of every candidate on a formula level: 0.15-0.45 ms on
# this 2-core machine (a slope call for ~100 walkers, one update per racer, the bookkeeping).
# On a data level each step also costs its point-rows (walkers x data rows evaluated), about
# 15 ns each, so POINT_ROWS_PER_UNIT of them count as one more unit. The cap keeps one level's
# tuning within about 2 seconds. Over the cap: fewer seeds first, then one pass, then only the
# first steps of a long budget are judged (the race still walks the whole budget).
WORK_CAP = 6_000
FORMULA_NS_PER_UNIT = 300_000  # a unit's time, in work.py's nanosecond operations
POINT_ROWS_PER_UNIT = 20_000
# On a mini-batch level the race measures every walker's true height over all rows at every step;
# the tuner's hundreds of walkers measure theirs over this many rows (a fixed sample, drawn from
# the level's seed) when the data has more. The slopes they feel are the race's, row for row.
JUDGE_ROWS = 512

# The setting that shapes a racer's walk besides its pace, and the values tried when no pace
# alone reaches the goal on every seed (the racer's default is tried in the first pass).
SECOND_SETTINGS: dict[str, tuple[str, tuple[float, ...]]] = {
    "momentum": ("momentum", (0.5, 0.8, 0.95)),
    "nesterov": ("momentum", (0.5, 0.8, 0.95)),
    "rmsprop": ("momentum", (0.5, 0.9)),
    "adam": ("beta1", (0.5, 0.8, 0.95)),
    "adamw": ("beta1", (0.5, 0.8, 0.95)),
}


@dataclass(frozen=True)
class RacerSetting:
    """The settings a racer walks at on a level, and where they come from (PINNED or TUNED)."""

    name: str
    hyperparameters: dict[str, float]
    source: str
    tuning: Tuned | None = None  # how the tuned setting did, for reports

    def to_json(self) -> dict:
        return {"name": self.name, "hyperparameters": dict(self.hyperparameters), "source": self.source,
                **({"tuning": self.tuning.to_json()} if self.tuning else {})}


@dataclass(frozen=True)
class Tuned:
    """What the search chose for one racer and how that setting walked."""

    name: str
    settings: dict[str, float]
    seeds: int  # noise seeds walked per candidate (1 on a quiet level)
    reached: int  # seeds on which the chosen setting ended at or below the goal
    steps_to_goal: int | None  # the slowest seed's first arrival, when it reached on every seed
    final_height: float  # mean over the seeds
    safe: bool  # on no seed did it fall off, diverge or leap far above its start
    tried: int  # candidate settings walked
    seconds: float = 0.0  # time the whole level's tuning took (not part of the choice)

    def to_json(self) -> dict:
        return {"name": self.name, "settings": dict(self.settings), "seeds": self.seeds,
                "seeds_reached": self.reached, "steps_to_goal": self.steps_to_goal,
                "final_height": self.final_height if math.isfinite(self.final_height) else None,
                "safe": self.safe, "tried": self.tried, "seconds": self.seconds}

    @classmethod
    def from_json(cls, data: dict) -> Tuned:
        settings = {str(k): float(v) for k, v in dict(data["settings"]).items()}
        optimizers.make_optimizer(str(data["name"]), **settings)  # a bad entry raises here
        final = data["final_height"]
        steps = data["steps_to_goal"]
        return cls(str(data["name"]), settings, int(data["seeds"]), int(data["seeds_reached"]),
                   None if steps is None else int(steps), math.inf if final is None else float(final),
                   bool(data["safe"]), int(data["tried"]), float(data["seconds"]))


# ---- the settings the race uses ---------------------------------------------------------------


def racer_settings(level: Level, cache: TuningCache | None | bool = True) -> list[RacerSetting]:
    """Each racer of the level with the settings it races at: pinned ones as written, the others
    tuned (from the cache when this level content was tuned before). `cache`: True for the user's
    cache folder, a `TuningCache`, or False/None for no cache. Slow only the first time a level is
    seen: call it in a worker, not on the UI thread."""
    if level.examples is not None:
        return [RacerSetting(r.name, dict(r.hyperparameters), PINNED if r.pinned else DEFAULT) for r in level.racers]
    unpinned = [r for r in level.racers if not r.pinned]
    tuned: dict[int, Tuned] = {}
    if unpinned:
        store = default_cache() if cache is True else (cache or None)
        key = cache_key(level, unpinned) if store is not None else None
        found = store.get(key) if key is not None else None
        if found is None or [t.name for t in found] != [r.name for r in unpinned]:
            found = tune_racers(level, unpinned)
            if key is not None:
                store.put(key, found)
        tuned = {id(r): t for r, t in zip(unpinned, found)}
    return [RacerSetting(r.name, dict(r.hyperparameters), PINNED) if r.pinned
            else RacerSetting(r.name, dict(tuned[id(r)].settings), TUNED, tuned[id(r)])
            for r in level.racers]


# ---- the search --------------------------------------------------------------------------------


def tune_racers(level: Level, racers: Sequence[Racer]) -> list[Tuned]:
    """Search each racer's settings on `level` (pinned or not: the caller decides who is tuned).
    Settings the author wrote besides the pace are kept."""
    began = time.perf_counter()
    bases = [dict(r.hyperparameters) for r in racers]
    pools: list[list[tuple[dict[str, float], _Score]]] = [[] for _ in racers]

    first = [_Group(i, r.name, _fixed(base), _coarse_grid(level, r.name, base))
             for i, (r, base) in enumerate(zip(racers, bases))]
    seeds, passes, horizon = _plan(level, sum(len(g.paces) for g in first))
    _judge(level, first, seeds, horizon, pools)
    if passes > 1:
        second = []
        for i, (racer, base) in enumerate(zip(racers, bases)):
            settings, score = _best(pools[i], len(seeds))
            second.append(_Group(i, racer.name, _fixed(base), _finer(first[i].paces, settings["learning_rate"])))
            if score.reached < len(seeds) and racer.name in SECOND_SETTINGS:
                key, values = SECOND_SETTINGS[racer.name]
                if key not in racer.written:
                    second += [_Group(i, racer.name, {**_fixed(base), key: v}, first[i].paces)
                               for v in values if v != base[key]]
        _judge(level, [g for g in second if g.paces], seeds, horizon, pools)
    seconds = time.perf_counter() - began
    results = []
    for racer, pool in zip(racers, pools):
        settings, score = _best(pool, len(seeds))
        full = dict(optimizers.make_optimizer(racer.name, **settings).hyperparameters)
        results.append(Tuned(racer.name, full, len(seeds), score.reached, score.slowest, score.mean_final,
                             score.safe, len(pool), round(seconds, 3)))
    return results


@dataclass
class _Group:
    """Candidates of one racer sharing every setting but the pace: they walk as one batch."""

    racer: int
    name: str
    fixed: dict[str, float]  # the racer's settings other than the pace
    paces: tuple[float, ...]


@dataclass(frozen=True)
class _Score:
    """How one candidate setting walked, over all the seeds."""

    safe: bool
    reached: int  # seeds on which it ended at or below the goal
    slowest: int | None  # the latest first arrival among the seeds that reached
    mean_final: float
    unsafe: int  # seeds on which it fell off, diverged or leapt
    pace: float

    def key(self, seeds: int) -> tuple:
        """Smallest is best (see the module docstring)."""
        if not self.safe:
            return (1, self.unsafe, self.pace, 0, 0.0)
        slowest = self.slowest if self.reached == seeds and self.slowest is not None else math.inf
        return (0, -self.reached, slowest, self.mean_final, self.pace)


def _best(pool: list[tuple[dict[str, float], _Score]], seeds: int) -> tuple[dict[str, float], _Score]:
    return min(pool, key=lambda item: item[1].key(seeds))


def _fixed(settings: dict[str, float]) -> dict[str, float]:
    return {k: v for k, v in settings.items() if k != "learning_rate"}


def _plan(level: Level, candidates: int) -> tuple[list[int], int, int]:
    """Noise seeds to walk, how many passes and how many steps to judge, within `WORK_CAP`
    (an estimate from the level's size, never the clock: the plan is the same on every machine)."""
    rows = level.landscape.n_rows
    if rows is None or isinstance(level.landscape, NextTokenLandscape):  # cost per point, not per row
        point_rows = 0
    elif _batched(level):
        point_rows = candidates * (level.batch_size + min(rows, JUDGE_ROWS))
    else:
        point_rows = candidates * rows
    step = _formula_units(level, candidates) + point_rows / POINT_ROWS_PER_UNIT
    seeds = NOISE_SEEDS if level.noisy else 1
    passes = 2
    while seeds * passes * (level.budget + 1) * step > WORK_CAP and (seeds > 1 or passes > 1):
        if seeds > 1:
            seeds = max(1, seeds // 2)
        else:
            passes = 1
    horizon = max(1, min(level.budget, int(WORK_CAP / step) - 1))
    return [(level.seed + i * SEED_STRIDE) & 0xFFFFFFFF for i in range(seeds)], passes, horizon


def _formula_units(level: Level, candidates: int) -> float:
    """One lockstep step in units: 1 for the usual small formula; more for a long formula over
    many variables (64 squared variables: about 10), whose slope costs parts x (variables + 1)
    per walker (work.py's model, without the data rows counted above)."""
    from foggymountain import work

    cost = work.of_landscape(level.landscape, 1, candidates)
    formula = work.Work(parts=cost.parts, rows=1, variables=cost.variables, budget=1, walkers=candidates)
    return max(1.0, formula.step() / FORMULA_NS_PER_UNIT)


def _batched(level: Level) -> bool:
    rows = level.landscape.n_rows
    return bool(level.batch_size and rows and level.batch_size < rows)


def _judging_ground(level: Level):
    """Where the tuner measures heights on a mini-batch level: the level itself, or the level's
    data cut to `JUDGE_ROWS` rows drawn from its seed. None: the felt heights are the true ones."""
    landscape = level.landscape
    if not _batched(level):
        return None
    if not isinstance(landscape, FitLandscape) or landscape.n_rows <= JUDGE_ROWS:
        return landscape
    rows = np.sort(np.random.default_rng([level.seed & 0xFFFFFFFF, 0x7E57]).choice(landscape.n_rows, JUDGE_ROWS, replace=False))
    return replace(landscape, data={name: column[rows] for name, column in landscape.data.items()})


def _round(value: float) -> float:
    """Two significant digits, so a pace reads and pastes well."""
    return float(f"{value:.2g}")


def _coarse_grid(level: Level, name: str, base: dict[str, float]) -> tuple[float, ...]:
    """Paces four per decade, from one whose first stride crosses the map twice down
    `GRID_DECADES` decades, always covering `ALWAYS_LOW` to `ALWAYS_HIGH`."""
    span = float(np.max(level.landscape.bounds[:, 1] - level.landscape.bounds[:, 0]))
    start = np.array(level.start, dtype=float)[None]
    _, slope = felt_slope(level.landscape, start, 0, seed=level.seed, noise=level.noise, batch_size=level.batch_size)
    unit = optimizers.make_pace_batch(name, [1.0], **_fixed(base))
    with np.errstate(all="ignore"):
        move, _, _ = unit.update(np.asarray(slope, float).reshape(start.shape), unit.init(start.copy()), start)
        first = float(np.linalg.norm(move))  # the first stride at pace 1
    top = FIRST_STRIDE_TOP * span / first if first > 0 and math.isfinite(first) else ALWAYS_HIGH
    high = max(top, ALWAYS_HIGH)
    low = min(top * 10.0**-GRID_DECADES, ALWAYS_LOW)
    exponents = range(math.floor(math.log10(low) * PACES_PER_DECADE), math.ceil(math.log10(high) * PACES_PER_DECADE) + 1)
    return tuple(dict.fromkeys(_round(10.0 ** (e / PACES_PER_DECADE)) for e in exponents))


def _finer(paces: tuple[float, ...], best: float) -> tuple[float, ...]:
    """Paces between the grid neighbours of `best`, not on the grid."""
    if best not in paces:
        return ()
    i = paces.index(best)
    low, high = paces[max(i - 1, 0)], paces[min(i + 1, len(paces) - 1)]
    if low == high:
        return ()
    finer = (_round(v) for v in np.logspace(math.log10(low), math.log10(high), REFINE_POINTS))
    return tuple(p for p in dict.fromkeys(finer) if p not in paces)


def _judge(level: Level, groups: list[_Group], seeds: list[int], budget: int, pools: list[list]) -> None:
    """Walk every group's paces on every seed in lockstep for `budget` steps, as the race walks (the
    same felt slopes, the same update rules, bit for bit), and add each candidate's score to its
    racer's pool."""
    if not groups:
        return
    landscape, goal = level.landscape, level.goal
    n = level.dimensions
    start = np.array(level.start, dtype=float)
    start_height = float(level.start_height)
    ceiling = leap_ceiling(level)
    judging = _judging_ground(level)
    offsets = np.cumsum([0] + [len(g.paces) for g in groups])
    total, count = int(offsets[-1]), len(seeds)
    rows = count * total  # row = seed * total + candidate
    optimizer_of = [optimizers.make_pace_batch(g.name, np.tile(g.paces, count), **g.fixed) for g in groups]
    columns = [np.add.outer(np.arange(count) * total, np.arange(a, b)).ravel() for a, b in zip(offsets[:-1], offsets[1:])]
    x = np.tile(start, (rows, 1))
    states = [opt.init(x[cols].copy()) for opt, cols in zip(optimizer_of, columns)]
    alive = np.ones(rows, dtype=bool)
    unsafe = np.zeros(rows, dtype=bool)
    first_reach = np.full(rows, -1)
    final = np.full(rows, math.nan)
    heights = np.empty(rows)
    slopes = np.empty((rows, n))
    with np.errstate(all="ignore"):
        for k in range(budget + 1):
            for s, seed in enumerate(seeds):
                block = slice(s * total, (s + 1) * total)
                h, g = felt_slope(landscape, x[block], k, seed=seed, noise=level.noise,
                                  batch_size=level.batch_size, true_height=judging is None)
                heights[block] = np.asarray(h if judging is None else judging.height(x[block]), dtype=float).reshape(total)
                slopes[block] = np.asarray(g, dtype=float).reshape(total, n)
            felt = np.isfinite(heights) & np.isfinite(slopes).all(axis=1)
            lost = alive & (~felt | (heights > ceiling))
            unsafe |= lost
            alive &= ~lost
            arrived = alive & (heights <= goal) & (first_reach < 0)
            first_reach[arrived] = k
            final[alive] = heights[alive]
            if k == budget or not alive.any():
                break
            slopes[~alive] = 0.0  # a lost walker stands still: its score is settled
            moved = np.empty_like(x)
            for i, (opt, cols) in enumerate(zip(optimizer_of, columns)):
                update, states[i], _ = opt.update(slopes[cols], states[i], x[cols])
                moved[cols] = x[cols] + update
            on_map = np.isfinite(moved).all(axis=1)
            on_map[on_map] = landscape.inside_each(moved[on_map])
            fell = alive & ~on_map
            unsafe |= fell
            alive &= ~fell
            x[alive] = moved[alive]
    final[unsafe] = math.nan
    for group, a, b in zip(groups, offsets[:-1], offsets[1:]):
        for j, pace in enumerate(group.paces):
            idx = np.arange(count) * total + a + j
            reached = ~unsafe[idx] & (final[idx] <= goal)
            arrivals = first_reach[idx][reached]
            finite = final[idx][np.isfinite(final[idx])]
            pools[group.racer].append(({**group.fixed, "learning_rate": pace}, _Score(
                safe=not unsafe[idx].any(),
                reached=int(reached.sum()),
                slowest=int(arrivals.max()) if len(arrivals) else None,
                mean_final=float(finite.mean()) if len(finite) else math.inf,
                unsafe=int(unsafe[idx].sum()),
                pace=pace)))


# ---- the cache ---------------------------------------------------------------------------------


def cache_folder() -> Path:
    """Where tuned settings are kept: `$FOGGYMOUNTAIN_CACHE_DIR` if set (tests use a temporary
    folder), else the user's cache folder."""
    override = os.environ.get("FOGGYMOUNTAIN_CACHE_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_cache_dir("foggymountain"))


def default_cache() -> TuningCache:
    return TuningCache(cache_folder() / "tuning")


def cache_key(level: Level, racers: Sequence[Racer]) -> str | None:
    """The level's content as a hash, or None when its file cannot be read (nothing is cached)."""
    if level.path is None:
        return None
    from foggymountain.level import MAX_DATA_BYTES, MAX_FILE_BYTES
    from foggymountain.safe_read import UnsafeFile, read_bytes

    try:
        raw = read_bytes(level.path, MAX_FILE_BYTES)
    except UnsafeFile:
        return None
    digest = hashlib.sha256()
    digest.update(f"foggymountain tuner {TUNER_VERSION}\n".encode())
    digest.update(raw)
    data_file = _data_file(raw)
    if data_file is not None:
        try:
            digest.update(read_bytes(Path(level.path).parent / data_file, MAX_DATA_BYTES))
        except (UnsafeFile, ValueError):
            return None
    # What a caller may have changed in memory after loading, and the racers asked for.
    described = {
        "racers": [[r.name, sorted(r.hyperparameters.items()), sorted(r.written)] for r in racers],
        "hike": [level.budget, level.goal, level.seed, level.noise, level.batch_size, [float(v) for v in level.start]],
    }
    digest.update(json.dumps(described, sort_keys=True).encode())
    return digest.hexdigest()


def _data_file(raw: bytes) -> str | None:
    try:
        name = tomllib.loads(raw.decode("utf-8-sig")).get("landscape", {}).get("data_file")
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, AttributeError):
        return None
    return name if isinstance(name, str) else None


@dataclass
class TuningCache:
    """Tuned settings on disk, one JSON file per level content. Written atomically (a temporary
    file renamed over the entry); an entry that cannot be read or makes no sense is ignored, and
    the next tuning replaces it. A folder that cannot be written only means no caching."""

    folder: Path
    written: list[Path] = field(default_factory=list)  # entries written by this object

    def path(self, key: str) -> Path:
        return self.folder / f"{key}.json"

    def get(self, key: str) -> list[Tuned] | None:
        try:
            data = json.loads(self.path(key).read_text(encoding="utf-8"))
            if data.get("tuner") != TUNER_VERSION:
                return None
            return [Tuned.from_json(entry) for entry in data["racers"]]
        except (OSError, ValueError, TypeError, KeyError, AttributeError, optimizers.HyperparameterError):
            return None

    def put(self, key: str, tuned: Sequence[Tuned]) -> None:
        text = json.dumps({"tuner": TUNER_VERSION, "racers": [t.to_json() for t in tuned]}, indent=1)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".tuning-", suffix=".tmp")
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as out:
                    out.write(text)
                os.replace(temporary, self.path(key))
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError:
            return
        self.written.append(self.path(key))


# ---- into the level file -----------------------------------------------------------------------


def outcome_note(tuned: Tuned) -> str:
    """A comment for the level file: how the tuned setting walked."""
    seeds = f" on {tuned.reached} of {tuned.seeds} noise seeds" if tuned.seeds > 1 else ""
    if tuned.reached and tuned.reached == tuned.seeds and tuned.steps_to_goal is not None:
        return f"tuned by foggymountain tune --write: reached the goal by step {tuned.steps_to_goal}{seeds}"
    if tuned.reached:
        return f"tuned by foggymountain tune --write: reached the goal{seeds}"
    return f"tuned by foggymountain tune --write: no setting tried reached the goal (final height {tuned.final_height:.4g})"


def write_settings(path: Path, tuned: Sequence[Tuned], current: Sequence[Racer]) -> str:
    """Write the tuned settings into the level file's `[agents.NAME]` tables and return the new
    text. A round trip through tomlkit keeps the author's comments, order and layout; only the
    learning rate (and the second setting, where tuning changed it) of each tuned racer is set,
    and a table is added for a racer the file does not have. The file is replaced atomically."""
    import tomlkit
    from tomlkit.items import InlineTable

    raw = Path(path).read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    doc = tomlkit.parse(raw.decode("utf-8-sig"))
    before = {r.name: r.hyperparameters for r in current}
    if "agents" not in doc:
        doc.add(tomlkit.nl())
        doc.add("agents", tomlkit.table(is_super_table=True))
    agents = doc["agents"]
    for result in tuned:
        changed = {"learning_rate": result.settings["learning_rate"]}
        second = SECOND_SETTINGS.get(result.name, (None, ()))[0]
        if second is not None and result.settings[second] != before.get(result.name, {}).get(second, result.settings[second]):
            changed[second] = result.settings[second]
        if result.name in agents:
            table = agents[result.name]
            inline = isinstance(table, InlineTable)  # no comments inside { ... }
            for key, value in changed.items():
                if key in table:
                    old, new = table.item(key), tomlkit.item(value)
                    if old.trivia.comment:
                        new.trivia.comment_ws, new.trivia.comment = old.trivia.comment_ws, old.trivia.comment
                    elif not inline:
                        new.trivia.comment_ws = "  "
                        new.trivia.comment = "# " + (outcome_note(result) if key == "learning_rate" else "tuned")
                    table[key] = new
                else:
                    table[key] = value
        elif isinstance(agents, InlineTable):
            table = tomlkit.inline_table()
            table.update(changed)
            agents[result.name] = table
        else:
            table = tomlkit.table()
            table.add(tomlkit.comment(outcome_note(result)))
            for key, value in changed.items():
                table.add(key, value)
            agents[result.name] = table
    text = tomlkit.dumps(doc)
    data = (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")
    handle, temporary = tempfile.mkstemp(dir=Path(path).parent, prefix=f".{Path(path).name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return text
