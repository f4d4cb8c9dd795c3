"""What every provider shares: the start and stop flows, local filtering, search areas,
the OCPI/OCPP vocabulary and a GraphQL transport. Provider packages import this package,
never each other."""
