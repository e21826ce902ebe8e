"""The player's walk in the fog: where they are, what they feel, and the step they plan.

All game state of a hike lives here; the hike screen only shows it and calls these methods. A hike
is replayed without any UI by walking its list of displacements again (`Hike.walk`).

Vocabulary: height = loss, slope = gradient, heading = direction, stride = step size,
pace = stride / slope size (the learning rate that would take this step), budget = steps allowed.

One clear control: the planned step *holds* either its stride or its pace (`holding`). Holding the
stride, every step is that long whatever the slope, along the heading the player chose. Holding the
pace, every step goes straight downhill (along minus the slope felt there) and its stride is
pace × slope size (capped at the level's longest stride): the player is walking gradient descent,
`position ← position − pace × slope`, so the heading is the slope's to choose, not the player's.
Setting a stride holds the stride, setting a pace holds the pace; lengthen/shorten change whichever
is held. Choosing a heading (turn, face, set_heading) while holding the pace holds the stride the
pace was taking there: a chosen heading is a hand-planned step. Pointing downhill keeps the hold.
Levels with many weights always hold the pace.
"""

from __future__ import annotations

import math

import numpy as np

from foggymountain.feel import felt_rows, felt_slope
from foggymountain.level import Level
from foggymountain.outcome import Status
from foggymountain.terrain.chain import ChainRule, chain_rule, has_hidden_units

STRIDE_FACTOR = 1.25
MIN_STRIDE = 1e-9
STRIDE, PACE = "stride", "pace"  # what the planned step holds

# The rule above in the player's words: the help and the briefing both show this sentence.
HOLD_RULE = ("Your step holds its stride or its pace (■). Stride (s): one length, your heading. "
             "Pace (p): straight downhill, stride = pace × slope size. Turning holds the stride.")
HOLD_RULE_MANY = ("Your step holds its pace (■): each stride = pace × slope size, always straight "
                  "downhill. ↑ ↓ change the pace.")


def hold_rule(dimensions: int) -> str:
    return HOLD_RULE_MANY if dimensions > 2 else HOLD_RULE


