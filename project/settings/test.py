"""Test settings: the embedded defaults unless DATABASE_URL / CELERY_BROKER_URL point elsewhere (CI runs both)."""

from .base import *  # noqa: F403
from .base import DATABASES, REST_FRAMEWORK, VAR_DIR

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# Tests that start a real worker need the test database in a file the worker can open too.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}

# Dispatched tasks run in-process unless a test starts a real worker (tests/workers.py turns this off).
# A real worker started with CELERY_TASK_ALWAYS_EAGER=0 sends the tasks it dispatches through its broker too.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)  # noqa: F405
CELERY_TASK_EAGER_PROPAGATES = True

REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"anon": "100000/min", "consumer": "100000/min", "editor": "100000/min"},
}
