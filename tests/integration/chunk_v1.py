"""Chunks in format 1, the encoding meshd wrote before migration 0016, for
tests and benchmarks that put old data in a database: v1(points) with
points as (ts_us, value, flags), returns the bytes."""
import struct


def varint(v):
    b = bytearray()
    while v >= 0x80:
        b.append((v & 0x7f) | 0x80)
        v >>= 7
    b.append(v)
    return bytes(b)


def zigzag(v):
    return ((v << 1) ^ (v >> 63)) & (2**64 - 1)


def v1(points):
    out, last_ts, last_delta, last_bits = bytearray(), 0, 0, 0
    for i, (ts, value, flags) in enumerate(points):
        delta = ts - last_ts
        out += varint(zigzag(ts if i == 0 else delta - last_delta))
        if i:
            last_delta = delta
        last_ts = ts
        bits = struct.unpack('<Q', struct.pack('<d', value))[0]
        x, last_bits = bits ^ last_bits, bits
        if x == 0:
            out.append(0)
        else:
            trail = ((x & -x).bit_length() - 1) // 8
            n = 8 - (64 - x.bit_length()) // 8 - trail
            out.append(0x80 | trail << 4 | n)
            out += bytes((x >> (8 * (trail + k))) & 0xff for k in range(n))
        out += varint(flags)
    return bytes(out)
