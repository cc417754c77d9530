"""Settings for the campaign portal, read from the environment or a .env file."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF

from portal.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY") or ("dev-only-insecure-key" if DEBUG else "")
if not SECRET_KEY:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("SECRET_KEY is not set (make run writes one to .env).")
# Fernet key (urlsafe base64, 32 bytes) for provider credentials at rest.
FIELD_ENCRYPTION_KEY = env_str("FIELD_ENCRYPTION_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# Where providers (and our simulators) post webhooks back to this portal.
SITE_URL = env_str("SITE_URL", f"http://127.0.0.1:{env_int('PORT', 8000)}").rstrip("/")
# Tracked short links in campaign texts are SHORT_LINK_BASE/l/<code> (a short domain of your
# own pointing at this portal, else the portal itself); a code answers 404 after SHORT_LINK_DAYS.
SHORT_LINK_BASE = env_str("SHORT_LINK_BASE", SITE_URL).rstrip("/")
SHORT_LINK_DAYS = env_int("SHORT_LINK_DAYS", 365)
# Clicks are written in one batch per this many milliseconds (0: each in its own request).
SHORT_LINK_WRITE_MS = env_int("SHORT_LINK_WRITE_MS", 100)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_q",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "campaigns",
    "providers",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Short-link taps (/l/<code>) are answered here: nothing below applies to them.
    "campaigns.views.short_links.ShortLinkLaneMiddleware",
    # Provider callbacks too; above the response-header middleware (CSP built a policy twice per report: a fifth of its cost).
    "providers.middleware.WebhookLaneMiddleware",
    "portal.security.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "portal.tenancy.TenancyMiddleware",
    "portal.middleware.PostOnlyRedirectMiddleware",
    "portal.mfa.MfaRequiredMiddleware",
    "portal.audit_context.AuditActorMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.tenancy.tenancy_context",
            ],
        },
    },
]

_env = environ.Env()
# SQLite, on the default path or through DATABASE_URL=sqlite:///...: WAL (readers never
# wait for the writer), a busy timeout, and IMMEDIATE transactions (a transaction takes
# the write lock when it starts, so two writers queue instead of failing "database is locked").
SQLITE_OPTIONS = {
    "timeout": 30,
    "transaction_mode": "IMMEDIATE",
    "init_command": (
        "PRAGMA journal_mode=WAL;"
        "PRAGMA synchronous=NORMAL;"
        "PRAGMA busy_timeout=30000;"
        "PRAGMA temp_store=MEMORY;"
        "PRAGMA mmap_size=134217728;"
        "PRAGMA cache_size=-65536;"
    ),
}
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": _env.db_url_config(DATABASE_URL)}
    DATABASES["default"].setdefault("CONN_MAX_AGE", 60)
else:
    DATABASES = {
        "default": {
            "ENGINE": "portal.sqlite_backend",
            "NAME": env_str("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            # Reconnecting per request re-runs the WAL pragmas under the write lock: 5x slower intake.
            "CONN_MAX_AGE": env_int("CONN_MAX_AGE", 600),
        }
    }
if DATABASES["default"]["ENGINE"] in ("django.db.backends.sqlite3", "portal.sqlite_backend"):
    # Writers queue on a lock file instead of polling SQLite's lock (portal/sqlite_backend/base.py).
    DATABASES["default"]["ENGINE"] = "portal.sqlite_backend"
    DATABASES["default"]["OPTIONS"] = {**SQLITE_OPTIONS, **DATABASES["default"].get("OPTIONS", {})}
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 600)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # django-axes first: a locked-out username or IP is refused before the password is checked.
    "portal.security.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "portal.passwords.NotEmailValidator"},
    {"NAME": "portal.passwords.NotPredictableValidator"},
]
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"

# Login throttling (django-axes, database handler so every web process shares the count):
# a username and an IP address are locked separately after LOGIN_FAILURE_LIMIT failures.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCK_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
# The lock lasts the stated time from the last counted failure; tries during it do not extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "portal.auth_views.locked_out"
AXES_CLIENT_IP_CALLABLE = "portal.security.client_ip"
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_VERBOSE = False

# Two-factor: platform staff always need it; an account admin can require it for the account.
OTP_TOTP_ISSUER = env_str("OTP_ISSUER", "Campaign portal")

# Password reset mail: the console by default; SMTP with EMAIL_URL=smtp+tls://user:pw@host:587
# (smtp:// plain, smtp+ssl:// implicit TLS on 465).
EMAIL_URL = env_str("EMAIL_URL")
if EMAIL_URL:
    vars().update({k: v for k, v in _env.email_url_config(EMAIL_URL).items() if k.startswith("EMAIL_")})
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "portal@localhost")
PASSWORD_RESET_TIMEOUT = 60 * 60 * 3

# /health details (database, queue depth, cluster) for staff or ``Authorization: Bearer <HEALTH_TOKEN>``.
HEALTH_TOKEN = env_str("HEALTH_TOKEN")

# Content-Security-Policy: no inline script or style anywhere; data: only for images (favicon, QR).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF, "blob:"],  # a recording is played before upload
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=(), interest-cohort=()"
)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# TLS=true: served over HTTPS behind a reverse proxy that terminates TLS and sets
# X-Forwarded-Proto and X-Forwarded-For. One switch for every HTTPS setting.
TLS = env_bool("TLS", False)
if TLS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    # The health probe and provider webhooks may come over plain HTTP inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^health$"]
    SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

REDIS_URL = env_str("REDIS_URL")
Q_CLUSTER: dict = {
    # Clusters sharing one Redis and one database share the name (and so the queue).
    "name": env_str("Q_CLUSTER_NAME", "portal"),
    "workers": env_int("Q_WORKERS", 2),
    "recycle": 500,
    "timeout": env_int("Q_TIMEOUT", 600),
    "retry": env_int("Q_RETRY", 660),
    "max_attempts": 1,
    # Tasks a cluster takes from the broker ahead of its workers. With Redis a task taken is
    # gone from the queue: several clusters share the work fairly, and a killed one loses
    # only what its workers held, when each takes about what it can run.
    "queue_limit": env_int("Q_QUEUE_LIMIT", env_int("Q_WORKERS", 2) if env_str("REDIS_URL") else 50),
    "bulk": 10,
    "catch_up": False,
    "save_limit": 1000,
    "ack_failures": True,
    # How often an idle cluster looks for a task in the ORM broker's table: a campaign's start
    # and its first batch each wait for one look (0.2 s cost 0.1 s each on average).
    "poll": 0.1,
    "label": "Tasks",
    "log_level": env_str("Q_LOG_LEVEL", "WARNING"),  # not a line per schedule tick
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"
# Tests run tasks inline unless a test starts a real cluster.
Q_SYNC = env_bool("Q_SYNC", False)
if Q_SYNC:
    Q_CLUSTER["sync"] = True

if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": Q_CLUSTER["name"]}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "campaigns.api.auth.ApiKeyAuthentication",
        "campaigns.api.auth.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "campaigns.api.permissions.HasScope",
        "campaigns.api.permissions.WriteAllowed",
        "campaigns.api.permissions.PortalRole",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["campaigns.api.throttling.PerKeyThrottle"],
    # Per API key (or per user for the browsable API); sends and OTPs have their own limit.
    "DEFAULT_THROTTLE_RATES": {"api_key": env_str("API_RATE_LIMIT", "600/min"), "api_send": env_str("API_SEND_RATE_LIMIT", "120/min")},
    "DEFAULT_PAGINATION_CLASS": "campaigns.api.pagination.IdCursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["campaigns.api.filters.ScopedFilterBackend"],
    "EXCEPTION_HANDLER": "campaigns.api.errors.exception_handler",
    # JSON bodies only (the schema documents no other); recordings accept multipart uploads themselves.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer", "rest_framework.renderers.BrowsableAPIRenderer"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Campaign portal API",
    "DESCRIPTION": (
        "Send `Authorization: Bearer <key>` (keys: portal > Admin > API keys). Lists use cursor pagination "
        '(follow `next`). Every error answers `{"error": {"code", "message", "fields"}}`.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "PATH_CONVERTER_OVERRIDES": {"objectid": int},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "campaigns.api.schema.add_error_responses",
        "campaigns.api.schema.describe_alternatives",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "EventKindEnum": "campaigns.models.api.EVENT_KIND_CHOICES",
        "ChannelEnum": "campaigns.models.senders.CHANNEL_CHOICES",
        "SendChannelEnum": ["sms", "voice", "whatsapp"],
        "TemplateKindEnum": "campaigns.models.senders.Template.Kind",
        "InboundKindEnum": "campaigns.models.messages.InboundMessage.Kind",
        "CampaignStatusEnum": "campaigns.models.campaigns.Campaign.Status",
        "MessageStatusEnum": "campaigns.models.messages.STATUS_CHOICES",
        "ConversationStatusEnum": "campaigns.models.conversations.Conversation.Status",
    },
}

# Provider packages the registry loads, by module path (RapidPro-style settings list).
PROVIDER_BACKENDS = [
    "providers.vt.backend.VTBackend",
    "providers.vappstore.backend.VAppstoreBackend",
    "providers.wavy.backend.WavyBackend",
    "providers.vavasms.backend.VavaSMSBackend",
    "providers.unified.backend.UnifiedBackend",
]
PROVIDER_HTTP_TIMEOUT = float(env_int("PROVIDER_HTTP_TIMEOUT", 15))
# Retention (days; 0 keeps forever), enforced hourly by the "engine: retention" task.
PROVIDER_CALL_RETENTION_DAYS = env_int("PROVIDER_CALL_RETENTION_DAYS", 14)
WEBHOOK_BODY_RETENTION_DAYS = env_int("WEBHOOK_BODY_RETENTION_DAYS", 30)
MESSAGE_BODY_RETENTION_DAYS = env_int("MESSAGE_BODY_RETENTION_DAYS", 90)  # texts blanked; rows, counts and money stay
CLICK_RETENTION_DAYS = env_int("CLICK_RETENTION_DAYS", 365)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"one_line_403": {"()": "portal.logging.OneLineForbidden"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["one_line_403"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # django-q logs every schedule tick and task at INFO; its warnings and errors still show.
        "django-q": {"level": env_str("Q_LOG_LEVEL", "WARNING")},
    },
}
