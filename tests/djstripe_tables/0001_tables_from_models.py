"""The test suite's stand-in for dj-stripe's migrations (settings: DJSTRIPE_SKIP_MIGRATIONS=1).

dj-stripe's real migrations spend over a minute rebuilding migration state on every fresh test
database. This creates the same tables straight from dj-stripe's current models instead, after
the user table exists, so PostgreSQL can add Customer.subscriber's foreign key (an unmigrated app
would be created before any migration runs). tests/billing/test_djstripe_migrations.py checks
that the real migrations match those models.
"""

from django.apps import apps as installed_apps
from django.conf import settings
from django.db import migrations


def create_tables(apps, schema_editor):
    for model in installed_apps.get_app_config("djstripe").get_models():
        schema_editor.create_model(model)


class Migration(migrations.Migration):
    dependencies = [migrations.swappable_dependency(settings.AUTH_USER_MODEL)]

    operations = [migrations.RunPython(create_tables, migrations.RunPython.noop)]
