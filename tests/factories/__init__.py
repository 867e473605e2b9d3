"""Factories per domain: rows with sensible defaults and traits, added to the current session."""
