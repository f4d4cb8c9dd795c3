"""PDF rendering (fpdf2) of account documents and terms and conditions.

Pure functions: data in, PDF bytes out. The built-in Helvetica font covers Latin-1 only,
so text is folded to Latin-1 (unknown characters become '?') rather than failing on a
street name.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from fpdf import FPDF

ISSUER = ("Voltra Charging (demo operator)", "Invalidenstrasse 1", "10115 Berlin, Germany")


def _t(value: Any) -> str:
    text = "" if value is None else str(value)
    return text.encode("latin-1", "replace").decode("latin-1")


def _day(iso: str | None) -> str:
    return (iso or "")[:10]


def _money(value: float | None, currency: str) -> str:
    return f"{(value or 0.0):,.2f} {currency}"


def _new_pdf(title: str) -> FPDF:
    pdf = FPDF(format="A4")
    pdf.set_title(_t(title))
    pdf.set_author(_t(ISSUER[0]))
    pdf.set_creator("Voltra core")
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 15)
    pdf.cell(0, 8, _t(ISSUER[0]), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    for line in ISSUER[1:]:
        pdf.cell(0, 4.5, _t(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    return pdf


def _recipient(pdf: FPDF, user: sqlite3.Row) -> None:
    name = " ".join(p for p in (user["first_name"], user["last_name"]) if p) or user["email"]
    pdf.set_font("Helvetica", "", 10)
    for line in (name, user["street"], " ".join(p for p in (user["zip"], user["city"]) if p),
                 user["country"], user["email"]):
        if line:
            pdf.cell(0, 5, _t(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)


def _heading(pdf: FPDF, title: str, facts: list[str]) -> None:
    pdf.set_font("Helvetica", "B", 13)
    pdf.cell(0, 8, _t(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    for fact in facts:
        pdf.cell(0, 5, _t(fact), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)


_WIDTHS = (26, 70, 22, 24, 24, 24)


def _sessions(pdf: FPDF, data: dict[str, Any], empty: str) -> None:
    """The sessions billed, each with its cost items."""
    widths, cur = _WIDTHS, data["currency"]
    heads = ("Date", "Station / item", "kWh", "Net", "Tax", "Gross")
    pdf.set_font("Helvetica", "B", 9)
    for w, h in zip(widths, heads, strict=True):
        pdf.cell(w, 6, h, border="B", align="R" if h not in ("Date", "Station / item") else "L")
    pdf.ln()
    if not data["lines"]:
        pdf.set_font("Helvetica", "I", 9)
        pdf.cell(0, 6, empty, new_x="LMARGIN", new_y="NEXT")
    for line in data["lines"]:
        s = line["session"]
        pdf.set_font("Helvetica", "B", 9)
        pdf.cell(widths[0], 5.5, _t(_day(s["date_start"])))
        station = f"{s['station_label']} ({s['evse_id']})"
        pdf.cell(widths[1], 5.5, _t(station[:48]))
        pdf.cell(widths[2], 5.5, f"{(s['energy_kwh'] or 0):.3f}", align="R")
        pdf.cell(widths[3], 5.5, _money(s["cost_net"], cur), align="R")
        pdf.cell(widths[4], 5.5, _money(s["cost_tax"], cur), align="R")
        pdf.cell(widths[5], 5.5, _money(s["cost_total"], cur), align="R")
        pdf.ln()
        pdf.set_font("Helvetica", "", 8)
        for item in line["items"]:
            pdf.cell(widths[0], 4.5, "")
            pdf.cell(widths[1] + widths[2], 4.5, _t(f"  {item['description']}"[:70]))
            pdf.cell(widths[3], 4.5, _money(item["net_amount"], cur), align="R")
            pdf.cell(widths[4], 4.5, _money(item["tax_amount"], cur), align="R")
            pdf.cell(widths[5], 4.5, _money(item["gross_amount"], cur), align="R")
            pdf.ln()


def _totals(pdf: FPDF, data: dict[str, Any], total_label: str) -> None:
    widths, cur = _WIDTHS, data["currency"]
    pdf.ln(3)
    pdf.set_font("Helvetica", "", 9)
    label_w = sum(widths[:4])
    pdf.cell(label_w, 5, _t(f"Sessions: {len(data['lines'])}, energy {data['energy_kwh']:.3f} kWh"))
    pdf.ln()
    for rate, split in data["tax_split"].items():
        pdf.cell(label_w, 5, _t(f"VAT {rate:g}% on net {_money(split['net'], cur)}"), align="R")
        pdf.cell(widths[4], 5, _money(split["tax"], cur), align="R")
        pdf.ln()
    pdf.cell(label_w, 5, "Total net", align="R")
    pdf.cell(widths[4] + widths[5], 5, _money(data["net"], cur), align="R")
    pdf.ln()
    pdf.cell(label_w, 5, "Total tax", align="R")
    pdf.cell(widths[4] + widths[5], 5, _money(data["tax"], cur), align="R")
    pdf.ln()
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(label_w, 6, total_label, align="R")
    pdf.cell(widths[4] + widths[5], 6, _money(data["total"], cur), align="R")
    pdf.ln(10)


def render_invoice(data: dict[str, Any]) -> bytes:
    doc = data["document"]
    pdf = _new_pdf(doc["title"])
    _recipient(pdf, data["user"])
    start, end = data["period"]
    _heading(pdf, doc["title"], [f"Invoice number: {doc['uuid']}",
                                 f"Invoice date: {_day(doc['document_date'])}",
                                 f"Period: {_day(start)} to {_day(end)} (end exclusive)"])
    _sessions(pdf, data, "No charging sessions in this period.")
    _totals(pdf, data, "Total amount due")
    pdf.set_font("Helvetica", "", 8)
    pdf.multi_cell(0, 4, _t("Prices include VAT. The amount is collected with your registered "
                            "payment method. This invoice was generated by the Voltra demo core."))
    return bytes(pdf.output())


def render_receipt(data: dict[str, Any], number: str, issued_on: str) -> bytes:
    """A paid session's receipt: ``receipt_data`` under the receipt's number and date."""
    title = f"Receipt {number}"
    pdf = _new_pdf(title)
    _recipient(pdf, data["user"])
    _heading(pdf, title, [f"Receipt number: {number}", f"Issued on: {issued_on}",
                          "Payment status: paid"])
    _sessions(pdf, data, "No charging session.")
    _totals(pdf, data, "Total paid")
    pdf.set_font("Helvetica", "", 8)
    pdf.multi_cell(0, 4, _t("Prices include VAT. Paid with your registered payment method. "
                            "This receipt was generated by the Voltra demo core."))
    return bytes(pdf.output())


def render_plain(doc: sqlite3.Row, user: sqlite3.Row) -> bytes:
    """Non-invoice document types (offer, order, ...): a letter with title and date."""
    pdf = _new_pdf(doc["title"])
    _recipient(pdf, user)
    pdf.set_font("Helvetica", "B", 13)
    pdf.cell(0, 8, _t(doc["title"]), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    pdf.cell(0, 6, _t(f"Document type: {doc['doc_type']}"), new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 6, _t(f"Date: {_day(doc['document_date'])}"), new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 6, _t(f"Reference: {doc['uuid']}"), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def render_terms(terms: sqlite3.Row) -> bytes:
    pdf = _new_pdf(terms["title"])
    pdf.set_font("Helvetica", "B", 13)
    pdf.cell(0, 8, _t(terms["title"]), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    pdf.cell(0, 5, _t(f"Version {terms['version']}, published {_day(terms['published_at'])}"),
             new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", "", 10)
    pdf.multi_cell(0, 5, _t(terms["body"]))
    return bytes(pdf.output())
