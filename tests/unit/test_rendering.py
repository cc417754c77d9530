from campaigns.rendering import missing_placeholders, placeholders, render


def test_render_builtin_and_attributes():
    contact = {"first_name": "Ada", "last_name": "L", "phone": "+15550001", "attributes": {"city": "Lahore"}}
    assert render("Hi {{ first_name }} from {{city}}!", contact) == "Hi Ada from Lahore!"


def test_unknown_placeholder_renders_empty_and_is_reported():
    assert render("Hi {{ nickname }}.", {"first_name": "A"}) == "Hi ."
    assert missing_placeholders("{{ first_name }} {{ nickname }} {{ city }}", {"city"}) == ["nickname"]


def test_placeholders_listed_once_in_order():
    assert placeholders("{{a}} {{ b }} {{a}}") == ["a", "b"]


def test_braces_that_are_not_placeholders_stay():
    assert render("{ x } {{ 1bad }}", {}) == "{ x } {{ 1bad }}"
