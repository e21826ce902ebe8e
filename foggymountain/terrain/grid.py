"""The landscape as a picture: heights on a grid, contour bands, a colour scale, trails on cells.

The reveal draws the ground once the fog lifts. Everything it needs to *compute* lives here, with no
Textual import, so it is testable with plain numpy:

- `ColourScale`: perceptually ordered scales (lightness rises with height: `mountain`, `viridis`)
  as truecolor hex and as the nearest xterm-256 indices, for terminals without truecolor.
- `Plane`: the 2-D view of the ground. With two variables it is the level's own map; with more,
  a slice through the start spanned by the two directions the trails moved most (principal
  directions of every visited point, around the start), with trails projected onto it.
- `Grid`: heights at the centre of every pixel of a `columns x rows` picture of a plane, their
  contour band, and the mapping of points to pixels.
- `TerrainMap`: one level's plane and its grids, evaluated once per picture size.
- `profile` (the curve of a 1-D level), `curve_view` (the part of the curve the walkers saw, with
  colour bands spent on it) and `HeightAxis` (a chart axis for heights that may span decades or
  be <= 0).

Framing: a map or a curve shows the region the walkers walked (every trail, the start and the
valley floor, with a margin), not the whole of the level's bounds, so at 80x24 the feature a level
teaches fills the picture; its colour bands are fitted to the heights of that region.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

# matplotlib's viridis at 10 evenly spaced points (viridis is perceptually uniform and reads
# for colour-blind players); the scale interpolates between them.
VIRIDIS_ANCHORS = (
    "#440154", "#482475", "#414487", "#355f8d", "#2a788e",
    "#21918c", "#22a884", "#44bf70", "#7ad151", "#fde725",
)

# A hypsometric tint, as on a walker's map: lake-blue valley floors, green slopes, tan heights,
# snowy peaks. Lightness rises steadily (CIE L* from about 20 to 93), so it also reads in grey and
# for colour-blind players, and the walkers' warm colours stand out on it.
MOUNTAIN_ANCHORS = (
    "#17325e", "#1b4f7c", "#1f6c86", "#2a857c", "#4a9a6a",
    "#7fae62", "#b3bb72", "#cdb98e", "#ddd0b8", "#f0ece4",
)
# The same tint in xterm-256 colours, picked by hand (the cube has few dark blues and tans, so the
# nearest colour of each would repeat or go out of order): navy, blues, teal, greens, olive, tan,
# khaki, snow. Lightness rises at every step.
MOUNTAIN_XTERM = (17, 18, 24, 25, 30, 65, 71, 107, 143, 144, 180, 187, 254, 231)

BANDS = 14  # contour bands of a map
MAX_GRIDS = 4  # grid sizes kept per map (a resize back and forth is free)
WALL = -1  # band of a pixel whose height is not finite or which is off the map


# ---- colours --------------------------------------------------------------------------------


def _hex_to_rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def _xterm_palette() -> np.ndarray:
    """RGB of xterm-256 colours 16..255: the 6x6x6 cube, then the 24 greys."""
    steps = np.array([0, 95, 135, 175, 215, 255])
    cube = np.array([(steps[r], steps[g], steps[b]) for r in range(6) for g in range(6) for b in range(6)])
    greys = np.array([(8 + 10 * i,) * 3 for i in range(24)])
    return np.concatenate([cube, greys]).astype(float)


_XTERM_RGB = _xterm_palette()


def _srgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """CIE L*a*b* (D65) of sRGB colours given as 0..255, shape (..., 3)."""
    c = np.asarray(rgb, float) / 255.0
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    matrix = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    xyz = linear @ matrix.T / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    lightness = 116 * f[..., 1] - 16
    return np.stack([lightness, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], axis=-1)


_XTERM_LAB = _srgb_to_lab(_XTERM_RGB)


def lightness(rgb) -> np.ndarray:
    """CIE L* (0 = black, 100 = white) of sRGB colours (0..255)."""
    return _srgb_to_lab(np.asarray(rgb, float))[..., 0]


def xterm_index(rgb) -> int:
    """The xterm-256 colour (16..255) closest to `rgb` in CIE Lab."""
    lab = _srgb_to_lab(np.asarray(rgb, float))
    return 16 + int(np.argmin(((_XTERM_LAB - lab) ** 2).sum(axis=1)))


def xterm_scale(rgbs) -> tuple[int, ...]:
    """xterm-256 colours for an ordered scale, keeping its order: each is the closest (lightness
    weighted double) among the colours lighter than the one before, so the scale still reads
    low to high with 256 colours. Neighbours share a colour only when nothing lighter is left."""
    chosen: list[int] = []
    last = -math.inf
    weights = np.array([2.0, 1.0, 1.0])
    for rgb in np.asarray(rgbs, float).reshape(-1, 3):
        distance = (((_XTERM_LAB - _srgb_to_lab(rgb)) * weights) ** 2).sum(axis=1)
        lighter = _XTERM_LAB[:, 0] > last + 1.0
        if not lighter.any():
            lighter = _XTERM_LAB[:, 0] >= last
        index = int(np.argmin(np.where(lighter, distance, np.inf)))
        chosen.append(16 + index)
        last = float(_XTERM_LAB[index, 0])
    return tuple(chosen)


@dataclass(frozen=True)
class ColourScale:
    """`count` colours from low (dark) to high (light); `hex` for truecolor, `xterm` for 256."""

    rgb: tuple[tuple[int, int, int], ...]
    hex: tuple[str, ...]
    xterm: tuple[int, ...]

    def __len__(self) -> int:
        return len(self.rgb)

    @classmethod
    def sampled(cls, count: int, anchors: Sequence[str] = VIRIDIS_ANCHORS,
                xterm_anchors: Sequence[int] | None = None) -> ColourScale:
        points = np.array([_hex_to_rgb(a) for a in anchors], float)
        where = np.linspace(0, len(points) - 1, count) if count > 1 else np.zeros(1)
        below = np.minimum(np.floor(where).astype(int), len(points) - 2)
        t = (where - below)[:, None]
        rgb = np.rint(points[below] * (1 - t) + points[below + 1] * t).astype(int)
        triples = tuple(tuple(int(v) for v in row) for row in rgb)
        if xterm_anchors:
            picks = np.rint(np.linspace(0, len(xterm_anchors) - 1, count)).astype(int) if count > 1 else [0]
            xterm = tuple(int(xterm_anchors[i]) for i in picks)
        else:
            xterm = xterm_scale(triples)
        return cls(
            rgb=triples,
            hex=tuple("#{:02x}{:02x}{:02x}".format(*row) for row in triples),
            xterm=xterm,
        )


def viridis(count: int = BANDS) -> ColourScale:
    return ColourScale.sampled(count, VIRIDIS_ANCHORS)


def mountain(count: int = BANDS) -> ColourScale:
    return ColourScale.sampled(count, MOUNTAIN_ANCHORS, MOUNTAIN_XTERM)


# ---- contour bands ----------------------------------------------------------------------------


def contour_levels(heights: np.ndarray, count: int = BANDS) -> np.ndarray:
    """`count + 1` increasing band edges from the lowest to the highest finite height.

    Heights above the floor are spaced logarithmically from the 2% quantile of the rise above the
    floor up to the top: a bowl gets rings that tighten toward the valley floor, and ground whose
    heights span decades still shows detail low down. Flat ground gives one band repeated.
    """
    finite = np.asarray(heights, float)
    finite = finite[np.isfinite(finite)]
    if finite.size == 0:
        return np.zeros(count + 1)
    low, high = float(finite.min()), float(finite.max())
    rise = finite - low
    top = high - low
    if top <= 0:
        return np.full(count + 1, low)
    first = float(np.quantile(rise, 0.02))
    first = min(max(first, top * 1e-6), top / count)
    if not (math.isfinite(top) and first > 0):
        # Heights a few subnormals apart (first underflows to 0) or spanning more than the
        # largest float (top is inf): evenly spaced edges, written so that neither overflows.
        fractions = np.linspace(0.0, 1.0, count + 1)
        edges = low * (1.0 - fractions) + high * fractions
        edges[0], edges[-1] = low, high
        return np.maximum.accumulate(edges)
    edges = low + np.concatenate([[0.0], np.geomspace(first, top, count)])
    edges[-1] = high
    return edges


def band_of(heights: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """Band index 0..len(levels)-2 of each height; WALL where the height is not finite."""
    heights = np.asarray(heights, float)
    count = len(levels) - 1
    bands = np.clip(np.searchsorted(levels, heights, side="right") - 1, 0, count - 1)
    return np.where(np.isfinite(heights), bands, WALL)


# ---- the plane we look at ---------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Plane:
    """Plane coordinates (a, b) <-> points `origin + a*axes[0] + b*axes[1]` of the landscape.

    `extent` is [[a_low, a_high], [b_low, b_high]], the part of the plane on the picture.
    `sliced` is False when the plane is the level's own 2-D map.
    """

    origin: np.ndarray
    axes: np.ndarray  # (2, n), orthonormal rows
    extent: np.ndarray  # (2, 2)
    names: tuple[str, str]
    sliced: bool

    def lift(self, a, b) -> np.ndarray:
        a, b = np.asarray(a, float), np.asarray(b, float)
        return self.origin + a[..., None] * self.axes[0] + b[..., None] * self.axes[1]

    def project(self, points) -> np.ndarray:
        """Plane coordinates (..., 2) of landscape points (..., n)."""
        return (np.asarray(points, float) - self.origin) @ self.axes.T

    def distance(self, points) -> np.ndarray:
        """How far each point is from the plane (0 for the level's own map)."""
        offsets = np.asarray(points, float) - self.origin
        return np.linalg.norm(offsets - (offsets @ self.axes.T) @ self.axes, axis=-1)


def level_plane(bounds: np.ndarray, names: Sequence[str], extent=None) -> Plane:
    """The map of a 2-variable level: the variables themselves over `extent` (the bounds)."""
    bounds = np.asarray(bounds, float)
    extent = bounds.copy() if extent is None else np.asarray(extent, float)
    return Plane(np.zeros(2), np.eye(2), extent, (names[0], names[1]), sliced=False)


FRAME_MARGIN = 0.12  # of the walked region's span, on every side
FRAME_LEAST = 0.3  # of the bounds' span: the least a framed axis shows


def framed_extent(bounds, points, margin: float = FRAME_MARGIN, least: float = FRAME_LEAST) -> np.ndarray:
    """[[low, high], ...] per variable: the region holding every finite `points` row inside the
    bounds (trails, start, floor), widened by `margin` of its span on each side and to at least
    `least` of the bounds' span, and kept within the bounds."""
    bounds = np.asarray(bounds, float)
    points = np.asarray(points, float).reshape(-1, len(bounds))
    keep = np.all(np.isfinite(points), axis=1)
    points = np.clip(points[keep], bounds[:, 0], bounds[:, 1])
    if not len(points):
        return bounds.copy()
    low, high = points.min(axis=0), points.max(axis=0)
    full = bounds[:, 1] - bounds[:, 0]
    span = np.maximum((high - low) * (1 + 2 * margin), full * least)
    middle = (low + high) / 2
    low, high = middle - span / 2, middle + span / 2
    # Slide back inside the bounds rather than lose the far side of the picture.
    shift = np.maximum(bounds[:, 0] - low, 0) - np.maximum(high - bounds[:, 1], 0)
    low, high = np.maximum(low + shift, bounds[:, 0]), np.minimum(high + shift, bounds[:, 1])
    return np.stack([low, high], axis=1)


def slice_plane(start, trails: Iterable[np.ndarray], bounds: np.ndarray, floor=None, margin: float = 0.12) -> Plane:
    """The plane through `start` that best holds every visited point of `trails` (PCA around the
    start), with an extent that shows every trail, and the floor's projection when it is near
    enough not to shrink the trails to a corner."""
    start = np.asarray(start, float)
    n = len(start)
    points = [np.asarray(t, float).reshape(-1, n) for t in trails]
    visited = np.concatenate(points) if points else np.empty((0, n))
    visited = visited[np.all(np.isfinite(visited), axis=1)]
    offsets = visited - start
    axes = _main_directions(offsets, floor_offset=None if floor is None else np.asarray(floor, float) - start)
    shown = np.concatenate([offsets @ axes.T, np.zeros((1, 2))])
    low, high = shown.min(axis=0), shown.max(axis=0)
    if floor is not None:
        projected = (np.asarray(floor, float) - start) @ axes.T
        reach = max(float((high - low).max()), 1e-12)
        if np.all(projected >= low - reach) and np.all(projected <= high + reach):
            low, high = np.minimum(low, projected), np.maximum(high, projected)
    span = high - low
    # A trail that barely moved along one direction still gets a readable slice.
    scale = float(np.max(np.asarray(bounds, float)[:, 1] - np.asarray(bounds, float)[:, 0]))
    span = np.maximum(span, max(float(span.max()) * 0.25, scale * 1e-3))
    middle = (low + high) / 2
    half = span / 2 * (1 + 2 * margin)
    extent = np.stack([middle - half, middle + half], axis=1)
    return Plane(start, axes, extent, ("dir 1", "dir 2"), sliced=True)


def _main_directions(offsets: np.ndarray, floor_offset: np.ndarray | None) -> np.ndarray:
    """Two orthonormal directions: the principal directions of `offsets`, completed (when the
    trails moved along fewer than two) by the way to the floor, then by coordinate axes."""
    n = offsets.shape[1]
    chosen: list[np.ndarray] = []
    if len(offsets):
        _, singular, rows = np.linalg.svd(offsets, full_matrices=False)
        top = singular[0] if len(singular) else 0.0
        for value, row in zip(singular, rows):
            if top > 0 and value > 1e-9 * top and len(chosen) < 2:
                chosen.append(row)
    candidates = ([floor_offset] if floor_offset is not None else []) + list(np.eye(n))
    for candidate in candidates:
        if len(chosen) == 2:
            break
        rest = candidate - sum((candidate @ c) * c for c in chosen) if chosen else candidate.copy()
        size = np.linalg.norm(rest)
        if size > 1e-9 * max(1.0, np.linalg.norm(candidate)):
            chosen.append(rest / size)
    axes = np.array(chosen[:2])
    # Deterministic signs: the largest component of each direction is positive.
    for row in axes:
        if row[np.argmax(np.abs(row))] < 0:
            row *= -1
    return axes


# ---- grids ------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Grid:
    """Heights at the centre of each pixel of a `columns x rows` picture of `plane`.

    Row 0 is the top of the picture (highest b). `bands` holds each pixel's contour band, WALL
    where the height is not finite or the point is outside the level's bounds.
    """

    plane: Plane
    columns: int
    rows: int
    a: np.ndarray  # (columns,)
    b: np.ndarray  # (rows,), decreasing
    heights: np.ndarray  # (rows, columns)
    levels: np.ndarray  # (bands + 1,)
    bands: np.ndarray  # (rows, columns) int

    def pixel_of(self, points) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(column, row, inside) of landscape points (..., n): the pixel each falls in, clipped to
        the picture; `inside` is False for points beyond its edge (or not finite)."""
        coordinates = self.plane.project(points)
        (a_low, a_high), (b_low, b_high) = self.plane.extent
        finite = np.all(np.isfinite(coordinates), axis=-1)
        safe = np.where(finite[..., None], coordinates, 0.0)
        column = np.floor((safe[..., 0] - a_low) / (a_high - a_low) * self.columns)
        row = np.floor((b_high - safe[..., 1]) / (b_high - b_low) * self.rows)
        inside = finite & (column >= 0) & (column < self.columns) & (row >= 0) & (row < self.rows)
        column = np.clip(column, 0, self.columns - 1).astype(int)
        row = np.clip(row, 0, self.rows - 1).astype(int)
        return column, row, inside


def evaluate_grid(landscape, plane: Plane, columns: int, rows: int, bands: int = BANDS, levels=None) -> Grid:
    """Heights of `landscape` at every pixel centre of the picture, and their contour bands
    (between `levels`, or levels fitted to these heights)."""
    columns, rows = max(int(columns), 1), max(int(rows), 1)
    (a_low, a_high), (b_low, b_high) = plane.extent
    a = a_low + (np.arange(columns) + 0.5) * (a_high - a_low) / columns
    b = b_high - (np.arange(rows) + 0.5) * (b_high - b_low) / rows
    points = plane.lift(a[None, :], b[:, None])
    with np.errstate(all="ignore"):
        heights = np.asarray(landscape.height(points), float)
    if plane.sliced:
        limits = np.asarray(landscape.bounds, float)
        outside = np.any((points < limits[:, 0]) | (points > limits[:, 1]), axis=-1)
        heights = np.where(outside, np.nan, heights)
    heights = np.where(np.isfinite(heights), heights, np.nan)
    levels = contour_levels(heights, bands) if levels is None else np.asarray(levels, float)
    return Grid(plane, columns, rows, a, b, heights, levels, band_of(heights, levels))


REFERENCE_PIXELS = 64  # the grid whose heights fix a map's contour levels, whatever its size


class TerrainMap:
    """One level's plane and its grids, evaluated once per picture size (not once per frame).

    The contour levels come from one reference grid, so a colour means the same height at every
    size of the picture.
    """

    def __init__(self, level, trails: Sequence[np.ndarray] = (), bands: int = BANDS, framed: bool | None = None,
                 also_show: Sequence = ()) -> None:
        """`framed`: show only the walked region of a 2-D map (by default when there are trails);
        `also_show`: points the framed map must hold too (the player's guess of the floor)."""
        self.level = level
        self.bands = bands
        self.trails = [np.asarray(t, float).reshape(-1, level.dimensions) for t in trails]
        landscape = level.landscape
        if level.dimensions == 2:
            extent = None
            if framed or (framed is None and len(trails)):
                marks = self.trails + [np.asarray(level.start, float)[None], np.asarray(level.minimum.point, float)[None]]
                marks += [np.asarray(point, float).reshape(-1, 2) for point in also_show]
                extent = framed_extent(landscape.bounds, np.concatenate(marks))
            self.plane = level_plane(landscape.bounds, level.variables, extent)
        elif level.dimensions > 2:
            self.plane = slice_plane(level.start, trails, landscape.bounds, floor=level.minimum.point)
        else:
            raise ValueError("a 1-variable level has a curve, not a map: use profile()")
        self._grids: OrderedDict[tuple[int, int], Grid] = OrderedDict()
        self._levels: np.ndarray | None = None

    @property
    def levels(self) -> np.ndarray:
        """The `bands + 1` contour levels of this map. On a slice they also span the heights the
        walkers stood at and the valley floor's, which lie off the slice: the colour of a
        footstep and of the floor can then say their true height (see `band_of_height`)."""
        if self._levels is None:
            reference = evaluate_grid(self.level.landscape, self.plane, REFERENCE_PIXELS, REFERENCE_PIXELS, self.bands)
            heights = reference.heights.ravel()
            if self.plane.sliced:
                heights = np.concatenate([heights, self.trail_heights(), [float(self.level.minimum.height)]])
            self._levels = contour_levels(heights, self.bands)
        return self._levels

    def trail_heights(self) -> np.ndarray:
        """The true heights of every point of every trail (nan where not finite)."""
        if not self.trails:
            return np.empty(0)
        points = np.concatenate(self.trails)
        with np.errstate(all="ignore"):
            heights = np.asarray(self.level.landscape.height(points), float)
        return np.where(np.isfinite(heights), heights, np.nan)

    def band_of_height(self, heights) -> np.ndarray:
        """The colour band of heights on this map's scale (WALL where not finite)."""
        return band_of(np.asarray(heights, float), self.levels)

    def grid(self, columns: int, rows: int) -> Grid:
        key = (int(columns), int(rows))
        found = self._grids.get(key)
        if found is None:
            found = evaluate_grid(self.level.landscape, self.plane, *key, bands=self.bands, levels=self.levels)
            self._grids[key] = found
            while len(self._grids) > MAX_GRIDS:
                self._grids.popitem(last=False)
        else:
            self._grids.move_to_end(key)
        return found


# ---- 1-D curves and height charts ------------------------------------------------------------


def profile(landscape, count: int = 400, extent=None) -> tuple[np.ndarray, np.ndarray]:
    """The curve of a 1-variable landscape: `count` x values across its bounds (or `extent`,
    `[low, high]`) and their heights (nan where not finite)."""
    low, high = np.asarray(landscape.bounds, float)[0] if extent is None else np.asarray(extent, float)
    xs = np.linspace(low, high, max(int(count), 2))
    with np.errstate(all="ignore"):
        heights = np.asarray(landscape.height(xs[:, None]), float)
    return xs, np.where(np.isfinite(heights), heights, np.nan)


@dataclass(frozen=True, eq=False)
class CurveView:
    """The part of a 1-D level's curve worth drawing, and a colour band per sample of it.

    `x_range` frames the walked region (`framed_extent`); `y_range` runs from the lowest ground
    in it to the highest point a walker stood on (the start, usually), so the curve beyond the
    walkers' reach does not squash the hollows and humps between them. The bands are spaced by
    quantiles of the heights in view: each colour covers about as much of the curve, so a small
    hump between two hollows gets colours of its own.
    """

    xs: np.ndarray
    heights: np.ndarray
    bands: np.ndarray
    levels: np.ndarray
    x_range: tuple[float, float]
    y_range: tuple[float, float]

    def band_at(self, x: float) -> int:
        return int(self.bands[int(np.argmin(np.abs(self.xs - float(x))))])


def quantile_levels(heights, count: int = BANDS) -> np.ndarray:
    """`count + 1` band edges at evenly spaced quantiles of the finite heights."""
    finite = np.asarray(heights, float)
    finite = finite[np.isfinite(finite)]
    if finite.size == 0:
        return np.zeros(count + 1)
    edges = np.quantile(finite, np.linspace(0, 1, count + 1))
    return np.maximum.accumulate(edges)


def curve_view(landscape, marks, count: int = 400, bands: int = BANDS) -> CurveView:
    """`marks`: x values (and their heights) of every footstep, the start and the floor, as
    (x, height) rows."""
    marks = np.asarray(marks, float).reshape(-1, 2)
    bounds = np.asarray(landscape.bounds, float)
    extent = framed_extent(bounds, marks[:, :1])[0]
    xs, heights = profile(landscape, count, extent)
    finite = heights[np.isfinite(heights)]
    inside = marks[np.all(np.isfinite(marks), axis=1) & (marks[:, 0] >= extent[0]) & (marks[:, 0] <= extent[1])]
    low = float(finite.min()) if finite.size else 0.0
    top = float(inside[:, 1].max()) if len(inside) else (float(finite.max()) if finite.size else 1.0)
    low = min(low, float(inside[:, 1].min())) if len(inside) else low
    pad = max(top - low, 1e-9) * 0.06
    shown = heights[np.isfinite(heights) & (heights <= top + pad)]
    levels = quantile_levels(shown if shown.size else heights, bands)
    return CurveView(xs, heights, band_of(heights, levels), levels, (float(extent[0]), float(extent[1])),
                     (low - pad, top + pad))


@dataclass(frozen=True)
class HeightAxis:
    """How to chart heights: on a log scale when they span decades, shifted when some are <= 0.

    `plotted(h) = h + offset`; the offset is 0 unless a log scale needs it, and `label` says so.
    """

    log: bool
    offset: float

    @classmethod
    def for_heights(cls, heights: Iterable[float], decades: float = 2.0) -> HeightAxis:
        values = np.asarray(list(heights), float)
        values = values[np.isfinite(values)]
        if values.size < 2:
            return cls(False, 0.0)
        low, high = float(values.min()), float(values.max())
        if high <= low:
            return cls(False, 0.0)
        offset = 0.0
        if low <= 0:
            # Shift so the lowest height sits a little above 0: 1e-3 of the range, or less if the
            # rest of the heights need the decades.
            offset = -low + (high - low) * 1e-3
        if not (math.isfinite(offset) and math.isfinite(high + offset) and low + offset > 0):
            return cls(False, 0.0)  # subnormals apart, or a range past the largest float: linear
        if math.log10((high + offset) / (low + offset)) < decades:
            return cls(False, 0.0)
        return cls(True, offset)

    def plotted(self, heights) -> np.ndarray:
        return np.asarray(heights, float) + self.offset

    @property
    def label(self) -> str:
        """The axis label: what is drawn, said in words."""
        if not self.log:
            return "height (loss)"
        if self.offset:
            return f"height + {self.offset:.3g} (log needs > 0)"
        return "height (loss), log scale"

    @property
    def title(self) -> str:
        """The chart's title: the scale, and why heights are shifted when they are."""
        if not self.log:
            return "Height (loss) over steps"
        if self.offset:
            return f"Height (loss) over steps · log scale, shifted up {self.offset:.3g}"
        return "Height (loss) over steps · log scale"
