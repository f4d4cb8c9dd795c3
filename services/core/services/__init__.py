"""Application services the API facades call: charging over the ChargerGateway port, lookups
of stations/connectors/tariffs, accounts. No wire names here; facades render and parse."""
