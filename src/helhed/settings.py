"""Settings for helhed.

One module for every environment, driven by the environment (12-factor):

- ``HELHED_MODE``: ``development`` (default), ``demo`` (the fictional universe with its
  persona logins) or ``production`` (secrets required, secure cookies, HSTS).
- ``DATABASE_URL``: PostgreSQL (or any database URL); without it the embedded SQLite file
  under ``var/`` is used.
- ``HELHED_SECRET_KEY``, ``HELHED_CPR_KEYS`` (comma-separated Fernet keys, first one
  encrypts), ``HELHED_CPR_INDEX_KEY``: required in production; elsewhere generated once
  into ``var/dev-secrets.json`` so a fresh clone works.
"""

from __future__ import annotations

import datetime
import json
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("HELHED_VAR_DIR", BASE_DIR / "var"))

HELHED_MODE = os.environ.get("HELHED_MODE", "development")
if HELHED_MODE not in ("development", "demo", "production"):
    raise ImproperlyConfigured(f"HELHED_MODE must be development, demo or production, not {HELHED_MODE!r}")
PRODUCTION = HELHED_MODE == "production"
DEMO_MODE = HELHED_MODE == "demo"


def _local_secrets() -> dict[str, str]:
    """Secrets for development and demo, made once per checkout and kept out of git."""
    path = VAR_DIR / "dev-secrets.json"
    if path.exists():
        return json.loads(path.read_text())
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    values = {
        "HELHED_SECRET_KEY": secrets.token_urlsafe(50),
        "HELHED_CPR_KEYS": Fernet.generate_key().decode(),
        "HELHED_CPR_INDEX_KEY": secrets.token_urlsafe(32),
    }
    path.write_text(json.dumps(values))
    path.chmod(0o600)
    return values


def _secret(name: str) -> str:
    value = os.environ.get(name)
    if value:
        return value
    if PRODUCTION:
        raise ImproperlyConfigured(f"{name} must be set in the environment in production")
    return _local_secrets()[name]


SECRET_KEY = _secret("HELHED_SECRET_KEY")
HELHED_CPR_KEYS = [k.strip() for k in _secret("HELHED_CPR_KEYS").split(",") if k.strip()]
HELHED_CPR_INDEX_KEY = _secret("HELHED_CPR_INDEX_KEY")
# The blind index is an HMAC-SHA256 over a number space of a few million CPR numbers: a
# short key could be found by trying keys against a leaked index. 32 characters is our
# parameter (what ``secrets.token_urlsafe(24)`` gives, 192 bits); generated keys have 43.
HELHED_CPR_INDEX_KEY_MIN_LENGTH = 32
if PRODUCTION and len(HELHED_CPR_INDEX_KEY) < HELHED_CPR_INDEX_KEY_MIN_LENGTH:
    raise ImproperlyConfigured(
        f"HELHED_CPR_INDEX_KEY must be at least {HELHED_CPR_INDEX_KEY_MIN_LENGTH} characters in production "
        f"(it has {len(HELHED_CPR_INDEX_KEY)}); "
        "make one with: python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"
    )

DEBUG = os.environ.get("HELHED_DEBUG", "0") == "1" and not PRODUCTION

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get(
        "HELHED_ALLOWED_HOSTS", "" if PRODUCTION else "localhost,127.0.0.1,[::1],testserver"
    ).split(",")
    if h.strip()
]
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("HELHED_ALLOWED_HOSTS must be set in production")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "rules.apps.AutodiscoverRulesConfig",
    "ninja",
    "axes",
    "helhed.core",
    "helhed.registry",
    "helhed.register",
    "helhed.cashaccess",
    "helhed.review",
    "helhed.borgerservice",
    "helhed.casework",
    "helhed.intake",
    "helhed.pools",
    "helhed.fasttrack",
    "helhed.demo",
]

MIDDLEWARE = [
    "helhed.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise, so static files (no personal data) stay cacheable.
    "helhed.core.middleware.NoStoreMiddleware",
    # Django's own session, locale, user and message middleware, which step aside for
    # key-authenticated Kvik-linje calls (helhed.core.browser_middleware). CSRF stays
    # Django's own, as the deployment check asks: its views are exempt anyway.
    "helhed.core.browser_middleware.SessionMiddleware",
    "helhed.core.browser_middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "helhed.core.browser_middleware.AuthenticationMiddleware",
    # The user's municipalities and organisations, kept in the session (helhed.core.access).
    "helhed.core.access.AccessMiddleware",
    "helhed.core.browser_middleware.MessageMiddleware",
    "helhed.core.sessions.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a request it flagged as locked out into the answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "helhed.urls"
WSGI_APPLICATION = "helhed.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "src" / "helhed" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "helhed.core.context_processors.helhed",
            ],
            # |kr, |dato, |kortdato, |klokken on every page without a load tag (helhed.core.formats).
            "builtins": ["helhed.core.templatetags.danish"],
        },
    },
]
# Widgets render through the project's templates, so that templates/admin/widgets/ can
# give the admin's split date and time fields their labels (docs/operations.md).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

