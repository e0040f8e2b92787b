"""Hash-chained, append-only audit log: every write in the portal lands here in its own transaction."""
