"""Reviewer assignment: who reviews which version of a routed proposal, for which committee."""
