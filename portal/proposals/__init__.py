"""Proposals: drafts, team, attachments, signed submissions and their immutable versions."""
