"""The strict placeholder renderer: {{ field }} and {{ field|default:"text" }} render; an
unknown field, a tag, another filter or broken braces are problems named in words."""

from campaigns.rendering import fill_template, parse, placeholders, problems, render, render_empty

KNOWN = ["city"]


def test_render_builtin_and_attributes():
    contact = {"first_name": "Ada", "last_name": "L", "phone": "+15550001", "attributes": {"city": "Lahore"}}
    assert render("Hi {{ first_name }} from {{city}}!", contact) == "Hi Ada from Lahore!"


def test_placeholders_listed_once_in_order():
    assert placeholders("{{a}} {{ b }} {{a}}") == ["a", "b"]


def test_unknown_field_is_named_with_a_suggestion():
    found = problems("Hi {{ firstname }}!", KNOWN)
    assert found == ["Unknown placeholder {{ firstname }}: contacts have no field “firstname”. Did you mean {{ first_name }}?"]
    assert problems("Hi {{ shoe_size }}", KNOWN)[0].startswith("Unknown placeholder {{ shoe_size }}")
    assert "Known fields: city, first_name, last_name, phone." in problems("{{ zzz }}", KNOWN)[0]


def test_known_fields_builtin_and_custom_have_no_problem():
    assert problems('Hi {{ first_name|default:"friend" }} in {{ city }} ({{phone}})', KNOWN) == []


def test_a_tag_is_refused_by_name():
    assert problems("Hello {% if x %}VIP{% endif %}", KNOWN)[0].startswith("{% if x %} is not supported")
    assert len(problems("Hello {% if x %}VIP{% endif %}", KNOWN)) == 2
    assert problems("{# note #}", KNOWN)[0].startswith("{# note #} is not supported")


def test_syntax_errors_are_named():
    assert problems("Hi {{ first_name", KNOWN) == ["“{{ first_name” is not closed: end it with }}."]
    assert problems("Hi {{ first_name }", KNOWN) == ["“{{ first_name }” is not closed: end it with }}."]
    assert problems("Hi { first_name }}", KNOWN) == ["“Hi { first_name }}” has }} without {{ before it."]
    assert problems("Hi {{ first name }}", KNOWN)[0].startswith("{{ first name }} is not a placeholder")
    assert problems("{{ first_name|upper }}", KNOWN)[0] == (
        '{{ first_name|upper }}: the filter “upper” is not supported; only default is, as in {{ first_name|default:"friend" }}.'
    )
    assert problems("{{ 1 }}", KNOWN)[0].startswith("{{ 1 }} is not a placeholder")


def test_default_is_used_only_when_the_field_is_empty():
    text = "Hi {{ first_name|default:\"friend\" }}, {{ city|default:'your town' }}!"
    assert render(text, {"first_name": "Zoë", "attributes": {"city": "Lahore"}}) == "Hi Zoë, Lahore!"
    assert render(text, {"first_name": "", "attributes": {}}) == "Hi friend, your town!"
    assert render(text, {"first_name": None}) == "Hi friend, your town!"


def test_an_empty_field_without_default_renders_empty():
    assert render("Hi {{ first_name }}, sale!", {"first_name": ""}) == "Hi , sale!"
    assert render_empty('Hi {{ first_name }} / {{ first_name|default:"friend" }} {{ phone }}', "+92300") == "Hi  / friend +92300"


def test_text_without_placeholders_is_returned_as_is():
    assert render("50% off { today }", {}) == "50% off { today }"
    assert parse("plain").parts == ("plain",)


def test_whatsapp_template_filled_in_order():
    assert fill_template("Hi {{1}}, order {{2}} {{ 3 }}", ["1", "2"], ["Zoë", "A-17"]) == "Hi Zoë, order A-17 {{ 3 }}"
    assert fill_template("Hi {{1}}", ["1"], [""]) == "Hi {{1}}"


def test_render_fields_matches_render():
    from campaigns.rendering import render_fields

    texts = [
        "Hi {{ first_name }}!",
        'Hi {{ first_name|default:"friend" }}, {{ city }} {{ points }} {{ missing|default:"-" }}',
        "{{ phone }} {{ last_name }} plain",
        "no placeholders",
        "",
    ]
    contacts = [
        ({"phone": "+923001234567", "first_name": "Ali", "last_name": ""}, {"city": "Lahore", "points": 12, "first_name": "X"}),
        ({"phone": "+923001234567", "first_name": "", "last_name": None}, {"city": None, "points": 0}),
        ({"phone": "", "first_name": "", "last_name": ""}, None),
    ]
    for text in texts:
        for fields, attributes in contacts:
            expected = render(text, {**fields, "attributes": attributes})
            assert render_fields(text, fields, attributes) == expected, (text, fields, attributes)
