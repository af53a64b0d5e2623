from django.apps import AppConfig


class OkConfig(AppConfig):
    name = "tests.ops.deploy_apps.ok"
    label = "opsdeploy_ok"
