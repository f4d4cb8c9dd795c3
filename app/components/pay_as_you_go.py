"""The pay-as-you-go offer for a driver without a card: pay this charge on the hosted
payment page (charging starts once paid), or save a payment method."""

from __future__ import annotations

import flet as ft

from app.components.common import error_banner, is_mounted, safe_update, section
from app.host import Host
from services.models import Connector


async def open_page(url: str | None) -> None:
    if url:
        await ft.UrlLauncher().launch_url(url)


def pay_as_you_go_panel(host: Host, connector: Connector) -> ft.Control:
    """Redraws itself as the payment goes on; stops listening once off the page."""
    vm = host.payment_vm
    box = ft.Container()

    async def pay() -> None:
        await open_page(await vm.pay_and_start(connector))

    async def add_method() -> None:
        url = await vm.add_method()
        if url:
            host.snack(host.ctx.t("pay.method_opened"))
        await open_page(url)

    def render() -> None:
        t = host.ctx.t
        rows: list[ft.Control] = [ft.Text(t("pay.text"))]
        if vm.state == "waiting":
            rows += [
                ft.Row(
                    [ft.ProgressRing(width=20, height=20), ft.Text(t("pay.opened"), expand=True)],
                    spacing=10,
                ),
                ft.TextButton(
                    t("pay.open_again"),
                    icon=ft.Icons.OPEN_IN_NEW,
                    on_click=lambda e: host.run(open_page(vm.link.url if vm.link else None)),
                    tooltip=t("pay.open_again"),
                ),
            ]
        elif vm.state == "started":
            rows.append(ft.Text(t("pay.started"), weight=ft.FontWeight.W_600))
        else:
            if vm.error:
                rows.append(error_banner(vm.error))
            rows.append(
                ft.Row(
                    [
                        ft.OutlinedButton(
                            t("pay.add_method"),
                            icon=ft.Icons.CREDIT_CARD,
                            on_click=lambda e: host.run(add_method()),
                            tooltip=t("pay.add_method"),
                            height=52,
                        ),
                        ft.FilledButton(
                            t("pay.start"),
                            icon=ft.Icons.PAYMENTS,
                            on_click=lambda e: host.run(pay()),
                            tooltip=t("pay.start"),
                            height=52,
                        ),
                    ],
                    spacing=12,
                    wrap=True,
                    alignment=ft.MainAxisAlignment.END,
                )
            )
        box.content = ft.Semantics(
            identifier="pay-as-you-go", container=True, content=section(t("pay.title"), *rows)
        )

    def on_vm() -> None:
        if not is_mounted(box):
            unsubscribe()
            return
        render()
        safe_update(box)

    unsubscribe = vm.subscribe(on_vm)
    render()
    return box
