"""Cards in a real browser: add (with UID validation), rename, block with confirmation."""

from __future__ import annotations

import secrets

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_cards_add_rename_block(app_server, ui_factory):
    ui = ui_factory(app_server.url)
    ui.tab("Account")
    ui.login()
    ui.tab("Cards")
    ui.click(ui.button("Add card"))

    # An invalid UID is refused with the rule that failed
    ui.type_into("Card UID", "12345")
    ui.click(ui.button("Add"))
    expect(ui.text("The UID must be 8, 14 or 20 characters long.")).to_be_visible()

    uid = secrets.token_hex(7).upper()  # 14 hex characters
    label = f"E2E {uid[:4]}"
    ui.type_into("Card UID", uid)
    ui.type_into("Name", label)
    ui.click(ui.button("Add"))
    card = ui.test_id(f"card-{uid}")
    expect(card).to_be_attached()
    ui.wait_text_in(card, label)

    # Rename
    renamed = f"Renamed {uid[:4]}"
    ui.click(card.get_by_role("button", name="Rename"))
    ui.type_into("Name", renamed)
    ui.click(ui.button("Save"))
    ui.wait_text_in(card, renamed)

    # Block asks for confirmation, then the card shows as blocked and offers Unblock
    ui.click(card.get_by_role("button", name="Block"))
    expect(ui.text("Block this card?")).to_be_visible()
    ui.click(ui.button("Block card"))
    expect(card.get_by_role("button", name="Unblock")).to_be_visible()
    ui.wait_text_in(card, "Blocked")
    ui.shot("cards-light-wide")
    ui.click(card.get_by_role("button", name="Unblock"))
    expect(card.get_by_role("button", name="Block")).to_be_visible()
    ui.wait_text_in(card, "Active")
