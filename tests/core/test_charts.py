"""The one bar chart: its figures (helhed.core.charts), its template (includes/_bars.html)
and the rule that no page sets an inline style, which lets the Content-Security-Policy
refuse them all."""

import re
from decimal import Decimal
from pathlib import Path

from django.template.loader import render_to_string

from helhed.core import charts

SRC = Path(__file__).resolve().parents[2] / "src" / "helhed"


def test_counts_are_scaled_to_the_largest_and_a_suppressed_figure_gets_no_bar():
    bars = charts.scaled([("Aarhus", 40, "40"), ("Odense", 10, "10"), ("Vejle", None, "<5")])
    assert [(b.label, b.width, b.value_text) for b in bars] == [("Aarhus", 100, "40"), ("Odense", 25, "10"),
                                                                ("Vejle", 0, "<5")]
    assert [b.width for b in charts.scaled([("Ingen", 0, "0")])] == [0]
    assert charts.scaled([]) == []


def test_shares_keep_the_percent_scale_and_the_goal():
    bars = charts.shares([("januar 2026", 37, "37 %"), ("februar 2026", None, "ingen modtagere"),
                          ("marts 2026", Decimal("112.4"), "112,4 %")], target=Decimal("40.00"))
    assert [(b.width, b.target) for b in bars] == [(37, 40), (0, 40), (100, 40)]
    assert charts.shares([("x", 5, "5 %")])[0].target is None


def test_the_chart_is_drawn_without_a_style_attribute_and_its_values_are_text():
    html = render_to_string("includes/_bars.html", {
        "title": "Andel pr. måned",
        "bars": charts.shares([("januar 2026", 37, "37 %"), ("februar 2026", None, "ingen modtagere")], target=40),
    })
    assert "style=" not in html
    assert 'aria-label="Andel pr. måned"' in html
    assert re.search(r'<svg class="helhed-bar-track" aria-hidden="true"[^>]*><rect class="helhed-bar"[^>]*width="37%"',
                     html)
    assert html.count('x1="40%"') == 2 and ">37 %</span>" in html and ">ingen modtagere</span>" in html
    empty = render_to_string("includes/_bars.html", {"title": "Tider", "bars": []})
    assert "Ingen tal i perioden." in empty and "<svg" not in empty


def test_no_template_or_script_sets_an_inline_style():
    """style-src-attr is 'none' in settings.CONTENT_SECURITY_POLICY: a browser would drop any."""
    script_style = re.compile(r"\.style\.|\.style\s*=|cssText|setAttribute\(\s*[\"']style")
    offenders = [str(p.relative_to(SRC)) for p in SRC.rglob("*.html")
                 if "/vendor/" not in str(p) and re.search(r"\sstyle=", p.read_text())]
    offenders += [str(p.relative_to(SRC)) for p in SRC.rglob("*.js")
                  if "/vendor/" not in str(p) and script_style.search(p.read_text())]
    assert offenders == []
