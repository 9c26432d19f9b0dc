"""Draws Kiln's icon (an orange diamond on a dark rounded square) as PNGs, with the stdlib only."""
import struct, sys, zlib

def png(size):
    r = size * 0.22
    rows = []
    for y in range(size):
        row = bytearray([0])
        for x in range(size):
            cx, cy = x + 0.5, y + 0.5
            # rounded-square background
            dx = max(r - cx, 0, cx - (size - r)); dy = max(r - cy, 0, cy - (size - r))
            inside = dx * dx + dy * dy <= r * r
            if not inside:
                row += bytes([0, 0, 0, 0]); continue
            # diamond
            d = abs(cx - size / 2) + abs(cy - size / 2)
            if d < size * 0.30:
                row += bytes([249, 115, 22, 255])
            elif d < size * 0.34:
                row += bytes([194, 65, 12, 255])
            else:
                row += bytes([28, 25, 23, 255])
        rows.append(bytes(row))
    raw = b''.join(rows)
    def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
    return b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', size, size, 8, 6, 0, 0, 0)) + chunk(b'IDAT', zlib.compress(raw, 9)) + chunk(b'IEND', b'')

if __name__ == '__main__':
    out = sys.argv[1] if len(sys.argv) > 1 else 'build'
    open(f'{out}/icon.png', 'wb').write(png(512))
    for s in (16, 32, 48, 64, 128, 256, 512):
        open(f'{out}/icons/{s}x{s}.png', 'wb').write(png(s))
