"""Settings from the environment.

Every setting can be given as an environment variable of the same name. Outside development
and testing the app refuses to start without a secret key, a mail server and a base URL.

Production's session cookie is Secure: browsers send it back over HTTPS only, so the app is
meant to be reached through a TLS-terminating proxy (see the README's "Production"). For a
local trial over plain HTTP, INSECURE_COOKIES=1 drops the Secure flag; the app then warns in
its log at every start.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

ENVIRONMENTS = ("development", "testing", "production")


class ConfigError(RuntimeError):
    """The configuration cannot run the app."""


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, not {value!r}") from exc


def _list(value: str | None) -> list[str]:
    return [item.strip() for item in (value or "").split(",") if item.strip()]


def from_environment(instance_path: str) -> dict:
    """Read the settings from environment variables."""
    env = os.environ.get("CONSORTIUM_ENV", "production").strip().lower()
    config: dict = {
        "CONSORTIUM_ENV": env,
        "SECRET_KEY": os.environ.get("SECRET_KEY"),
        "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL")
        or "sqlite:///" + str(Path(instance_path) / "consortium.sqlite"),
        "BASE_URL": os.environ.get("BASE_URL", ""),
        "TRUSTED_HOSTS": _list(os.environ.get("TRUSTED_HOSTS")) or None,
        # How many reverse proxies in front of the app set X-Forwarded-For/-Proto/-Host.
        "PROXY_COUNT": _int("PROXY_COUNT", 0),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": _int("MAIL_PORT", 25),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME"),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD"),
        "MAIL_USE_TLS": _bool(os.environ.get("MAIL_USE_TLS")),
        "MAIL_USE_SSL": _bool(os.environ.get("MAIL_USE_SSL")),
        "MAIL_DEFAULT_SENDER": os.environ.get("MAIL_DEFAULT_SENDER", "consortium@localhost"),
        "SESSION_IDLE_MINUTES": _int("SESSION_IDLE_MINUTES", 60),
        "SESSION_ABSOLUTE_HOURS": _int("SESSION_ABSOLUTE_HOURS", 12),
        # Production only: send the session cookie over plain HTTP too (a local trial without
        # TLS). Never behind a public address: the cookie could then be read on the way.
        "INSECURE_COOKIES": _bool(os.environ.get("INSECURE_COOKIES")),
        "MAX_CONTENT_LENGTH": _int("MAX_CONTENT_LENGTH", 16 * 1024 * 1024),
        "DEFAULT_LANGUAGE": os.environ.get("DEFAULT_LANGUAGE", "en"),
        "MAIL_MAX_ATTEMPTS": _int("MAIL_MAX_ATTEMPTS", 5),
        # Sent by `flask run` itself in development, when a mail server is configured.
        "MAIL_SENDER_THREAD": _bool(os.environ.get("MAIL_SENDER_THREAD")),
        # The background worker (jobs and mail) as a thread of `flask run`, in development.
        "WORKER_THREAD": _bool(os.environ.get("WORKER_THREAD")),
        # How many processes render a run's invoices: 0 for one per core.
        "JOB_PROCESSES": _int("JOB_PROCESSES", 0),
        # A running job whose worker wrote no heartbeat for this long is taken over.
        "JOB_STALE_SECONDS": _int("JOB_STALE_SECONDS", 120),
        # A new database connection waits this long for a database that is restarting before
        # the request fails (consortium/connecting.py); 0 tries once.
        "DATABASE_CONNECT_RETRY_SECONDS": _int("DATABASE_CONNECT_RETRY_SECONDS", 10),
        # The association's seal on agreement PDFs: PEM files of its private key and
        # certificate, and the key's passphrase if it has one. Development and testing make a
        # self-signed one in the instance folder when these are not set.
        "AGREEMENT_SEAL_KEY": os.environ.get("AGREEMENT_SEAL_KEY", ""),
        "AGREEMENT_SEAL_CERT": os.environ.get("AGREEMENT_SEAL_CERT", ""),
        "AGREEMENT_SEAL_PASSPHRASE": os.environ.get("AGREEMENT_SEAL_PASSPHRASE", ""),
        # The JSON API's throttle: calls per window (a minute) for each token and for each
        # client address calling without one.
        "API_CALLS_PER_TOKEN": _int("API_CALLS_PER_TOKEN", 600),
        "API_CALLS_PER_ADDRESS": _int("API_CALLS_PER_ADDRESS", 60),
        "API_THROTTLE_WINDOW_SECONDS": _int("API_THROTTLE_WINDOW_SECONDS", 60),
    }
    # One JSON line per request on standard output (consortium/accesslog.py). Unset: on in
    # production, off in development and testing (the development server logs requests).
    if os.environ.get("ACCESS_LOG", "").strip():
        config["ACCESS_LOG"] = _bool(os.environ.get("ACCESS_LOG"))
    # Unset: one year in production, none in development and testing (see finish()).
    if os.environ.get("HSTS_SECONDS", "").strip():
        config["HSTS_SECONDS"] = _int("HSTS_SECONDS", 0)
    return config


# The languages of the user interface, of the catalogues in translations/ and of everything
# kept per language (descriptions, letters, CSV files); English first, the language of the code.
LANGUAGES = ("en", "da", "de", "cs")

DEFAULTS: dict = {
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_NAME": "consortium_session",
    "PASSWORD_HASH_METHOD": "scrypt",
    "PASSWORD_MIN_LENGTH": 12,
    # Sign-in throttling: after this many failures in a row an account waits, doubling each time.
    "LOGIN_ACCOUNT_FREE_FAILURES": 5,
    "LOGIN_ACCOUNT_BASE_DELAY_SECONDS": 2,
    "LOGIN_ACCOUNT_MAX_DELAY_SECONDS": 15 * 60,
    # A client address with this many failures within the window is refused for the window.
    "LOGIN_CLIENT_MAX_FAILURES": 20,
    "LOGIN_CLIENT_WINDOW_SECONDS": 15 * 60,
    "RESET_TOKEN_HOURS": 1,
    # Reset-link requests: at most this many per address typed and per client address within
    # the window; beyond them the answer stays the same and nothing is sent.
    "RESET_ACCOUNT_MAX_REQUESTS": 3,
    "RESET_CLIENT_MAX_REQUESTS": 10,
    "RESET_WINDOW_SECONDS": 60 * 60,
    # Outgoing mail: a failed attempt is tried again after this long, doubling each time.
    "MAIL_RETRY_BASE_SECONDS": 60,
    "MAIL_TIMEOUT": 30,  # seconds an SMTP connection may hang before the attempt fails
    # A sender claims a message for this long; if it dies meanwhile, another sends it later.
    "MAIL_CLAIM_SECONDS": 5 * 60,
    "INVITE_TOKEN_DAYS": 7,
    "LANGUAGES": list(LANGUAGES),
}


def finish(config: dict, instance_path: str) -> dict:
    """Derive the remaining settings and refuse a configuration that cannot run."""
    env = config.get("CONSORTIUM_ENV", "production")
    if env not in ENVIRONMENTS:
        raise ConfigError(f"CONSORTIUM_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}")
    relaxed = env in ("development", "testing")
    missing = missing_settings(config)
    if missing:
        raise ConfigError(
            "; ".join(f"{name} must be set outside development ({why})" for name, why in missing)
        )
    if not config.get("SECRET_KEY"):
        if env == "development":
            config["SECRET_KEY"] = _development_secret(instance_path)
        else:
            config["SECRET_KEY"] = secrets.token_hex(32)
    if not config.get("BASE_URL"):
        config["BASE_URL"] = "http://127.0.0.1:5000"
    config["BASE_URL"] = config["BASE_URL"].rstrip("/")
    # Without a mail server (development and tests only) mail is kept in the in-app outbox.
    config["MAIL_OUTBOX"] = not config.get("MAIL_SERVER")
    config.setdefault("SESSION_COOKIE_SECURE", not relaxed and not config.get("INSECURE_COOKIES"))
    # Browsers remember to use HTTPS only for this long (Strict-Transport-Security); 0 is off.
    config.setdefault("HSTS_SECONDS", 0 if relaxed else 365 * 24 * 60 * 60)
    config.setdefault("ACCESS_LOG", env == "production")
    if config["HSTS_SECONDS"] < 0:
        raise ConfigError("HSTS_SECONDS must be 0 (off) or a positive number of seconds")
    if env == "testing" and not config.get("JOB_PROCESSES"):
        config["JOB_PROCESSES"] = 1  # the tests render in their own process, in order
    if config.get("DATABASE_CONNECT_RETRY_SECONDS", 0) < 0:
        raise ConfigError("DATABASE_CONNECT_RETRY_SECONDS must be 0 (one attempt) or more")
    for name in ("SESSION_IDLE_MINUTES", "SESSION_ABSOLUTE_HOURS", "MAIL_MAX_ATTEMPTS"):
        if config[name] < 1:
            raise ConfigError(f"{name} must be at least 1")
    if config.get("DEFAULT_LANGUAGE") not in config["LANGUAGES"]:
        raise ConfigError(f"DEFAULT_LANGUAGE must be one of {', '.join(config['LANGUAGES'])}")
    return config


# What production cannot run without, and what each is for.
REQUIRED_IN_PRODUCTION = {
    "SECRET_KEY": "signs the session cookies; a long random string, the same for every worker",
    "BASE_URL": "the address users reach, such as https://consortium.example.org",
    "MAIL_SERVER": "the SMTP server that sends the invitations, reset links and letters",
    "AGREEMENT_SEAL_KEY": "the PEM file of the private key that seals agreement PDFs (approving "
    "a request or a supplier makes one)",
    "AGREEMENT_SEAL_CERT": "the PEM file of the seal's certificate",
}


def missing_settings(config: dict) -> list[tuple[str, str]]:
    """The settings production requires that are not set, each with what it is for; none in
    development and testing."""
    if config.get("CONSORTIUM_ENV", "production") in ("development", "testing"):
        return []
    return [(name, why) for name, why in REQUIRED_IN_PRODUCTION.items() if not config.get(name)]


def _development_secret(instance_path: str) -> str:
    """A secret key kept in the instance folder, so development sessions survive a restart."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key
