"""Institutions and their departments: every user and proposal belongs to one institution."""