_default_db = VAR_DIR / ("demo.sqlite3" if DEMO_MODE else "helhed.sqlite3")
# Each server thread keeps its connection for the life of the process, checked before
# reuse: a new one costs a request 20 to 30 ms (a fresh PostgreSQL backend and its caches),
# and an age limit of a minute put that into one request in 30 at a caseworker's pace
# (bench/RESULTS.md).
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{_default_db}", conn_max_age=None, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # WAL lets readers read while one writer writes; IMMEDIATE takes the write lock when a
    # transaction begins, so two writers queue instead of failing on the lock upgrade; and a
    # writer waits up to HELHED_SQLITE_BUSY_TIMEOUT seconds (our parameter, default 20) for
    # the lock instead of SQLite's 5, since every audited read writes its read-log entry.
    # Long work writes in short transactions (docs/operations.md, "The embedded database").
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": float(os.environ.get("HELHED_SQLITE_BUSY_TIMEOUT", "20")),
    }
elif os.environ.get("HELHED_DB_PREPARED_STATEMENTS", "on") != "off":
    # Lets helhed.core.db.prepared_cursor prepare its hot statements; Django's own
    # client-binding cursors are never prepared whatever this says.
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    # First, as django-axes asks: refuses a locked-out user name and address before any
    # password is checked (helhed.core.lockout).
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "helhed.core.auth.HelhedModelBackend",
    "helhed.core.auth.OpenIDConnectBackend",
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"


def _env_list(name: str, default: str) -> list[str]:
    return [v.strip() for v in os.environ.get(name, default).split(",") if v.strip()]


# Login through OpenID Connect (helhed.core.oidc; docs/operations.md, "Log ind med MitID og
# organisationens login"). A provider without an issuer is not used: the login page then offers
# only what is configured. Citizens: MitID through NemLog-in, matched by CPR number; the claim
# names are NemLog-in's (its OIDC integration guide) and can be changed without a release.
HELHED_OIDC_CITIZEN = {
    "issuer": os.environ.get("HELHED_OIDC_CITIZEN_ISSUER", ""),
    "client_id": os.environ.get("HELHED_OIDC_CITIZEN_CLIENT_ID", ""),
    "client_secret": os.environ.get("HELHED_OIDC_CITIZEN_CLIENT_SECRET", ""),
    "scope": os.environ.get("HELHED_OIDC_CITIZEN_SCOPE", "openid mitid ssn"),
    "cpr_claim": os.environ.get("HELHED_OIDC_CITIZEN_CPR_CLAIM", "https://data.gov.dk/model/core/eid/cprNumber"),
    "name_claim": os.environ.get("HELHED_OIDC_CITIZEN_NAME_CLAIM", "https://data.gov.dk/model/core/eid/fullName"),
    "loa_claim": os.environ.get("HELHED_OIDC_CITIZEN_LOA_CLAIM", "https://data.gov.dk/concept/core/nsis/loa"),
    # NSIS "betydelig" (Substantial) or higher: personal data asks for it.
    "loa_accepted": _env_list("HELHED_OIDC_CITIZEN_LOA_ACCEPTED", "Substantial,High"),
    # NemLog-in's own representation (fuldmagt) claims: read in a later step; named here so
    # that an installation can set them with its integration agreement.
    "representation_claims": _env_list("HELHED_OIDC_CITIZEN_REPRESENTATION_CLAIMS", ""),
}
# Staff: the organisation's own provider (the municipality's or Udbetaling Danmark's). Groups
# map to a role and municipalities through the admin ("Grupper fra organisationens login").
HELHED_OIDC_STAFF = {
    "issuer": os.environ.get("HELHED_OIDC_STAFF_ISSUER", ""),
    "client_id": os.environ.get("HELHED_OIDC_STAFF_CLIENT_ID", ""),
    "client_secret": os.environ.get("HELHED_OIDC_STAFF_CLIENT_SECRET", ""),
    "scope": os.environ.get("HELHED_OIDC_STAFF_SCOPE", "openid profile email groups"),
    "groups_claim": os.environ.get("HELHED_OIDC_STAFF_GROUPS_CLAIM", "groups"),
    "given_name_claim": os.environ.get("HELHED_OIDC_STAFF_GIVEN_NAME_CLAIM", "given_name"),
    "family_name_claim": os.environ.get("HELHED_OIDC_STAFF_FAMILY_NAME_CLAIM", "family_name"),
    "email_claim": os.environ.get("HELHED_OIDC_STAFF_EMAIL_CLAIM", "email"),
}


def _issuer_origins(*providers: dict) -> list[str]:
    origins = {"{0.scheme}://{0.netloc}".format(urlsplit(p["issuer"])) for p in providers if p["issuer"]}
    return sorted(origins)


