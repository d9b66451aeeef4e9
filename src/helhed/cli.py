"""The ``helhed`` command: Django's management commands with helhed's settings.

``helhed demo`` runs in demo mode unless the environment says otherwise; ``helhed
runserver`` refuses a database with demo users outside demo mode.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    command = argv[1] if len(argv) > 1 else ""
    if command == "demo":
        os.environ.setdefault("HELHED_MODE", "demo")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helhed.settings")
    from django.core.management import execute_from_command_line

    if command == "runserver":
        import django

        django.setup()
        from helhed.core.checks import refuse_demo_users_outside_demo_mode

        refuse_demo_users_outside_demo_mode()
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
