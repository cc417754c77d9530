"""Settings for the test suite: the embedded default with fixed keys and inline tasks."""

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key")
os.environ.setdefault("FIELD_ENCRYPTION_KEY", "33G0LRAFIlTXJ-lsGrkV0rK3Il-7OyfAZTnKme545z4=")
os.environ.setdefault("Q_SYNC", "true")
os.environ.setdefault("SITE_URL", "http://testserver")
os.environ.setdefault("SHORT_LINK_WRITE_MS", "0")  # a click is in the database when the redirect answers
# pytest-xdist runs several test processes, each with its own database; on Redis they would
# share one task queue and one cache (pacing slots, claims), so each gets its own name, and
# so do the clusters a test starts (they inherit the environment).
# A test's cache.clear() empties a whole Redis database, so each worker also gets its own
# database number: sharing one, a clear in one worker wiped another's 429 back-off mid-test.
if os.environ.get("PYTEST_XDIST_WORKER"):
    worker = os.environ["PYTEST_XDIST_WORKER"]
    os.environ.setdefault("Q_CLUSTER_NAME", f"portal-{worker}")
    if os.environ.get("REDIS_URL", "").startswith("redis://"):
        base, _, _db = os.environ["REDIS_URL"].rpartition("/")
        if base.count("/") >= 2:  # redis://host:port/db → keep host:port, pick the database
            os.environ["REDIS_URL"] = f"{base}/{1 + int(worker.removeprefix('gw')) % 15}"

from portal.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# A file, not SQLite's shared-cache in-memory database: live-server threads (browser tests)
# read while a request thread writes, which shared cache answers with "database table is
# locked" at once; a WAL file lets readers go on, as in production.
if DATABASES["default"]["ENGINE"] == "portal.sqlite_backend":  # noqa: F405
    (BASE_DIR / "var").mkdir(exist_ok=True)  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / "test-db.sqlite3")}  # noqa: F405
