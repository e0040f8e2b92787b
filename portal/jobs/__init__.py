"""Background jobs: long work (bulk record export; later re-screening and e-mail) off the request, with progress
people can watch. In-process threads by default; issue 10 adds a Redis-backed queue behind the same calls."""
