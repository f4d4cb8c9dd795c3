"""Small reusable Flet controls (thin: no screen logic)."""
