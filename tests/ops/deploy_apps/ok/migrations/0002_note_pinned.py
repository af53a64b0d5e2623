from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("opsdeploy_ok", "0001_initial")]
    operations = [migrations.AddField("Note", "pinned", models.BooleanField(default=False))]
