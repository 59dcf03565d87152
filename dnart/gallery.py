"""A contact sheet: several inputs' landscapes, each captioned with its file name."""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Sequence

from .render import Renderer, save_png

CAPTION = 18  # pixels under each tile for its caption


def gallery(renderer: Renderer, inputs: Sequence[str | os.PathLike], out: str | os.PathLike,
            columns: int | None = None, pad: int = 8) -> None:
    from PIL import Image, ImageDraw

    tiles = [(Path(p).name, renderer.render([p]).image) for p in inputs]
    side = tiles[0][1].width
    columns = columns or math.ceil(math.sqrt(len(tiles)))
    rows = math.ceil(len(tiles) / columns)
    sheet = Image.new("RGB", (columns * (side + pad) + pad, rows * (side + CAPTION + pad) + pad), "white")
    draw = ImageDraw.Draw(sheet)
    for i, (name, tile) in enumerate(tiles):
        r, c = divmod(i, columns)
        x, y = pad + c * (side + pad), pad + r * (side + CAPTION + pad)
        sheet.paste(tile, (x, y))
        label = name if draw.textlength(name) <= side else name[: max(1, side // 7 - 3)] + "..."
        draw.text((x, y + side + 3), label, fill="black")
    save_png(sheet, out, renderer.metadata())
