"""Draw the starter portals' pictures (portals/starter_images/) with Pillow: flat illustrations in
each template's theme colours, no words, no third-party artwork.

    .venv/bin/python tools/make_starter_images.py

Which files exist, their size and what they show is portals.images.STARTER_IMAGES; this script
draws one picture for each entry and stops if an entry has no drawing. Everything is drawn at three
times the size and scaled down, which smooths the edges; the output is WebP, quality 80.
"""

import math
import random
import sys
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portals.images import STARTER_IMAGES  # noqa: E402 - needs ROOT on the path

SCALE = 3
QUALITY = 80


def rgb(value: str) -> tuple[int, int, int]:
    value = value.lstrip("#")
    return tuple(int(value[i : i + 2], 16) for i in (0, 2, 4))


def mix(a, b, t: float) -> tuple[int, int, int]:
    """The colour a fraction `t` of the way from a to b."""
    a, b = (rgb(c) if isinstance(c, str) else c for c in (a, b))
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))


# The themes' own colours (themes: "lumen" for member-mall, "harbor" for service-desk) and a few
# tints of them; one extra colour each (leaf green, lamp yellow) for small details.
LUMEN = {
    "primary": rgb("#6b3e26"),
    "secondary": rgb("#f3e7da"),
    "accent": rgb("#b3541e"),
    "paper": mix("#f3e7da", "#ffffff", 0.55),
    "sand": mix("#f3e7da", "#b3541e", 0.18),
    "tan": mix("#f3e7da", "#6b3e26", 0.28),
    "caramel": mix("#b3541e", "#f3c98b", 0.45),
    "umber": mix("#6b3e26", "#000000", 0.25),
    "blush": mix("#b3541e", "#f3e7da", 0.55),
    "white": (255, 251, 246),
    "leaf": rgb("#7f8f62"),
    "leaf_dark": rgb("#5f6f48"),
    "gold": rgb("#e0a445"),
}
HARBOR = {
    "primary": rgb("#1f4e8c"),
    "secondary": rgb("#e6eef8"),
    "accent": rgb("#0f7b6c"),
    "paper": mix("#e6eef8", "#ffffff", 0.55),
    "sky": mix("#e6eef8", "#1f4e8c", 0.14),
    "mist": mix("#e6eef8", "#1f4e8c", 0.3),
    "mid": mix("#1f4e8c", "#e6eef8", 0.35),
    "navy": mix("#1f4e8c", "#000000", 0.3),
    "teal_light": mix("#0f7b6c", "#e6eef8", 0.6),
    "teal_soft": mix("#0f7b6c", "#e6eef8", 0.82),
    "white": (255, 255, 255),
    "leaf": rgb("#2f8f6f"),
    "leaf_dark": rgb("#1f6e55"),
    "sun": rgb("#f2c14e"),
    "wood": rgb("#c9a27a"),
}


