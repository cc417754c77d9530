"""No 500 for ids no database integer holds: every page with an id in its path answers 404
for one of 2^64, and every id query parameter is ignored or refused cleanly."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

HUGE = str(2**64)


def id_paths() -> list[str]:
    """Every portal URL with an <int:...> part, filled with a huge id."""
    found: list[str] = []

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            route = str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if not route.startswith(("api/", "django-admin/")):
                    walk(pattern.url_patterns, prefix + route)
            elif isinstance(pattern, URLPattern) and "<int:" in route:
                path = re.sub(r"<int:\w+>", HUGE, prefix + route)
                if "<" not in path:
                    found.append("/" + path)

    walk(get_resolver().url_patterns, "")
    return found


PATHS = id_paths()


def test_the_table_is_not_empty():
    assert len(PATHS) > 20 and "/contacts/" + HUGE + "/" in PATHS


@pytest.mark.parametrize("path", PATHS)
def test_huge_id_in_a_path_is_404(path, world):
    from tests.conftest import login_with_second_factor

    world.admin.is_staff = True  # platform pages too (staff pass two-factor)
    world.admin.save(update_fields=["is_staff"])
    client = login_with_second_factor(world.admin)
    response = client.get(path, follow=True)  # a POST-only action sends a GET on to the nearest page
    assert response.status_code == 404 or (response.redirect_chain and response.status_code == 200), (path, response.status_code)
    assert client.post(path).status_code in (404, 405)


@pytest.mark.parametrize(
    ("path", "param"),
    [("/contacts/", "list"), ("/campaigns/compose/preview.json", "campaign"), ("/campaigns/compose/audience.json", "lists")],
)
def test_huge_id_in_a_query_is_not_a_500(marketer_client, path, param):
    assert marketer_client.get(path, {param: HUGE}).status_code in (200, 404)
