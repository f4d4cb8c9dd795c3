"""Display formatting: numbers in the UI language, units that never wrap, clear durations."""

from __future__ import annotations

import flet_charts as fch

from app import format as fmt
from app.components.charts import live_chart, live_chart_top, soc_y
from app.i18n import Translator

NB = "\u00a0"


def test_durations_say_their_units():
    assert fmt.duration(113) == f"1{NB}min 53{NB}s"
    assert fmt.duration(11655) == f"3{NB}h 14{NB}min"
    assert fmt.duration(45) == f"45{NB}s"
    assert fmt.duration(300) == f"5{NB}min"
    assert fmt.duration(7200) == f"2{NB}h"
    assert fmt.duration(None) == "–"


def test_distances_and_numbers_follow_the_language():
    assert fmt.distance(2.1, language="en") == f"2.1{NB}km"
    assert fmt.distance(2.1, language="de") == f"2,1{NB}km"
    assert fmt.distance(0.456, language="de") == f"460{NB}m"
    assert fmt.distance(12.6, "mi", "de") == f"7,8{NB}mi"
    assert fmt.kwh(1234.5, "de") == f"1.234,50{NB}kWh"
    assert fmt.kw(22, "en") == f"22.0{NB}kW"


def test_prices_keep_number_and_unit_together():
    assert fmt.money(0.39, "EUR", "de") == f"0,39{NB}€"
    assert fmt.money(0.39, "EUR", "en") == "€0.39"
    assert fmt.money(2, "CHF", "en") == f"CHF{NB}2.00"
    assert fmt.percent(42.4, "de") == f"42{NB}%"


def test_live_chart_gives_soc_its_own_percent_axis():
    points = [(0, 10.0, 20.0), (60, 40.0, 50.0), (120, 50.0, 80.0)]
    chart = live_chart(points, "Live").content
    assert isinstance(chart, fch.LineChart)
    top = live_chart_top(50.0)
    assert chart.max_y == top
    power, soc = chart.data_series
    assert [p.y for p in power.points] == [10.0, 40.0, 50.0]  # kW on the kW axis
    assert [p.y for p in soc.points] == [soc_y(v, top) for v in (20, 50, 80)]
    right = {label.label.value: label.value for label in chart.right_axis.labels}
    assert right["100 %"] == top and right["0 %"] == 0 and right["50 %"] == top / 2
    spacing = chart.right_axis.label_spacing
    assert spacing == top / 4  # ticks at 0, 25, 50, 75, 100 %
    assert all(label.value % spacing == 0 for label in chart.right_axis.labels)
    assert chart.left_axis.title.value == "kW"
    ticks = [a.label.value for a in chart.bottom_axis.labels]
    assert ticks[:3] == [f"0{NB}s", f"30{NB}s", f"1{NB}min"]


def test_german_names_connectors_bills_and_tabs_in_german():
    de, en = Translator("de"), Translator("en")
    assert fmt.connector_title(de, "TYPE2", 22.0, "de") == f"Typ 2 · 22{NB}kW"
    assert fmt.connector_title(en, "CCS", 3.7, "en") == f"CCS · 3.7{NB}kW"
    assert fmt.document_title(de, "invoice", "Invoice 2026-10") == "Rechnung Oktober 2026"
    assert fmt.document_title(en, "invoice", "Invoice 2026-10") == "Invoice October 2026"
    assert fmt.document_title(de, "contract", "Vertrag 7") == "Vertrag 7"  # unknown: as given
    assert fmt.document_kind(de, "invoice") == "Rechnung"
    # The map and the cards tab must not read alike
    assert (de("nav.map"), de("nav.cards")) == ("Karte", "Ladekarten")
    assert fmt.known_word(de, "card_type", "virtual") == "Virtuell"
    assert fmt.known_word(de, "card_type", "fleet") == "fleet"
