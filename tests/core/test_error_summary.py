"""One error summary for every form (includes/errors.html): a heading, and each error as a
link to the field it belongs to."""

from django import forms
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string


class AmountForm(forms.Form):
    amount = forms.IntegerField(label="Beløb")
    note = forms.CharField(label="Bemærkning", required=False)

    def clean(self):
        raise ValidationError("Tidspunktet er optaget.")


def test_the_summary_has_a_heading_and_links_each_error_to_its_field():
    form = AmountForm(data={"amount": "mange"})
    assert not form.is_valid()
    html = render_to_string("includes/errors.html", {"form": form})
    assert '<h2 class="alert-heading" id="fejlopsummering">Der er 2 fejl i formularen</h2>' in html
    assert 'tabindex="-1"' in html and 'data-module="error-summary"' in html
    assert 'class="icon-svg alert-icon"' in html  # the alert's icon space holds DKFDS's error icon
    assert f'<a href="#id_amount">Beløb: {form.errors["amount"][0]}</a>' in html
    assert "<li>Tidspunktet er optaget.</li>" in html
    assert "id_note" not in html


def test_a_form_shown_again_with_a_suffix_links_to_the_suffixed_field():
    form = AmountForm(data={})
    form.is_valid()
    assert 'href="#id_amount-2"' in render_to_string("includes/errors.html", {"form": form, "suffix": "-2"})


def test_a_form_without_errors_shows_no_summary():
    assert render_to_string("includes/errors.html", {"form": AmountForm()}).strip() == ""


def test_one_error_is_counted_in_words():
    form = AmountForm(data={"amount": "7"})
    form.is_valid()
    html = render_to_string("includes/errors.html", {"form": form})
    assert "Der er en fejl i formularen" in html and "<li>Tidspunktet er optaget.</li>" in html
