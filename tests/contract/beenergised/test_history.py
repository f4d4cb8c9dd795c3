"""History over real HTTP: chargelogsPaged (newest first, status filter, time frame,
paging), chargelog, chargingStatistics, chargelogMeterValuesSummary (live while charging),
accountDocument(sPaged) and the invoice PDF download. Sessions are written into the
running core's store with costs computed by the real tariff code."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from services.core.store.db import to_iso, transaction, utcnow
from tests.clients import http
from tests.contract.beenergised.accounts import (
    CHARGELOG,
    CHARGELOGS_PAGED,
    add_meter_values,
    add_session,
    connector,
    db,
    idle_connector,
    new_user,
    user_id,
)
from tests.pdf_text import pdf_text

STATISTICS = """query chargingStatistics($timeframe: TimeFrameFilter) {
  chargingStatistics(timeframe: $timeframe) {
    number
    energyConsumption
    co2Saving
  }
}"""
METER_SUMMARY = """query chargelogMeterValuesSummary($uuid: String!) {
  chargelogMeterValuesSummary(uuid: $uuid) {
    sumEnergy
    updatedAt
    energyLastValue
    energyLastValueTime
    energyUpdatedAt
    energyFirstValue
    energyFirstValueTime
    stateOfChargeLastChanged
    currentPowerLastChanged
    currentPower
    currentStateOfCharge
    initialStateOfCharge
  }
}"""
DOCUMENT = """query accountDocument($id: String) {
  accountDocument(id: $id) {
    id
    type
    title
    documentDate
    downloadLink
  }
}"""
DOCUMENTS_PAGED = """query accountDocumentsPaged($pagination: PaginationFilter) {
  accountDocumentsPaged(pagination: $pagination) {
    pagination { isLastPage offset limit totalCount }
    data { id type title documentDate downloadLink }
  }
}"""

MONTH = datetime(2026, 3, 1, tzinfo=UTC)


def _history(gql, core_db, prefix):
    """A user with 3 finished sessions in March 2026, 1 in April and 1 running now."""
    token, contact = new_user(gql, prefix)
    conn = db(core_db)
    try:
        uid = user_id(conn, contact["id"])
        con = connector(conn)
        finished = [add_session(conn, uid, con, MONTH + timedelta(days=d, hours=8), kwh=k)
                    for d, k in ((2, 10.0), (9, 20.5), (20, 7.25))]
        april = add_session(conn, uid, con, MONTH + timedelta(days=33), kwh=30.0)
        running = add_session(conn, uid, idle_connector(conn),
                              datetime.now(UTC) - timedelta(minutes=20), state="charging")
    finally:
        conn.close()
    return token, contact, con, finished, april, running


def test_chargelogs_paged_filters_and_order(gql, core_db):
    token, _, con, finished, april, running = _history(gql, core_db, "hist")
    page = gql.data(CHARGELOGS_PAGED, {"pagination": {"limit": 2}}, token=token)
    logs = page["chargelogsPaged"]
    assert logs["pagination"] == {"isLastPage": False, "offset": 0, "limit": 2,
                                  "totalCount": 5}
    # newest first: the running one, then April
    assert [c["id"] for c in logs["data"]] == [running[1], april[1]]
    assert logs["data"][0]["status"] == "started"
    assert logs["data"][1]["status"] == "stopped"
    assert logs["data"][1]["connector"]["evseId"] == con["evse_id"]
    assert logs["data"][1]["sessionId"] == str(april[0])

    stopped = gql.data(CHARGELOGS_PAGED, {"filters": {"status": "stopped"}, "type": "contact"},
                       token=token)["chargelogsPaged"]
    assert stopped["pagination"]["totalCount"] == 4
    started = gql.data(CHARGELOGS_PAGED, {"filters": {"status": "started"}},
                       token=token)["chargelogsPaged"]
    assert [c["id"] for c in started["data"]] == [running[1]]

    march = gql.data(CHARGELOGS_PAGED, {"timeframe": {"start": "2026-03-01T00:00:00Z",
                                                      "end": "2026-04-01T00:00:00Z"}},
                     token=token)["chargelogsPaged"]
    assert [c["id"] for c in march["data"]] == [f[1] for f in reversed(finished)]
    bad = gql.error(CHARGELOGS_PAGED, {"timeframe": {"start": "2026-04-01T00:00:00Z",
                                                     "end": "2026-03-01T00:00:00Z"}},
                    token=token)
    assert bad["extensions"]["code"] == "BAD_USER_INPUT" and "timeframe.end" in bad["message"]


def test_chargelog_detail_cost_and_isolation(gql, core_db):
    token, _, _, finished, _, running = _history(gql, core_db, "detail")
    log = gql.data(CHARGELOG, {"id": finished[1][1]}, token=token)["chargelog"]
    assert log["energyConsumption"] == 20.5
    assert log["meterEnd"] - log["meterStart"] == 20500
    assert log["co2Saving"] == round(20.5 * 0.54, 3)
    cost = log["cost"]
    items = cost["costItems"]
    assert items and abs(sum(i["grossAmount"] for i in items) - cost["total"]) < 0.005
    assert abs(sum(i["netAmount"] + i["taxAmount"] for i in items) - cost["total"]) < 0.005
    assert cost["currency"] == "EUR" and cost["grossAmount"] == cost["total"]
    assert any("kWh" in i["description"] for i in items)
    assert log["dateStart"] == "2026-03-10T08:00:00Z"

    live = gql.data(CHARGELOG, {"id": running[1]}, token=token)["chargelog"]
    assert live["status"] == "started" and live["dateEnd"] is None
    assert live["cost"] is not None  # live cost from the tariff snapshot

    other, _ = new_user(gql, "detail-other")
    err = gql.error(CHARGELOG, {"id": finished[1][1]}, token=other)
    assert err["extensions"]["code"] == "NOT_FOUND"
    assert gql.data(CHARGELOGS_PAGED, token=other)["chargelogsPaged"]["data"] == []
    err = gql.error(METER_SUMMARY, {"uuid": running[1]}, token=other)
    assert err["extensions"]["code"] == "NOT_FOUND"


def test_statistics(gql, core_db):
    token, *_ = _history(gql, core_db, "stats")
    all_time = gql.data(STATISTICS, token=token)["chargingStatistics"]
    assert all_time["number"] == 4  # finished only
    assert all_time["energyConsumption"] == 67.75
    march = gql.data(STATISTICS, {"timeframe": {"start": "2026-03-01T00:00:00Z",
                                                "end": "2026-04-01T00:00:00Z"}},
                     token=token)["chargingStatistics"]
    assert march["number"] == 3 and march["energyConsumption"] == 37.75
    assert abs(march["co2Saving"] - 37.75 * 0.54) < 0.01


def test_meter_values_summary_is_live(gql, core_db):
    token, _, _, _, _, running = _history(gql, core_db, "meter")
    sid, suuid = running
    empty = gql.data(METER_SUMMARY, {"uuid": suuid}, token=token)["chargelogMeterValuesSummary"]
    assert empty["sumEnergy"] is None and empty["currentPower"] is None
    t0 = datetime.now(UTC) - timedelta(minutes=15)
    conn = db(core_db)
    try:
        add_meter_values(conn, sid, [(t0, 5000, 11000.0, 40.0),
                                     (t0 + timedelta(minutes=5), 5900, 11000.0, 45.0)])
    finally:
        conn.close()
    first = gql.data(METER_SUMMARY, {"uuid": suuid}, token=token)["chargelogMeterValuesSummary"]
    assert first["sumEnergy"] == 0.9 and first["currentPower"] == 11000
    assert first["initialStateOfCharge"] == 40 and first["currentStateOfCharge"] == 45
    conn = db(core_db)
    try:
        add_meter_values(conn, sid, [(t0 + timedelta(minutes=10), 7100, 7400.0, 51.0)])
    finally:
        conn.close()
    later = gql.data(METER_SUMMARY, {"uuid": suuid}, token=token)["chargelogMeterValuesSummary"]
    assert later["sumEnergy"] == 2.1 and later["currentPower"] == 7400
    assert later["energyLastValue"] == 7.1 and later["energyFirstValue"] == 5.0
    assert later["currentPowerLastChanged"] == later["updatedAt"]
    log = gql.data(CHARGELOG, {"id": suuid}, token=token)["chargelog"]
    assert log["energyConsumption"] == 2.1 and log["meterEnd"] == 7100


def test_invoice_documents_and_pdf(gql, core_db, core_url):
    token, contact, _, finished, _, _ = _history(gql, core_db, "invoice")
    conn = db(core_db)
    try:
        uid = user_id(conn, contact["id"])
        doc_uuid = f"doc-{contact['id'][:8]}"
        with transaction(conn):
            conn.execute(
                "INSERT INTO documents(uuid, user_id, doc_type, title, document_date,"
                " period_start, period_end, created_at) VALUES (?, ?, 'invoice',"
                " 'Invoice March 2026', '2026-04-02T00:00:00.000Z', ?, ?, ?)",
                (doc_uuid, uid, to_iso(MONTH), to_iso(datetime(2026, 4, 1, tzinfo=UTC)),
                 utcnow()))
        totals = conn.execute(
            "SELECT SUM(cost_total), SUM(cost_tax) FROM sessions WHERE uuid IN (?, ?, ?)",
            tuple(f[1] for f in finished)).fetchone()
    finally:
        conn.close()
    page = gql.data(DOCUMENTS_PAGED, token=token)["accountDocumentsPaged"]
    assert page["pagination"]["totalCount"] == 1
    doc = gql.data(DOCUMENT, {"id": doc_uuid}, token=token)["accountDocument"]
    assert doc["type"] == "invoice" and doc["title"] == "Invoice March 2026"
    assert doc["downloadLink"].startswith(f"{core_url}/documents/{doc_uuid}.pdf?")

    pdf = http.get(doc["downloadLink"])
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    text = pdf_text(pdf.content)
    assert "Invoice March 2026" in text
    assert f"{totals[0]:,.2f} EUR" in text  # total amount due = the three March sessions
    assert f"{totals[1]:,.2f} EUR" in text  # their tax
    assert "Sessions: 3" in text

    bare = f"{core_url}/documents/{doc_uuid}.pdf"
    assert http.get(bare).status_code == 401
    assert http.get(bare, headers={"Authorization": f"Bearer {token}"}).status_code == 200
    tampered = re.sub(r"sig=\w+", "sig=" + "0" * 64, doc["downloadLink"])
    assert http.get(tampered).status_code == 403
    expired = re.sub(r"expires=\d+", "expires=1000", doc["downloadLink"])
    assert http.get(expired).status_code == 403

    other, _ = new_user(gql, "invoice-other")
    assert gql.error(DOCUMENT, {"id": doc_uuid}, token=other)["extensions"]["code"] == (
        "NOT_FOUND")
    assert http.get(bare, headers={"Authorization": f"Bearer {other}"}).status_code == 404
    assert gql.data(DOCUMENTS_PAGED, token=other)["accountDocumentsPaged"]["data"] == []
