"""Cards: list with status, add (validated UID), rename, block/unblock with confirmation."""

from __future__ import annotations

import flet as ft

from app import format as fmt
from app.components.backend_badge import account_badges, account_filter
from app.components.common import (
    close_dialog,
    confirm,
    dialog_actions,
    empty_state,
    error_banner,
    safe_update,
)
from app.host import Host
from app.screens.base import Screen
from app.theme import CARD_STATUS_COLOURS
from services.models import Card
from services.provider import Capability


class CardsScreen(Screen):
    def __init__(self, host: Host) -> None:
        super().__init__(host)
        self.vm = host.cards_vm
        self.vm.subscribe(self.on_vm)
        self.uid_field: ft.TextField | None = None

    def on_vm(self) -> None:
        if self.vm.message:
            self.host.snack(self.vm.message)
            self.vm.message = None
        self.redraw()

    def on_show(self) -> None:
        if self.ctx.logged_in:
            self.host.run(self.vm.load())

    def on_wedge_uid(self, uid: str) -> None:
        if self.uid_field is not None:
            self.uid_field.value = uid
            safe_update(self.uid_field)

    def content(self) -> ft.Control:
        t = self.t
        add = ft.FilledButton(
            t("cards.add"),
            icon=ft.Icons.ADD_CARD,
            on_click=lambda e: self.add_dialog(),
            tooltip=t("cards.add"),
            visible=self.ctx.logged_in and self.ctx.can(Capability.ADD_CARD),
        )
        if not self.ctx.logged_in:
            return self.sign_in_first(
                ft.Icons.CREDIT_CARD, t("cards.title"), t("cards.login_text")
            )
        items: list[ft.Control] = []
        if self.vm.error:
            items.append(error_banner(self.vm.error))
        if self.vm.busy and not self.vm.cards:
            items.append(ft.ProgressBar())
        if not self.vm.cards and not self.vm.busy:
            items.append(
                empty_state(ft.Icons.CREDIT_CARD_OFF, t("cards.none_title"), t("cards.none_text"))
            )
        choices = self.vm.by_account.choices(self.vm.cards)
        if choices:

            def pick(account_id: str | None) -> None:
                self.vm.by_account.select(account_id)
                self.redraw()

            items.append(
                account_filter(
                    t("backend.filter"), t("backend.all"), choices, self.vm.by_account.selected,
                    pick,
                )
            )
        items += [self.card_tile(c) for c in self.vm.by_account.apply(self.vm.cards)]
        return self.titled_list(
            self.header(t("cards.title"), add),
            items,
            spacing=12,
            padding=ft.Padding.symmetric(horizontal=16),
        )

    def card_tile(self, card: Card) -> ft.Control:
        t = self.t
        lang = self.ctx.settings.language
        name = card.label or card.number or card.uid
        colour = CARD_STATUS_COLOURS[card.status]
        blocked = self.vm.is_blocked(card)
        details = [
            x
            for x in (
                fmt.known_word(t, "card_type", card.type),
                card.rate,
                t("cards.expires", date=fmt.date(card.expiry, lang)) if card.expiry else "",
            )
            if x
        ]
        actions: list[ft.Control] = []
        if self.ctx.can(Capability.RENAME_CARD):
            actions.append(
                ft.TextButton(
                    t("cards.rename_short"),
                    icon=ft.Icons.EDIT,
                    on_click=lambda e, c=card: self.rename_dialog(c),
                )
            )
        if blocked and self.ctx.can(Capability.UNBLOCK_CARD):
            actions.append(
                ft.OutlinedButton(
                    t("cards.unblock"),
                    icon=ft.Icons.LOCK_OPEN,
                    on_click=lambda e, c=card: self.host.run(self.vm.unblock(c.id)),
                )
            )
        elif not blocked and self.ctx.can(Capability.BLOCK_CARD):
            actions.append(
                ft.OutlinedButton(
                    t("cards.block"),
                    icon=ft.Icons.BLOCK,
                    on_click=lambda e, c=card: self.block_dialog(c),
                )
            )
        card_view = ft.Card(
            content=ft.Container(
                content=ft.Column(
                    [
                        ft.Row(
                            [
                                ft.Container(
                                    ft.Icon(ft.Icons.CONTACTLESS, color=ft.Colors.WHITE, size=26),
                                    width=64,
                                    height=42,
                                    border_radius=8,
                                    gradient=ft.LinearGradient(
                                        colors=[ft.Colors.PRIMARY, ft.Colors.TERTIARY]
                                        if not blocked
                                        else ["#9CA3AF", "#6B7280"],
                                        begin=ft.Alignment.TOP_LEFT,
                                        end=ft.Alignment.BOTTOM_RIGHT,
                                    ),
                                    alignment=ft.Alignment.CENTER,
                                ),
                                ft.Column(
                                    [
                                        ft.Text(name, weight=ft.FontWeight.W_600, size=16),
                                        ft.Text(
                                            card.uid,
                                            size=12,
                                            font_family="monospace",
                                            color=ft.Colors.ON_SURFACE_VARIANT,
                                        ),
                                        ft.Row(
                                            [
                                                ft.Container(
                                                    ft.Text(
                                                        t(f"cardstatus.{card.status.value}"),
                                                        size=12,
                                                        color=colour,
                                                        weight=ft.FontWeight.W_600,
                                                    ),
                                                    bgcolor=ft.Colors.with_opacity(0.12, colour),
                                                    border_radius=20,
                                                    padding=ft.Padding.symmetric(
                                                        horizontal=10, vertical=3
                                                    ),
                                                ),
                                                *account_badges(self.ctx, card.account_id),
                                                *[
                                                    ft.Text(
                                                        d,
                                                        size=12,
                                                        color=ft.Colors.ON_SURFACE_VARIANT,
                                                    )
                                                    for d in details
                                                ],
                                            ],
                                            spacing=8,
                                            wrap=True,
                                        ),
                                    ],
                                    spacing=3,
                                    expand=True,
                                    tight=True,
                                ),
                            ],
                            spacing=14,
                        ),
                        # actions under the card's details: fits a phone as well as a desktop
                        ft.Row(actions, spacing=4, alignment=ft.MainAxisAlignment.END),
                    ],
                    spacing=6,
                    tight=True,
                ),
                padding=14,
            ),
            elevation=0.5,
            margin=0,
        )
        # Scope for tests and screen readers: the actions below belong to this card
        return ft.Semantics(identifier=f"card-{card.uid}", container=True, content=card_view)

    # ------------------------------------------------------------------ dialogs
    def add_dialog(self) -> None:
        t = self.t
        page = self.host.page
        targets = self.vm.add_accounts()
        uid = ft.TextField(
            label=t("cards.uid"),
            capitalization=ft.TextCapitalization.CHARACTERS,
            prefix_icon=ft.Icons.CONTACTLESS,
            autofocus=True,
        )
        label = ft.TextField(
            label=t("cards.label"), prefix_icon=ft.Icons.LABEL_OUTLINE,
            autofocus=not self.vm.asks_for_uid,
        )
        error = ft.Text("", color=ft.Colors.ERROR, visible=False)
        body = ft.Column(tight=True, spacing=12)

        def check(_=None):
            uid.error = self.vm.validate_uid(uid.value or "") if uid.value else None
            safe_update(uid)

        uid.on_blur = check

        async def save(_=None):
            asks_uid = self.vm.asks_for_uid
            if asks_uid and (problem := self.vm.validate_uid(uid.value or "")):
                uid.error = problem
                safe_update(uid)
                return
            if await self.vm.add(uid.value if asks_uid else None, label.value):
                self.uid_field = None
                close_dialog(dlg)
            else:
                error.value, error.visible = self.vm.error or "", True
                safe_update(error)

        uid.on_submit = lambda e: self.host.run(save())
        label.on_submit = lambda e: self.host.run(save())
        what = {True: t("cards.account_takes_uid"), False: t("cards.account_issues")}

        def pick(e) -> None:
            self.vm.choose_account(e.control.value)
            fill()
            safe_update(body)

        def fill() -> None:
            # the account picked decides what is asked: a UID, or nothing (a card issued)
            asks_uid = self.vm.asks_for_uid
            self.uid_field = uid if asks_uid else None
            fields: list[ft.Control] = (
                [ft.Text(t("cards.uid_rules"), size=12), uid, label]
                if asks_uid
                else [ft.Text(t("cards.issued_rules"), size=12), label]
            )
            if len(targets) > 1:
                chosen = self.vm.target()
                fields.insert(0, ft.RadioGroup(
                    value=chosen.account_id if chosen else None,
                    on_change=pick,
                    content=ft.Column([
                        ft.Text(t("cards.add_to"), weight=ft.FontWeight.W_600),
                        *(ft.Radio(value=c.account_id, label=f"{c.name} · {what[c.takes_uid]}",
                                   tooltip=t("cards.add_to_account", name=c.name))
                          for c in targets),
                    ], spacing=2, tight=True),
                ))
            body.controls = [*fields, error]

        fill()
        dlg = ft.AlertDialog(
            title=ft.Text(t("cards.add")),
            content=ft.Container(body, width=400),
            actions=dialog_actions(
                t,
                lambda e: close_dialog(dlg),
                t("cards.add_confirm"),
                lambda e: self.host.run(save()),
            ),
        )
        page.show_dialog(dlg)

    def rename_dialog(self, card: Card) -> None:
        t = self.t
        page = self.host.page
        label = ft.TextField(label=t("cards.label"), value=card.label or "", autofocus=True)
        error = ft.Text("", color=ft.Colors.ERROR, visible=False)

        async def save(_=None):
            if await self.vm.rename(card.id, label.value or ""):
                close_dialog(dlg)
            else:
                error.value, error.visible = self.vm.error or "", True
                safe_update(error)

        label.on_submit = lambda e: self.host.run(save())
        dlg = ft.AlertDialog(
            title=ft.Text(t("cards.rename")),
            content=ft.Container(ft.Column([label, error], tight=True), width=400),
            actions=dialog_actions(
                t,
                lambda e: close_dialog(dlg),
                t("common.save"),
                lambda e: self.host.run(save()),
            ),
        )
        page.show_dialog(dlg)

    def block_dialog(self, card: Card) -> None:
        t = self.t
        name = card.label or card.uid
        confirm(
            self.host.page,
            t,
            t("cards.block_title"),
            t(
                "cards.block_text"
                if self.ctx.can(Capability.UNBLOCK_CARD)
                else "cards.block_text_final",
                name=name,
            ),
            t("cards.block_confirm"),
            lambda: self.vm.block(card.id),
            destructive=True,
        )
