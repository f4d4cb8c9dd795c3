"""A tab whose feature the current back end does not offer: says why, instead of a screen
of controls that cannot work."""

from __future__ import annotations

import flet as ft

from app.components.common import empty_state
from app.host import Host
from app.screens.base import Screen


class NoticeScreen(Screen):
    def __init__(self, host: Host, title_key: str, icon: ft.IconData, text_key: str) -> None:
        super().__init__(host)
        self.title_key, self.icon, self.text_key = title_key, icon, text_key

    def content(self) -> ft.Control:
        t = self.t
        return ft.Column(
            [
                self.header(t(self.title_key)),
                ft.Semantics(
                    identifier="not-offered",
                    label=t(self.text_key),
                    container=True,
                    content=empty_state(self.icon, t(self.title_key), t(self.text_key)),
                ),
            ],
            expand=True,
        )
