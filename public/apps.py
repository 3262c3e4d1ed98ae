from django.apps import AppConfig


class PublicConfig(AppConfig):
    """Pages anyone may read without signing in: published board reports, the policy, the MOU
    in force, the methods, and the form on which families ask for a disclosure record. The top
    of the app stack (it reads reports' published snapshots and writes through interactions'
    services); nothing imports it."""

    name = "public"
    verbose_name = "Public transparency pages"
