"""Cards in a real browser: add (a card the back end issues), rename, block with confirmation."""

from __future__ import annotations

import re
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

    # be.ENERGISED issues cards itself: the dialog asks for a name only and says what the
    # driver gets (a virtual card), never for a UID the back end would ignore
    expect(ui.labelled("Card UID")).to_have_count(0)
    expect(ui.text("you get a virtual charge card")).to_be_visible()
    label = f"E2E {secrets.token_hex(2).upper()}"
    ui.type_into("Name", label)
    ui.click(ui.button("Add"))
    issued = re.compile(rf"{label} added: a virtual charge card, number \w+")
    expect(ui.text(issued).first).to_be_visible()

    # Find the new card by its name. Each card is one group named by its texts, holding
    # its buttons.
    def card_named(name):
        return ui.page.get_by_role("group", name=re.compile(re.escape(name))).last

    card = card_named(label)
    expect(card).to_be_attached()

    # Rename
    renamed = f"Renamed {label[4:]}"
    ui.click(card.get_by_role("button", name="Rename", exact=True))
    ui.type_into("Name", renamed)
    ui.click(ui.button("Save"))
    card = card_named(renamed)
    expect(card).to_be_attached()

    # Block asks for confirmation, then the card shows as blocked and offers Unblock
    ui.click(card.get_by_role("button", name="Block", exact=True))
    expect(ui.text("Block this card?")).to_be_visible()
    ui.click(ui.button("Block card"))
    blocked = card_named(f"{renamed} ")
    expect(blocked).to_have_accessible_name(re.compile("Blocked"))
    expect(blocked.get_by_role("button", name="Block", exact=True)).to_have_count(0)
    ui.shot("cards-light-wide")
    # Unblocking is offered only where the provider can do it (be.ENERGISED cannot)
    unblock = blocked.get_by_role("button", name="Unblock", exact=True)
    if unblock.count():
        ui.click(unblock)
        expect(blocked).to_have_accessible_name(re.compile("Active"))
