"""Reviews both ways: the guest's review of the house, the host's review of the guest, the host's reply."""
