"""Raw dump bytes → text lines, or a one-line user error.

Dumps come from scrapes and editors' exports: UTF-8 with or without a BOM,
CRLF line endings, now and then Windows-1252. Anything else (empty files,
binary data, UTF-16, a file cut in the middle of a UTF-8 character, absurdly
long lines) is refused with the path and line, because importing it would
write garbage the editor then has to clean up by hand.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from sitegen.errors import SitegenError

#: A dump is one day of a live blog; real ones are a few hundred kilobytes.
MAX_BYTES = 32 * 1024 * 1024
#: Real paragraphs are a few thousand characters; a megabyte-long line is a
#: minified page or a binary, not a live blog.
MAX_LINE_CHARS = 100_000
#: C0/C1 control characters other than tab, LF and CR: binary data or mojibake.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Decoded:
    """A dump's text as lines (1-based line N is ``lines[N - 1]``) and how it was read."""

    lines: tuple[str, ...]
    encoding: str
    #: Human-readable note on what was assumed, e.g. "Windows-1252 (not valid UTF-8)".
    note: str
    sha256: str


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _decode_bytes(data: bytes, path: Path) -> tuple[str, str, str]:
    """Return (text, encoding, note)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SitegenError(path, 1, "dump is UTF-16, which is not supported", "save it as UTF-8")
    if b"\x00" in data:
        raise SitegenError(path, _line_of(data, data.index(b"\x00")), "dump contains NUL bytes (a binary file?)")
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig", "UTF-8 with BOM"
        except UnicodeDecodeError as exc:
            line = _line_of(data, exc.start + 3)
            raise SitegenError(path, line, "dump starts with a UTF-8 BOM but is not valid UTF-8") from None
    try:
        return data.decode("utf-8"), "utf-8", "UTF-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    if utf8_error.reason == "unexpected end of data" and utf8_error.end == len(data):
        # Valid UTF-8 with multibyte characters up to a cut final character: a
        # truncated download. A Windows-1252 file ending in "é" looks the same
        # at the end, but has no valid UTF-8 multibyte sequence before it.
        head = data[: utf8_error.start]
        if any(byte >= 0x80 for byte in head):
            raise SitegenError(
                path,
                _line_of(data, utf8_error.start),
                "dump ends in the middle of a UTF-8 character (truncated file?)",
                "download or export the dump again",
            )
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise SitegenError(
            path,
            _line_of(data, exc.start),
            f"dump is neither UTF-8 nor Windows-1252 (byte 0x{data[exc.start]:02x})",
            "convert it to UTF-8",
        ) from None
    line = _line_of(data, utf8_error.start)
    return text, "cp1252", f"Windows-1252 assumed (not valid UTF-8 at line {line})"


def decode_dump(data: bytes, path: Path) -> Decoded:
    """Decode and sanity-check a dump; raise SitegenError naming path and line."""
    if len(data) > MAX_BYTES:
        raise SitegenError(path, None, f"dump is {len(data):,} bytes; the limit is {MAX_BYTES:,}")
    if not data.strip():
        raise SitegenError(path, None, "dump is empty")
    text, encoding, note = _decode_bytes(data, path)
    crlf = "\r\n" in text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    match = _CONTROL.search(text)
    if match:
        where = text.count("\n", 0, match.start()) + 1
        raise SitegenError(path, where, f"dump contains control character U+{ord(match.group()):04X} (a binary file?)")
    lines = tuple(text.split("\n"))
    if lines and lines[-1] == "":
        lines = lines[:-1]
    if not any(line.strip() for line in lines):
        raise SitegenError(path, None, "dump is empty (only whitespace)")
    for number, text_line in enumerate(lines, 1):
        if len(text_line) > MAX_LINE_CHARS:
            raise SitegenError(
                path,
                number,
                f"line is {len(text_line):,} characters long; the limit is {MAX_LINE_CHARS:,}",
                "is this really a live-blog dump?",
            )
    if crlf:
        note += ", CRLF line endings"
    return Decoded(lines, encoding, note, hashlib.sha256(data).hexdigest())
