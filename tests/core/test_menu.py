"""The main menu: grouped by task, only what the role may use, and usable without JavaScript
(the groups are <details>/<summary>, which open by keyboard in the browser itself)."""

import re

import pytest
import rules
from django.urls import reverse

from helhed.core.context_processors import NAVIGATION
from helhed.core.roles import Role
from tests.factories import UserFactory


def _menu(html: str) -> str:
    return html[html.index('<nav aria-label="Hovedmenu"'):html.index("</nav>")]


@pytest.mark.parametrize("role", list(Role))
def test_each_role_sees_exactly_the_entries_its_permissions_allow(client, db, role):
    user = UserFactory(role=role, municipalities=[751])
    client.force_login(user)
    menu = _menu(client.get(reverse("core:home"), follow=True).content.decode())
    for _group, entries in NAVIGATION:
        for perm, name, label in entries:
            link = f'href="{reverse(name)}"'
            if rules.has_perm(perm, user):
                assert link in menu, f"{role}: {label} missing from the menu"
            else:
                assert link not in menu, f"{role} is offered {label} without {perm}"


def test_the_caseworker_menu_is_grouped_by_task_in_details_submenus(client, aarhus_caseworker):
    client.force_login(aarhus_caseworker)
    menu = _menu(client.get(reverse("casework:work_queue")).content.decode())
    summaries = re.findall(r'<summary class="helhed-menu-summary[^"]*">([^<]+)</summary>', menu)
    assert summaries[-1] == "Menu"  # the phone's menu, one <details> holding every group
    assert {"Sager", "Programmer og puljer", "Kontantadgang"} <= set(summaries)
    # A group of one is its link, not a submenu of one.
    assert "Borgere</summary>" not in menu and f'href="{reverse("registry:search")}"' in menu
    # The page's own entry is marked, and so is its group.
    assert 'helhed-menu-current">Sager</summary>' in menu
    assert f'<a href="{reverse("casework:work_queue")}" aria-current="page">Arbejdskø</a>' in menu
    # Wide and narrow menus hold the same links.
    wide, narrow = menu.split('<details class="helhed-menu-narrow">')
    assert sorted(re.findall(r'href="([^"]+)"', wide)) == sorted(re.findall(r'href="([^"]+)"', narrow))


def test_the_menu_needs_no_inline_script(client, aarhus_caseworker):
    client.force_login(aarhus_caseworker)
    html = client.get(reverse("casework:work_queue")).content.decode()
    assert '<script src="/static/js/menu.js" defer></script>' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html), "an inline script would break the CSP"
    assert " onclick=" not in html and " style=" not in _menu(html)
