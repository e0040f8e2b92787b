"""Committees: kinds, members with roles and flags, and the settings that govern their reviews."""
