"""Name the site from settings (SITE_NAME, SITE_DOMAIN): allauth's emails greet from it, and
django.contrib.sites would otherwise leave "example.com". A site an operator has renamed is kept."""

from django.conf import settings
from django.core.management.color import no_style
from django.db import migrations

DJANGO_DEFAULT = "example.com"


def site_from_settings(apps, schema_editor):
    Site = apps.get_model("sites", "Site")
    site = Site.objects.filter(pk=settings.SITE_ID).first()
    if site is None:
        # On a new database the sites app adds its default only after every migration: this row
        # comes first, so that default is never written.
        Site.objects.create(pk=settings.SITE_ID, domain=settings.SITE_DOMAIN, name=settings.SITE_NAME)
        # As the sites app does for its default: a row with a given id leaves the sequence behind.
        connection = schema_editor.connection
        with connection.cursor() as cursor:
            for command in connection.ops.sequence_reset_sql(no_style(), [Site]):
                cursor.execute(command)
    elif site.domain == DJANGO_DEFAULT and site.name == DJANGO_DEFAULT:
        site.domain, site.name = settings.SITE_DOMAIN, settings.SITE_NAME
        site.save(update_fields=["domain", "name"])
    Site.objects.clear_cache()


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0007_keyboard_shortcuts"),
        ("sites", "0002_alter_domain_unique"),
    ]

    operations = [migrations.RunPython(site_from_settings, migrations.RunPython.noop)]
