"""Background jobs: long work (bulk record export; later re-screening and e-mail) off the request, with progress
people can watch. In-process threads by default, a Redis queue (RQ) when PORTAL_REDIS_URL is set; see
portal.jobs.runner for how a job survives a killed worker without being done twice."""
