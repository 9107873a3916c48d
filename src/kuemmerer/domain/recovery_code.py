"""The recovery code ("Notfallcode"): the 32-byte database key written for people.

The code *is* the key. It is printed once on the Notfallblatt and typed in when the password
is forgotten or the key file beside the database is lost.

Layout: the 256 key bits followed by a 24-bit CRC of the key (CRC-24, the OpenPGP polynomial
0x864CFB) = 280 bits = 56 characters of Crockford base32 (``0-9`` and ``A-Z`` without
I, L, O, U), printed in 14 groups of four. The CRC is not a hash for security; it is there
so a typo is caught before anything is tried: a CRC of degree 24 detects *every* error
burst of at most 24 bits anywhere in the code word, and a wrong character changes at most
5 adjacent bits, two swapped neighbours at most 10. So every single wrong character and
every swap of two neighbouring characters is caught, always (not just "very likely").

Input is lenient as Crockford intends: lower case is fine, O reads as 0, I and L as 1,
and spaces, dashes and line breaks are ignored.
"""

from __future__ import annotations

from kuemmerer.domain.errors import ValidationError

FIELD = "recovery_code"
KEY_BYTES = 32
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
GROUP = 4
_CRC_BITS = 24
_CRC_POLY = 0x864CFB
_CRC_INIT = 0xB704CE
CODE_CHARS = (KEY_BYTES * 8 + _CRC_BITS) // 5  # 56
GROUPS = CODE_CHARS // GROUP  # 14

_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
_VALUE.update({"O": 0, "I": 1, "L": 1})
_IGNORED = set(" -\t\r\n\u00a0\u2010\u2011\u2012\u2013\u2014")


def _crc24(data: bytes) -> int:
    crc = _CRC_INIT
    for byte in data:
        crc ^= byte << 16
        for _ in range(8):
            crc <<= 1
            if crc & 0x1000000:
                crc ^= _CRC_POLY
    return crc & 0xFFFFFF


def format_code(key: bytes) -> str:
    """The 32-byte key as 14 groups of four characters joined by dashes
    (``XXXX-XXXX-…``); print it with spaces or in two lines as you like."""
    if len(key) != KEY_BYTES:
        raise ValueError("key must be 32 bytes")
    number = (int.from_bytes(key, "big") << _CRC_BITS) | _crc24(key)
    chars = [ALPHABET[(number >> (5 * i)) & 31] for i in reversed(range(CODE_CHARS))]
    text = "".join(chars)
    return "-".join(text[i:i + GROUP] for i in range(0, CODE_CHARS, GROUP))


def code_groups(key: bytes) -> list[str]:
    """The code's groups of four, in order (for printing)."""
    return format_code(key).split("-")


def parse_code(text: str) -> bytes:
    """The key from a typed recovery code; ``ValidationError`` on ``recovery_code`` with a
    German message for an empty, short, long, misspelt or mistyped code."""
    cleaned = [ch for ch in (text or "") if ch not in _IGNORED]
    if not cleaned:
        raise ValidationError.single(FIELD, "Bitte den Notfallcode eingeben (56 Zeichen in 14 Vierergruppen).")
    foreign = []
    for ch in cleaned:
        if ch.upper() not in _VALUE and ch not in foreign:
            foreign.append(ch)
    if foreign:
        shown = ", ".join(f"„{ch}“" for ch in foreign)
        raise ValidationError.single(
            FIELD, f"Der Notfallcode enthält ein Zeichen, das nicht vorkommt: {shown}. "
                   "Er besteht nur aus den Ziffern 0–9 und den Buchstaben A–Z ohne I, L, O und U.")
    if len(cleaned) < CODE_CHARS:
        missing = CODE_CHARS - len(cleaned)
        raise ValidationError.single(
            FIELD, f"Der Notfallcode ist zu kurz: es fehlen {missing} Zeichen (er hat {CODE_CHARS} Zeichen "
                   f"in {GROUPS} Vierergruppen).")
    if len(cleaned) > CODE_CHARS:
        extra = len(cleaned) - CODE_CHARS
        raise ValidationError.single(
            FIELD, f"Der Notfallcode ist zu lang: {extra} Zeichen zu viel (er hat {CODE_CHARS} Zeichen "
                   f"in {GROUPS} Vierergruppen).")
    number = 0
    for ch in cleaned:
        number = (number << 5) | _VALUE[ch.upper()]
    key = (number >> _CRC_BITS).to_bytes(KEY_BYTES, "big")
    if number & 0xFFFFFF != _crc24(key):
        raise ValidationError.single(
            FIELD, "Der Notfallcode enthält einen Tippfehler (Prüfsumme stimmt nicht). "
                   "Bitte Gruppe für Gruppe mit dem Notfallblatt vergleichen.")
    return key