# Seconds of clock difference allowed when an ID token's times are checked.
HELHED_OIDC_LEEWAY = int(os.environ.get("HELHED_OIDC_LEEWAY_SECONDS", "60"))
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "da"
# Danish only until the interface has an English catalogue: offering "en" without one gives
# English month names inside Danish pages, which screen readers mispronounce (WCAG 3.1.2).
LANGUAGES = [("da", "Dansk")]
LOCALE_PATHS = [BASE_DIR / "src" / "helhed" / "locale"]
TIME_ZONE = "Europe/Copenhagen"
# Django's Danish formats with the time as "13.45" (helhed/formats/da/formats.py).
FORMAT_MODULE_PATH = ["helhed.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise expects it to exist
STATICFILES_DIRS = [BASE_DIR / "src" / "helhed" / "static"]
STORAGES = {
    # Uploaded files hold personal data: encrypted at rest with HELHED_CPR_KEYS (docs/operations.md).
    "default": {"BACKEND": "helhed.core.storage.EncryptedFileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Outside production the files are served straight from the source tree (no collectstatic).
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG

# Uploaded files (register extracts, scanned applications, declarations), encrypted at rest.
# Never served: no URL pattern points at MEDIA_URL.
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

# Content-Security-Policy on every response (django-csp; Django 5.2 has none of its own): scripts,
# styles, fonts and images from helhed itself only, no inline script, nothing framing us.
# No inline style attribute either (``style-src-attr 'none'``): the bar charts are SVG sized
# by presentation attributes (templates/includes/_bars.html), so no page needs one.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'none'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        # Logging out sends the logout form on to the provider's end-session endpoint.
        "form-action": ["'self'", *_issuer_origins(HELHED_OIDC_CITIZEN, HELHED_OIDC_STAFF)],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# Lock-out after failed log-ins and failed API keys (helhed.core.lockout; docs/operations.md).
# Our parameters: 5 failures, then 15 minutes from the last one. Addresses are REMOTE_ADDR:
# behind a proxy, the server must be told the client's address (docs/operations.md).
AXES_FAILURE_LIMIT = int(os.environ.get("HELHED_LOCKOUT_FAILURES", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("HELHED_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = "helhed.core.lockout.lockout_parameters"
AXES_LOCKOUT_CALLABLE = "helhed.core.lockout.login_lockout_response"
AXES_RESET_ON_SUCCESS = True
# A try while locked out does not move the time the user was told they may try again.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False  # no start-up banner on standard error: every helhed command would print it

# A session ends 8 hours after log-in (one working day) and after an idle period, both
# counted by helhed.core.sessions. Our parameters.
SESSION_COOKIE_AGE = 8 * 3600
HELHED_SESSION_IDLE_MINUTES = int(os.environ.get("HELHED_SESSION_IDLE_MINUTES", "30"))
HELHED_CITIZEN_SESSION_IDLE_MINUTES = int(os.environ.get("HELHED_CITIZEN_SESSION_IDLE_MINUTES", "30"))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# A form sent without a valid CSRF token gets a Danish page (an API call Danish JSON).
CSRF_FAILURE_VIEW = "helhed.core.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = os.environ.get("HELHED_SSL_REDIRECT", "1") == "1"
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    CSRF_TRUSTED_ORIGINS = [f"https://{h}" for h in ALLOWED_HOSTS if not h.startswith(".")]

# Log lines pass through a filter that blanks anything shaped like a CPR number.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "no_cpr": {"()": "helhed.core.logging.RedactCprFilter"},
        "request_id": {"()": "helhed.core.logging.RequestIdFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["no_cpr", "request_id"],
            "formatter": "plain",
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("HELHED_LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

NINJA_PAGINATION_PER_PAGE = 50
# API bearer tokens: how long a new token lives unless told otherwise.
HELHED_API_TOKEN_DAYS = int(os.environ.get("HELHED_API_TOKEN_DAYS", "365"))

# The accessibility statement (tilgængelighedserklæring, /tilgaengelighed/), as the law on web
# accessibility § 4 and bekendtgørelse nr. 904 af 22/08/2019 require: a written and a telephone
# contact for feedback, and the date the statement was last reviewed (at least once a year).
# An operator who has published the statement in Digitaliseringsstyrelsen's WAS-Tool sets
# HELHED_WAS_URL; /was then leads there (the "nemURL" the guidance asks for).
HELHED_ACCESSIBILITY = {
    "reviewed_on": datetime.date.fromisoformat(os.environ.get("HELHED_ACCESSIBILITY_REVIEWED_ON", "2026-12-07")),
    "email": os.environ.get("HELHED_ACCESSIBILITY_EMAIL", ""),
    "phone": os.environ.get("HELHED_ACCESSIBILITY_PHONE", ""),
    "was_url": os.environ.get("HELHED_WAS_URL", ""),
}
