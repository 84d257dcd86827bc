"""Security headers on every response: a Content-Security-Policy with no inline script,
no framing, a strict referrer policy, no MIME sniffing, and `Cache-Control: no-store` on
everything but the stylesheets, scripts, fonts and images (a letter PDF or a case page must
not stay in a browser's or a proxy's cache)."""
from flask import Flask, Response, request

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; frame-src 'self'; frame-ancestors 'none'; "
       "form-action 'self'; base-uri 'self'; object-src 'none'")

#: The endpoints whose responses hold no one's data and may be cached: the app's own static
#: files and the GOV.UK Frontend assets.
CACHEABLE = frozenset({"static", "govuk_assets"})


def init_app(app: Flask) -> None:
    @app.after_request
    def add_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if app.config["SESSION_COOKIE_SECURE"]:
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if request.endpoint not in CACHEABLE:
            response.headers["Cache-Control"] = "no-store"
            response.headers.pop("Expires", None)
        return response