class Hike:
    def __init__(self, level: Level) -> None:
        self.level = level
        self.status = Status.WALKING
        # The logbook: positions[i] is where the player stood before step i + 1, heights[i] and
        # slopes[i] what they felt there (a fall leaves the last position without either).
        self.positions: list[np.ndarray] = [np.array(level.start, dtype=float)]
        self.heights: list[float] = []
        self.slopes: list[np.ndarray] = []
        self.displacements: list[np.ndarray] = []
        # The mini-batch the next slope is felt on; on a batch-size level the player chooses it,
        # and `batches[i]` is the size step i + 1 was taken with (the examples it cost).
        self.batch_size = level.batch_size
        self.batches: list[int] = []
        self._feel_here()
        n = level.dimensions
        self.stride = min(level.stride, self.max_stride)
        self.pace = self._initial_pace()
        self.holding = PACE if self.pace_only else STRIDE
        self._heading = np.zeros(n)  # the heading chosen; holding the pace walks `downhill` instead
        self.point_downhill()

    # ---- what the player knows

    @property
    def position(self) -> np.ndarray:
        return self.positions[-1]

    @property
    def height(self) -> float:
        return self.heights[-1]

    @property
    def slope(self) -> np.ndarray:
        """The slope felt where the player stands now (an estimate on noisy levels)."""
        return self.slopes[-1]

    @property
    def steepness(self) -> float:
        return float(np.linalg.norm(self.slope))

    @property
    def steps_used(self) -> int:
        return len(self.displacements)

    @property
    def steps_left(self) -> int:
        """Steps still allowed; on a batch-size level, at the batch size chosen now."""
        if self.level.examples is not None:
            return self.examples_left // self.batch_size
        return self.level.budget - self.steps_used

    @property
    def examples_used(self) -> int:
        return sum(self.batches)

    @property
    def examples_left(self) -> int:
        return (self.level.examples or 0) - self.examples_used

    def set_batch_size(self, size: int) -> None:
        """Batch-size levels: feel the slope here again, on a mini-batch of `size` rows. Raises
        ValueError (a message for the player) for a size the level does not offer or cannot pay."""
        level = self.level
        if size not in level.batch_sizes:
            raise ValueError("the batch sizes here are " + ", ".join(map(str, level.batch_sizes)))
        if size > self.examples_left:
            raise ValueError(f"only {self.examples_left} examples are left: a batch of {size} costs more")
        if self.over or size == self.batch_size:
            return
        self.batch_size = size
        self.heights.pop()
        self.slopes.pop()
        self._feel_here()  # the same draw of step k, over `size` rows: what a racer with that batch feels

    @property
    def over(self) -> bool:
        return self.status != Status.WALKING

    @property
    def max_stride(self) -> float:
        if self.level.max_stride is not None:
            return self.level.max_stride
        span = self.level.landscape.bounds[:, 1] - self.level.landscape.bounds[:, 0]
        return float(np.linalg.norm(span))

    @property
    def pace_only(self) -> bool:
        """With more than two variables the heading is always downhill; the player picks the pace."""
        return self.level.dimensions > 2

    @property
    def holds_pace(self) -> bool:
        return self.holding == PACE

    @property
    def planned_stride(self) -> float:
        if self.holds_pace:
            return min(self.pace * self.steepness, self.max_stride)
        return self.stride

    @property
    def stride_capped(self) -> bool:
        """Holding the pace, would pace × slope size pass the longest stride (so the cap is walked)?"""
        return self.holds_pace and self.pace * self.steepness > self.max_stride

    @property
    def planned_pace(self) -> float | None:
        """The learning rate that would take the planned step (None on flat ground). Holding the
        pace, it is the pace held (even where the cap shortens the stride: see `stride_capped`)."""
        if self.holds_pace:
            return self.pace
        if self.steepness == 0:
            return None
        return self.planned_stride / self.steepness

    @property
    def heading(self) -> np.ndarray:
        """Unit vector the next step walks along. Holding the pace it is straight downhill (the
        heading chosen before is not walked); on flat ground, or holding the stride, the one chosen."""
        if self.holds_pace:
            down = self.downhill
            if down.any():
                return down
        return self._heading

    @property
    def heading_degrees(self) -> float:
        """2-D: the compass angle of the heading, 0 = +x (east), 90 = +y (north)."""
        return math.degrees(math.atan2(self.heading[1], self.heading[0])) % 360 if self.level.dimensions == 2 else 0.0

    @property
    def downhill(self) -> np.ndarray:
        """Unit vector pointing down the felt slope (zero on flat ground)."""
        size = self.steepness
        return -self.slope / size if size > 0 else np.zeros_like(self.slope)

    @property
    def planned_displacement(self) -> np.ndarray:
        return self.heading * self.planned_stride

    @property
    def trail(self) -> np.ndarray:
        return np.array(self.positions)

    def chain_rule(self) -> ChainRule | None:
        """How the last slope felt is made, weight by weight, on the rows it was felt on (a fit level
        with hidden units; see terrain/chain.py), or None on other levels."""
        level = self.level
        if not has_hidden_units(level.landscape):
            return None
        k = len(self.slopes) - 1  # the last slope felt: at step k, where the player stood then
        rows = felt_rows(level.landscape.n_rows, k, seed=level.seed, batch_size=self.batch_size)
        return chain_rule(level.landscape, self.positions[k], rows)

    # ---- the controls

    def turn(self, degrees: float) -> None:
        """2-D: turn the heading counter-clockwise by `degrees`. 1-D: any turn faces the other way.
        Holding the pace, the turn starts from straight downhill and holds the stride (see `choose_heading`)."""
        if self.pace_only:
            return
        self.choose_heading()
        if self.level.dimensions == 1:
            self._heading = -self._heading if self._heading.any() else np.array([1.0])
            return
        self.set_heading(self.heading_degrees + degrees)

    def face(self, sign: float) -> None:
        """1-D: face +x (sign > 0) or -x (sign < 0); holding the pace, facing the other way than
        downhill holds the stride, and facing downhill changes nothing (the pace walks that way)."""
        if self.level.dimensions == 1:
            down = self.downhill
            if self.holds_pace and down.any() and (down[0] > 0) == (sign > 0):
                return
            self.choose_heading()
            self._heading = np.array([1.0 if sign > 0 else -1.0])

    def set_heading(self, degrees: float) -> None:
        """Face `degrees` (2-D: counter-clockwise from +x; 1-D: its side); holding the pace, this
        holds the stride. Raises ValueError (a message for the player) for a heading that is no number."""
        if not math.isfinite(degrees):
            raise ValueError("a heading must be a finite number of degrees")
        if self.level.dimensions == 1:
            self.face(math.cos(math.radians(degrees)))
        elif self.level.dimensions == 2:
            self.choose_heading()
            angle = math.radians(degrees % 360)
            self._heading = np.array([math.cos(angle), math.sin(angle)])

    def choose_heading(self) -> None:
        """The player takes the heading in hand. Holding the pace, every step is straight downhill,
        so a chosen heading cannot be walked with it: hold the stride instead, the stride the pace
        was taking here (the one on the plan), starting from the heading it was walking."""
        if not self.holds_pace or self.pace_only:
            return
        self._heading = self.heading.copy()
        if self.planned_stride > 0:  # on flat ground the pace takes no step: keep the last stride held
            self.stride = max(self.planned_stride, MIN_STRIDE)
        self.holding = STRIDE

    def point_downhill(self) -> None:
        """Face straight down the slope felt (holding the pace, the step already does)."""
        down = self.downhill
        if not down.any():
            if not self._heading.any():
                self._heading = np.eye(self.level.dimensions)[0]
            return
        if self.level.dimensions == 1:
            self._heading = np.sign(down)
        elif self.level.dimensions == 2:
            self._heading = down / np.linalg.norm(down)
        else:
            self._heading = down

    def lengthen(self, factor: float = STRIDE_FACTOR) -> None:
        """Change whichever is held (the stride or the pace) by `factor`."""
        if self.holds_pace:
            self.set_pace(self.pace * factor)
        else:
            self.set_stride(self.stride * factor)

    def shorten(self, factor: float = STRIDE_FACTOR) -> None:
        self.lengthen(1.0 / factor)

    def set_stride(self, stride: float) -> None:
        """Hold this stride (on levels with many weights: the pace that takes it here). Raises
        ValueError (a message for the player) when it is not usable."""
        if not math.isfinite(stride) or stride <= 0:
            raise ValueError("a stride must be a positive number")
        if self.pace_only:
            self.set_pace(stride / self.steepness if self.steepness else self.pace)
            return
        self._heading = self.heading.copy()  # leaving the pace, the heading walked is the one kept
        self.stride = max(min(stride, self.max_stride), MIN_STRIDE)
        self.holding = STRIDE

    def set_pace(self, pace: float) -> None:
        """Hold this pace (learning rate): each step's stride is pace × slope size there."""
        if not math.isfinite(pace) or pace <= 0:
            raise ValueError("a pace must be a positive number")
        # A pace whose stride would pass the level's cap here takes the capped stride anyway: hold
        # the pace that walks it, so the pace shown is the pace walked and one press down is felt.
        if self.steepness > 0:
            pace = min(pace, self.max_stride / self.steepness)
        self.pace = max(pace, MIN_STRIDE)
        self.holding = PACE

    # ---- walking

    def step(self) -> Status:
        """Take the planned step. Returns the hike's status afterwards."""
        return self.walk(self.planned_displacement)

    def walk(self, displacement: np.ndarray) -> Status:
        if self.over:
            return self.status
        displacement = np.asarray(displacement, dtype=float)
        target = self.position + displacement
        self.displacements.append(displacement)
        self.positions.append(target)
        if self.level.examples is not None:
            self.batches.append(self.batch_size)
            affordable = [b for b in self.level.batch_sizes if b <= self.examples_left]
            if affordable and self.batch_size > affordable[-1]:
                self.batch_size = affordable[-1]  # the largest batch the examples left still pay for
        if not np.all(np.isfinite(target)):
            self.status = Status.DIVERGED
        elif not self.level.landscape.inside(target):
            self.status = Status.FELL_OFF
        else:
            self._feel_here()
            if not (np.isfinite(self.height) and np.all(np.isfinite(self.slope))):
                self.status = Status.DIVERGED
            elif self.steps_left == 0:
                self.status = Status.SPENT
        return self.status

    def camp(self) -> None:
        if not self.over:
            self.status = Status.CAMPED

    # ---- internals

    def _feel_here(self) -> None:
        level = self.level
        height, slope = felt_slope(
            level.landscape,
            self.position,
            len(self.displacements),
            seed=level.seed,
            noise=level.noise,
            batch_size=self.batch_size,
        )
        self.heights.append(float(height))
        self.slopes.append(np.asarray(slope, dtype=float))

    def _initial_pace(self) -> float:
        size = self.steepness
        return self.stride / size if size > 0 else 0.1
