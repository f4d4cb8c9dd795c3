"""Pages the core serves to people (not to API clients): the payment page and documents."""