class Canvas:
    """A picture drawn at SCALE times its size; coordinates are in the final picture's pixels.

    Transparent pictures (mode RGBA) are layers laid on others with `paste`; a shadow's mask is a
    grey-level canvas (mode L). A translucent shape (alpha < 255) is drawn on its own layer and
    composited, because Pillow's drawing on an RGBA image writes the alpha instead of blending.
    """

    def __init__(self, width: int, height: int, background=(0, 0, 0, 0), mode="RGBA"):
        self.width, self.height = width, height
        self.image = Image.new(mode, (width * SCALE, height * SCALE), background)
        self.draw = ImageDraw.Draw(self.image)

    @staticmethod
    def _scaled(values):
        return [round(v * SCALE) for v in values]

    @staticmethod
    def _flat(points):
        return Canvas._scaled([c for point in points for c in point])

    def _fill(self, color, alpha=255):
        if color is None:
            return None
        return color[0] if self.image.mode == "L" else (*color[:3], alpha)

    def _paint(self, alpha, paint):
        """paint(draw, fill_alpha): straight onto the picture when opaque, through a layer if not."""
        if alpha >= 255 or self.image.mode == "L":
            paint(self.draw, 255)
            return
        layer = Image.new("RGBA", self.image.size, (0, 0, 0, 0))
        paint(ImageDraw.Draw(layer), alpha)
        self.image.alpha_composite(layer)

    def gradient(self, top, bottom):
        """A vertical gradient over the whole picture."""
        mask = Image.linear_gradient("L").resize(self.image.size)
        self.image.paste(Image.new("RGBA", self.image.size, (*top, 255)))
        self.image.paste(Image.new("RGBA", self.image.size, (*bottom, 255)), mask=mask)

    def rect(self, box, color, radius=0, alpha=255, outline=None, width=0):
        self._paint(
            alpha,
            lambda d, a: d.rounded_rectangle(
                self._scaled(box),
                radius=radius * SCALE,
                fill=self._fill(color, a),
                outline=self._fill(outline, a),
                width=round(width * SCALE),
            ),
        )

    def ellipse(self, box, color, alpha=255, outline=None, width=0):
        self._paint(
            alpha,
            lambda d, a: d.ellipse(
                self._scaled(box),
                fill=self._fill(color, a),
                outline=self._fill(outline, a),
                width=round(width * SCALE),
            ),
        )

    def circle(self, x, y, r, color, alpha=255, outline=None, width=0):
        self.ellipse((x - r, y - r, x + r, y + r), color, alpha, outline, width)

    def cut(self, box):
        """A round hole: everything there becomes transparent."""
        self.draw.ellipse(self._scaled(box), fill=(0, 0, 0, 0))

    def polygon(self, points, color, alpha=255):
        self._paint(alpha, lambda d, a: d.polygon(self._flat(points), fill=self._fill(color, a)))

    def line(self, points, color, width, alpha=255, round_ends=True):
        def paint(d, a):
            d.line(self._flat(points), fill=self._fill(color, a), width=round(width * SCALE), joint="curve")
            if round_ends:
                r = width / 2 - 0.2
                for x, y in (points[0], points[-1]):
                    d.ellipse(self._scaled((x - r, y - r, x + r, y + r)), fill=self._fill(color, a))

        self._paint(alpha, paint)

    def arc(self, box, start, end, color, width, alpha=255):
        self._paint(
            alpha,
            lambda d, a: d.arc(
                self._scaled(box), start, end, fill=self._fill(color, a), width=round(width * SCALE)
            ),
        )

    def pieslice(self, box, start, end, color, alpha=255):
        self._paint(alpha, lambda d, a: d.pieslice(self._scaled(box), start, end, fill=self._fill(color, a)))

    def chord(self, box, start, end, color, alpha=255):
        self._paint(alpha, lambda d, a: d.chord(self._scaled(box), start, end, fill=self._fill(color, a)))

    def shadow(self, shape, color, blur=14, alpha=60, offset=(0, 10)):
        """A soft shadow: `shape(mask)` drawn in white on a mask, blurred, laid on in `color`."""
        mask_canvas = Canvas(self.width, self.height, 0, mode="L")
        shape(mask_canvas)
        mask = mask_canvas.image.filter(ImageFilter.GaussianBlur(blur * SCALE))
        mask = ImageChops.offset(mask, round(offset[0] * SCALE), round(offset[1] * SCALE))
        layer = Image.new("RGBA", self.image.size, (*color, 0))
        layer.putalpha(mask.point(lambda v: v * alpha // 255))
        self.image.alpha_composite(layer)

    def clip(self, shape):
        """Keep only what lies inside `shape(mask)` (drawn in white on a mask)."""
        mask_canvas = Canvas(self.width, self.height, 0, mode="L")
        shape(mask_canvas)
        self.image.putalpha(ImageChops.multiply(self.image.getchannel("A"), mask_canvas.image))

    def paste(self, other: "Canvas", x=0, y=0, angle=0.0):
        """Lay `other` (transparent where nothing was drawn) on this, turned by `angle` degrees
        about its centre, its centre placed at (x, y)."""
        layer = other.image.rotate(angle, resample=Image.BICUBIC, expand=True)
        left = round(x * SCALE - layer.width / 2)
        top = round(y * SCALE - layer.height / 2)
        self.image.alpha_composite(layer, (max(left, 0), max(top, 0)), (max(-left, 0), max(-top, 0)))

    def sparkle(self, x, y, r, color, alpha=255):
        """A four-pointed star."""
        k = r * 0.28
        self.polygon(
            [
                (x, y - r),
                (x + k, y - k),
                (x + r, y),
                (x + k, y + k),
                (x, y + r),
                (x - k, y + k),
                (x - r, y),
                (x - k, y - k),
            ],
            color,
            alpha,
        )

    def star(self, x, y, r, color, alpha=255, inner=0.45, turn=-90):
        points = []
        for i in range(10):
            radius = r if i % 2 == 0 else r * inner
            a = math.radians(turn + i * 36)
            points.append((x + radius * math.cos(a), y + radius * math.sin(a)))
        self.polygon(points, color, alpha)

    def check(self, x, y, size, color, width):
        """A tick mark centred at (x, y)."""
        self.line(
            [(x - size * 0.5, y), (x - size * 0.15, y + size * 0.35), (x + size * 0.55, y - size * 0.4)],
            color,
            width,
        )

    def save(self, path: Path):
        final = self.image.convert("RGB").resize((self.width, self.height), Image.LANCZOS)
        path.parent.mkdir(parents=True, exist_ok=True)
        final.save(path, "WEBP", quality=QUALITY, method=6)


# --- Shared pieces ------------------------------------------------------------------------------


def backdrop(c: Canvas, top, bottom, blobs):
    """A soft gradient and a few large round shapes behind the subject."""
    c.gradient(top, bottom)
    for x, y, r, color, alpha in blobs:
        c.circle(x, y, r, color, alpha)


def leaf(c: Canvas, x, y, length, width, angle, color, vein=None):
    """A pointed leaf growing from (x, y) towards `angle` degrees (counter-clockwise from the right)."""
    layer = Canvas(int(length * 2) + 2, int(length * 2) + 2)
    m = length + 1
    upper = [(m + length * i / 24, m - width / 2 * math.sin(math.pi * i / 24) ** 0.8) for i in range(25)]
    lower = [
        (m + length * i / 24, m + width / 2 * math.sin(math.pi * i / 24) ** 0.8) for i in range(24, -1, -1)
    ]
    layer.polygon(upper + lower, color)
    if vein:
        layer.line([(m + length * 0.08, m), (m + length * 0.8, m)], vein, max(width * 0.06, 1.2))
    c.paste(layer, x, y, angle)


def leaf_sprig(c: Canvas, x, y, size, p, angle=0, leaves=6):
    """A twig with alternate leaves; (x, y) is its middle, `angle` leans it."""
    layer = Canvas(int(size * 2.6), int(size * 2.6))
    cx = cy = size * 1.3
    stem = [(cx + math.sin(i / 10 * math.pi) * size * 0.08, cy + size - i / 10 * size * 2) for i in range(11)]
    layer.line(stem, p["leaf_dark"], size * 0.045)
    for i in range(leaves):
        t = (i + 0.6) / (leaves + 0.4)
        sx, sy = stem[round(t * 10)]
        side = 1 if i % 2 else -1
        length = size * (0.62 - 0.25 * t)
        color = p["leaf"] if i % 2 else p["leaf_dark"]
        leaf(layer, sx, sy, length, length * 0.42, 90 - side * 48, color, mix(color, p["white"], 0.25))
    leaf(
        layer,
        stem[-1][0],
        stem[-1][1],
        size * 0.3,
        size * 0.13,
        90,
        p["leaf"],
        mix(p["leaf"], p["white"], 0.25),
    )
    c.paste(layer, x, y, angle)


def gift(c: Canvas, x, y, size, p, box=None, ribbon=None):
    """A wrapped present; (x, y) is the middle of its bottom."""
    s = size
    box = box or p["accent"]
    ribbon = ribbon or p["gold"]
    c.shadow(
        lambda m: m.rect((x - s * 0.5, y - s * 0.1, x + s * 0.5, y + s * 0.05), (255,), radius=s * 0.04),
        p["umber"],
        blur=s * 0.05,
        alpha=60,
        offset=(0, s * 0.04),
    )
    c.rect((x - s * 0.45, y - s * 0.75, x + s * 0.45, y), box, radius=s * 0.04)
    c.rect((x - s * 0.45, y - s * 0.75, x - s * 0.2, y), mix(box, (0, 0, 0), 0.08), radius=s * 0.04)
    c.rect(
        (x - s * 0.52, y - s * 0.95, x + s * 0.52, y - s * 0.72), mix(box, p["white"], 0.12), radius=s * 0.04
    )
    c.rect((x - s * 0.08, y - s * 0.95, x + s * 0.08, y), ribbon)
    # bow
    c.ellipse((x - s * 0.38, y - s * 1.2, x - s * 0.02, y - s * 0.93), ribbon)
    c.ellipse((x + s * 0.02, y - s * 1.2, x + s * 0.38, y - s * 0.93), ribbon)
    c.ellipse((x - s * 0.28, y - s * 1.13, x - s * 0.08, y - s * 0.99), mix(ribbon, box, 0.35))
    c.ellipse((x + s * 0.08, y - s * 1.13, x + s * 0.28, y - s * 0.99), mix(ribbon, box, 0.35))
    c.circle(x, y - s * 0.98, s * 0.08, mix(ribbon, (0, 0, 0), 0.1))


def shopping_bag(c: Canvas, x, y, w, h, p, color, handle=None, tissue=(), emblem=None, side=0.24):
    """A paper shopping bag seen a little from the right, rope handles and tissue paper sticking out
    of it; (x, y) is the middle of its front's bottom, w and h the front's size."""
    d = w * side  # the side panel's width, drawn foreshortened
    lift = d * 0.3
    left, right, top = x - w / 2, x + w / 2, y - h
    handle = handle or mix(color, (0, 0, 0), 0.35)
    dark = mix(color, (0, 0, 0), 0.2)
    c.shadow(
        lambda m: m.rect((left, y - h * 0.05, right + d, y + h * 0.02), (255,), radius=h * 0.03),
        p["umber"],
        blur=w * 0.05,
        alpha=70,
        offset=(w * 0.03, h * 0.03),
    )
    # the back handle, then the inside of the bag and its tissue paper
    hw = w * 0.24
    c.arc(
        (x - hw + d, top - lift - h * 0.26, x + hw + d, top - lift + h * 0.26),
        180,
        360,
        mix(handle, (0, 0, 0), 0.25),
        w * 0.028,
    )
    c.polygon([(left, top), (left + d, top - lift), (right + d, top - lift), (right, top)], dark)
    for i, (tx, tip, lean, colour) in enumerate(tissue):
        base = w * 0.26
        cx = left + d * 0.5 + tx * w
        c.polygon(
            [
                (cx - base, top + 2),
                (cx + lean * w - base * 0.25, top - tip * h),
                (cx + lean * w + base * 0.15, top - tip * h * 0.82),
                (cx + base, top + 2),
            ],
            colour,
        )
        c.polygon(
            [
                (cx - base * 0.2, top + 2),
                (cx + lean * w - base * 0.25, top - tip * h),
                (cx + base * 0.1, top - tip * h * 0.3),
            ],
            mix(colour, (0, 0, 0), 0.06 + 0.03 * i),
        )
    # the side panel, folded in at the top, and the front
    c.polygon([(right, top), (right + d, top - lift), (right + d, y - lift), (right, y)], dark)
    c.polygon(
        [(right, top), (right + d, top - lift), (right + d * 0.5, top + h * 0.2)],
        mix(color, (0, 0, 0), 0.1),
    )
    c.rect((left, top, right, y), color)
    c.rect((left, top, right, top + h * 0.07), mix(color, p["white"], 0.12))
    c.rect((left, y - h * 0.04, right, y), mix(color, (0, 0, 0), 0.06))
    # the front handle, held by two knots
    c.arc((x - hw, top - h * 0.3, x + hw, top + h * 0.3), 180, 360, handle, w * 0.032)
    for hx in (x - hw, x + hw):
        c.circle(hx, top + h * 0.035, w * 0.03, handle)
    if emblem:
        r = w * 0.17
        c.circle(x, top + h * 0.52, r, emblem)
        c.star(x, top + h * 0.525, r * 0.62, color)


def price_tag(c: Canvas, x, y, size, p, angle=0, color=None, string=None):
    """A swing tag: a card with a cut corner end, a hole and a string; (x, y) is its middle."""
    color = color or p["white"]
    string = string or p["accent"]
    w, h = size, size * 0.52
    layer = Canvas(int(size * 1.6), int(size * 1.6))
    cx, cy = size * 0.8, size * 0.8
    left, top = cx - w / 2, cy - h / 2
    point = left - h * 0.42
    outline = [(point, cy), (left, top), (left + w, top), (left + w, top + h), (left, top + h)]
    layer.shadow(
        lambda m: m.polygon(outline, (255,)), p["umber"], blur=h * 0.08, alpha=70, offset=(0, h * 0.08)
    )
    layer.polygon(outline, color)
    layer.rect((left + w * 0.8, top, left + w, top + h), mix(color, p["accent"], 0.1))
    layer.circle(left - h * 0.05, cy, h * 0.1, mix(color, p["umber"], 0.3))
    layer.circle(left - h * 0.05, cy, h * 0.06, p["secondary"])
    layer.rect((left + w * 0.18, cy - h * 0.2, left + w * 0.62, cy - h * 0.04), p["primary"], radius=h * 0.05)
    layer.rect((left + w * 0.18, cy + h * 0.08, left + w * 0.46, cy + h * 0.2), p["tan"], radius=h * 0.05)
    layer.line(
        [
            (left - h * 0.05, cy),
            (point - h * 0.25, cy - h * 0.35),
            (point - h * 0.65, cy - h * 0.25),
            (cx - size * 0.78, cy - h * 0.7),
        ],
        string,
        h * 0.045,
    )
    c.paste(layer, x, y, angle)


def folded_stack(c: Canvas, x, y, w, p, colors):
    """Folded cloths in a pile; (x, y) is the middle of its bottom."""
    h = w * 0.2
    for i, color in enumerate(colors):
        bottom = y - i * h
        c.rect((x - w / 2, bottom - h, x + w / 2, bottom), color, radius=h * 0.35)
        c.rect(
            (x - w / 2 + h * 0.3, bottom - h * 0.62, x + w / 2 - h * 0.3, bottom - h * 0.48),
            p["white"],
            alpha=70,
        )


def wall_shelf(c: Canvas, left, right, y, p):
    c.shadow(lambda m: m.rect((left, y, right, y + 14), (255,)), p["umber"], blur=8, alpha=50, offset=(0, 6))
    c.rect((left, y, right, y + 14), p["primary"], radius=4)
    for bx in (left + 30, right - 42):
        c.polygon([(bx, y + 14), (bx + 12, y + 14), (bx + 12, y + 46)], p["umber"])


def jar(c: Canvas, x, y, w, h, p, color, lid=None):
    """A small bottle with a cap, as on a shop shelf; (x, y) is the middle of its bottom."""
    c.rect((x - w / 2, y - h, x + w / 2, y), color, radius=w * 0.22)
    c.rect((x - w * 0.32, y - h * 0.85, x - w * 0.18, y - h * 0.2), p["white"], radius=w * 0.07, alpha=80)
    c.rect((x - w * 0.3, y - h - w * 0.3, x + w * 0.3, y - h + 2), lid or p["primary"], radius=w * 0.08)
    c.rect((x - w * 0.2, y - h * 0.55, x + w * 0.28, y - h * 0.35), p["white"], radius=3, alpha=200)


def box(c: Canvas, x, y, w, h, p, color):
    """A small closed carton; (x, y) is the middle of its bottom."""
    c.rect((x - w / 2, y - h, x + w / 2, y), color, radius=4)
    c.rect((x - w / 2, y - h, x + w / 2, y - h + h * 0.2), mix(color, p["white"], 0.15), radius=4)
    c.rect((x - w * 0.08, y - h, x + w * 0.08, y), mix(color, p["white"], 0.3))


# --- member-mall (lumen) ------------------------------------------------------------------------


def coupon(c: Canvas, x, y, w, h, p, angle=0, color=None):
    """A ticket with notched sides, a perforation and a star; (x, y) is its centre."""
    color = color or p["primary"]
    layer = Canvas(int(w * 1.3), int(h * 1.6))
    cx, cy = w * 0.65, h * 0.8
    left, top = cx - w / 2, cy - h / 2
    layer.shadow(
        lambda m: m.rect((left, top, left + w, top + h), (255,), radius=h * 0.12),
        p["umber"],
        blur=h * 0.08,
        alpha=70,
        offset=(0, h * 0.06),
    )
    layer.rect((left, top, left + w, top + h), color, radius=h * 0.12)
    stub = left + w * 0.68
    layer.rect((stub, top, left + w, top + h), mix(color, p["white"], 0.1), radius=h * 0.12)
    layer.rect((stub, top, stub + h * 0.2, top + h), mix(color, p["white"], 0.1))
    for hole_x, hole_y, r in ((stub, top, 0.1), (stub, top + h, 0.1), (left, cy, 0.12), (left + w, cy, 0.12)):
        layer.cut((hole_x - h * r, hole_y - h * r, hole_x + h * r, hole_y + h * r))
    dots = 7
    for i in range(dots):
        dy = top + h * 0.17 + i * (h * 0.66) / (dots - 1)
        layer.circle(stub, dy, h * 0.025, p["secondary"], alpha=200)
    star_x = left + w * 0.34
    layer.circle(star_x, cy, h * 0.28, mix(color, p["white"], 0.16))
    layer.star(star_x, cy + h * 0.01, h * 0.2, p["gold"])
    for i, bar in enumerate((0.34, 0.2)):
        layer.rect(
            (
                stub + w * 0.07,
                cy - h * 0.12 + i * h * 0.18,
                stub + w * 0.07 + w * bar * 0.5,
                cy - h * 0.05 + i * h * 0.18,
            ),
            p["secondary"],
            radius=h * 0.03,
            alpha=200,
        )
    c.paste(layer, x, y, angle)


def member_mall_gift_and_coupon(width, height):
    p = LUMEN
    c = Canvas(width, height)
    backdrop(
        c,
        p["paper"],
        p["secondary"],
        [(360, 330, 220, p["sand"], 190), (660, 150, 100, p["blush"], 80), (120, 130, 60, p["caramel"], 70)],
    )
    c.rect((-10, 470, width + 10, height + 10), p["tan"], alpha=90)
    gift(c, 290, 490, 270, p)
    coupon(c, 555, 400, 300, 150, p, angle=12)
    rng = random.Random(11)  # noqa: S311 - a fixed seed: the same picture on every run
    for _ in range(10):
        x, y = rng.uniform(80, 720), rng.uniform(50, 230)
        color = rng.choice([p["gold"], p["caramel"], p["blush"]])
        if rng.random() < 0.5:
            c.circle(x, y, rng.uniform(4, 8), color, alpha=220)
        else:
            c.rect((x, y, x + 18, y + 7), color, radius=3, alpha=220)
    c.sparkle(680, 290, 18, p["gold"])
    return c


def member_card(c: Canvas, x, y, w, p, angle=0, color=None, light=False):
    color = color or p["primary"]
    h = w * 0.63
    layer = Canvas(int(w * 1.25), int(h * 1.4))
    cx, cy = w * 0.625, h * 0.7
    left, top = cx - w / 2, cy - h / 2
    layer.shadow(
        lambda m: m.rect((left, top, left + w, top + h), (255,), radius=w * 0.06),
        p["umber"],
        blur=w * 0.04,
        alpha=80,
        offset=(0, w * 0.03),
    )
    face = Canvas(layer.width, layer.height)
    face.rect((left, top, left + w, top + h), color, radius=w * 0.06)
    # two soft rings, as on a printed card
    ring = mix(color, p["white"], 0.1)
    face.circle(left + w * 0.88, top + h * 0.1, w * 0.34, ring)
    face.circle(left + w * 0.98, top + h * 0.0, w * 0.2, mix(color, p["white"], 0.18))
    fg = p["secondary"] if not light else p["primary"]
    # badge with a star, a chip, and bars where a name and number would be
    face.circle(left + w * 0.16, top + h * 0.24, w * 0.075, p["gold"])
    face.star(left + w * 0.16, top + h * 0.245, w * 0.05, color)
    face.rect((left + w * 0.08, top + h * 0.46, left + w * 0.22, top + h * 0.64), p["gold"], radius=w * 0.015)
    face.line(
        [(left + w * 0.08, top + h * 0.55), (left + w * 0.22, top + h * 0.55)],
        mix(p["gold"], color, 0.4),
        w * 0.006,
        round_ends=False,
    )
    face.line(
        [(left + w * 0.15, top + h * 0.46), (left + w * 0.15, top + h * 0.64)],
        mix(p["gold"], color, 0.4),
        w * 0.006,
        round_ends=False,
    )
    face.rect(
        (left + w * 0.08, top + h * 0.74, left + w * 0.52, top + h * 0.8), fg, radius=w * 0.015, alpha=220
    )
    face.rect(
        (left + w * 0.08, top + h * 0.85, left + w * 0.34, top + h * 0.9), fg, radius=w * 0.015, alpha=140
    )
    for i in range(3):
        face.circle(
            left + w * (0.7 + i * 0.075),
            top + h * 0.84,
            w * 0.028,
            p["gold"] if i < 2 else fg,
            alpha=255 if i < 2 else 110,
        )
    face.clip(lambda m: m.rect((left, top, left + w, top + h), (255,), radius=w * 0.06))
    layer.paste(face, layer.width / 2, layer.height / 2)
    c.paste(layer, x, y, angle)


def coin(c: Canvas, x, y, r, p):
    c.circle(x, y + r * 0.18, r, mix(p["gold"], p["accent"], 0.45))
    c.circle(x, y, r, p["gold"])
    c.circle(x, y, r * 0.72, mix(p["gold"], p["white"], 0.25))
    c.star(x, y + r * 0.02, r * 0.45, p["gold"])


def member_mall_member_card(width, height):
    p = LUMEN
    c = Canvas(width, height)
    backdrop(
        c,
        p["paper"],
        p["secondary"],
        [(420, 300, 240, p["sand"], 190), (120, 120, 80, p["blush"], 80), (690, 500, 120, p["caramel"], 60)],
    )
    member_card(c, 370, 350, 360, p, angle=-10, color=p["accent"])
    member_card(c, 420, 290, 380, p, angle=6)
    for x, y, r in ((640, 180, 34), (690, 250, 26), (160, 470, 30)):
        coin(c, x, y, r, p)
    c.sparkle(150, 200, 16, p["gold"])
    c.sparkle(650, 470, 12, p["gold"])
    return c


def awning(c: Canvas, left, right, top, depth, p, stripes=8):
    w = (right - left) / stripes
    for i in range(stripes):
        color = p["accent"] if i % 2 == 0 else p["white"]
        c.rect((left + i * w, top, left + (i + 1) * w, top + depth), color)
        c.pieslice(
            (left + i * w, top + depth - w / 2, left + (i + 1) * w, top + depth + w / 2), 0, 180, color
        )
    c.rect((left - 6, top - 12, right + 6, top + 4), p["primary"], radius=4)


def potted_plant(c: Canvas, x, y, size, p, pot=None):
    """Leaves fanning out of a pot; (x, y) is the middle of the pot's bottom."""
    pot = pot or p["caramel"]
    base_y = y - size * 0.3
    for i, (angle, length) in enumerate(
        ((150, 0.62), (30, 0.62), (125, 0.8), (55, 0.8), (105, 0.92), (78, 0.95))
    ):
        color = p["leaf"] if i % 2 else p["leaf_dark"]
        leaf(c, x, base_y, size * length, size * length * 0.36, angle, color, mix(color, p["white"], 0.2))
    c.polygon(
        [
            (x - size * 0.3, y - size * 0.3),
            (x + size * 0.3, y - size * 0.3),
            (x + size * 0.22, y + size * 0.1),
            (x - size * 0.22, y + size * 0.1),
        ],
        pot,
    )
    c.rect(
        (x - size * 0.34, y - size * 0.36, x + size * 0.34, y - size * 0.26),
        mix(pot, (0, 0, 0), 0.1),
        radius=size * 0.03,
    )


def hanging_lamp(c: Canvas, x, top, length, size, color, glow):
    c.line([(x, top), (x, top + length)], color, 3, round_ends=False)
    c.circle(x, top + length + size * 0.5, size * 1.6, glow, alpha=60)
    c.chord((x - size, top + length, x + size, top + length + size * 1.6), 180, 360, color)
    c.circle(x, top + length + size * 0.8, size * 0.25, glow)


def member_mall_shop_front(width, height):
    p = LUMEN
    c = Canvas(width, height)
    backdrop(
        c,
        mix(p["paper"], p["white"], 0.4),
        p["secondary"],
        [(640, 120, 150, p["blush"], 70), (120, 90, 70, p["sand"], 150)],
    )
    # pavement
    c.rect((-10, 520, width + 10, height + 10), p["tan"], alpha=140)
    c.rect((-10, 520, width + 10, 526), p["white"], alpha=140)
    # building
    left, right, top = 130, 670, 110
    c.shadow(lambda m: m.rect((left, top, right, 525), (255,)), p["umber"], blur=14, alpha=50, offset=(0, 6))
    c.rect((left, top, right, 525), p["white"])
    c.rect((left, top, right, top + 70), p["primary"])
    # sign board: a shopping bag on a round badge instead of a name
    c.rect((330, top + 14, 470, top + 56), p["secondary"], radius=21)
    c.arc((389, top + 15, 411, top + 37), 180, 360, p["accent"], 3)
    c.rect((381, top + 25, 419, top + 52), p["accent"], radius=3)
    c.star(400, top + 39, 7, p["secondary"])
    awning(c, left - 12, right + 12, top + 70, 46, p, stripes=10)
    # window with a counter and lamps inside
    win = (165, 250, 470, 500)
    c.rect(win, mix(p["secondary"], p["caramel"], 0.25), radius=6)
    c.rect((win[0], 430, win[2], win[3]), p["primary"], radius=0)
    c.rect((win[0], 424, win[2], 436), p["umber"])
    for lx in (230, 320, 410):
        hanging_lamp(c, lx, win[1], 40, 20, p["umber"], p["gold"])
    folded_stack(c, 245, 424, 70, p, [p["accent"], p["white"], p["caramel"]])
    c.arc((334, 362, 366, 394), 180, 360, p["umber"], 4)
    c.rect((325, 378, 375, 424), p["white"], radius=3)
    box(c, 417, 424, 46, 40, p, p["accent"])
    c.polygon(
        [(win[0], win[1]), (win[0] + 90, win[1]), (win[0] + 20, win[3] - 80), (win[0], win[3] - 80)],
        p["white"],
        alpha=70,
    )
    c.rect(win, None, radius=6, outline=p["primary"], width=8)
    # door
    door = (510, 270, 630, 525)
    c.rect(door, p["accent"], radius=8)
    c.rect(
        (door[0] + 16, door[1] + 18, door[2] - 16, door[1] + 150),
        mix(p["secondary"], p["caramel"], 0.2),
        radius=6,
    )
    c.circle(door[2] - 22, 410, 7, p["gold"])
    c.rect((door[0] - 8, door[3] - 6, door[2] + 8, door[3] + 4), p["umber"], radius=3)
    potted_plant(c, 110, 560, 110, p)
    potted_plant(c, 690, 560, 110, p, pot=p["primary"])
    return c


def member_mall_hero(width, height):
    p = LUMEN
    c = Canvas(width, height)
    backdrop(
        c,
        p["paper"],
        p["secondary"],
        [
            (920, 260, 330, p["sand"], 170),
            (1420, 80, 170, p["blush"], 90),
            (260, 520, 260, p["sand"], 110),
            (600, 110, 60, p["caramel"], 90),
        ],
    )
    # shelves on the wall, with things for sale
    wall_shelf(c, 150, 470, 250, p)
    folded_stack(c, 230, 250, 110, p, [p["primary"], p["caramel"], p["accent"]])
    jar(c, 330, 250, 40, 70, p, p["accent"], lid=p["umber"])
    jar(c, 385, 250, 34, 50, p, p["tan"], lid=p["primary"])
    box(c, 438, 250, 44, 40, p, p["caramel"])
    wall_shelf(c, 1310, 1540, 220, p)
    box(c, 1370, 220, 70, 56, p, p["primary"])
    box(c, 1370, 164, 52, 40, p, p["caramel"])
    folded_stack(c, 1470, 220, 100, p, [p["tan"], p["accent"]])
    # the counter top
    c.rect((-20, 500, width + 20, height + 20), p["tan"], alpha=120, radius=0)
    c.rect((-20, 500, width + 20, 508), p["white"], alpha=120)
    potted_plant(c, 400, 545, 150, p)
    gift(c, 620, 550, 150, p)
    shopping_bag(
        c,
        1080,
        540,
        200,
        230,
        p,
        p["primary"],
        handle=p["gold"],
        tissue=[(0.3, 0.22, -0.08, p["blush"]), (0.7, 0.3, 0.06, p["white"])],
    )
    shopping_bag(
        c,
        850,
        555,
        240,
        290,
        p,
        p["accent"],
        handle=p["umber"],
        tissue=[(0.25, 0.2, -0.1, p["gold"]), (0.55, 0.32, 0.04, p["white"]), (0.85, 0.22, 0.12, p["blush"])],
        emblem=p["secondary"],
    )
    price_tag(c, 1290, 500, 150, p, angle=-18)
    for x, y, r in ((1200, 590, 22), (1250, 605, 18)):
        coin(c, x, y, r, p)
    gift(c, 1500, 570, 110, p, box=p["primary"], ribbon=p["caramel"])
    for x, y, r in ((1200, 170, 16), (560, 250, 11), (1460, 340, 12), (720, 150, 10)):
        c.sparkle(x, y, r, p["gold"])
    return c


def coin_stack(c: Canvas, x, y, r, count, p):
    """Coins in a pile, seen from the side; (x, y) is the middle of the lowest coin's bottom."""
    edge, thick = mix(p["gold"], p["accent"], 0.45), r * 0.3
    c.shadow(
        lambda m: m.ellipse((x - r, y - r * 0.3, x + r, y + r * 0.3), (255,)),
        p["umber"],
        blur=r * 0.15,
        alpha=70,
        offset=(0, r * 0.08),
    )
    for i in range(count):
        bottom = y - i * thick
        c.ellipse((x - r, bottom - r * 0.35, x + r, bottom + r * 0.35), edge)
        c.rect((x - r, bottom - thick, x + r, bottom), edge)
        if i:  # the seam between this coin and the one below
            c.arc((x - r, bottom - r * 0.35, x + r, bottom + r * 0.35), 0, 180, mix(edge, p["umber"], 0.3), 2)
        top = bottom - thick
        c.ellipse((x - r, top - r * 0.35, x + r, top + r * 0.35), p["gold"])
    c.ellipse((x - r * 0.7, top - r * 0.24, x + r * 0.7, top + r * 0.24), mix(p["gold"], p["white"], 0.25))


def member_mall_points_and_rewards(width, height):
    p = LUMEN
    c = Canvas(width, height)
    backdrop(
        c,
        p["paper"],
        p["secondary"],
        [(400, 310, 230, p["sand"], 190), (650, 100, 90, p["blush"], 80), (120, 500, 110, p["caramel"], 60)],
    )
    c.rect((-10, 490, width + 10, height + 10), p["tan"], alpha=90)
    shopping_bag(
        c,
        320,
        520,
        260,
        270,
        p,
        p["accent"],
        handle=p["umber"],
        tissue=[(0.2, 0.18, -0.1, p["white"]), (0.75, 0.22, 0.1, p["blush"])],
        emblem=p["secondary"],
    )
    # a star badge for the points a purchase earns, and coins
    c.circle(540, 170, 92, p["gold"], alpha=55)
    c.circle(540, 170, 64, p["gold"])
    c.circle(540, 170, 52, mix(p["gold"], p["white"], 0.3))
    c.star(540, 173, 40, p["accent"])
    coin_stack(c, 590, 530, 44, 5, p)
    coin_stack(c, 680, 540, 38, 3, p)
    for x, y, r in ((650, 300, 24), (170, 190, 22), (440, 90, 16)):
        coin(c, x, y, r, p)
    c.sparkle(680, 110, 16, p["gold"])
    c.sparkle(120, 330, 11, p["gold"])
    c.sparkle(420, 260, 10, p["gold"])
    return c


def member_mall_shopping_bags(width, height):
    p = LUMEN
    c = Canvas(width, height)
    backdrop(
        c,
        p["paper"],
        p["secondary"],
        [(400, 300, 240, p["sand"], 190), (680, 120, 80, p["blush"], 80), (110, 520, 100, p["caramel"], 60)],
    )
    c.rect((-10, 480, width + 10, height + 10), p["tan"], alpha=90)
    shopping_bag(
        c,
        520,
        500,
        220,
        260,
        p,
        p["primary"],
        handle=p["gold"],
        tissue=[(0.3, 0.24, -0.06, p["blush"]), (0.7, 0.32, 0.08, p["white"])],
    )
    shopping_bag(
        c,
        280,
        535,
        250,
        300,
        p,
        p["accent"],
        handle=p["umber"],
        emblem=p["secondary"],
        tissue=[
            (0.25, 0.22, -0.12, p["gold"]),
            (0.55, 0.34, 0.02, p["white"]),
            (0.85, 0.24, 0.12, p["blush"]),
        ],
    )
    price_tag(c, 655, 550, 110, p, angle=-10)
    c.sparkle(640, 170, 16, p["gold"])
    c.sparkle(160, 180, 11, p["gold"])
    c.sparkle(720, 330, 10, p["gold"])
    return c


# --- service-desk (harbor) ----------------------------------------------------------------------


def bubble(c: Canvas, box, color, tail="left", dots=None, lines=None, check=None, p=HARBOR):
    left, top, right, bottom = box
    h = bottom - top
    c.shadow(
        lambda m: m.rect(box, (255,), radius=h * 0.3),
        p["navy"],
        blur=h * 0.12,
        alpha=45,
        offset=(0, h * 0.08),
    )
    c.rect(box, color, radius=h * 0.3)
    if tail == "left":
        c.polygon(
            [
                (left + h * 0.3, bottom - 2),
                (left + h * 0.75, bottom - 2),
                (left + h * 0.15, bottom + h * 0.3),
            ],
            color,
        )
    else:
        c.polygon(
            [
                (right - h * 0.3, bottom - 2),
                (right - h * 0.75, bottom - 2),
                (right - h * 0.15, bottom + h * 0.3),
            ],
            color,
        )
    cx, cy = (left + right) / 2, (top + bottom) / 2
    if dots:
        for i in (-1, 0, 1):
            c.circle(cx + i * h * 0.28, cy, h * 0.09, dots)
    if lines:
        c.rect((left + h * 0.3, cy - h * 0.17, right - h * 0.3, cy - h * 0.05), lines, radius=h * 0.05)
        c.rect(
            (left + h * 0.3, cy + h * 0.07, right - h * 0.8, cy + h * 0.19), lines, radius=h * 0.05, alpha=170
        )
    if check:
        c.check(cx, cy, h * 0.45, check, h * 0.1)


def headset(c: Canvas, x, y, size, p):
    """A headset with a microphone; (x, y) is the centre of the head band's circle."""
    s = size
    band = p["primary"]
    c.shadow(
        lambda m: m.arc((x - s, y - s, x + s, y + s), 180, 360, (255,), s * 0.12),
        p["navy"],
        blur=s * 0.05,
        alpha=40,
        offset=(0, s * 0.05),
    )
    c.arc((x - s, y - s, x + s, y + s), 180, 360, band, s * 0.12)
    c.arc(
        (x - s * 0.93, y - s * 0.93, x + s * 0.93, y + s * 0.93),
        200,
        340,
        mix(band, p["white"], 0.25),
        s * 0.03,
    )
    for side in (-1, 1):
        ex = x + side * s * 0.95
        c.shadow(
            lambda m, ex=ex: m.rect(
                (ex - s * 0.2, y - s * 0.15, ex + s * 0.2, y + s * 0.45), (255,), radius=s * 0.18
            ),
            p["navy"],
            blur=s * 0.05,
            alpha=50,
            offset=(0, s * 0.04),
        )
        c.rect((ex - s * 0.2, y - s * 0.15, ex + s * 0.2, y + s * 0.45), p["accent"], radius=s * 0.18)
        c.rect(
            (ex - side * s * 0.06 - s * 0.12, y - s * 0.08, ex - side * s * 0.06 + s * 0.12, y + s * 0.38),
            mix(p["accent"], p["white"], 0.25),
            radius=s * 0.12,
        )
    # microphone arm
    mx = x - s * 0.95
    arm = [(mx, y + s * 0.4)] + [
        (
            mx + math.sin(t / 10 * math.pi / 2) * s * 0.55,
            y + s * 0.4 + (1 - math.cos(t / 10 * math.pi / 2)) * s * 0.35,
        )
        for t in range(1, 11)
    ]
    c.line(arm, p["navy"], s * 0.06)
    c.rect(
        (arm[-1][0] - s * 0.02, arm[-1][1] - s * 0.07, arm[-1][0] + s * 0.2, arm[-1][1] + s * 0.07),
        p["navy"],
        radius=s * 0.07,
    )


def member_of_staff_backdrop(c: Canvas, p, blobs):
    backdrop(c, p["paper"], p["secondary"], blobs)


def service_desk_headset_and_help(width, height):
    p = HARBOR
    c = Canvas(width, height)
    member_of_staff_backdrop(
        c,
        p,
        [(380, 330, 230, p["sky"], 220), (660, 120, 90, p["teal_soft"], 200), (120, 500, 90, p["mist"], 90)],
    )
    headset(c, 350, 330, 170, p)
    bubble(c, (470, 120, 690, 210), p["accent"], tail="left", dots=p["white"])
    bubble(c, (110, 110, 270, 180), p["white"], tail="right", check=p["accent"])
    bubble(c, (520, 420, 700, 490), p["primary"], tail="left", lines=p["secondary"])
    c.sparkle(690, 310, 14, p["sun"])
    c.sparkle(110, 300, 10, p["accent"])
    return c


def calendar(c: Canvas, x, y, w, p, ticked=(2, 3)):
    """A wall calendar; (x, y) is its top left corner, w its width."""
    h = w * 0.9
    c.shadow(
        lambda m: m.rect((x, y, x + w, y + h), (255,), radius=w * 0.06),
        p["navy"],
        blur=w * 0.04,
        alpha=60,
        offset=(0, w * 0.03),
    )
    c.rect((x, y, x + w, y + h), p["white"], radius=w * 0.06)
    c.rect((x, y, x + w, y + h * 0.24), p["primary"], radius=w * 0.06)
    c.rect((x, y + h * 0.14, x + w, y + h * 0.24), p["primary"])
    for i in range(2):
        rx = x + w * (0.28 + i * 0.44)
        c.rect((rx - w * 0.025, y - h * 0.07, rx + w * 0.025, y + h * 0.08), p["navy"], radius=w * 0.025)
    cols, rows = 5, 3
    gx, gy = x + w * 0.09, y + h * 0.33
    cell_w, cell_h = w * 0.82 / cols, h * 0.58 / rows
    for r in range(rows):
        for col in range(cols):
            box = (
                gx + col * cell_w + w * 0.012,
                gy + r * cell_h + h * 0.012,
                gx + (col + 1) * cell_w - w * 0.012,
                gy + (r + 1) * cell_h - h * 0.012,
            )
            if (r, col) == tuple(ticked):
                c.rect(box, p["accent"], radius=w * 0.02)
                c.check((box[0] + box[2]) / 2, (box[1] + box[3]) / 2, cell_w * 0.5, p["white"], w * 0.018)
            else:
                c.rect(box, p["secondary"], radius=w * 0.02)


def clock(c: Canvas, x, y, r, p):
    c.shadow(lambda m: m.circle(x, y, r, (255,)), p["navy"], blur=r * 0.12, alpha=60, offset=(0, r * 0.08))
    c.circle(x, y, r, p["accent"])
    c.circle(x, y, r * 0.82, p["white"])
    for i in range(12):
        a = math.radians(i * 30)
        length = 0.12 if i % 3 == 0 else 0.06
        c.line(
            [
                (x + math.cos(a) * r * 0.7, y + math.sin(a) * r * 0.7),
                (x + math.cos(a) * r * (0.7 - length), y + math.sin(a) * r * (0.7 - length)),
            ],
            p["mist"],
            r * 0.035,
        )
    c.line([(x, y), (x, y - r * 0.5)], p["navy"], r * 0.07)
    c.line([(x, y), (x + r * 0.38, y + r * 0.1)], p["navy"], r * 0.07)
    c.circle(x, y, r * 0.07, p["accent"])


def service_desk_calendar(width, height):
    p = HARBOR
    c = Canvas(width, height)
    member_of_staff_backdrop(
        c,
        p,
        [(390, 310, 230, p["sky"], 220), (120, 130, 80, p["teal_soft"], 200), (680, 500, 110, p["mist"], 80)],
    )
    calendar(c, 190, 150, 360, p)
    clock(c, 590, 420, 92, p)
    c.sparkle(650, 170, 14, p["sun"])
    c.sparkle(150, 460, 11, p["accent"])
    return c


def checklist(c: Canvas, x, y, w, p, rows=4, ticked=3):
    """A clipboard with a list; (x, y) is its top left corner."""
    h = w * 1.3
    c.shadow(
        lambda m: m.rect((x, y, x + w, y + h), (255,), radius=w * 0.07),
        p["navy"],
        blur=w * 0.04,
        alpha=60,
        offset=(0, w * 0.03),
    )
    c.rect((x, y, x + w, y + h), p["primary"], radius=w * 0.07)
    c.rect((x + w * 0.07, y + w * 0.1, x + w * 0.93, y + h - w * 0.06), p["white"], radius=w * 0.04)
    c.rect((x + w * 0.3, y - w * 0.05, x + w * 0.7, y + w * 0.12), p["navy"], radius=w * 0.05)
    c.circle(x + w * 0.5, y - w * 0.02, w * 0.04, p["secondary"])
    top = y + w * 0.26
    step = (h - w * 0.42) / rows
    for i in range(rows):
        ry = top + i * step
        box = (x + w * 0.16, ry, x + w * 0.3, ry + w * 0.14)
        if i < ticked:
            c.rect(box, p["accent"], radius=w * 0.03)
            c.check(x + w * 0.23, ry + w * 0.07, w * 0.09, p["white"], w * 0.022)
        else:
            c.rect(box, p["white"], radius=w * 0.03, outline=p["mist"], width=w * 0.015)
        c.rect(
            (x + w * 0.38, ry + w * 0.02, x + w * (0.82 if i % 2 == 0 else 0.7), ry + w * 0.06),
            p["mist"],
            radius=w * 0.02,
        )
        c.rect((x + w * 0.38, ry + w * 0.09, x + w * 0.6, ry + w * 0.12), p["sky"], radius=w * 0.015)


def pencil(c: Canvas, x, y, length, p, angle=-40):
    w = length * 0.13
    layer = Canvas(int(length * 1.2), int(length * 1.2))
    cx = cy = length * 0.6
    left = cx - length / 2
    layer.rect((left + length * 0.16, cy - w / 2, left + length * 0.88, cy + w / 2), p["sun"])
    layer.rect(
        (left + length * 0.16, cy - w / 2, left + length * 0.88, cy - w / 6), mix(p["sun"], p["white"], 0.3)
    )
    layer.rect((left + length * 0.84, cy - w / 2, left + length, cy + w / 2), p["accent"], radius=w * 0.35)
    layer.rect((left + length * 0.8, cy - w / 2, left + length * 0.88, cy + w / 2), p["mist"])
    layer.polygon(
        [(left + length * 0.16, cy - w / 2), (left + length * 0.16, cy + w / 2), (left, cy)], p["wood"]
    )
    layer.polygon(
        [(left + length * 0.055, cy - w * 0.17), (left + length * 0.055, cy + w * 0.17), (left, cy)],
        p["navy"],
    )
    c.paste(layer, x, y, angle)


def service_desk_checklist(width, height):
    p = HARBOR
    c = Canvas(width, height)
    member_of_staff_backdrop(
        c,
        p,
        [(400, 310, 240, p["sky"], 220), (660, 140, 80, p["teal_soft"], 200), (120, 470, 100, p["mist"], 80)],
    )
    checklist(c, 255, 95, 290, p)
    pencil(c, 590, 400, 230, p, angle=55)
    c.circle(620, 200, 40, p["accent"])
    c.check(620, 200, 34, p["white"], 8)
    c.sparkle(160, 180, 14, p["sun"])
    c.sparkle(190, 520, 10, p["accent"])
    return c


def monitor(c: Canvas, x, y, w, p, screen=None):
    """A computer screen on a stand; (x, y) is the middle of the stand's foot."""
    h = w * 0.62
    top = y - h - w * 0.18
    c.shadow(
        lambda m: m.rect((x - w / 2, top, x + w / 2, top + h), (255,), radius=w * 0.04),
        p["navy"],
        blur=w * 0.04,
        alpha=50,
        offset=(0, w * 0.03),
    )
    c.polygon(
        [
            (x - w * 0.06, top + h),
            (x + w * 0.06, top + h),
            (x + w * 0.08, y - w * 0.02),
            (x - w * 0.08, y - w * 0.02),
        ],
        p["mist"],
    )
    c.rect((x - w * 0.2, y - w * 0.035, x + w * 0.2, y), p["mid"], radius=w * 0.02)
    c.rect((x - w / 2, top, x + w / 2, top + h), p["navy"], radius=w * 0.04)
    inner = (x - w / 2 + w * 0.03, top + w * 0.03, x + w / 2 - w * 0.03, top + h - w * 0.03)
    c.rect(inner, screen or p["paper"], radius=w * 0.02)
    return inner


def mug(c: Canvas, x, y, size, p, color=None):
    color = color or p["accent"]
    c.shadow(
        lambda m: m.ellipse((x - size * 0.45, y - size * 0.06, x + size * 0.45, y + size * 0.06), (255,)),
        p["navy"],
        blur=size * 0.05,
        alpha=60,
        offset=(0, size * 0.02),
    )
    c.ellipse((x + size * 0.2, y - size * 0.75, x + size * 0.58, y - size * 0.3), color)
    c.ellipse((x + size * 0.3, y - size * 0.64, x + size * 0.48, y - size * 0.41), p["secondary"], alpha=255)
    c.rect((x - size * 0.35, y - size * 0.9, x + size * 0.35, y), color, radius=size * 0.1)
    c.rect(
        (x - size * 0.28, y - size * 0.82, x - size * 0.16, y - size * 0.12),
        mix(color, p["white"], 0.25),
        radius=size * 0.06,
    )
    c.ellipse(
        (x - size * 0.35, y - size * 0.96, x + size * 0.35, y - size * 0.84), mix(color, (0, 0, 0), 0.2)
    )


def service_desk_hero(width, height):
    p = HARBOR
    c = Canvas(width, height)
    backdrop(
        c,
        p["paper"],
        p["secondary"],
        [
            (920, 270, 340, p["sky"], 230),
            (1420, 120, 160, p["teal_soft"], 200),
            (240, 140, 110, p["mist"], 70),
            (640, 560, 90, p["teal_soft"], 150),
        ],
    )
    # desk
    c.rect((-20, 520, width + 20, height + 20), p["mist"], alpha=110)
    c.rect((340, 505, 1500, 530), p["wood"], radius=8)
    c.rect((340, 524, 1500, 540), mix(p["wood"], (0, 0, 0), 0.18), radius=6)
    inner = monitor(c, 900, 505, 430, p)
    # a conversation on the screen
    left, top, right, bottom = inner
    bubble(c, (left + 24, top + 24, left + 220, top + 80), p["white"], tail="left", lines=p["mist"])
    bubble(
        c, (right - 200, top + 100, right - 24, top + 156), p["accent"], tail="right", lines=p["teal_soft"]
    )
    bubble(c, (left + 24, top + 176, left + 150, top + 226), p["white"], tail="left", dots=p["mid"])
    headset(c, 1230, 460, 70, p)
    mug(c, 560, 505, 80, p)
    potted_plant(c, 420, 500, 140, {**p, "caramel": p["primary"]}, pot=p["primary"])
    calendar(c, 1310, 140, 150, p, ticked=(1, 3))
    bubble(c, (480, 150, 640, 215), p["accent"], tail="right", check=p["white"])
    clock(c, 1460, 420, 56, p)
    for x, y, r in ((700, 110, 14), (1180, 90, 11), (300, 330, 12)):
        c.sparkle(x, y, r, p["sun"])
    return c


def desk_bell(c: Canvas, x, y, size, p):
    c.rect((x - size * 0.6, y - size * 0.12, x + size * 0.6, y), p["navy"], radius=size * 0.05)
    c.chord((x - size * 0.5, y - size * 0.72, x + size * 0.5, y + size * 0.2), 180, 360, p["sun"])
    c.chord(
        (x - size * 0.38, y - size * 0.62, x - size * 0.05, y - size * 0.1),
        180,
        270,
        mix(p["sun"], p["white"], 0.45),
    )
    c.rect((x - size * 0.05, y - size * 0.34 - size * 0.08, x + size * 0.05, y - size * 0.26), p["navy"])
    c.circle(x, y - size * 0.44, size * 0.07, p["navy"])


def desk_lamp(c: Canvas, x, y, size, p):
    c.circle(x + size * 0.55, y - size * 0.8, size * 0.45, p["sun"], alpha=45)
    c.rect((x - size * 0.25, y - size * 0.07, x + size * 0.25, y), p["primary"], radius=size * 0.03)
    c.line(
        [(x, y - size * 0.05), (x - size * 0.15, y - size * 0.65), (x + size * 0.3, y - size * 1.05)],
        p["primary"],
        size * 0.06,
    )
    c.circle(x - size * 0.15, y - size * 0.65, size * 0.06, p["navy"])
    lamp = Canvas(int(size * 0.9), int(size * 0.9))
    m = size * 0.45
    lamp.chord((m - size * 0.3, m - size * 0.28, m + size * 0.3, m + size * 0.32), 180, 360, p["accent"])
    lamp.ellipse((m - size * 0.3, m - size * 0.03, m + size * 0.3, m + size * 0.07), p["sun"])
    c.paste(lamp, x + size * 0.38, y - size * 1.05, -30)


def service_desk_front_desk(width, height):
    p = HARBOR
    c = Canvas(width, height)
    backdrop(
        c,
        mix(p["paper"], p["white"], 0.3),
        p["secondary"],
        [(400, 250, 250, p["sky"], 200), (690, 110, 80, p["teal_soft"], 200)],
    )
    # a window and a wall clock behind the desk
    c.shadow(
        lambda m: m.rect((80, 90, 300, 290), (255,), radius=10), p["navy"], blur=10, alpha=30, offset=(0, 6)
    )
    c.rect((80, 90, 300, 290), p["white"], radius=10)
    c.rect((92, 102, 288, 278), mix(p["sky"], p["teal_soft"], 0.45), radius=6)
    c.polygon([(120, 278), (200, 102), (240, 102), (160, 278)], p["white"], alpha=90)
    c.polygon([(190, 278), (250, 102), (266, 102), (206, 278)], p["white"], alpha=90)
    c.rect((186, 102, 194, 278), p["white"])
    c.rect((92, 186, 288, 194), p["white"])
    clock(c, 660, 120, 48, p)
    # the floor and the desk
    c.rect((-10, 470, width + 10, height + 10), p["mist"], alpha=110)
    c.shadow(
        lambda m: m.rect((120, 370, 700, 560), (255,), radius=10),
        p["navy"],
        blur=14,
        alpha=60,
        offset=(0, 10),
    )
    c.rect((130, 380, 670, 560), p["primary"], radius=6)
    c.rect((130, 380, 670, 396), p["navy"], alpha=120)
    for i in range(3):
        x0 = 170 + i * 170
        c.rect((x0, 420, x0 + 120, 530), mix(p["primary"], p["white"], 0.1), radius=8)
    c.circle(400, 475, 30, p["accent"])
    c.check(400, 475, 26, p["white"], 7)
    c.rect((110, 362, 690, 384), p["wood"], radius=8)
    # on the desk: a screen with a form on it, a bell and a lamp
    left, top, right, bottom = monitor(c, 410, 364, 190, p)
    c.rect((left + 14, top + 14, left + 80, top + 32), p["accent"], radius=8)
    for i, length in enumerate((120, 90, 110)):
        c.rect((left + 14, top + 44 + i * 18, left + 14 + length, top + 54 + i * 18), p["mist"], radius=5)
    desk_bell(c, 250, 364, 70, p)
    desk_lamp(c, 570, 364, 120, p)
    potted_plant(c, 735, 555, 120, p, pot=p["accent"])
    return c


def pin(c: Canvas, x, y, size, p):
    """A location pin; (x, y) is its point."""
    r = size * 0.42
    cy = y - size * 0.82
    c.shadow(
        lambda m: m.ellipse((x - size * 0.25, y - size * 0.06, x + size * 0.25, y + size * 0.06), (255,)),
        p["navy"],
        blur=size * 0.04,
        alpha=90,
        offset=(0, 0),
    )
    c.polygon([(x - r * 0.86, cy + r * 0.5), (x + r * 0.86, cy + r * 0.5), (x, y)], p["accent"])
    c.circle(x, cy, r, p["accent"])
    c.chord((x - r, cy - r, x + r, cy + r), 120, 250, mix(p["accent"], p["white"], 0.15))
    c.circle(x, cy, r * 0.42, p["white"])


def service_desk_map_and_pin(width, height):
    p = HARBOR
    c = Canvas(width, height)
    backdrop(
        c,
        p["paper"],
        p["secondary"],
        [(400, 320, 240, p["sky"], 220), (680, 120, 80, p["teal_soft"], 200), (110, 140, 70, p["mist"], 70)],
    )
    panels = [(150, 170), (317, 130), (483, 170), (650, 130)]
    bottom_offset = 300
    c.shadow(
        lambda m: m.polygon([*panels, *[(px, py + bottom_offset) for px, py in reversed(panels)]], (255,)),
        p["navy"],
        blur=14,
        alpha=60,
        offset=(0, 12),
    )
    shades = [p["white"], mix(p["white"], p["sky"], 0.7), p["white"]]
    for i in range(3):
        (x1, y1), (x2, y2) = panels[i], panels[i + 1]
        c.polygon([(x1, y1), (x2, y2), (x2, y2 + bottom_offset), (x1, y1 + bottom_offset)], shades[i])
    # a park and water (drawn across the panels), then roads
    c.polygon([(170, 300), (280, 270), (300, 380), (180, 420)], p["teal_soft"])
    c.polygon([(500, 330), (630, 300), (630, 420), (520, 450)], mix(p["sky"], p["mid"], 0.25))
    c.line([(150, 250), (300, 240), (420, 300), (650, 260)], p["mist"], 16, round_ends=False)
    c.line([(360, 150), (380, 280), (340, 460)], p["mist"], 14, round_ends=False)
    c.line([(480, 200), (560, 300), (600, 430)], p["mist"], 10, round_ends=False)
    route = [(230, 420), (260, 350), (330, 330), (400, 300)]
    for (x1, y1), (x2, y2) in zip(route, route[1:], strict=False):
        for t in range(0, 10, 2):
            a, b = t / 10, (t + 1) / 10
            c.line(
                [(x1 + (x2 - x1) * a, y1 + (y2 - y1) * a), (x1 + (x2 - x1) * b, y1 + (y2 - y1) * b)],
                p["primary"],
                6,
            )
    c.circle(230, 420, 10, p["primary"])
    # fold shading
    for i in (1, 2):
        x2, y2 = panels[i]
        c.line([(x2, y2), (x2, y2 + bottom_offset)], p["mist"], 2, alpha=160, round_ends=False)
    pin(c, 420, 300, 180, p)
    c.sparkle(650, 470, 14, p["sun"])
    c.sparkle(170, 110, 11, p["accent"])
    return c


DRAWINGS = {
    "member-mall/shop-counter.webp": member_mall_hero,
    "member-mall/points-and-rewards.webp": member_mall_points_and_rewards,
    "member-mall/gift-and-coupon.webp": member_mall_gift_and_coupon,
    "member-mall/member-card.webp": member_mall_member_card,
    "member-mall/shop-front.webp": member_mall_shop_front,
    "member-mall/shopping-bags.webp": member_mall_shopping_bags,
    "service-desk/help-desk.webp": service_desk_hero,
    "service-desk/headset-and-help.webp": service_desk_headset_and_help,
    "service-desk/calendar.webp": service_desk_calendar,
    "service-desk/checklist.webp": service_desk_checklist,
    "service-desk/front-desk.webp": service_desk_front_desk,
    "service-desk/map-and-pin.webp": service_desk_map_and_pin,
}


def main(only: list[str]) -> None:
    out = sys.stdout
    for template, images in STARTER_IMAGES.items():
        for key, starter in images.items():
            if only and starter.file not in only and key not in only and template not in only:
                continue
            draw = DRAWINGS.get(starter.file)
            if draw is None:
                raise SystemExit(f"No drawing for {starter.file} ({template} {key})")
            canvas = draw(*starter.size)
            canvas.save(starter.path)
            out.write(
                f"{starter.file}: {starter.size[0]}x{starter.size[1]}, {starter.path.stat().st_size / 1024:.1f} KB\n"
            )


if __name__ == "__main__":
    main(sys.argv[1:])
