"""OCPP 1.6J central system of the embedded core (``/ocpp/{chargePointId}``)."""
