"""Orders: booking without double booking, host answers, cancel, expiry, stay end, reviews."""
