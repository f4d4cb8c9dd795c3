"""Versioned schema migrations for the embedded core's SQLite store.

Each entry is applied once, in order, inside one transaction, and recorded in
``schema_migrations``. Never edit a released migration: append a new one.

Conventions (shared by every part of the core):
- integer primary keys internally; public identifiers are ``uuid`` columns (or, for
  connectors, the integer id rendered as a string) because the documents expose them;
- timestamps are ISO-8601 UTC strings ending in ``Z`` (``services.core.store.db.utcnow``);
- money is stored as REAL in the row's currency, energy as Wh integers on meters and as
  kWh REAL on finished sessions, power in kW.
"""

from __future__ import annotations

import re
from typing import Any

# Feature bits of a station, OR-ed over its connectors (migration 3; the bit meanings are
# documented in services/core/store/stations.py, which reuses this expression). Frozen with
# the migration: a later change needs a new migration that recreates the triggers.
FEATURES_SQL_V3 = """COALESCE(
 (MAX(c.current_type = 'AC') * 1) | (MAX(c.current_type = 'DC') * 2)
 | (MAX(c.max_power_kw <= 22) * 4)
 | (MAX(c.max_power_kw > 22 AND c.max_power_kw < 150) * 8)
 | (MAX(c.max_power_kw >= 150 AND c.max_power_kw < 300) * 16)
 | (MAX(c.max_power_kw >= 300) * 32)
 | (MAX(c.plug_type = 'TYPE2') * 64) | (MAX(c.plug_type = 'CCS') * 128)
 | (MAX(c.plug_type = 'CHADEMO') * 256) | (MAX(c.plug_type = 'SCHUKO') * 512)
 | (MAX(c.free_of_charge <> 0) * 1024) | (MAX(c.simple_status = 'Available') * 2048), 0)"""

# Grid cell of a point: CELL_LAT_STEPS rows per degree of latitude, CELL_LON_STEPS columns
# per degree of longitude; cell id = row * CELL_ROW + column. Migration 4 used 128 x 512;
# migration 5 rebuilt the grid finer (256 x 1024: about 435 m x 70 m in Berlin), which
# measured faster at 1,000,000 stations. services/core/store/stations.py uses these.
CELL_LAT_STEPS = 256
CELL_LON_STEPS = 1024
CELL_ROW = 1 << 19  # > 360 * CELL_LON_STEPS


def expand_cells(sql: str, lat_steps: int = CELL_LAT_STEPS, lon_steps: int = CELL_LON_STEPS,
                 row: int = CELL_ROW) -> str:  # fmt: skip
    """Expand CELL(lat, lon) into its SQL expression (no SQL functions needed)."""
    return re.sub(
        r"\bCELL\(([^,()]+), ([^,()]+)\)",
        lambda m: (
            f"(CAST(({m.group(1)} + 90.0) * {lat_steps} AS INTEGER) * {row}"
            f" + CAST(({m.group(2)} + 180.0) * {lon_steps} AS INTEGER))"
        ),
        sql,
    )


_M4_SQL = """
CREATE TABLE station_cells (
    cell INTEGER NOT NULL,
    station_id INTEGER NOT NULL,
    latitude REAL NOT NULL,
    longitude REAL NOT NULL,
    PRIMARY KEY (cell, station_id)
) WITHOUT ROWID;

CREATE TABLE station_cell_counts (
    cell INTEGER PRIMARY KEY,
    n INTEGER NOT NULL
);

INSERT INTO station_cells(cell, station_id, latitude, longitude)
SELECT CELL(latitude, longitude), id, latitude, longitude FROM stations;

INSERT INTO station_cell_counts(cell, n)
SELECT cell, COUNT(*) FROM station_cells GROUP BY cell;

CREATE TRIGGER stations_cells_insert AFTER INSERT ON stations BEGIN
    INSERT INTO station_cells(cell, station_id, latitude, longitude)
    VALUES (CELL(NEW.latitude, NEW.longitude), NEW.id, NEW.latitude, NEW.longitude);
    INSERT INTO station_cell_counts(cell, n) VALUES (CELL(NEW.latitude, NEW.longitude), 1)
    ON CONFLICT(cell) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER stations_cells_delete AFTER DELETE ON stations BEGIN
    DELETE FROM station_cells
    WHERE cell = CELL(OLD.latitude, OLD.longitude) AND station_id = OLD.id;
    UPDATE station_cell_counts SET n = n - 1 WHERE cell = CELL(OLD.latitude, OLD.longitude);
END;

CREATE TRIGGER stations_cells_update AFTER UPDATE OF latitude, longitude ON stations BEGIN
    DELETE FROM station_cells
    WHERE cell = CELL(OLD.latitude, OLD.longitude) AND station_id = OLD.id;
    UPDATE station_cell_counts SET n = n - 1 WHERE cell = CELL(OLD.latitude, OLD.longitude);
    INSERT INTO station_cells(cell, station_id, latitude, longitude)
    VALUES (CELL(NEW.latitude, NEW.longitude), NEW.id, NEW.latitude, NEW.longitude);
    INSERT INTO station_cell_counts(cell, n) VALUES (CELL(NEW.latitude, NEW.longitude), 1)
    ON CONFLICT(cell) DO UPDATE SET n = n + 1;
END;
"""


