"""Fixtures of the houses domain (registered in tests/conftest.py through pytest_plugins)."""
