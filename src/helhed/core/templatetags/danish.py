"""The filters for money and dates on every page (built in through ``TEMPLATES``), each the
function of the same name in ``helhed.core.formats``:

- ``{{ x|kr }}`` "1.250,50 kr.", ``{{ n|tal }}`` "12.345"
- ``{{ d|dato }}`` "2. december 2026", ``{{ d|kortdato }}`` "02.12.2026"
- ``{{ t|klokken }}`` "13.45", ``{{ t|dato_klokken }}`` "2. december 2026 kl. 13.45",
  ``{{ t|kortdato_klokken }}`` "02.12.2026 13.45"
- ``{{ d|ugedag_dato }}`` "onsdag 2. december 2026", ``{{ t|ugedag_dato_klokken }}``
  "onsdag 2. december 2026 kl. 13.45", ``{{ d|maaned }}`` "december 2026"
"""

from django import template

from helhed.core import formats

register = template.Library()

register.filter("kr", formats.kroner)
register.filter("tal", formats.tal)
for _name in ("dato", "kortdato", "klokken", "dato_klokken", "kortdato_klokken", "ugedag_dato",
              "ugedag_dato_klokken", "maaned"):
    register.filter(_name, getattr(formats, _name))
