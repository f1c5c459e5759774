"""Web hygiene: response headers, safe redirects and the client's address."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, request

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def is_safe_next(target: str | None) -> bool:
    """Whether ``next`` is a path on this site, never another host.

    Refused: full URLs, protocol-relative ``//host``, ``/\\host`` (browsers read a backslash as
    a slash), and anything with control characters.
    """
    if not target or not target.startswith("/"):
        return False
    if "\\" in target or any(ord(char) < 32 or ord(char) == 127 for char in target):
        return False
    if target.startswith("//"):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def set_headers(response):
    """Add the security headers to every response."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    hsts_seconds = current_app.config.get("HSTS_SECONDS", 0)
    if hsts_seconds and request.is_secure:
        # Only over HTTPS (behind a proxy: its X-Forwarded-Proto, trusted with PROXY_COUNT);
        # browsers ignore the header on plain HTTP.
        headers.setdefault("Strict-Transport-Security", f"max-age={hsts_seconds}")
    if request.endpoint != "static":
        # Pages may show personal data: never keep them in a shared or browser cache (nor the
        # files they send, which Flask would give the static files' lifetime).
        headers["Cache-Control"] = "no-store"
        headers.pop("Expires", None)
    return response


def client_address() -> str:
    """The client's address; ProxyFix has already applied the configured proxies' headers."""
    return (request.remote_addr or "unknown")[:64]
