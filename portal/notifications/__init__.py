"""Notifications: the in-app inbox and the e-mail outbox (one row each), reminders for deadlines, digests."""
