"""Common screen plumbing: a root container redrawn from its view model."""

from __future__ import annotations

import flet as ft

from app.components.common import safe_update
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
