from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "helhed.register"
    label = "register"
    verbose_name = "Registermotor: målgrupper i ydelsesregistre"
