"""Command-line counts are read by the same Danish parser as the forms: "4.800" is 4800,
"1e3" is refused with a Danish message (it was once taken as 1000)."""

import argparse

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from helhed.core.commands import count


def test_a_count_is_read_the_danish_way():
    assert count("4.800") == 4800 and count("200") == 200 and count(" 1 000 ") == 1000


@pytest.mark.parametrize("text", ["1e3", "1,5", "-5", "12.5", "inf", "0x10"])
def test_anything_else_is_refused(text):
    with pytest.raises(argparse.ArgumentTypeError, match="(?i)antallet"):
        count(text)


@pytest.mark.django_db
def test_send_letters_refuses_scientific_notation():
    with pytest.raises(CommandError, match="Skriv antallet som 4.800 eller 4800"):
        call_command("send_letters", "--limit", "1e3")
