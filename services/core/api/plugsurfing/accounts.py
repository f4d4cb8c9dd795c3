"""user-get-details, user-post-details, user-logout, user-reset, user-change-password,
user-add-creditcard, user-add-payment.

Readings:
- Addresses: street and number are kept together; ``street-number`` is read back as the
  last word of the street when it starts with a digit. ``country`` is ISO 3166-1 alpha-2.
- user-post-details: a field that is absent or null stays as it is. A VAT number that does
  not validate (two letters and 2-13 characters; German ones DE and nine digits) is not
  stored and the answer's ``reason`` says so (the document's "success false" example, code
  0). The core keeps no social security numbers: one sent is not stored, and ``reason``
  says so; user-get-details reports it as null.
- user-logout logs the user out of the calling partner: every token it holds for the user
  ends (the user block names a user, and its token is optional), so every device signed
  in through that partner must sign in again. Other partners' tokens stay valid.
- user-reset mails a single-use code (30 minutes) to the user's address; user-change-
  password accepts it as ``current-password``. 144 only for names that are not users of the
  calling partner (a partner learns nothing about other partners' users). 10 mails per hour
  per client address.
- user-change-password keeps the partner's user tokens valid (the request carries none and
  gets none back) and ends the user's other sign-ins (be.ENERGISED sessions).
- user-add-creditcard: the data is encrypted for a payment provider the embedded core does
  not have, so it cannot be read; the core keeps a credit card method the provider would
  charge by reference, named by a fingerprint of the data. Data that is not such an
  encrypted blob (printable, at least 16 characters) is 871 "Credit card not valid".
- user-add-payment: every payment type leads to the core's hosted payment page (the
  embedded core has no PayPal, Sofort or iDEAL connection), a link valid 30 minutes.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from services.core.api.plugsurfing import results as r
from services.core.api.plugsurfing.endpoint import Call, Reply
from services.core.api.plugsurfing.parsers import (
    Address,
    UserAddCreditCard,
    UserAddPayment,
    UserChangePassword,
    UserPostDetails,
    UserReset,
    WithUser,
    parse,
)
from services.core.api.plugsurfing.sign_in import check_login, source_of
from services.core.api.plugsurfing.who import user_id
from services.core.cpu_pool import PoolBusy
from services.core.domain import accounts, outbox, password_reset, payments
from services.core.domain.passwords import hash_password
from services.core.domain.validation import check_password
from services.core.services import partner_users
from services.core.services import payments as payment_service

_VAT = re.compile(r"^[A-Z]{2}[A-Z0-9]{2,13}$")
_VAT_DE = re.compile(r"^DE[0-9]{9}$")
_BLOB = re.compile(r"^[\x21-\x7e]{16,}$")


def _address(a: dict[str, Any] | None) -> dict[str, Any] | None:
    if a is None:
        return None
    return {"street": a["street"], "street-number": a["street_number"], "zip": a["zip"],
            "city": a["city"], "country": a["country"]}  # fmt: skip


async def user_get_details(call: Call, fields: Any) -> dict[str, Any]:
    who = await user_id(call, parse(WithUser, fields, call.kind).user)
    d = await call.core.db(partner_users.details, who)
    return {"user": {
        "first-name": d["first_name"],
        "last-name": d["last_name"],
        "address": _address(d["address"]),
        "billing-name": d["billing_name"],
        "billing-address": _address(d["billing_address"]),
        "locale": d["language"],
        "vat": d["vat"],
        "social-security-number": None,
        "evco-id": d["evco_id"],
        "phone": d["phone"],
    }}


def _street(a: Address) -> str | None:
    parts = [p.strip() for p in (a.street, a.street_number) if p and p.strip()]
    return " ".join(parts) or None


def _country(a: Address, field: str) -> str:
    country = (a.country or "").strip()
    if not country:
        raise r.bad_format(f"{field}.country", "is required")
    if len(country) != 2 or not country.isalpha():
        raise r.bad_format(f"{field}.country", "must be an ISO 3166-1 alpha-2 code such as DE")
    return country.upper()


def valid_vat(vat: str) -> bool:
    compact = vat.replace(" ", "").upper()
    return bool(_VAT_DE.match(compact) if compact.startswith("DE") else _VAT.match(compact))


async def user_post_details(call: Call, fields: Any) -> Reply:
    req = parse(UserPostDetails, fields, call.kind)
    who = await user_id(call, req.user)
    d = req.details
    where = "details"
    profile: dict[str, Any] = {"first_name": d.first_name, "last_name": d.last_name,
                               "phone": d.phone, "billing_name": d.billing_name}  # fmt: skip
    if d.address is not None:
        profile["address"] = {"street": _street(d.address), "zip": d.address.zip,
                              "city": d.address.city,
                              "country": _country(d.address, f"{where}.address")}  # fmt: skip
    if d.billing_address is not None:
        b = d.billing_address
        profile["billing_address"] = {"street": _street(b), "zip": b.zip, "city": b.city,
                                      "country": _country(b, f"{where}.billing-address")}
    if d.locale is not None:
        locale = d.locale.strip().lower()
        if len(locale) != 2 or not locale.isalpha():
            raise r.bad_format(f"{where}.locale", "must be two lower case letters such as 'de'")
        profile["language"] = accounts.language_code(locale)
    reasons = []
    if d.vat is not None:
        if valid_vat(d.vat):
            profile["vat"] = d.vat.replace(" ", "").upper()
        else:
            reasons.append(f"Could not validate VAT number: {d.vat}")
    if d.social_security_number is not None:
        reasons.append("social-security-number: not stored by this back end")
    await call.core.db(partner_users.update_details, who,
                       {k: v for k, v in profile.items() if v is not None})  # fmt: skip
    return Reply({call.kind: {"reason": "; ".join(reasons)}} if reasons else {})


async def user_logout(call: Call, fields: Any) -> dict[str, Any]:
    who = await user_id(call, parse(WithUser, fields, call.kind).user)
    await call.core.db(partner_users.log_out, call.principal, who)
    return {}


async def user_reset(call: Call, fields: Any) -> dict[str, Any]:
    req = parse(UserReset, fields, call.kind)
    member = await call.core.db(partner_users.member_by_login, call.principal, req.identifier)
    if member is None:
        raise r.OioiError(r.EMAIL_UNKNOWN, f"identifier: no user '{req.identifier}'")
    wait = call.core.source_limits.reactivation_mails.take(source_of(call))
    if wait:
        raise r.OioiError(r.AUTH_FAILED, f"too many reset mails from your address; retry in "
                          f"{wait} seconds", headers={"Retry-After": str(wait)})
    mail = await call.core.db(password_reset.issue_code, member.user_id)
    if mail is not None:
        outbox.send(outbox.directory_for(call.core.config.db_path), mail.to, mail.subject,
                    mail.body)
    return {}


async def user_change_password(call: Call, fields: Any) -> dict[str, Any]:
    req = parse(UserChangePassword, fields, call.kind)
    core = call.core
    member = await core.db(partner_users.member_by_login, call.principal, req.username)
    if member is None:
        raise r.OioiError(r.EMAIL_UNKNOWN, f"username: no user '{req.username}'")
    new = check_password(req.new_password, "new-password")
    if new == req.current_password:
        raise r.bad_format("new-password", "must differ from the current password")
    if not await core.db(password_reset.redeem_code, member.user_id, req.current_password):
        try:
            await check_login(call, member.email, req.current_password)
        except r.OioiError as exc:
            if exc.code != r.INVALID_EMAIL_OR_PASSWORD:
                raise
            raise r.OioiError(r.AUTH_FAILED, "current-password: not correct") from None
    try:
        new_hash = await core.hashing.run(hash_password, new)
    except PoolBusy as exc:
        raise r.OioiError(r.AUTH_FAILED, f"too many password operations; retry in "
                          f"{exc.retry_after} seconds",
                          headers={"Retry-After": str(exc.retry_after)}) from None
    await core.db(accounts.set_password_hash, member.user_id, new_hash)
    return {}


async def user_add_creditcard(call: Call, fields: Any) -> dict[str, Any]:
    req = parse(UserAddCreditCard, fields, call.kind)
    who = await user_id(call, req.user)
    if not _BLOB.match(req.encrypted_data):
        raise r.OioiError(r.CREDIT_CARD_INVALID, "encrypted-data: not encrypted credit card data")
    fingerprint = hashlib.sha256(req.encrypted_data.encode()).hexdigest()[:8].upper()
    await call.core.db(payments.add_encrypted_card, who, fingerprint)
    return {}


async def user_add_payment(call: Call, fields: Any) -> dict[str, Any]:
    req = parse(UserAddPayment, fields, call.kind)
    who = await user_id(call, req.user)
    found = await call.core.db(payment_service.methods, who)
    base = str(call.request.base_url).rstrip("/")
    return {call.kind: {"url": f"{base}/payments/methods/new?session={found['session_id']}"}}
