"""Login and password change pages: errors shown, password changed for real."""

from django.test import Client

from tests.conftest import PASSWORD


def test_login_error_and_success(world):
    client = Client()
    response = client.post("/login/", {"username": "marketer@acme.test", "password": "nope"})
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    response = client.post("/login/", {"username": "marketer@acme.test", "password": PASSWORD})
    assert response["Location"] == "/"


def test_password_change(marketer_client, world):
    response = marketer_client.post("/password/", {"old_password": "wrong", "new_password1": "x", "new_password2": "y"})
    assert response.status_code == 200 and "field-error" in response.content.decode()
    response = marketer_client.post(
        "/password/", {"old_password": PASSWORD, "new_password1": "a-much-better-secret-42", "new_password2": "a-much-better-secret-42"}
    )
    assert response["Location"] == "/password/done/"
    assert Client().login(username="marketer@acme.test", password="a-much-better-secret-42")


def test_password_rules_sit_inside_the_fields_help(marketer_client):
    page = marketer_client.get("/password/").content.decode()
    assert '<div class="help" id="id_new_password1_helptext"><ul>' in page  # a <p> cannot hold the list