_M8_SQL = """
-- Every session of one login shares a family: replaying a rotated refresh token revokes
-- the whole family (the thief's copy and the owner's newer one alike).
ALTER TABLE auth_sessions ADD COLUMN family_id INTEGER;
UPDATE auth_sessions SET family_id = id;
CREATE INDEX auth_sessions_family ON auth_sessions(family_id);

-- Wrong passwords per (account, client address): a stranger's guesses slow down only the
-- stranger; services/core/domain/auth.py holds the rules.
CREATE TABLE login_failures (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    source TEXT NOT NULL,
    failures INTEGER NOT NULL,
    blocked_until TEXT,
    last_failure_at TEXT NOT NULL,
    PRIMARY KEY (user_id, source)
) WITHOUT ROWID;

-- Addresses an account signed in from with the right password: they pass an account-wide
-- lock that a distributed guessing attack triggers.
CREATE TABLE login_sources (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    source TEXT NOT NULL,
    last_success_at TEXT NOT NULL,
    PRIMARY KEY (user_id, source)
) WITHOUT ROWID;

-- Single-use tokens sent to an account's e-mail address (reactivation); only sha256 kept.
CREATE TABLE account_tokens (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    expires_at TEXT NOT NULL,
    used_at TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX account_tokens_user ON account_tokens(user_id, purpose);
"""


def _accounts_v8(conn: Any) -> None:
    # Python, not only SQL: bank details written before sealing existed are encrypted in
    # place, in the same transaction as the schema change.
    from services.core.domain.field_crypto import seal_existing

    for statement in _M8_SQL.split(";\n"):
        if statement.strip():
            conn.execute(statement)
    seal_existing(conn)


def _rename_json_keys(table: str, column: str, names: dict[str, str]) -> str:
    """SQL renaming top-level keys of the JSON objects in ``table.column``."""
    return "".join(
        f"UPDATE {table} SET {column} = json_remove(json_set({column}, '$.{new}',"
        f" json({column} -> '$.{old}')), '$.{old}')"
        f" WHERE json_valid({column}) AND json_type({column}, '$.{old}') IS NOT NULL;\n"
        for old, new in names.items()
    )


