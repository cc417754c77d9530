"""Settings for the test suite: the embedded default with fixed keys and inline tasks."""

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key")
os.environ.setdefault("FIELD_ENCRYPTION_KEY", "33G0LRAFIlTXJ-lsGrkV0rK3Il-7OyfAZTnKme545z4=")
os.environ.setdefault("Q_SYNC", "true")
os.environ.setdefault("SITE_URL", "http://testserver")

from portal.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
