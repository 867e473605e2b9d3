"""Background jobs of accounts."""
