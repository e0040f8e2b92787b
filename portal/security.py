"""Security headers on every response, error pages and downloads included (security-test-plan.md #34, #43).

No page carries inline script or inline style, so the policy needs no 'unsafe-inline' and no nonces; images are
the portal's own or data: URIs (the enrolment QR code is an SVG data: URI made on the server).
"""

from __future__ import annotations

from flask import Flask, Response, request

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
# Nothing in the portal needs these browser features; denying them limits what injected content could do.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=(), interest-cohort=()"
)


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def _headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers["X-Content-Type-Options"] = "nosniff"
        # Ids in our URLs never reach another site. Not no-referrer: over https Flask-WTF checks that a form post's
        # Referer is this host (WTF_CSRF_SSL_STRICT), and no-referrer would refuse every form in production.
        headers["Referrer-Policy"] = "same-origin"
        headers["Permissions-Policy"] = PERMISSIONS_POLICY
        headers["X-Frame-Options"] = "DENY"  # frame-ancestors, for browsers that predate it
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        # No Server header from here: the WSGI server writes its own whatever the app says (a second one would
        # only duplicate it). gunicorn's is "gunicorn" without a version; Werkzeug's versioned one is the demo's.
        if app.config["SESSION_COOKIE_SECURE"]:
            headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if request.endpoint != "static":
            # Pages, files and exports hold proposal data and CSRF tokens: no shared or browser cache keeps them,
            # and the back button after signing out shows nothing.
            headers["Cache-Control"] = "no-store"
        return response
