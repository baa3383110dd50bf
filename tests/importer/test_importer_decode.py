"""Decoding: the encodings dumps come in, and one-line errors for everything else."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from importer_helpers import FIXTURES

from sitegen.errors import SitegenError
from sitegen.importer import decode
from sitegen.importer.decode import decode_dump

BROKEN = FIXTURES / "broken"
EXPECTED = json.loads((BROKEN / "expected.json").read_text("utf-8"))
TEXT = "LATEST: Syria’s Day\n\nThe regime’s forces advanced — activists said.\n"


def test_plain_utf8() -> None:
    decoded = decode_dump(TEXT.encode(), Path("d.txt"))
    assert decoded.lines == ("LATEST: Syria’s Day", "", "The regime’s forces advanced — activists said.")
    assert decoded.encoding == "utf-8"
    assert decoded.note == "UTF-8"


def test_bom_and_crlf_are_accepted_and_reported() -> None:
    decoded = decode_dump(b"\xef\xbb\xbf" + TEXT.replace("\n", "\r\n").encode(), Path("d.txt"))
    assert decoded.lines[0] == "LATEST: Syria’s Day"  # no BOM left in the text
    assert decoded.lines == decode_dump(TEXT.encode(), Path("d.txt")).lines
    assert decoded.note == "UTF-8 with BOM, CRLF line endings"


def test_old_mac_line_endings() -> None:
    assert decode_dump(b"a\rb\r", Path("d.txt")).lines == ("a", "b")


def test_windows_1252_is_assumed_and_said() -> None:
    decoded = decode_dump(TEXT.encode("cp1252"), Path("d.txt"))
    assert decoded.lines == decode_dump(TEXT.encode(), Path("d.txt")).lines
    assert decoded.encoding == "cp1252"
    assert decoded.note == "Windows-1252 assumed (not valid UTF-8 at line 1)"


def test_windows_1252_text_ending_in_a_high_byte_is_not_taken_for_truncated_utf8() -> None:
    decoded = decode_dump("LATEST: café".encode("cp1252"), Path("d.txt"))
    assert decoded.lines == ("LATEST: café",)


def test_hash_is_of_the_raw_bytes() -> None:
    import hashlib

    assert decode_dump(TEXT.encode(), Path("d.txt")).sha256 == hashlib.sha256(TEXT.encode()).hexdigest()


@pytest.mark.parametrize("name", sorted(set(EXPECTED) - {"no-structure.txt"}))  # that one decodes; import refuses it
def test_broken_dump_is_a_one_line_error_with_path_and_line(name: str) -> None:
    """One fixture per error message."""
    path = BROKEN / name
    with pytest.raises(SitegenError) as caught:
        decode_dump(path.read_bytes(), path)
    error = caught.value
    assert error.message.startswith(EXPECTED[name]["message"])
    assert error.path == path
    assert error.line == EXPECTED[name]["line"]
    assert "\n" not in str(error)


def test_ten_megabyte_single_line_is_refused_with_its_line() -> None:
    data = b"LATEST: x\n" + b"word " * (2 * 1024 * 1024) + b"\n"
    with pytest.raises(SitegenError) as caught:
        decode_dump(data, Path("big.txt"))
    assert caught.value.line == 2
    assert "characters long" in caught.value.message


def test_oversized_dump_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(decode, "MAX_BYTES", 100)
    with pytest.raises(SitegenError, match="the limit is 100"):
        decode_dump(b"x" * 101, Path("d.txt"))
