"""Unified Communications bulk HTTP API: SMS (text, flash, unicode), scheduling, delivery reports."""
