"""What every provider shares: the start and stop flows, local filtering, search areas,
the OCPI/OCPP vocabulary, a GraphQL transport, the error for an unanswered request and
statistics summed from sessions, and the sign-in with an operator's key and the driver's
e-mail. Provider packages import this package, never each other."""
