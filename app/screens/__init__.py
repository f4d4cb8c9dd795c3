"""Thin Flet screens: they draw view-model state and forward taps to view models."""
