"""The core's persistence: SQLite schema, migrations and one repository module per aggregate.

The boundary is the function module: every repository is a set of plain functions taking a
DB-API connection first and returning rows as mappings (``sqlite3.Row`` or dicts), so a
PostgreSQL store provides modules with the same functions and the domain, services and
facades stay as they are.

- ``db``: connections, the per-thread pool, transactions, time stamps;
  ``migrations``: the versioned schema;
- ``stations``: stations, sites, operators by id/uuid, stations paged;
- ``geo``: the geo index (radius and bounding-box searches; R*Tree + cell counts here,
  PostGIS on PostgreSQL); ``station_filter``: what a search keeps (feature bits);
  ``station_listing``: search pages combining both;
- ``connectors``: connector rows, identity lookups, connection flag;
- ``cards``, ``users``, ``tariffs``, ``documents``, ``settings``: lookups beside the rules
  the domain keeps for those aggregates;
- ``rows``: helpers shared by the modules above and the page type searches return.

Domain functions that are transactional rules (the session state machine, billing, card
and contract rules) run their statements in the domain, inside ``db.transaction``.
"""
