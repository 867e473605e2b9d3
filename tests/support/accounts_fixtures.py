"""Fixtures of the accounts domain (registered in tests/conftest.py through pytest_plugins)."""
