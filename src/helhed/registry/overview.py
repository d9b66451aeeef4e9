"""Sections of the whole-citizen overview that other apps contribute.

The overview page (``selectors.citizen_overview``) shows the registry data and then every
registered section: applications, cases, reviews, appointments, cash arrangements. An app
registers its section once, in its ``AppConfig.ready``::

    register_overview_section(OverviewSection(
        key="cashaccess", title="Kontantadgang", template="cashaccess/_overview.html",
        what="Kontantordninger og udleveringer", load=selectors.overview_section))

``load(user=, citizen=, today=)`` is the app's own selector: it applies the app's
permissions and returns the template's ``data``, or ``None`` to leave the section out.
It must not write audit records: the overview writes one record per citizen read that
names every section shown (``what``).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class OverviewSection:
    key: str
    title: str
    template: str
    what: str
    load: Callable[..., Any]


_SECTIONS: dict[str, OverviewSection] = {}


def register_overview_section(section: OverviewSection) -> None:
    _SECTIONS[section.key] = section


def load_sections(*, user, citizen, today: datetime.date) -> list[tuple[OverviewSection, Any]]:
    """Every registered section that has something to show for this user and citizen."""
    loaded = []
    for section in _SECTIONS.values():
        data = section.load(user=user, citizen=citizen, today=today)
        if data is not None:
            loaded.append((section, data))
    return loaded
