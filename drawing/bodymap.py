"""The body picture for "where does it hurt": front and back views, one polygon set per region.

Geometry is data keyed by the option codes of the body-map item (``pain.regions``); a code
with no geometry (``all_over``) is offered as a separate big toggle by the page. Everything
here is pure except ``draw``, which paints the chosen regions with Pillow.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from PIL import Image, ImageColor, ImageDraw, ImageFont

Point = tuple[float, float]
Polygon = tuple[Point, ...]

WIDTH, HEIGHT = 640, 620
FRONT_X, BACK_X = 160, 480  # centre lines of the two figures
TOP = 40  # room for the "Front" / "Back" captions

SKIN, OUTLINE, CHOSEN, CHOSEN_EDGE, PAPER = "#e9e4dc", "#3b3b3b", "#d1352b", "#7a1410", "#ffffff"


def _at(cx: float, shape: Iterable[Point]) -> Polygon:
    return tuple((cx + x, TOP + y) for x, y in shape)


def _mirror(shape: Iterable[Point]) -> tuple[Point, ...]:
    return tuple((-x, y) for x, y in shape)


def _ellipse(rx: float, ry: float, cy: float, start: int = 0, end: int = 360) -> tuple[Point, ...]:
    import math
    return tuple((rx * math.cos(math.radians(a)), cy + ry * math.sin(math.radians(a)))
                 for a in range(start, end + 1, 10))


# Shapes in figure coordinates: x from the centre line, y from the top of the head. Every region
# is at least 54 units across each way: 44 px or more at the 540 px the kiosk draws the picture.
_HEAD_TOP = _ellipse(40, 54, 56, 180, 360) + ((40, 56), (-40, 56))  # crown to eye level
_FACE = ((-40, 56), (40, 56)) + _ellipse(40, 54, 56, 10, 170)  # eyes to chin
_HEAD = _ellipse(40, 54, 56)
_NECK = ((-28, 104), (28, 104), (30, 158), (-30, 158))
_SHOULDER = ((-30, 136), (-70, 146), (-100, 166), (-112, 192), (-60, 192), (-46, 164), (-30, 158))
_UPPER_BACK = ((-30, 158), (30, 158), (46, 164), (60, 192), (58, 262), (-58, 262), (-60, 192), (-46, 164))
_LOWER_BACK = ((-58, 262), (58, 262), (60, 324), (-60, 324))
_TORSO = _UPPER_BACK[:4] + ((58, 262), (60, 324), (-60, 324), (-58, 262), (-60, 192), (-46, 164))
_PELVIS = ((-60, 324), (60, 324), (66, 380), (-66, 380))
_ARM = ((-112, 192), (-60, 192), (-62, 274), (-66, 354), (-70, 404), (-118, 404), (-120, 354), (-116, 274))
_LEG = ((-66, 380), (-4, 380), (-8, 480), (-12, 570), (-48, 570), (-56, 480))

# The figures drawn for everyone; the front torso is one piece (chest and belly are not regions).
_LIMBS = (_ARM, _mirror(_ARM), _LEG, _mirror(_LEG))
_FRONT_PARTS = (_NECK, _HEAD, _SHOULDER, _mirror(_SHOULDER), _TORSO, _PELVIS, *_LIMBS)
_BACK_PARTS = (_NECK, _HEAD, _SHOULDER, _mirror(_SHOULDER), _UPPER_BACK, _LOWER_BACK, _PELVIS, *_LIMBS)

# Region code -> polygons in image coordinates. Earlier codes win a tap where shapes touch.
REGIONS: dict[str, tuple[Polygon, ...]] = {
    "face_jaw": (_at(FRONT_X, _FACE),),
    "head": (_at(FRONT_X, _HEAD_TOP), _at(BACK_X, _HEAD)),
    "neck": (_at(FRONT_X, _NECK), _at(BACK_X, _NECK)),
    "shoulders": tuple(_at(cx, s) for cx in (FRONT_X, BACK_X) for s in (_SHOULDER, _mirror(_SHOULDER))),
    "upper_back": (_at(BACK_X, _UPPER_BACK),),
    "lower_back": (_at(BACK_X, _LOWER_BACK),),
    "buttocks_hips": (_at(FRONT_X, _PELVIS), _at(BACK_X, _PELVIS)),
    "arms": tuple(_at(cx, s) for cx in (FRONT_X, BACK_X) for s in (_ARM, _mirror(_ARM))),
    "legs": tuple(_at(cx, s) for cx in (FRONT_X, BACK_X) for s in (_LEG, _mirror(_LEG))),
}


def inside(point: Point, polygon: Polygon) -> bool:
    """Ray casting: is ``point`` inside ``polygon`` (edges count as inside or not, either way)?"""
    x, y = point
    hit = False
    for (x1, y1), (x2, y2) in zip(polygon, polygon[1:] + polygon[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            hit = not hit
    return hit


def region_at(x: float, y: float, shown_width: float = WIDTH, shown_height: float = HEIGHT) -> str | None:
    """The region code under a tap at (x, y) on the picture shown at the given size, or None."""
    if shown_width <= 0 or shown_height <= 0:
        return None
    point = (x * WIDTH / shown_width, y * HEIGHT / shown_height)
    return next((code for code, polys in REGIONS.items() if any(inside(point, p) for p in polys)), None)


def toggle(chosen: list[str], code: str, order: Iterable[str]) -> list[str]:
    """``chosen`` with ``code`` added or taken off, kept in the bank's option order."""
    picked = set(chosen) ^ {code}
    return [c for c in order if c in picked]


