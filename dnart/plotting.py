"""Small line plots drawn with Pillow (loss curves, metric-by-epoch), no plotting library."""

from __future__ import annotations

import io
import math
from pathlib import Path
from typing import Sequence

from PIL import Image, ImageDraw

from .atomic import atomic_write

COLOURS = [(31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189)]


def _ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    if hi <= lo:
        return [lo]
    step = 10 ** math.floor(math.log10((hi - lo) / n))
    for mult in (1, 2, 5, 10):
        if (hi - lo) / (step * mult) <= n:
            step *= mult
            break
    first = math.ceil(lo / step) * step
    return [first + i * step for i in range(int((hi - first) / step) + 1)]


def line_plot(
    series: dict[str, Sequence[tuple[float, float]]],
    path: str | Path,
    title: str = "",
    xlabel: str = "",
    size: tuple[int, int] = (640, 400),
) -> None:
    """Draw named (x, y) series as lines with axes and a legend; write a PNG atomically."""
    width, height = size
    left, right, top, bottom = 60, 20, 30, 40
    img = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(img)
    points = [p for s in series.values() for p in s if math.isfinite(p[1])]
    if points:
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        x0, x1 = min(xs), max(xs) if max(xs) > min(xs) else min(xs) + 1
        y0, y1 = min(ys), max(ys) if max(ys) > min(ys) else min(ys) + 1

        def at(x: float, y: float) -> tuple[float, float]:
            return (left + (x - x0) / (x1 - x0) * (width - left - right),
                    height - bottom - (y - y0) / (y1 - y0) * (height - top - bottom))

        for t in _ticks(y0, y1):
            _, py = at(x0, t)
            draw.line([(left, py), (width - right, py)], fill=(230, 230, 230))
            draw.text((4, py - 6), f"{t:.4g}", fill="black")
        for t in _ticks(x0, x1):
            px, _ = at(t, y0)
            draw.text((px - 8, height - bottom + 6), f"{t:.4g}", fill="black")
        for i, (name, pts) in enumerate(series.items()):
            colour = COLOURS[i % len(COLOURS)]
            line = [at(x, y) for x, y in pts if math.isfinite(y)]
            if len(line) > 1:
                draw.line(line, fill=colour, width=2)
            elif line:
                draw.ellipse([line[0][0] - 2, line[0][1] - 2, line[0][0] + 2, line[0][1] + 2], fill=colour)
            draw.text((width - right - 150, top + 4 + 14 * i), f"-- {name}", fill=colour)
    draw.rectangle([left, top, width - right, height - bottom], outline="black")
    draw.text((left, 8), title, fill="black")
    draw.text((width // 2 - 20, height - 16), xlabel, fill="black")
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    with atomic_write(path) as f:
        f.write(buf.getvalue())
