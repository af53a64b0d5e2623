from django.apps import AppConfig


class FailingConfig(AppConfig):
    name = "tests.ops.deploy_apps.failing"
    label = "opsdeploy_failing"
