"""Fixtures of the orders domain (registered in tests/conftest.py through pytest_plugins)."""
