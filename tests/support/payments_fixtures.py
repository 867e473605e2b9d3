"""Fixtures of the payments domain (registered in tests/conftest.py through pytest_plugins)."""
