"""Accounts: captcha and SMS codes, registration, login, profile, avatar, real-name verification."""
