"""Backups with a manifest, and restores checked against it (security-test-plan.md check 29)."""
