"""helhed's Danish formats: Django's own (``django/conf/locale/da/formats.py``) with the
time written as Danes write it, "13.45" (Dansk Sprognævn, Retskrivningsreglerne § 38: a
point between hours and minutes). Read through ``FORMAT_MODULE_PATH``; used by the filters
in ``helhed.core.formats`` and by every ``|date`` on a page. What is not here (input
formats, separators) comes from Django's Danish module.
"""

DATE_FORMAT = "j. F Y"  # 2. december 2026: text and letters
SHORT_DATE_FORMAT = "d.m.Y"  # 02.12.2026: tables
TIME_FORMAT = "H.i"  # 13.45
DATETIME_FORMAT = r"j. F Y \k\l. H.i"  # 2. december 2026 kl. 13.45
SHORT_DATETIME_FORMAT = "d.m.Y H.i"  # 02.12.2026 13.45
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j. F"
