"""What every provider shares: the start and stop flows, local filtering, search areas,
the OCPI/OCPP vocabulary, a GraphQL transport, the error for an unanswered request and
statistics summed from sessions. Provider packages import this package, never each
other."""
