"""Screen logic and state as plain Python classes, tested without a browser."""
