"""The core's GraphQL facade machinery: execution, limits, loaders, errors, schema building
and the ASGI app factory. Nothing here knows any one API."""
