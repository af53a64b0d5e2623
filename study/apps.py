from django.apps import AppConfig


class StudyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "study"

    def ready(self):
        from accounts.privacy import register_eraser, register_exporter
        from accounts.settings_sections import SettingsSection, settings_section_register
        from billing.usage import usage_source_register
        from study.allowance import StudyUsage
        from study.privacy import erase_study_data, export_study_data
        from study.views.exam_date import exam_days_settings

        register_exporter("study", export_study_data)
        register_eraser(erase_study_data)
        usage_source_register(StudyUsage())
        settings_section_register(SettingsSection(name="exam-days", template_name="study/partials/exam_days_settings.html",
                                                  context=exam_days_settings))
