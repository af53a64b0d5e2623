from django.apps import AppConfig


class StudyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "study"

    def ready(self):
        from accounts.privacy import register_eraser, register_exporter
        from study.privacy import erase_study_data, export_study_data

        register_exporter("study", export_study_data)
        register_eraser(erase_study_data)
