from django.db import migrations


def fill(apps, schema_editor):
    apps.get_model("opsdeploy_failing", "Thing").objects.create(name="half-done")
    raise RuntimeError("the data did not fit the new column")


class Migration(migrations.Migration):
    dependencies = [("opsdeploy_failing", "0001_initial")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
