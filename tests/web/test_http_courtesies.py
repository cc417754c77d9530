"""A GET of a POST-only URL lands on its page (not a blank 405); a 403 logs one line; the
worker's scheduler chatter stays below the console's level."""

from __future__ import annotations

import logging

from campaigns.models import LedgerEntry
from portal.logging import OneLineForbidden
from portal.middleware import parent_path


def test_parent_path_is_the_nearest_page_above():
    assert parent_path("/admin/billing/top-up/") == "/admin/billing/"
    assert parent_path("/admin/senders/5/decide/") == "/admin/senders/5/"
    assert parent_path("/admin/api-keys/5/revoke/") == "/admin/api-keys/"  # /admin/api-keys/5/ is no page
    assert parent_path("/logout/") == "/"


def test_a_get_of_a_post_only_url_redirects_to_its_page(admin_client, world):
    for url, page in [
        ("/admin/api-keys/new/", "/admin/api-keys/"),
        ("/admin/billing/top-up/", "/admin/billing/"),
        (f"/platform/accounts/{world.account.pk}/prices/1/delete/", f"/platform/accounts/{world.account.pk}/prices/1/"),
    ]:
        response = admin_client.get(url)
        if url.startswith("/platform/"):
            assert response.status_code == 403  # access is checked before the method
            continue
        assert (response.status_code, response["Location"]) == (302, page)
    assert not LedgerEntry.objects.exists()


def test_machine_endpoints_keep_their_405(admin_client):
    response = admin_client.generic("PUT", "/admin/api-keys/new/")
    assert response.status_code == 405  # only GET/HEAD are redirected
    assert admin_client.get("/webhooks/vt/nope/").status_code in (404, 405)


def test_a_forbidden_request_logs_one_line(marketer_client, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert marketer_client.get("/admin/billing/").status_code == 403
    record = next(r for r in caplog.records if getattr(r, "status_code", None) == 403)
    OneLineForbidden().filter(record)  # the console handler's filter (it may have run already)
    assert record.exc_info is None  # Django attached the PermissionDenied's traceback
    line = logging.Formatter().format(record)
    assert "\n" not in line and "/admin/billing/" in line and "Your role does not allow this." in line


def test_django_q_chatter_is_quiet_and_its_errors_are_not():
    logger = logging.getLogger("django-q")
    assert not logger.isEnabledFor(logging.INFO)
    assert logger.isEnabledFor(logging.WARNING) and logger.isEnabledFor(logging.ERROR)
