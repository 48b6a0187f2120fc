"""Opening an Anki package (.apkg, .colpkg): the collection inside it, as an
SQLite file of its own in a temporary folder.

A package is a zip. Current Anki writes its collection zstd-compressed as
``collection.anki21b``, beside a placeholder ``collection.anki2`` that only says
to update Anki; "Support older Anki versions" writes a plain ``collection.anki21``
(or, for the oldest, ``collection.anki2``). The newest one present is the real one.
Sizes are checked before anything is read, and the collection is copied out a
chunk at a time: a package never costs more memory than a chunk.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

# Newest first: the first one present holds the collection.
COMPRESSED_COLLECTION = "collection.anki21b"
COLLECTIONS = (COMPRESSED_COLLECTION, "collection.anki21", "collection.anki2")
# PackageMetadata.version in the package's ``meta`` member: 3 is the zstd format;
# a later number is a format this reader has never seen.
LATEST_KNOWN_VERSION = 3
MAX_COLLECTION_BYTES = 4 * 1024**3
_CHUNK = 1 << 20
_TABLES = {"col", "notes", "cards", "revlog"}


class AnkiPackageError(Exception):
    """The file is not an Anki package this reader can open; the message says why."""


@contextmanager
def open_collection(package: Path) -> Iterator[sqlite3.Connection]:
    """The package's collection, read-only, for as long as the block runs."""
    if not package.is_file():
        raise AnkiPackageError(f"no such file: {package}")
    not_a_zip = AnkiPackageError(f"{package} is not an Anki package (.apkg or .colpkg): not a zip")
    if not zipfile.is_zipfile(package):
        raise not_a_zip
    with tempfile.TemporaryDirectory(prefix="prep-anki-") as folder:
        target = Path(folder) / "collection.sqlite"
        try:
            with zipfile.ZipFile(package) as archive:
                _check_version(archive, package)
                _extract_collection(archive, package, target)
        except (zipfile.BadZipFile, EOFError) as exc:
            raise not_a_zip from exc
        connection = _connect(target, package)
        try:
            yield connection
        finally:
            connection.close()


def _check_version(archive: zipfile.ZipFile, package: Path) -> None:
    try:
        info = archive.getinfo("meta")
    except KeyError:
        return  # packages older than the meta member
    if info.file_size > 1024:
        raise AnkiPackageError(f"{package} is in an unknown Anki format (its meta is too large)")
    version = _metadata_version(archive.read(info))
    if version is None or version > LATEST_KNOWN_VERSION:
        raise AnkiPackageError(
            f"{package} is in an unknown Anki format (version {version}); export it from Anki "
            'with "Support older Anki versions" ticked'
        )


def _metadata_version(meta: bytes) -> int | None:
    """Field 1 (a varint) of the PackageMetadata protobuf; 0 when it is absent."""
    if not meta:
        return 0
    if meta[0] != 0x08:
        return None
    value, shift = 0, 0
    for byte in meta[1:]:
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value
        shift += 7
    return None


def _extract_collection(archive: zipfile.ZipFile, package: Path, target: Path) -> None:
    names = set(archive.namelist())
    member = next((name for name in COLLECTIONS if name in names), None)
    if member is None:
        raise AnkiPackageError(
            f"{package} holds no Anki collection (no {' or '.join(COLLECTIONS)})"
        )
    info = archive.getinfo(member)
    if info.file_size > MAX_COLLECTION_BYTES:
        raise AnkiPackageError(f"{package}: the collection is larger than {_limit()}")
    with archive.open(info) as source, target.open("wb") as out:
        if member == COMPRESSED_COLLECTION:
            _decompress(source, out, package)
        else:
            shutil.copyfileobj(source, out, _CHUNK)


def _decompress(source: IO[bytes], out: IO[bytes], package: Path) -> None:
    try:
        import zstandard
    except ImportError:
        raise AnkiPackageError(
            f"{package} is compressed as current Anki writes packages: export it from Anki with "
            '"Support older Anki versions" ticked, or install zstandard (pip install "prep[anki]")'
        ) from None
    written = 0
    try:
        with zstandard.ZstdDecompressor().stream_reader(source, read_across_frames=True) as reader:
            while chunk := reader.read(_CHUNK):
                written += len(chunk)
                if written > MAX_COLLECTION_BYTES:
                    raise AnkiPackageError(f"{package}: the collection is larger than {_limit()}")
                out.write(chunk)
    except zstandard.ZstdError as exc:
        raise AnkiPackageError(
            f"{package}: the collection cannot be decompressed ({exc})"
        ) from None


def _connect(path: Path, package: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError:
        connection.close()
        raise AnkiPackageError(
            f"{package} is in an unknown format: its collection is not SQLite"
        ) from None
    if not tables >= _TABLES:
        connection.close()
        missing = ", ".join(sorted(_TABLES - tables))
        raise AnkiPackageError(
            f"{package} is in an unknown format: its collection has no {missing}"
        )
    return connection


def _limit() -> str:
    return f"{MAX_COLLECTION_BYTES // 1024**3} GiB"
