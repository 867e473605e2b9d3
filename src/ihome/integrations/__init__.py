"""Outside services, each a Protocol with a real implementation and a local twin."""
