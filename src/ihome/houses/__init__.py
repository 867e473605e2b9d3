"""Houses: districts, facilities, listings with photos, the home page, detail and search."""
