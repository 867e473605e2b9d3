"""Background jobs of orders."""
