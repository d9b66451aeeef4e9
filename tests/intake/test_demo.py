import datetime

from helhed.casework.models import Task, TaskKind
from helhed.core.models import User
from helhed.intake import selectors
from helhed.intake.models import Application, Channel


def test_demo_has_every_channel_and_a_rising_digital_share(db, demo_universe, today):
    p = demo_universe.personas
    assert Application.objects.get(citizen=p["erik"]).representation.representative == p["mette"]
    assert Application.objects.get(citizen=p["jan"]).channel == Channel.IN_PERSON
    assert Application.objects.get(citizen=p["amira"]).channel == Channel.PHONE
    assert Task.objects.filter(kind=TaskKind.NEMKONTO, citizen=p["jan"]).exists()
    assert p["karen"].needs_assessments.get().contact_person.username == "sagsbehandler.aarhus"
    guidance = list(p["erik"].guidance_contacts.all())
    assert [g.channel for g in guidance] == ["letter", "phone"]
    assert all(g.recorded_by.username == "udk" and g.topic and g.advice for g in guidance)
    stats = selectors.channel_statistics(user=User.objects.get(username="udk"), municipality_code=751,
                                         benefit_area="", since=(today - datetime.timedelta(days=700)).replace(day=1))
    shares = [m.share for m in stats.months]
    assert len(shares) >= 12 and sum(shares[:3]) / 3 < 40 < sum(shares[-3:]) / 3
