import zoneinfo

from django import forms

from accounts.models import User

TIMEZONE_CHOICES = [(tz, tz.replace("_", " ")) for tz in sorted(zoneinfo.available_timezones()) if "/" in tz or tz == "UTC"]


class SettingsForm(forms.ModelForm):
    timezone = forms.ChoiceField(choices=TIMEZONE_CHOICES, help_text="Streaks and due reviews follow your day.")

    class Meta:
        model = User
        fields = ["display_name", "timezone", "theme", "font_size", "show_timer", "auto_advance", "keyboard_hints"]
        help_texts = {"display_name": "Shown in the header instead of your email address."}


class ThemeForm(forms.Form):
    theme = forms.ChoiceField(choices=User.Theme.choices)
