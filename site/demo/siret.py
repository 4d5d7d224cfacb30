"""Deterministic fictitious SIRET numbers that pass the Luhn check of `validate_siret`."""

import hashlib


def luhn_complete(digits: str) -> str:
    """Append the Luhn check digit to a string of digits."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        digit = int(char)
        if index % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return f"{digits}{(10 - total % 10) % 10}"


def fake_siret(seed: str) -> str:
    """A valid 14-digit SIRET derived from `seed`: the same seed always gives the same number.

    The first digit is 9, so the number never falls in La Poste's range (356 000 000), which
    `validate_siret` checks differently.
    """
    number = int.from_bytes(hashlib.sha256(seed.encode()).digest()[:8], "big") % 10**12
    return luhn_complete(f"9{number:012d}")
