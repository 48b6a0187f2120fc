"""Records framed with their length and a checksum.

A file in the sync folder may be read while the learner's sync tool is still copying
it, or after a disk or a tool damaged it: every record carries its length and a
CRC-32 of its bytes, so a reader tells a whole record from a cut or changed one. A
file's first record says how many follow, so a file cut between two records is
told apart too.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

MAGIC = b"PRS1"
_HEADER = struct.Struct(">4sII")  # magic, payload length, CRC-32 of the payload
# No record of prep's comes near this: a length beyond it is damage, not a record.
MAX_RECORD_BYTES = 64 * 1024 * 1024


def frame(payload: bytes) -> bytes:
    """One record: its header, then its bytes."""
    if len(payload) > MAX_RECORD_BYTES:
        raise ValueError(f"a record of {len(payload)} bytes is larger than a frame holds")
    return _HEADER.pack(MAGIC, len(payload), zlib.crc32(payload)) + payload


def frames(payloads: Iterable[bytes]) -> bytes:
    return b"".join(frame(payload) for payload in payloads)


@dataclass(frozen=True)
class Unframed:
    """The records read from the start of some bytes, and whether the bytes held
    whole records only (nothing cut, changed or left over at the end)."""

    records: tuple[bytes, ...]
    whole: bool


def unframe(data: bytes) -> Unframed:
    """The whole records at the start of ``data``; reading stops at the first one cut
    short or damaged."""
    records: list[bytes] = []
    offset = 0
    while offset < len(data):
        if len(data) - offset < _HEADER.size:
            return Unframed(tuple(records), whole=False)
        magic, length, checksum = _HEADER.unpack_from(data, offset)
        start = offset + _HEADER.size
        payload = data[start : start + length]
        if (
            magic != MAGIC
            or length > MAX_RECORD_BYTES
            or len(payload) != length
            or zlib.crc32(payload) != checksum
        ):
            return Unframed(tuple(records), whole=False)
        records.append(payload)
        offset = start + length
    return Unframed(tuple(records), whole=True)
