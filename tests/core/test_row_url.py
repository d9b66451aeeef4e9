"""{% row_url %} gives exactly what {% url %} gives, for any argument and script prefix."""

import uuid

import pytest
from django.template import Context, Template
from django.urls import clear_script_prefix, reverse, set_script_prefix

from helhed.core.templatetags.helhed_urls import row_url


@pytest.mark.parametrize(("name", "arg"), [
    ("registry:overview", uuid.uuid4()),
    ("casework:case", uuid.uuid4()),
    ("casework:task_take", uuid.uuid4()),
    ("registry:overview", str(uuid.uuid4())),  # not a UUID object: the plain reverse
])
def test_row_url_is_reverse(name, arg):
    assert row_url(name, arg) == reverse(name, args=[arg])


def test_a_script_prefix_is_kept():
    case = uuid.UUID(int=7)
    set_script_prefix("/helhed/")
    try:
        assert row_url("casework:case", case) == reverse("casework:case", args=[case])
        assert row_url("casework:case", case).startswith("/helhed/")
    finally:
        clear_script_prefix()
    assert row_url("casework:case", case) == reverse("casework:case", args=[case])


def test_the_tag_in_a_template_escapes_nothing_it_need_not():
    arg = uuid.uuid4()
    html = Template("{% load helhed_urls %}<a href=\"{% row_url 'registry:overview' arg %}\">").render(
        Context({"arg": arg}))
    assert html == f'<a href="{reverse("registry:overview", args=[arg])}">'
