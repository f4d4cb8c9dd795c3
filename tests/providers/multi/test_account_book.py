"""Accounts at several back ends of the real core: signed in, remembered in the keyring
only, resumed by a new run, renamed, and signed out one at a time."""

from __future__ import annotations

import json

import pytest

from services.credentials import KeyringStore, MemoryStore
from services.models import AccountStatus, Credentials
from services.multi.accounts import AccountBook
from services.multi.demo import DEMO_LOGINS, core_url_for
from services.provider import InvalidCredentials, InvalidInput, NotSupported
from tests.services.test_credentials import DictKeyring


def _book(path, backend):
    return AccountBook(KeyringStore(backend=backend), path)


async def _add(book, core_url, provider, name=None):
    demo = DEMO_LOGINS[provider]
    return await book.add(provider, core_url_for(provider, core_url), demo.credentials,
                          name or demo.name, options=demo.options)


async def test_accounts_resume_from_the_keyring_in_a_new_run(core_url, tmp_path):
    keyring = DictKeyring()
    first = _book(tmp_path / "accounts.json", keyring)
    be = await _add(first, core_url, "beenergised", "Home")
    wl = await _add(first, core_url, "wirelane")
    ps = await _add(first, core_url, "plugsurfing")
    gp = await _add(first, core_url, "gpjoule")
    am = await _add(first, core_url, "ampeco")
    assert [a.id for a in first.accounts()] == [
        "beenergised-1", "wirelane-1", "plugsurfing-1", "gpjoule-1", "ampeco-1"]
    assert be.name == "Home" and wl.name == "Work fleet (Wirelane)"
    assert be.username == "driver@example.com"
    await first.close()

    text = (tmp_path / "accounts.json").read_text()
    assert "driver-demo" not in text and "fleet-demo" not in text
    assert "ampeco-demo-token" not in text
    entries = {k: json.loads(v) for (_, k), v in keyring.data.items()}
    # a back end that issues a token to resume with: the token, never the password
    assert entries["account:beenergised-1"]["refresh_token"]
    assert entries["account:beenergised-1"]["password"] is None
    # Wirelane issues none: the provider's resume key (its OAuth client and the password
    # the token endpoint needs again) is what is kept, in the keyring only
    wirelane = entries["account:wirelane-1"]
    assert wirelane["password"] is None
    resume = json.loads(wirelane["refresh_token"])
    assert resume["password"] == "fleet-demo" and resume["client_secret"] == "voltra-demo-secret"

    second = _book(tmp_path / "accounts.json", keyring)
    opened = await second.resume()
    assert set(opened) == {be.id, wl.id, ps.id, gp.id, am.id}
    assert all(p.is_logged_in for p in opened.values())
    assert all(s.state is AccountStatus.READY for s in second.states().values())
    merged = second.merged()
    assert (await merged.profile()).email == "driver@example.com"

    await second.remove(wl.id)  # signed out of that one alone
    assert [a.id for a in second.accounts()] == [be.id, ps.id, gp.id, am.id]
    assert "account:wirelane-1" not in {k for _, k in keyring.data}
    assert all(p.is_logged_in for p in second.providers().values())
    renamed = second.rename(ps.id, "  Roaming   card ")
    assert renamed.name == "Roaming card"
    await second.close()

    third = _book(tmp_path / "accounts.json", keyring)
    assert {a.id: a.name for a in third.accounts()}[ps.id] == "Roaming card"
    assert set(await third.resume()) == {be.id, ps.id, gp.id, am.id}
    await third.close()


async def test_a_login_the_back_end_no_longer_takes_resumes_signed_out(core_url, tmp_path):
    keyring = DictKeyring()
    first = _book(tmp_path / "a.json", keyring)
    be = await _add(first, core_url, "beenergised")
    await first.close()
    entry = json.loads(keyring.data[("voltra", "account:" + be.id)])
    entry["refresh_token"] = "no-such-token"  # never issued by the core
    keyring.data[("voltra", "account:" + be.id)] = json.dumps(entry)
    second = _book(tmp_path / "a.json", keyring)
    opened = await second.resume()
    assert not opened[be.id].is_logged_in
    assert second.states()[be.id].state is AccountStatus.SIGNED_OUT
    assert json.loads(keyring.data[("voltra", "account:" + be.id)])["refresh_token"] is None
    await second.close()


async def test_a_refused_sign_in_keeps_nothing(core_url, tmp_path):
    keyring = DictKeyring()
    book = _book(tmp_path / "a.json", keyring)
    with pytest.raises(InvalidCredentials):
        await book.add("beenergised", core_url,
                       Credentials(username="driver@example.com", password="wrong-pass-1"))
    assert book.accounts() == [] and keyring.data == {}
    assert not (tmp_path / "a.json").exists()


async def test_bad_input_names_the_field(tmp_path):
    book = AccountBook(MemoryStore(), tmp_path / "a.json")
    with pytest.raises(InvalidInput) as url:
        await book.add("beenergised", "ftp://x", Credentials(username="a@b.c", password="x"))
    assert url.value.field == "base_url"
    with pytest.raises(NotSupported):
        await book.add("nosuch", "http://x", Credentials())
    with pytest.raises(InvalidInput) as name:
        await book.add("beenergised", "http://127.0.0.1:9", Credentials(), "x" * 61)
    assert name.value.field == "name"


async def test_an_unreadable_list_starts_empty(tmp_path):
    path = tmp_path / "a.json"
    path.write_text("{not json")
    assert AccountBook(MemoryStore(), path).accounts() == []
