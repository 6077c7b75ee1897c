"""Decrypt a SQLCipher 4 file page by page without SQLCipher: what someone holding the file
key (and a copy of the file and its WAL) could read, free pages included.

SQLCipher 4 defaults with a raw key: 4096-byte pages, each ending in an 80-byte reserve (a
16-byte IV, then a 64-byte HMAC-SHA512); page 1 starts with the file's 16-byte salt; the rest
of each page is AES-256-CBC under the raw key with that page's IV."""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

PAGE = 4096
RESERVE = 80
SALT = 16
WAL_HEADER = 32
FRAME_HEADER = 24


def decrypt_page(page: bytes, key: bytes, number: int) -> bytes:
    """The plain body of page ``number`` (1-based); page 1's salt is left out."""
    if len(page) != PAGE:
        raise ValueError("short page")
    iv = page[PAGE - RESERVE : PAGE - RESERVE + 16]
    body = page[SALT if number == 1 else 0 : PAGE - RESERVE]
    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    return decryptor.update(body) + decryptor.finalize()


def looks_like_page_one(plain: bytes) -> bool:
    """Page 1's database header after the salt: page size 4096, 80 bytes reserved, and a
    b-tree page header (table leaf or interior) where the schema table starts."""
    return (
        plain[0:2] == PAGE.to_bytes(2, "big")
        and plain[4] == RESERVE
        and plain[100 - SALT] in (0x0D, 0x05)
    )


def file_pages(path: Path, key: bytes) -> list[bytes]:
    data = path.read_bytes()
    if len(data) % PAGE:
        raise ValueError("not whole pages")
    return [decrypt_page(data[i : i + PAGE], key, i // PAGE + 1) for i in range(0, len(data), PAGE)]


def wal_pages(path: Path, key: bytes) -> list[bytes]:
    """Every frame's page in the WAL (``path``-wal), old frames included."""
    wal = path.with_name(path.name + "-wal")
    if not wal.exists():
        return []
    data = wal.read_bytes()
    pages = []
    at = WAL_HEADER
    while at + FRAME_HEADER + PAGE <= len(data):
        number = int.from_bytes(data[at : at + 4], "big")
        pages.append(decrypt_page(data[at + FRAME_HEADER : at + FRAME_HEADER + PAGE], key, number))
        at += FRAME_HEADER + PAGE
    return pages


def every_page(path: Path, key: bytes) -> list[bytes]:
    """The main file's pages (checked to decrypt as a database) and the WAL's."""
    pages = file_pages(path, key)
    if not pages or not looks_like_page_one(pages[0]):
        raise AssertionError("page 1 does not decrypt to a database header: wrong layout or key")
    return pages + wal_pages(path, key)


def found_in(pages: list[bytes], needle: str) -> bool:
    """Whether ``needle`` (UTF-8 or the lower case FTS5 keeps) is in any decrypted page."""
    forms = {needle.encode(), needle.lower().encode()}
    return any(form in page for page in pages for form in forms)