MIGRATIONS: list[tuple[int, str, Any]] = [
    (
        1,
        "stations, users, cards, sessions",
        """
CREATE TABLE operators (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    party_id TEXT NOT NULL,            -- eMI3 operator id part, e.g. VOL in DE*VOL
    country TEXT NOT NULL,             -- ISO alpha-2
    phone TEXT, email TEXT, website TEXT
);

CREATE TABLE tariffs (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    currency TEXT NOT NULL DEFAULT 'EUR',
    start_fee REAL NOT NULL DEFAULT 0,       -- gross
    per_kwh REAL NOT NULL DEFAULT 0,         -- gross
    per_minute REAL NOT NULL DEFAULT 0,      -- gross, while connected
    parking_per_minute REAL NOT NULL DEFAULT 0, -- gross, after charging ended
    parking_grace_minutes INTEGER NOT NULL DEFAULT 0,
    tax_rate REAL NOT NULL DEFAULT 19.0      -- percent, included in the gross prices
);

CREATE TABLE rate_options (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    description TEXT,
    tariff_id INTEGER NOT NULL REFERENCES tariffs(id),
    monthly_fee REAL NOT NULL DEFAULT 0,
    for_contracts INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE rate_packages (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    rate_option_id INTEGER NOT NULL REFERENCES rate_options(id),
    amount REAL NOT NULL,               -- gross price of the package
    visible_runtime INTEGER NOT NULL,   -- minutes shown to the driver
    automatic_stop INTEGER              -- minutes after which the session stops by itself
);

CREATE TABLE sites (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    operator_id INTEGER NOT NULL REFERENCES operators(id),
    address TEXT, zip TEXT, city TEXT,
    country TEXT NOT NULL,              -- ISO alpha-3, as Cp.country documents
    latitude REAL NOT NULL,
    longitude REAL NOT NULL,
    location_type TEXT NOT NULL DEFAULT 'SITE'
);

CREATE TABLE stations (
    id INTEGER PRIMARY KEY,             -- also the R*Tree id
    uuid TEXT NOT NULL UNIQUE,          -- Cp.id and the OCPP charge point identity
    site_id INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    operator_id INTEGER NOT NULL REFERENCES operators(id),
    label TEXT NOT NULL,
    public_name TEXT,
    address TEXT, zip TEXT, city TEXT,
    country TEXT NOT NULL,              -- ISO alpha-3
    latitude REAL NOT NULL,
    longitude REAL NOT NULL,
    access_type TEXT NOT NULL DEFAULT 'INTERNAL',
    opening_hours TEXT,                 -- JSON {twentyfourseven, regular:[...], exceptional:[...]}
    images TEXT,                        -- JSON list of asset names served under /images/
    occupancy_profile INTEGER NOT NULL DEFAULT 0,
    ocpp_status TEXT,
    calculated_status TEXT,
    simple_status TEXT NOT NULL DEFAULT 'UNKNOWN',
    ocpp_password_hash TEXT,            -- optional Basic auth (security profile 1)
    vendor TEXT, model TEXT, firmware TEXT,
    connected INTEGER NOT NULL DEFAULT 0,
    last_seen TEXT
);
CREATE INDEX stations_site ON stations(site_id);

CREATE VIRTUAL TABLE station_rtree USING rtree(id, min_lat, max_lat, min_lon, max_lon);

CREATE TABLE connectors (
    id INTEGER PRIMARY KEY,             -- Connector.id (as string on the wire)
    station_id INTEGER NOT NULL REFERENCES stations(id) ON DELETE CASCADE,
    sort_order INTEGER NOT NULL,        -- OCPP connectorId
    evse_id TEXT NOT NULL UNIQUE,       -- eMI3 form, e.g. DE*VOL*E1234*1
    label TEXT,
    plug_type TEXT NOT NULL,            -- TYPE2 | CCS | CHADEMO | SCHUKO
    current_type TEXT NOT NULL,         -- AC | DC
    max_power_kw REAL NOT NULL,
    tariff_id INTEGER REFERENCES tariffs(id),
    free_of_charge INTEGER NOT NULL DEFAULT 0,
    ocpp_status TEXT,
    calculated_status TEXT,
    simple_status TEXT NOT NULL DEFAULT 'UNKNOWN',
    status_since TEXT,
    UNIQUE (station_id, sort_order)
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    email TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT NOT NULL,        -- scrypt$N$r$p$salt$hash
    first_name TEXT, last_name TEXT, gender TEXT, phone TEXT, mobile TEXT,
    street TEXT, zip TEXT, city TEXT, state TEXT, country TEXT,
    language TEXT NOT NULL DEFAULT 'en',
    additional_fields TEXT,             -- JSON
    email_verified INTEGER NOT NULL DEFAULT 0,
    terms_accepted TEXT,                -- uuid of accepted terms
    active INTEGER NOT NULL DEFAULT 1,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT,
    created_at TEXT NOT NULL
);

CREATE TABLE auth_sessions (
    id INTEGER PRIMARY KEY,
    user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,  -- NULL: anonymous
    token_hash TEXT NOT NULL UNIQUE,    -- sha256 of the bearer token; tokens are never stored
    refresh_hash TEXT UNIQUE,
    expires_at TEXT NOT NULL,
    refresh_expires_at TEXT,
    revoked INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE INDEX auth_sessions_user ON auth_sessions(user_id);

CREATE TABLE cards (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    tag_id TEXT NOT NULL UNIQUE,        -- RFID UID, hex upper case
    number TEXT NOT NULL,
    label TEXT,
    card_type TEXT NOT NULL,            -- CardType enum value
    status TEXT NOT NULL,               -- ACTIVE | INACTIVE
    expiry_date TEXT,
    rate_option_id INTEGER REFERENCES rate_options(id),
    billing_contact_id TEXT,
    customer_reference TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX cards_user ON cards(user_id);

CREATE TABLE favourites (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    station_id INTEGER NOT NULL REFERENCES stations(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, station_id)
);

CREATE TABLE contracts (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,                 -- SEPA | POSTPAID
    rate_option_id INTEGER REFERENCES rate_options(id),
    iban TEXT, bic TEXT, account_holder TEXT,
    data TEXT,                          -- JSON of the remaining documented fields
    status TEXT NOT NULL DEFAULT 'ACTIVE',
    created_at TEXT NOT NULL
);

CREATE TABLE payment_methods (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    network TEXT NOT NULL, display_label TEXT NOT NULL, holder TEXT,
    expiry_month INTEGER, expiry_year INTEGER,
    customer_reference TEXT,
    status TEXT NOT NULL DEFAULT 'ACTIVE',
    created_at TEXT NOT NULL
);

CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,             -- also the OCPP transactionId
    uuid TEXT NOT NULL UNIQUE,          -- Chargelog.id
    user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,  -- NULL: other drivers
    card_id INTEGER REFERENCES cards(id) ON DELETE SET NULL,
    connector_id INTEGER NOT NULL REFERENCES connectors(id),
    station_id INTEGER NOT NULL REFERENCES stations(id),
    state TEXT NOT NULL,                -- requested|accepted|charging|stopping|finished|failed
    auth_id TEXT NOT NULL,              -- tag id used
    auth_type TEXT,
    date_start TEXT, date_end TEXT,
    charging_end TEXT,                  -- when energy stopped flowing (parking starts)
    meter_start INTEGER, meter_end INTEGER,   -- Wh
    energy_kwh REAL,
    co2_kg REAL,
    tariff_snapshot TEXT,               -- JSON of the tariff in force at start
    rate_name TEXT,
    currency TEXT,
    cost_total REAL, cost_net REAL, cost_tax REAL,
    stop_minutes INTEGER,
    stop_reason TEXT,
    failure_reason TEXT,
    invoiced INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
CREATE INDEX sessions_user_start ON sessions(user_id, date_start);
CREATE INDEX sessions_connector_state ON sessions(connector_id, state);
CREATE INDEX sessions_station_start ON sessions(station_id, date_start);

CREATE TABLE session_cost_items (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    description TEXT NOT NULL,
    net_amount REAL NOT NULL,
    tax_rate REAL NOT NULL,
    tax_amount REAL NOT NULL,
    gross_amount REAL NOT NULL
);
CREATE INDEX session_cost_items_session ON session_cost_items(session_id);

CREATE TABLE meter_values (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    ts TEXT NOT NULL,
    energy_wh INTEGER,
    power_w REAL,
    soc REAL
);
CREATE INDEX meter_values_session ON meter_values(session_id, ts);

CREATE TABLE remote_start_attempts (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    connector_id INTEGER NOT NULL REFERENCES connectors(id),
    card_id INTEGER REFERENCES cards(id),
    tag_id TEXT NOT NULL,
    status TEXT NOT NULL,
    is_failure INTEGER NOT NULL DEFAULT 0,
    failure_reason TEXT,
    session_id INTEGER REFERENCES sessions(id),
    config TEXT,                        -- JSON AttemptRemoteStartConfig
    last_sent_at TEXT,
    created_at TEXT NOT NULL
);

CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    doc_type TEXT NOT NULL,             -- accountDocumentType enum value
    title TEXT NOT NULL,
    document_date TEXT NOT NULL,
    period_start TEXT, period_end TEXT, -- invoices cover the sessions in this period
    created_at TEXT NOT NULL
);
CREATE INDEX documents_user ON documents(user_id, document_date);

-- Occupancy derived from history: share of time (0..1) a station was occupied,
-- per weekday (0=Monday) and hour. Recomputed from sessions; seeded by the demo generator.
CREATE TABLE occupancy (
    station_id INTEGER NOT NULL REFERENCES stations(id) ON DELETE CASCADE,
    weekday INTEGER NOT NULL,
    hour INTEGER NOT NULL,
    rate REAL NOT NULL,
    PRIMARY KEY (station_id, weekday, hour)
) WITHOUT ROWID;

CREATE TABLE terms (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    language TEXT NOT NULL,
    version TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    published_at TEXT NOT NULL
);

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
""",
    ),
    (
        2,
        "account: profile fields, soft delete, payment transactions, default terms",
        """
-- Contact fields the documents expose that have no column of their own
-- (isCompany, vat, fax, title, birthday, companyId) live in this JSON object.
ALTER TABLE users ADD COLUMN profile TEXT;
ALTER TABLE users ADD COLUMN updated_at TEXT;
-- deleteContact deactivates (active = 0) and stamps this; reactivateUser undoes it.
ALTER TABLE users ADD COLUMN deactivated_at TEXT;

-- A hosted payment page visit: registering a payment method (kind REGISTER) or paying
-- for one charging session up front (kind DIRECT_CHARGING). The uuid is the
-- OptileTransaction.id and the directPaymentChargingStatus transactionId.
CREATE TABLE payment_transactions (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,                 -- REGISTER | DIRECT_CHARGING
    status TEXT NOT NULL,               -- OPEN | PAID | STARTED | FAILED | CANCELLED
    message TEXT,
    rate_option_id INTEGER REFERENCES rate_options(id),
    rate_package_id INTEGER REFERENCES rate_packages(id),
    connector_id INTEGER REFERENCES connectors(id),
    card_id INTEGER REFERENCES cards(id) ON DELETE SET NULL,
    customer_reference TEXT,
    amount REAL,
    currency TEXT,
    payment_method_id INTEGER REFERENCES payment_methods(id) ON DELETE SET NULL,
    session_id INTEGER REFERENCES sessions(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX payment_transactions_user ON payment_transactions(user_id);

INSERT INTO terms(uuid, language, version, title, body, published_at)
SELECT 'c0a8e4b2-6d1f-4c1e-9b7a-2f1d3e4a5b60', 'en', '2026-01', 'Voltra terms of use',
       'These terms govern the use of the Voltra charging service. Charging sessions are'
       || ' billed at the rate shown before the start. Invoices are issued monthly.',
       '2026-01-01T00:00:00.000Z'
WHERE NOT EXISTS (SELECT 1 FROM terms WHERE language = 'en');
INSERT INTO terms(uuid, language, version, title, body, published_at)
SELECT 'c0a8e4b2-6d1f-4c1e-9b7a-2f1d3e4a5b61', 'de', '2026-01', 'Voltra Nutzungsbedingungen',
       'Diese Bedingungen regeln die Nutzung des Voltra-Ladedienstes. Ladevorgaenge werden'
       || ' zum vor dem Start angezeigten Tarif abgerechnet. Rechnungen erscheinen monatlich.',
       '2026-01-01T00:00:00.000Z'
WHERE NOT EXISTS (SELECT 1 FROM terms WHERE language = 'de');
""",
    ),
    (
        3,
        "station search: R*Tree with feature bits and operator, kept current by triggers",
        # H2 (core-data). The R*Tree is rebuilt with auxiliary columns so filtered searches
        # never join stations/connectors per candidate (see services/core/store/stations.py).
        # Triggers maintain it: nobody inserts into station_rtree by hand any more.
        """
DROP TABLE station_rtree;

CREATE VIRTUAL TABLE station_rtree USING rtree(
    id, min_lat, max_lat, min_lon, max_lon, +features INTEGER, +operator_id INTEGER
);

INSERT INTO station_rtree(id, min_lat, max_lat, min_lon, max_lon, features, operator_id)
SELECT id, latitude, latitude, longitude, longitude, 0, operator_id FROM stations;

CREATE TRIGGER stations_rtree_insert AFTER INSERT ON stations BEGIN
    INSERT INTO station_rtree(id, min_lat, max_lat, min_lon, max_lon, features, operator_id)
    VALUES (NEW.id, NEW.latitude, NEW.latitude, NEW.longitude, NEW.longitude, 0,
            NEW.operator_id);
END;

CREATE TRIGGER stations_rtree_update AFTER UPDATE OF latitude, longitude, operator_id
ON stations BEGIN
    UPDATE station_rtree SET min_lat = NEW.latitude, max_lat = NEW.latitude,
        min_lon = NEW.longitude, max_lon = NEW.longitude, operator_id = NEW.operator_id
    WHERE id = NEW.id;
END;

CREATE TRIGGER stations_rtree_delete AFTER DELETE ON stations BEGIN
    DELETE FROM station_rtree WHERE id = OLD.id;
END;

CREATE TRIGGER connectors_features_insert AFTER INSERT ON connectors BEGIN
    UPDATE station_rtree SET features = (SELECT FEATURES FROM connectors c
        WHERE c.station_id = NEW.station_id) WHERE id = NEW.station_id;
END;

CREATE TRIGGER connectors_features_update AFTER UPDATE OF current_type, max_power_kw,
    plug_type, free_of_charge, simple_status, station_id ON connectors BEGIN
    UPDATE station_rtree SET features = (SELECT FEATURES FROM connectors c
        WHERE c.station_id = NEW.station_id) WHERE id = NEW.station_id;
    UPDATE station_rtree SET features = (SELECT FEATURES FROM connectors c
        WHERE c.station_id = OLD.station_id) WHERE id = OLD.station_id
        AND OLD.station_id <> NEW.station_id;
END;

CREATE TRIGGER connectors_features_delete AFTER DELETE ON connectors BEGIN
    UPDATE station_rtree SET features = (SELECT FEATURES FROM connectors c
        WHERE c.station_id = OLD.station_id) WHERE id = OLD.station_id;
END;

UPDATE station_rtree SET features = (SELECT FEATURES FROM connectors c
    WHERE c.station_id = station_rtree.id);
""".replace("FEATURES", FEATURES_SQL_V3),
    ),
    (
        4,
        "station search: grid of station counts for exact radius counts at scale",
        # H2 (core-data). Counting the stations inside a circle row by row costs time in
        # proportion to how many there are; with per-cell counts it costs in proportion to
        # the circle's edge. Cells: 1/128 degree of latitude x 1/512 degree of longitude
        # (about 870 m x 135 m in Berlin); cell id = lat index * 262144 + lon index.
        # station_cells also keeps the exact coordinates, clustered by cell, for the edge.
        # Triggers keep both current; services/core/store/stations.py reads them.
        expand_cells(_M4_SQL, 128, 512, 262144),
    ),
    (
        5,
        "station search: finer grid (256 x 1024 cells per degree)",
        # H2 (core-data): same tables and triggers as migration 4, rebuilt with the finer
        # cells of CELL_LAT_STEPS / CELL_LON_STEPS.
        """
DROP TRIGGER stations_cells_insert;
DROP TRIGGER stations_cells_delete;
DROP TRIGGER stations_cells_update;
DROP TABLE station_cells;
DROP TABLE station_cell_counts;
"""
        + expand_cells(_M4_SQL, 256, 1024, 1 << 19),
    ),
    (
        6,
        "charging: one active session per connector, attempt deadlines",
        """
-- The database itself guarantees one active session per connector: two drivers racing
-- for the same connector cannot both get a session row, whatever the API layer does.
CREATE UNIQUE INDEX sessions_one_active_per_connector ON sessions(connector_id)
    WHERE state IN ('requested', 'accepted', 'charging', 'stopping');
CREATE INDEX sessions_active ON sessions(state)
    WHERE state IN ('requested', 'accepted', 'charging', 'stopping');
ALTER TABLE sessions ADD COLUMN updated_at TEXT;
ALTER TABLE sessions ADD COLUMN rate_package_id INTEGER REFERENCES rate_packages(id);
ALTER TABLE remote_start_attempts ADD COLUMN expires_at TEXT;  -- fail when no start by then
ALTER TABLE remote_start_attempts ADD COLUMN updated_at TEXT;
CREATE INDEX remote_start_attempts_session ON remote_start_attempts(session_id);
CREATE INDEX remote_start_attempts_status ON remote_start_attempts(status);
""",
    ),
    (
        7,
        "partners of the partner APIs: credentials (hashed), OAuth clients, members, keys",
        """
-- A partner is one client organisation of one partner API (GP JOULE key holder, Wirelane
-- organisation, AMPECO operator, OIOI OEM or CPO). It sees only its members' data.
CREATE TABLE partners (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    api TEXT NOT NULL CHECK (api IN ('gpjoule', 'wirelane', 'ampeco', 'plugsurfing')),
    name TEXT NOT NULL,
    role TEXT CHECK (role IN ('oem', 'cpo')),    -- OIOI only
    organisation TEXT,                           -- as its API names it, e.g. DEMOTENANT
    operator_id INTEGER REFERENCES operators(id) ON DELETE SET NULL,
    demo INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    UNIQUE (api, name)
);
CREATE INDEX partners_operator ON partners(operator_id);
CREATE UNIQUE INDEX partners_api_organisation ON partners(api, organisation)
    WHERE organisation IS NOT NULL;

-- API keys/tokens and OAuth clients. Only HMAC-SHA256(pepper, secret) is stored; the
-- prefix (a few leading characters) lets a person tell keys apart.
CREATE TABLE partner_credentials (
    id INTEGER PRIMARY KEY,
    public_id TEXT NOT NULL UNIQUE,
    partner_id INTEGER NOT NULL REFERENCES partners(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('api_key', 'oauth_client')),
    client_id TEXT UNIQUE,                       -- oauth_client only; public
    secret_hash TEXT NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    scopes TEXT NOT NULL DEFAULT '',             -- space separated
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT,
    CHECK ((kind = 'oauth_client') = (client_id IS NOT NULL))
);
CREATE INDEX partner_credentials_partner ON partner_credentials(partner_id);

-- Users a partner may see (GP JOULE contacts, Wirelane members, AMPECO users, OIOI users);
-- admin marks an organisation's administrators (Wirelane password grant).
CREATE TABLE partner_members (
    partner_id INTEGER NOT NULL REFERENCES partners(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    admin INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    PRIMARY KEY (partner_id, user_id)
) WITHOUT ROWID;
CREATE INDEX partner_members_user ON partner_members(user_id);

-- The database's own secrets for partner access (credential pepper, JWT signing key):
-- generated on first use, never in code. Kept apart from ``settings``, which the
-- be.ENERGISED ``settings`` query serves.
CREATE TABLE partner_keys (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    created_at TEXT NOT NULL
);
""",
    ),
    (
        8,
        "accounts: refresh token families, sign-in throttling by source, e-mailed tokens,"
        " sealed bank fields",
        _accounts_v8,
    ),
    (
        9,
        "stored JSON uses the domain's names, not one API's",
        # users.profile, contracts.data and remote_start_attempts.config were written with
        # be.ENERGISED input names; rename them so every facade reads the same vocabulary.
        _rename_json_keys("users", "profile", {
            "isCompany": "is_company", "companyId": "company_id",
            "suspendedCards": "suspended_cards"})
        + _rename_json_keys("contracts", "data", {
            "customerReference": "customer_reference", "debitType": "debit_type",
            "useParent": "use_parent", "mandateReference": "mandate_reference",
            "signedAt": "signed_at"})
        + _rename_json_keys("remote_start_attempts", "config", {
            "ratePackage": "rate_package", "validUntil": "valid_until",
            "stopMinutes": "stop_minutes", "markedAsInvoiced": "invoiced"}),
    ),
    (
        10,
        "ocpp: per-session transaction ids that cannot be guessed across chargers",
        """
-- The OCPP transactionId a charger is told (random, unique) instead of the sequential
-- session id: a charger can only name transactions it was given. Sessions already running
-- keep their id, which their charger already holds.
ALTER TABLE sessions ADD COLUMN ocpp_tx_id INTEGER;
UPDATE sessions SET ocpp_tx_id = id
    WHERE state IN ('requested', 'accepted', 'charging', 'stopping');
CREATE UNIQUE INDEX sessions_ocpp_tx ON sessions(ocpp_tx_id) WHERE ocpp_tx_id IS NOT NULL;
""",
    ),
    (
        11,
        "organisations' own connectors (label codes, reservability, authentication types,"
        " groups), webhooks and their deliveries",
        """
-- A connector's label code (the technical id printed on it), where one was given; others
-- are known by '<station uuid>-<sort order>'.
ALTER TABLE connectors ADD COLUMN code TEXT;
CREATE UNIQUE INDEX connectors_code ON connectors(code) WHERE code IS NOT NULL;
ALTER TABLE connectors ADD COLUMN reservable INTEGER NOT NULL DEFAULT 0;
-- Space separated: card remote direct nfc_terminal. NULL: card and remote.
ALTER TABLE connectors ADD COLUMN auth_types TEXT;
-- JSON of descriptive fields without a column: serial_number, voltage, current,
-- payment_url, timezone, service_hotline.
ALTER TABLE connectors ADD COLUMN details TEXT;
ALTER TABLE connectors ADD COLUMN created_at TEXT;
ALTER TABLE connectors ADD COLUMN updated_at TEXT;

-- Groups an organisation sorts its connectors into.
CREATE TABLE connector_groups (
    connector_id INTEGER NOT NULL REFERENCES connectors(id) ON DELETE CASCADE,
    group_id TEXT NOT NULL,
    name TEXT,
    PRIMARY KEY (connector_id, group_id)
) WITHOUT ROWID;
CREATE INDEX connector_groups_group ON connector_groups(group_id);

-- Callback URLs a partner registered for events; deliveries are signed with the secret
-- (shown to the partner once).
CREATE TABLE webhooks (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    partner_id INTEGER NOT NULL REFERENCES partners(id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    events TEXT NOT NULL,                -- space separated event names
    secret TEXT NOT NULL,                -- sealed (field_crypto): needed to sign, never shown
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
CREATE INDEX webhooks_partner ON webhooks(partner_id);

CREATE TABLE webhook_deliveries (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    webhook_id INTEGER NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    event TEXT NOT NULL,
    dedupe_key TEXT NOT NULL,            -- one delivery per webhook and happening
    payload TEXT NOT NULL,               -- JSON as sent
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,                -- NULL once delivered or given up
    delivered_at TEXT,
    last_error TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (webhook_id, dedupe_key)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at)
    WHERE next_attempt_at IS NOT NULL;
""",
    ),
    (
        12,
        "partner user tokens and user names (partner APIs that sign users in for an app)",
        """
-- A token a partner API hands out when one of its users signs in or registers through it
-- (OIOI user-verify / user-register). It works for that partner only; sha256 stored.
CREATE TABLE partner_user_tokens (
    id INTEGER PRIMARY KEY,
    partner_id INTEGER NOT NULL REFERENCES partners(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX partner_user_tokens_user ON partner_user_tokens(user_id);

-- A name a user chose to sign in with besides the e-mail address (OIOI user-register).
ALTER TABLE users ADD COLUMN username TEXT COLLATE NOCASE;
CREATE UNIQUE INDEX users_username ON users(username) WHERE username IS NOT NULL;
""",
    ),
    (
        13,
        "what partners push: their identifiers, stations, sessions and RFID whitelists",
        """
-- Identifiers a partner chose to speak for itself or others it acts for (OIOI
-- "partner identifier"); the first partner to use one owns it.
CREATE TABLE partner_identifiers (
    identifier TEXT PRIMARY KEY,
    partner_id INTEGER NOT NULL REFERENCES partners(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL
) WITHOUT ROWID;

-- Stations a partner pushed (OIOI station-post): whose, their id there, the static data
-- without a column of their own (JSON), when it last changed, and a soft delete.
ALTER TABLE stations ADD COLUMN partner_id INTEGER REFERENCES partners(id) ON DELETE SET NULL;
ALTER TABLE stations ADD COLUMN external_id TEXT;
ALTER TABLE stations ADD COLUMN details TEXT;
ALTER TABLE stations ADD COLUMN static_changed_at TEXT;
ALTER TABLE stations ADD COLUMN deleted_at TEXT;
CREATE UNIQUE INDEX stations_partner_external ON stations(partner_id, external_id)
    WHERE external_id IS NOT NULL;

-- Sessions a partner reported (OIOI session-post CDRs), by their id there.
ALTER TABLE sessions ADD COLUMN partner_id INTEGER REFERENCES partners(id) ON DELETE SET NULL;
ALTER TABLE sessions ADD COLUMN external_id TEXT;
CREATE UNIQUE INDEX sessions_partner_external ON sessions(partner_id, external_id)
    WHERE external_id IS NOT NULL;

-- RFID UIDs a partner allows at the core's chargers (OIOI rfid-post: each push replaces
-- that identifier's list).
CREATE TABLE partner_rfids (
    identifier TEXT NOT NULL REFERENCES partner_identifiers(identifier) ON DELETE CASCADE,
    uid TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (identifier, uid)
) WITHOUT ROWID;
CREATE INDEX partner_rfids_uid ON partner_rfids(uid);
""",
    ),
    (
        14,
        "reservations of connectors, and stop conditions of sessions",
        """
-- A driver's hold on one connector for a while (OCPP ReserveNow). The id is the OCPP
-- reservationId. The charger's answer decides whether it holds (accepted) or not (failed);
-- it ends expired, cancelled, or used by the session it let start.
CREATE TABLE reservations (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    card_id INTEGER REFERENCES cards(id) ON DELETE SET NULL,
    tag_id TEXT NOT NULL,                 -- idTag sent in ReserveNow
    parent_tag TEXT,                      -- parentIdTag: any card of the same driver
    station_id INTEGER NOT NULL REFERENCES stations(id) ON DELETE CASCADE,
    connector_id INTEGER NOT NULL REFERENCES connectors(id) ON DELETE CASCADE,
    minutes INTEGER NOT NULL,
    status TEXT NOT NULL,                 -- pending|accepted|expired|cancelled|used|failed
    charger_answer TEXT,                  -- ReserveNow status as the charger sent it
    failure_reason TEXT,
    session_id INTEGER REFERENCES sessions(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    ended_at TEXT,
    updated_at TEXT NOT NULL
);
CREATE INDEX reservations_user ON reservations(user_id, created_at);
CREATE INDEX reservations_station ON reservations(station_id, status);
-- The database itself refuses a second open reservation on one connector.
CREATE UNIQUE INDEX reservations_open_per_connector ON reservations(connector_id)
    WHERE status IN ('pending', 'accepted');
CREATE INDEX reservations_open_expiry ON reservations(expires_at)
    WHERE status IN ('pending', 'accepted');

-- Limits a driver set at start (JSON of StopConditions) and the one that ended it.
ALTER TABLE sessions ADD COLUMN limits TEXT;
ALTER TABLE sessions ADD COLUMN limit_reached TEXT;
CREATE INDEX sessions_limited ON sessions(state) WHERE limits IS NOT NULL;
""",
    ),
    (
        15,
        "offers: what each API (or partner of it) covers and how it prices a connector",
        """
-- One offer per audience: an API's own (partner_id NULL) or one partner's of that API.
-- NULL fixed prices derive from the station's tariff raised by markup_percent.
CREATE TABLE offers (
    id INTEGER PRIMARY KEY,
    api TEXT NOT NULL,
    partner_id INTEGER REFERENCES partners(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    covers_everything INTEGER NOT NULL DEFAULT 0,
    markup_percent REAL NOT NULL DEFAULT 0,
    currency TEXT NOT NULL DEFAULT 'EUR',   -- of the fixed prices
    start_fee REAL,
    per_kwh REAL,
    per_minute REAL,
    parking_per_minute REAL
);
CREATE UNIQUE INDEX offers_audience ON offers(api, IFNULL(partner_id, 0));

-- Operators an offer covers (excluded = 0) or leaves out even where it covers the rest.
CREATE TABLE offer_operators (
    offer_id INTEGER NOT NULL REFERENCES offers(id) ON DELETE CASCADE,
    operator_id INTEGER NOT NULL REFERENCES operators(id) ON DELETE CASCADE,
    excluded INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (offer_id, operator_id)
) WITHOUT ROWID;

CREATE TABLE offer_regions (
    id INTEGER PRIMARY KEY,
    offer_id INTEGER NOT NULL REFERENCES offers(id) ON DELETE CASCADE,
    south REAL NOT NULL, west REAL NOT NULL, north REAL NOT NULL, east REAL NOT NULL
);
CREATE INDEX offer_regions_offer ON offer_regions(offer_id);

CREATE TABLE offer_stations (
    offer_id INTEGER NOT NULL REFERENCES offers(id) ON DELETE CASCADE,
    station_id INTEGER NOT NULL REFERENCES stations(id) ON DELETE CASCADE,
    PRIMARY KEY (offer_id, station_id)
) WITHOUT ROWID;
CREATE INDEX offer_stations_station ON offer_stations(station_id);
""",
    ),
    (
        16,
        "stations listed by operator",
        """
-- An operator's stations in id order: what an operator-scoped API lists a page at a time
-- (at 100,000 stations the first page read every station before).
CREATE INDEX stations_operator ON stations(operator_id, id);
""",
    ),
    (
        17,
        "cards and hosted payments know the API (and partner) they were made through",
        """
-- A card is billed, when tapped at a charger, at the offer of the API that issued it; a
-- paid hosted page at the offer of the API that opened it. Cards from before were issued
-- by the driver API, except OIOI charging keys (those of the user's OIOI OEM partner);
-- hosted direct payments were only ever opened by the driver API.
ALTER TABLE cards ADD COLUMN api TEXT NOT NULL DEFAULT 'beenergised';
ALTER TABLE cards ADD COLUMN partner_id INTEGER REFERENCES partners(id) ON DELETE SET NULL;
UPDATE cards SET api = 'plugsurfing', partner_id = (
    SELECT MIN(m.partner_id) FROM partner_members m JOIN partners p ON p.id = m.partner_id
    WHERE m.user_id = cards.user_id AND p.api = 'plugsurfing' AND p.role = 'oem')
    WHERE card_type = 'emsp' AND label = 'Charging key';
ALTER TABLE payment_transactions ADD COLUMN api TEXT NOT NULL DEFAULT 'beenergised';
ALTER TABLE payment_transactions ADD COLUMN partner_id INTEGER
    REFERENCES partners(id) ON DELETE SET NULL;
""",
    ),
]
