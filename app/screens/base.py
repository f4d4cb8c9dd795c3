"""Common screen plumbing: a root container redrawn from its view model."""

from __future__ import annotations

import flet as ft

from app.components.common import empty_state, safe_update
from app.host import Host


class Screen:
    def __init__(self, host: Host) -> None:
        self.host = host
        self.ctx = host.ctx
        self.root: ft.Container | None = None

    @property
    def t(self):
        return self.ctx.t

    def build(self) -> ft.Control:
        self.root = ft.Container(content=self.content(), expand=True)
        self.on_show()
        return self.root

    def redraw(self) -> None:
        if self.root is None:
            return
        self.root.content = self.content()
        safe_update(self.root)

    def content(self) -> ft.Control:
        raise NotImplementedError

    def on_show(self) -> None:
        """Called each time the screen is shown (load data here)."""

    def on_resize(self) -> None:
        pass

    def on_wedge_uid(self, uid: str) -> None:
        pass

    @staticmethod
    def header(title: str, *actions: ft.Control) -> ft.Control:
        return ft.Container(
            content=ft.Row(
                [ft.Text(title, size=26, weight=ft.FontWeight.BOLD, expand=True), *actions],
                vertical_alignment=ft.CrossAxisAlignment.CENTER,
            ),
            padding=ft.Padding.only(left=20, right=12, top=16, bottom=8),
        )

    def sign_in_first(self, icon: ft.IconData, title: str, text: str) -> ft.Control:
        """The screen's title over a note that it needs a login, with the way to log in."""
        t = self.t
        login = ft.FilledButton(
            t("account.login"),
            on_click=lambda e: self.host.go("/account"),
            tooltip=t("account.go_login"),
        )
        return ft.Column([self.header(title), empty_state(icon, title, text, login)], expand=True)

    def titled_list(
        self,
        header: ft.Control,
        items: list[ft.Control],
        *,
        spacing: int = 14,
        width: int = 760,
        padding: ft.Padding | None = None,
    ) -> ft.Control:
        """The screen's header above its items, which scroll beneath it in a column no wider
        than ``width`` (readable on a wide window)."""
        return ft.Column(
            [
                header,
                ft.ListView(
                    controls=[
                        ft.Container(
                            ft.Column(items, spacing=spacing),
                            padding=padding or ft.Padding.only(left=16, right=16, bottom=24),
                            width=width,
                        )
                    ],
                    expand=True,
                ),
            ],
            expand=True,
            spacing=0,
        )
