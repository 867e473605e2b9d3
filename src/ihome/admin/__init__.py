"""The back office: statistics, rollups, administrator actions and their audit log (admin only)."""
