"""The recovery code: the 32-byte key ⇄ 14 groups of Crockford base32 with a CRC-24."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kuemmerer.domain.errors import ValidationError
from kuemmerer.domain.recovery_code import ALPHABET, format_code, parse_code

KEYS = st.binary(min_size=32, max_size=32)
SAMPLE = bytes(range(7, 39))


def _message(text: str) -> str:
    with pytest.raises(ValidationError) as info:
        parse_code(text)
    assert set(info.value.errors) == {"recovery_code"}
    return info.value.errors["recovery_code"]


@given(KEYS)
def test_any_key_round_trips_through_its_code(key):
    code = format_code(key)
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){13}", code)
    assert parse_code(code) == key


@given(KEYS)
def test_lenient_input_is_accepted(key):
    code = format_code(key)
    sloppy = code.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert parse_code(sloppy) == key
    assert parse_code("\n".join([code[:34], code[35:]]).replace("1", "I")) == key
    assert parse_code(code.replace("-", "")) == key


def _single_typos(code: str):
    chars = code.replace("-", "")
    for i, ch in enumerate(chars):
        for other in ALPHABET:
            if other != ch:
                yield chars[:i] + other + chars[i + 1:]


def _adjacent_swaps(code: str):
    chars = code.replace("-", "")
    for i in range(len(chars) - 1):
        if chars[i] != chars[i + 1]:
            yield chars[:i] + chars[i + 1] + chars[i] + chars[i + 2:]


@pytest.mark.parametrize("key", [bytes(32), b"\xff" * 32, SAMPLE, bytes.fromhex("a5" * 32)],
                         ids=["nullen", "einsen", "folge", "a5"])
def test_every_single_typo_and_every_adjacent_swap_is_caught(key):
    code = format_code(key)
    typos = list(_single_typos(code))
    swaps = list(_adjacent_swaps(code))
    assert len(typos) == 56 * 31
    for wrong in typos + swaps:
        with pytest.raises(ValidationError, match="Tippfehler"):
            parse_code(wrong)


@settings(max_examples=15, deadline=None)
@given(KEYS)
def test_typos_are_caught_for_random_keys(key):
    code = format_code(key)
    for wrong in [*_single_typos(code), *_adjacent_swaps(code)]:
        with pytest.raises(ValidationError):
            parse_code(wrong)


def test_german_messages_name_what_is_wrong():
    code = format_code(SAMPLE)
    assert "zu kurz" in _message(code[:-1]) and "es fehlen 1 Zeichen" in _message(code[:-1])
    assert "zu lang" in _message(code + "7")
    assert "Zeichen, das nicht vorkommt: „U“" in _message(code[:-1] + "U")
    assert "„ä“" in _message("ä" + code[1:])
    assert "Bitte den Notfallcode eingeben" in _message("  - ")
    chars = code.replace("-", "")
    wrong = chars[:10] + ("7" if chars[10] != "7" else "8") + chars[11:]
    assert _message(wrong).startswith("Der Notfallcode enthält einen Tippfehler (Prüfsumme stimmt nicht)")


def test_the_code_is_56_characters_in_14_groups():
    groups = format_code(SAMPLE).split("-")
    assert len(groups) == 14 and all(len(g) == 4 for g in groups)
    with pytest.raises(ValueError):
        format_code(b"short")
