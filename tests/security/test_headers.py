"""Strict headers: CSP with no inline script or style, Permissions-Policy, and the TLS mode."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"
INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I), "inline <script>"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "on* handler"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"<style", re.I), "<style> element"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_csp_and_permissions_policy_on_pages(admin_client):
    response = admin_client.get("/")
    csp = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff" and response["Referrer-Policy"] == "same-origin"


def test_login_page_has_the_headers_too(client, db):
    response = client.get("/login/")
    assert "script-src 'self'" in response["Content-Security-Policy"] and response["Permissions-Policy"]


def test_swagger_ui_loads_its_script_from_a_url(client, db):
    page = client.get("/api/docs/")
    html = page.content.decode()
    assert page.status_code == 200 and "swagger-ui" in html
    for pattern, what in INLINE[:2]:
        assert not pattern.search(html), what
    assert client.get("/api/docs/?script=").status_code == 200


@pytest.mark.parametrize("path", sorted(p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.html")))
def test_no_template_has_inline_script_or_style(path):
    text = (TEMPLATES / path).read_text()
    found = [what for pattern, what in INLINE if pattern.search(text)]
    assert not found, f"{path}: {found}"


def _deploy_check(env_extra: dict[str, str]) -> subprocess.CompletedProcess:
    # Not the test run's own switches (the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE).
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        SECRET_KEY="k" * 20 + "-Zq8#fT2!pLx9@vR4$mN7^wB1&cH6*jD3(eY5)uG0",
        FIELD_ENCRYPTION_KEY="33G0LRAFIlTXJ-lsGrkV0rK3Il-7OyfAZTnKme545z4=",
        DEBUG="false",
        ALLOWED_HOSTS="portal.example.test",
        **env_extra,
    )
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_tls_mode_passes_check_deploy_with_no_warning():
    result = _deploy_check({"TLS": "true"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_without_tls_check_deploy_warns():
    result = _deploy_check({"TLS": "false"})
    assert result.returncode != 0 and "security.W004" in result.stdout + result.stderr  # no HSTS


def test_client_ip_comes_from_the_proxy_only_in_tls_mode(settings, rf):
    from portal.security import client_ip

    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5")
    settings.TLS = False
    assert client_ip(request) == "10.0.0.2"  # a client-set header is not believed without the proxy
    settings.TLS = True
    assert client_ip(request) == "203.0.113.5"  # what our proxy appended, not what the client claimed
