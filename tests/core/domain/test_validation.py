import pytest

from services.core.domain import payments
from services.core.domain.errors import BadInput
from services.core.domain.validation import (
    check_bic,
    check_email,
    check_iban,
    check_password,
    iban_is_valid,
    mask_iban,
)

VALID_IBANS = [
    "DE89 3704 0044 0532 0130 00",
    "GB82 WEST 1234 5698 7654 32",
    "NL91ABNA0417164300",
    "FR1420041010050500013M02606",
    "AT611904300234573201",
    "CH9300762011623852957",
    "BE68539007547034",
    "DK5000400440116243",
    "LU280019400644750000",
]


@pytest.mark.parametrize("iban", VALID_IBANS)
def test_valid_ibans(iban):
    assert iban_is_valid(iban)
    assert check_iban(iban.lower()) == iban.replace(" ", "").upper()


@pytest.mark.parametrize("iban,reason", [
    ("DE89370400440532013001", "mod-97"),   # one digit changed
    ("DE8937040044053201300", "22 characters"),  # too short for DE
    ("1234", "2 letters"),
    ("", "required"),
    ("XX00 0000 0000 0000", "mod-97"),
])
def test_invalid_ibans(iban, reason):
    assert not iban_is_valid(iban)
    with pytest.raises(BadInput) as e:
        check_iban(iban, "sepaContract.iban")
    assert e.value.field == "sepaContract.iban" and reason in str(e.value)


def test_bic():
    assert check_bic("cobadeffxxx") == "COBADEFFXXX"
    assert check_bic("WESTGB2L") == "WESTGB2L"
    for bad in ("COBA", "COBADEFFXX", "1OBADEFF", "COBA DE FF XXX X", ""):
        with pytest.raises(BadInput):
            check_bic(bad)


def test_email_and_password_rules():
    assert check_email(" a.b+c@example.co.uk ") == "a.b+c@example.co.uk"
    for bad in ("a@b", "no-at.example.com", "a b@example.com", ""):
        with pytest.raises(BadInput):
            check_email(bad)
    assert check_password("secret-pw-1") == "secret-pw-1"
    for bad in ("short1", "onlyletters", "12345678", ""):
        with pytest.raises(BadInput) as e:
            check_password(bad)
        assert bad == "" or bad not in str(e.value)


def test_mask_iban():
    assert mask_iban("DE89370400440532013000") == "DE89**************3000"


def test_card_numbers():
    assert payments.luhn_ok("4111111111111111")
    assert not payments.luhn_ok("4111111111111112")
    assert payments.network_of("4111111111111111") == "VISA"
    assert payments.network_of("5555555555554444") == "MASTERCARD"
    assert payments.network_of("2223003122003222") == "MASTERCARD"
    assert payments.network_of("378282246310005") == "AMEX"
    assert payments.network_of("6011111111111117") is None
    form = {"holder": "A", "number": "4111 1111 1111 1111", "expiry_month": "1",
            "expiry_year": "2099", "cvc": "123"}
    with pytest.raises(BadInput) as e:
        payments.check_card_form({**form, "expiry_year": "2099"})
    assert e.value.field == "expiry_year"  # implausibly far in the future
    stored = payments.check_card_form({**form, "expiry_year": "2030"})
    assert stored["last4"] == "1111" and "number" not in stored and "cvc" not in stored
    with pytest.raises(BadInput) as e:
        payments.check_card_form({**form, "expiry_year": "2030", "cvc": "12"})
    assert e.value.field == "cvc"
