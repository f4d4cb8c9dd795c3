"""Charts (flet-charts): occupancy by hour, live power/SoC, monthly energy."""

from __future__ import annotations

import math

import flet as ft
import flet_charts as fch

from app import format as fmt
from app.theme import POWER_COLOUR, SOC_COLOUR


def occupancy_chart(rates: list[float], current_hour: int, label: str) -> ft.Control:
    groups = [
        fch.BarChartGroup(
            x=h,
            rods=[
                fch.BarChartRod(
                    to_y=round(r * 100),
                    width=8,
                    color=ft.Colors.PRIMARY if h == current_hour else ft.Colors.PRIMARY_CONTAINER,
                    border_radius=3,
                    tooltip=f"{h:02d}:00 {round(r * 100)} %",
                )
            ],
        )
        for h, r in enumerate(rates)
    ]
    chart = fch.BarChart(
        groups=groups,
        max_y=100,
        height=150,
        interactive=True,
        bottom_axis=fch.ChartAxis(
            labels=[
                fch.ChartAxisLabel(value=h, label=ft.Text(f"{h}", size=10)) for h in range(0, 24, 3)
            ],
            label_size=20,
        ),
        left_axis=fch.ChartAxis(show_labels=False, label_size=0),
        horizontal_grid_lines=fch.ChartGridLines(
            interval=25, width=0.4, color=ft.Colors.OUTLINE_VARIANT
        ),
    )
    return ft.Semantics(label=label, content=chart, container=True)


def live_chart(points: list[tuple[float, float | None, float | None]], label: str) -> ft.Control:
    """Power (kW, left axis) and SoC (0-100 %, right axis) over the session's time."""
    power = [
        fch.LineChartDataPoint(x=round(s), y=round(p, 2)) for s, p, _ in points if p is not None
    ]
    soc = [(round(s), c) for s, _, c in points if c is not None]
    span = max((pt.x for pt in power), default=60)
    step = next((st for st in (10, 30, 60, 300, 600, 1800, 3600) if span / st <= 6), 7200)
    top = live_chart_top(max((pt.y for pt in power), default=10))
    series = [
        fch.LineChartData(
            points=power or [fch.LineChartDataPoint(x=0, y=0)],
            color=POWER_COLOUR,
            stroke_width=3,
            curved=True,
            below_line_bgcolor=ft.Colors.with_opacity(0.15, POWER_COLOUR),
        ),
    ]
    if soc:
        # One plotting range: SoC is drawn scaled so that 100 % is the top of the chart,
        # and the right axis is labelled in % at the same heights.
        series.append(
            fch.LineChartData(
                points=[fch.LineChartDataPoint(x=x, y=soc_y(pct, top)) for x, pct in soc],
                color=SOC_COLOUR,
                stroke_width=2,
                dash_pattern=[6, 4],
            )
        )
    chart = fch.LineChart(
        data_series=series,
        height=220,
        min_y=0,
        max_y=top,
        interactive=False,
        left_axis=fch.ChartAxis(
            title=ft.Text("kW", size=11, color=POWER_COLOUR),
            title_size=18,
            label_size=40,
            show_max=False,  # the headroom's odd value ("12.7") says nothing
        ),
        right_axis=fch.ChartAxis(
            title=ft.Text("SoC", size=11, color=SOC_COLOUR),
            title_size=18,
            label_size=44,
            # The chart asks for a label at each interval: 25 % steps of the range
            label_spacing=top / 4,
            labels=[
                fch.ChartAxisLabel(value=soc_y(pct, top), label=ft.Text(f"{pct} %", size=10))
                for pct in SOC_TICKS
            ],
            show_labels=bool(soc),
        ),
        bottom_axis=fch.ChartAxis(
            label_size=24,
            labels=[
                fch.ChartAxisLabel(value=x, label=ft.Text(fmt.duration(x), size=10))
                for x in range(0, int(span) + 1, step)
            ],
        ),
        horizontal_grid_lines=fch.ChartGridLines(width=0.4, color=ft.Colors.OUTLINE_VARIANT),
    )
    return ft.Semantics(label=label, content=chart, container=True)


SOC_TICKS = (0, 25, 50, 75, 100)


def live_chart_top(max_power_kw: float) -> float:
    """The kW at the top of the live chart: some headroom above the highest power, and a
    multiple of 4 so the 25 % steps of the SoC axis fall on exact values (the chart matches
    axis labels to its ticks exactly)."""
    return float(max(1, math.ceil(max_power_kw * 1.15 / 4)) * 4)


def soc_y(pct: float, top: float) -> float:
    """Where a state of charge sits on the chart's kW range (100 % at the top)."""
    return round(max(0.0, min(100.0, pct)) * top / 100, 2)


def month_label(month: str) -> str:
    """YYYY-MM -> MM/YY: short enough for twelve bars on a phone."""
    return f"{month[5:7]}/{month[2:4]}"


def monthly_chart(
    series: list[tuple[str, float, float]], label: str, language: str = "en"
) -> ft.Control:
    top = max((kwh for _, kwh, _ in series), default=1) or 1
    groups = [
        fch.BarChartGroup(
            x=i,
            rods=[
                fch.BarChartRod(
                    to_y=round(kwh, 1),
                    width=16,
                    color=ft.Colors.PRIMARY,
                    border_radius=4,
                    tooltip=f"{month_label(month)}: {fmt.kwh(kwh, language)}",
                )
            ],
        )
        for i, (month, kwh, _) in enumerate(series)
    ]
    chart = fch.BarChart(
        groups=groups,
        max_y=top * 1.15,
        height=180,
        bottom_axis=fch.ChartAxis(
            labels=[
                fch.ChartAxisLabel(value=i, label=ft.Text(month_label(m), size=10))
                for i, (m, _, _) in enumerate(series)
            ],
            label_size=28,
        ),
        left_axis=fch.ChartAxis(label_size=44, show_max=False),
        horizontal_grid_lines=fch.ChartGridLines(width=0.4, color=ft.Colors.OUTLINE_VARIANT),
    )
    return ft.Semantics(label=label, content=chart, container=True)
