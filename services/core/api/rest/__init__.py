"""The core's REST facade machinery: the facade's error envelope on every refusal, request
bodies, paging and credentials. Nothing here knows any one API."""
