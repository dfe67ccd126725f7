"""Draw the site's icon (the brand's ◎ in yellow on the header's navy) as favicon.ico: a 32×32 and a 16×16 PNG in
one ICO, standard library only. Run from the repository root; writes predictions/static/predictions/favicon.ico.
The same drawing as favicon.svg next to it."""

import struct
import zlib
from pathlib import Path

NAVY, YELLOW = (0x13, 0x23, 0x3A, 255), (0xFF, 0xD1, 0x66, 255)
CLEAR = (0, 0, 0, 0)


def pixel(x: float, y: float, size: int) -> tuple[int, int, int, int]:
    u, v = x / size * 32, y / size * 32  # in the 32-unit drawing of favicon.svg
    corner = 6
    cx, cy = min(max(u, corner), 32 - corner), min(max(v, corner), 32 - corner)
    if (u - cx) ** 2 + (v - cy) ** 2 > corner**2:
        return CLEAR
    r = ((u - 16) ** 2 + (v - 16) ** 2) ** 0.5
    if 9.5 <= r <= 12.5 or r <= 4.5:
        return YELLOW
    return NAVY


def png(size: int) -> bytes:
    rows = b""
    for y in range(size):
        rows += b"\x00" + b"".join(bytes(pixel(x + 0.5, y + 0.5, size)) for x in range(size))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


def ico(sizes: list[int]) -> bytes:
    images = [png(s) for s in sizes]
    out = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    for size, image in zip(sizes, images, strict=True):
        out += struct.pack("<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32, len(image), offset)
        offset += len(image)
    return out + b"".join(images)


if __name__ == "__main__":
    target = Path("predictions/static/predictions/favicon.ico")
    target.write_bytes(ico([32, 16]))
    print(f"wrote {target} ({target.stat().st_size} bytes)")
