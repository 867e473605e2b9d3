"""Conversations: a guest asks a house's host before (and after) booking; messages, unread counts, masking."""
