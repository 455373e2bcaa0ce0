"""Avatars for the demo: a coloured disc with one or two white letters, as
a PNG written with the standard library only (zlib, struct).

    avatar_png("C", (0x1f, 0x7a, 0x8c))  -> bytes of a 96x96 RGBA PNG

The letters come from a 5x7 pixel font, scaled up; the disc is
anti-aliased by 4x4 supersampling of its edge. The result is a few
kilobytes, well under the component's 64 KiB limit for avatars.
"""

import struct
import zlib

SIZE = 96

# 5x7 glyphs, one string per row, "#" is ink. Only what the demo needs,
# plus a few spares for other initials.
FONT = {
    "A": [" ### ", "#   #", "#   #", "#####", "#   #", "#   #", "#   #"],
    "C": [" ### ", "#   #", "#    ", "#    ", "#    ", "#   #", " ### "],
    "D": ["#### ", "#   #", "#   #", "#   #", "#   #", "#   #", "#### "],
    "E": ["#####", "#    ", "#    ", "#### ", "#    ", "#    ", "#####"],
    "J": ["  ###", "   # ", "   # ", "   # ", "   # ", "#  # ", " ##  "],
    "L": ["#    ", "#    ", "#    ", "#    ", "#    ", "#    ", "#####"],
    "M": ["#   #", "## ##", "# # #", "# # #", "#   #", "#   #", "#   #"],
    "N": ["#   #", "##  #", "# # #", "#  ##", "#   #", "#   #", "#   #"],
    "O": [" ### ", "#   #", "#   #", "#   #", "#   #", "#   #", " ### "],
    "P": ["#### ", "#   #", "#   #", "#### ", "#    ", "#    ", "#    "],
    "R": ["#### ", "#   #", "#   #", "#### ", "# #  ", "#  # ", "#   #"],
    "S": [" ####", "#    ", "#    ", " ### ", "    #", "    #", "#### "],
    "T": ["#####", "  #  ", "  #  ", "  #  ", "  #  ", "  #  ", "  #  "],
}


def _chunk(kind, data):
    out = struct.pack(">I", len(data)) + kind + data
    return out + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def _disc_coverage(x, y, size):
    """Fraction (0..1) of pixel (x, y) inside the disc, 4x4 samples."""
    centre = size / 2
    radius = size / 2 - 1
    inside = 0
    for sy in range(4):
        for sx in range(4):
            dx = x + (sx + 0.5) / 4 - centre
            dy = y + (sy + 0.5) / 4 - centre
            if dx * dx + dy * dy <= radius * radius:
                inside += 1
    return inside / 16


def _ink_mask(letters, size):
    """Set of (x, y) pixels covered by the letters, centred."""
    letters = [c for c in letters.upper() if c in FONT][:2] or ["?"]
    scale = size // 12 if len(letters) == 1 else size // 16
    gap = scale
    width = len(letters) * 5 * scale + (len(letters) - 1) * gap
    height = 7 * scale
    left = (size - width) // 2
    top = (size - height) // 2
    ink = set()
    for n, letter in enumerate(letters):
        rows = FONT.get(letter)
        if rows is None:
            continue
        origin = left + n * (5 * scale + gap)
        for row, line in enumerate(rows):
            for col, cell in enumerate(line):
                if cell != "#":
                    continue
                for yy in range(scale):
                    for xx in range(scale):
                        ink.add((origin + col * scale + xx, top + row * scale + yy))
    return ink


def avatar_png(letters, rgb, size=SIZE):
    """PNG bytes: a disc of colour rgb with letters (1 or 2) in white."""
    ink = _ink_mask(letters, size)
    raw = bytearray()
    for y in range(size):
        raw.append(0)  # filter: none
        for x in range(size):
            edge = x < 3 or y < 3 or x >= size - 3 or y >= size - 3
            cov = _disc_coverage(x, y, size) if edge or \
                (x - size / 2) ** 2 + (y - size / 2) ** 2 > (size / 2 - 3) ** 2 \
                else 1.0
            if cov == 0:
                raw += b"\0\0\0\0"
            elif (x, y) in ink:
                raw += bytes((255, 255, 255, int(255 * cov)))
            else:
                raw += bytes((*rgb, int(255 * cov)))
    return (b"\x89PNG\r\n\x1a\n"
            + _chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0))
            + _chunk(b"IDAT", zlib.compress(bytes(raw), 9))
            + _chunk(b"IEND", b""))


if __name__ == "__main__":
    import sys
    sys.stdout.buffer.write(avatar_png(sys.argv[1] if len(sys.argv) > 1 else "C",
                                       (0x1F, 0x7A, 0x8C)))
