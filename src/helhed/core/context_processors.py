import rules
from django.conf import settings

# The main menu: an entry is shown to whoever holds its permission (the rule lives in the
# app's rules.py, so the menu never decides access on its own).
NAVIGATION = [
    ("registry.use_self_service", "registry:my_data", "Mine oplysninger"),
    ("core.view_own_audit_log", "registry:my_log", "Hvem har set mine oplysninger"),
    ("registry.search_citizens", "registry:search", "Find borger"),
    ("register.view_results", "register:index", "Målgrupper"),
    ("cashaccess.serve_arrangements", "cashaccess:arrangements", "Kontantordninger"),
    ("cashaccess.view_solutions", "cashaccess:solutions", "Kontantløsninger"),
    ("cashaccess.view_indicators", "cashaccess:follow_up", "Opfølgning på kontantadgang"),
    ("review.view_programmes", "review:index", "Gennemgang af sager"),
    ("pools.view_pools", "pools:index", "Puljer"),
    ("borgerservice.book_own", "borgerservice:my_appointments", "Mine tider i Borgerservice"),
    ("borgerservice.serve_counter", "borgerservice:points", "Borgerservice"),
    ("borgerservice.view_statistics", "borgerservice:statistics", "Statistik for Borgerservice"),
    ("fasttrack.use_kvik_linje", "fasttrack:index", "Kvik-linjen"),
    ("fasttrack.give_consent", "fasttrack:my_consents", "Samtykke til organisationer"),
    ("fasttrack.answer_questions", "fasttrack:queue", "Spørgsmål via Kvik-linjen"),
    ("intake.apply_self", "intake:my_applications", "Mine ansøgninger"),
    ("intake.help_others", "intake:helping", "Jeg hjælper"),
    ("intake.view_applications", "intake:index", "Ansøgninger"),
    ("intake.view_referrals", "intake:referrals", "Henvisninger"),
    ("intake.view_channel_statistics", "intake:statistics", "Kanaler for ansøgninger"),
    ("casework.use_digital_post", "casework:mailbox", "Digital Post"),
    ("casework.view_cases", "casework:cases", "Sager"),
    ("casework.view_work_queue", "casework:work_queue", "Arbejdskø"),
    ("casework.view_print_queue", "casework:print_queue", "Udskriftskø"),
]


def helhed(request):
    user = getattr(request, "user", None)
    allowed = [(name, label) for perm, name, label in NAVIGATION if user and rules.has_perm(perm, user)]
    return {
        "demo_mode": settings.DEMO_MODE,
        "navigation": allowed,
    }
