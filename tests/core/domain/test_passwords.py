import time

from services.core.domain import passwords


def test_hash_roundtrip_and_salt():
    h1 = passwords.hash_password("driver-demo")
    h2 = passwords.hash_password("driver-demo")
    assert h1 != h2, "each hash carries its own random salt"
    assert h1.startswith("scrypt$16384$8$1$")
    assert "driver-demo" not in h1
    assert passwords.verify_password("driver-demo", h1)
    assert passwords.verify_password("driver-demo", h2)
    assert not passwords.verify_password("driver-demO", h1)
    assert not passwords.verify_password("", h1)


def test_malformed_stored_values_are_rejected_not_raised():
    for bad in ["", "plain", "scrypt$1$2$3$x$y", "bcrypt$16384$8$1$AAAA$AAAA",
                "scrypt$16384$8$1$!!!$AAAA", "scrypt$999999999$8$1$AAAA$AAAA"]:
        assert passwords.verify_password("x", bad) is False


def test_unicode_password():
    h = passwords.hash_password("pässwört✓")
    assert passwords.verify_password("pässwört✓", h)
    assert not passwords.verify_password("passwort", h)


def test_needs_rehash():
    assert not passwords.needs_rehash(passwords.hash_password("a"))
    assert passwords.needs_rehash("scrypt$1024$8$1$AAAA$AAAA")


def test_cost_is_in_the_intended_range():
    # Not a performance goal, a guard against someone dropping N to 2 by accident:
    # a hash must take real work (>= 5 ms even on a fast machine).
    start = time.perf_counter()
    passwords.hash_password("timing")
    assert time.perf_counter() - start > 0.005
