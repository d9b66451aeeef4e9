import rules
from django.conf import settings

# The main menu, grouped by task: an entry is shown to whoever holds its permission (the rule
# lives in the app's rules.py, so the menu never decides access on its own). A group nobody in
# the role may use is left out; a group with one entry is shown as that entry's link.
NAVIGATION = [
    ("Mine sider", [
        ("registry.use_self_service", "registry:my_data", "Mine oplysninger"),
        ("intake.apply_self", "intake:my_applications", "Mine ansøgninger"),
        ("casework.use_digital_post", "casework:mailbox", "Mine breve"),
        ("borgerservice.book_own", "borgerservice:my_appointments", "Mine tider i Borgerservice"),
        ("fasttrack.give_consent", "fasttrack:my_consents", "Samtykke til organisationer"),
        ("intake.help_others", "intake:helping", "Jeg hjælper"),
        ("core.view_own_audit_log", "registry:my_log", "Hvem har set mine oplysninger"),
    ]),
    ("Borgere", [
        ("registry.search_citizens", "registry:search", "Find borger"),
    ]),
    ("Sager", [
        ("casework.view_work_queue", "casework:work_queue", "Arbejdskø"),
        ("casework.view_cases", "casework:cases", "Sager"),
        ("intake.view_applications", "intake:index", "Ansøgninger"),
        ("intake.view_referrals", "intake:referrals", "Henvisninger"),
        ("casework.view_print_queue", "casework:print_queue", "Udskriftskø"),
        ("intake.view_channel_statistics", "intake:statistics", "Kanaler for ansøgninger"),
    ]),
    ("Programmer og puljer", [
        ("review.view_programmes", "review:index", "Gennemgang af sager"),
        ("pools.view_pools", "pools:index", "Puljer"),
        ("register.view_results", "register:index", "Målgrupper"),
    ]),
    ("Borgerservice", [
        ("borgerservice.serve_counter", "borgerservice:points", "Borgerservice"),
        ("borgerservice.view_statistics", "borgerservice:statistics", "Statistik for Borgerservice"),
    ]),
    ("Kontantadgang", [
        ("cashaccess.serve_arrangements", "cashaccess:arrangements", "Kontantordninger"),
        ("cashaccess.view_solutions", "cashaccess:solutions", "Kontantløsninger"),
        ("cashaccess.view_indicators", "cashaccess:follow_up", "Opfølgning på kontantadgang"),
    ]),
    ("Kvik-linjen", [
        ("fasttrack.use_kvik_linje", "fasttrack:index", "Kvik-linjen"),
        ("fasttrack.answer_questions", "fasttrack:queue", "Spørgsmål via Kvik-linjen"),
    ]),
]


def navigation_for(user) -> list[tuple[str, list[tuple[str, str]]]]:
    """The menu groups ``user`` may use, each with the (URL name, label) entries it holds."""
    if not user:
        return []
    groups = []
    for group, entries in NAVIGATION:
        allowed = [(name, label) for perm, name, label in entries if rules.has_perm(perm, user)]
        if allowed:
            groups.append((group, allowed))
    return groups


def helhed(request):
    return {
        "demo_mode": settings.DEMO_MODE,
        "navigation_groups": navigation_for(getattr(request, "user", None)),
    }
