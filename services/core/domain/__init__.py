"""The core's domain: neutral entities and rules (stations and status, sessions and their
state machine, tariffs and cost, cards, accounts, contracts, payments, documents). No API's
wire names: facades under ``services.core.api`` render and parse."""
