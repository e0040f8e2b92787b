"""Electronic signatures (21 CFR 11.50): password re-entry, printed name, UTC time and meaning."""
