"""Input checks shared by registration, profile and contract code: e-mail, password, IBAN, BIC.

Each ``check_*`` returns the normalised value or raises :class:`BadInput` naming the field.
"""

from __future__ import annotations

import re

from services.core.domain.errors import BadInput

# Pragmatic address check (RFC 5322 is far wider): one @, a dotted domain, no spaces.
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")

PASSWORD_MIN = 8
PASSWORD_MAX = 128

# IBAN length per country (SWIFT IBAN registry) for the countries Voltra serves and their
# neighbours; other countries get the generic 15..34 length check plus mod-97.
IBAN_LENGTHS = {
    "AT": 20, "BE": 16, "CH": 21, "CZ": 24, "DE": 22, "DK": 18, "ES": 24, "FI": 18,
    "FR": 27, "GB": 22, "IE": 22, "IT": 27, "LI": 21, "LU": 20, "NL": 18, "NO": 15,
    "PL": 28, "PT": 25, "SE": 24,
}
_IBAN_SHAPE = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$")
# BIC / SWIFT: 4 bank letters, 2 country letters, 2 location chars, optional 3 branch chars.
_BIC = re.compile(r"^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$")


def check_email(value: str | None, field: str = "email") -> str:
    email = (value or "").strip()
    if not email:
        raise BadInput(field, "is required")
    if len(email) > 254 or not _EMAIL.match(email):
        raise BadInput(field, f"'{email}' is not a valid e-mail address")
    return email


def check_password(value: str | None, field: str = "password") -> str:
    """Length 8..128 with at least one letter and one digit or symbol.

    Never echo the value in the message: messages end up in client logs.
    """
    pw = value or ""
    if not pw:
        raise BadInput(field, "is required")
    if len(pw) < PASSWORD_MIN:
        raise BadInput(field, f"must be at least {PASSWORD_MIN} characters long")
    if len(pw) > PASSWORD_MAX:
        raise BadInput(field, f"must be at most {PASSWORD_MAX} characters long")
    if not any(c.isalpha() for c in pw) or all(c.isalpha() for c in pw):
        raise BadInput(field, "must contain letters and at least one digit or symbol")
    return pw


def normalise_iban(value: str | None) -> str:
    return re.sub(r"\s+", "", value or "").upper()


def iban_is_valid(value: str | None) -> bool:
    iban = normalise_iban(value)
    if not _IBAN_SHAPE.match(iban):
        return False
    expected = IBAN_LENGTHS.get(iban[:2])
    if expected is not None and len(iban) != expected:
        return False
    # ISO 13616: move the first four characters to the end, letters -> 10..35, mod 97 == 1.
    rearranged = iban[4:] + iban[:4]
    digits = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(digits) % 97 == 1


def check_iban(value: str | None, field: str = "iban") -> str:
    iban = normalise_iban(value)
    if not iban:
        raise BadInput(field, "is required")
    if not _IBAN_SHAPE.match(iban):
        raise BadInput(field, "must be 2 letters, 2 check digits and up to 30 letters or digits")
    expected = IBAN_LENGTHS.get(iban[:2])
    if expected is not None and len(iban) != expected:
        raise BadInput(field, f"a {iban[:2]} IBAN has {expected} characters, got {len(iban)}")
    if not iban_is_valid(iban):
        raise BadInput(field, "check digits do not match (mod-97 check failed)")
    return iban


def check_bic(value: str | None, field: str = "bic") -> str:
    bic = re.sub(r"\s+", "", value or "").upper()
    if not bic:
        raise BadInput(field, "is required")
    if not _BIC.match(bic):
        raise BadInput(field, "must be 8 or 11 characters: 4 bank letters, 2 country letters,"
                              " 2 location and optionally 3 branch characters")
    return bic


def check_text(value: str | None, field: str, *, required: bool = False,
               max_len: int = 200) -> str | None:
    text = (value or "").strip()
    if not text:
        if required:
            raise BadInput(field, "is required")
        return None
    if len(text) > max_len:
        raise BadInput(field, f"must be at most {max_len} characters long")
    return text


def mask_iban(iban: str) -> str:
    """Shown back to the user: country, check digits and the last four characters."""
    return iban[:4] + "*" * max(0, len(iban) - 8) + iban[-4:]
