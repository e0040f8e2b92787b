"""Routing: from each screening's outcome to committee kinds, and the coordinator's triage that confirms
or overrides the committees a proposal goes to."""
