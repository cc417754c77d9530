"""Marketer screens, one module per area."""