# A five-colour palette image: quick to draw and to encode as PNG on every rerun.
PALETTE = (PAPER, SKIN, OUTLINE, CHOSEN, CHOSEN_EDGE)
_INK = {colour: n for n, colour in enumerate(PALETTE)}


@lru_cache(maxsize=4)
def _base(front_caption: str, back_caption: str) -> Image.Image:
    """The empty figures with their captions (static wording, never patient data)."""
    image = Image.new("P", (WIDTH, HEIGHT), _INK[PAPER])
    image.putpalette([c for colour in PALETTE for c in ImageColor.getrgb(colour)])
    pen = ImageDraw.Draw(image)
    for cx, parts in ((FRONT_X, _FRONT_PARTS), (BACK_X, _BACK_PARTS)):
        for part in parts:
            pen.polygon(_at(cx, part), fill=_INK[SKIN], outline=_INK[OUTLINE], width=3)
    font = _font(26)
    for cx, caption in ((FRONT_X, front_caption), (BACK_X, back_caption)):
        pen.text((cx, 6), caption, fill=_INK[OUTLINE], font=font, anchor="mt")
    _eyes(pen)
    return image


def _eyes(pen: ImageDraw.ImageDraw) -> None:
    """Two eyes and a mouth on the front figure, so that front and back are told apart."""
    for x, y in _at(FRONT_X, ((-15, 46), (15, 46))):
        pen.ellipse((x - 4, y - 4, x + 4, y + 4), fill=_INK[OUTLINE])
    (x1, y1), (x2, y2) = _at(FRONT_X, ((-13, 76), (13, 82)))
    pen.arc((x1, y1 - 6, x2, y2), 20, 160, fill=_INK[OUTLINE], width=2)


def _font(size: int) -> ImageFont.ImageFont:
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow without sized default fonts
        return ImageFont.load_default()


def outline() -> list[str]:
    """The figures' parts as SVG polygon point lists (the kiosk's inline picture)."""
    return [_points(_at(cx, part)) for cx, parts in ((FRONT_X, _FRONT_PARTS), (BACK_X, _BACK_PARTS))
            for part in parts]


def region_points() -> dict[str, list[str]]:
    """Region code -> its polygons as SVG point lists."""
    return {code: [_points(p) for p in polys] for code, polys in REGIONS.items()}


def _points(polygon: Polygon) -> str:
    return " ".join(f"{x:.0f},{y:.0f}" for x, y in polygon)


def draw(chosen: Iterable[str], front_caption: str, back_caption: str) -> Image.Image:
    """The figures with the ``chosen`` regions filled in a strong colour, captions on top."""
    image = _base(front_caption, back_caption).copy()
    pen = ImageDraw.Draw(image)
    for code in chosen:
        for polygon in REGIONS.get(code, ()):
            pen.polygon(polygon, fill=_INK[CHOSEN], outline=_INK[CHOSEN_EDGE], width=4)
    _eyes(pen)
    return image
