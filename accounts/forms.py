import zoneinfo

from django import forms

from accounts.models import User

TIMEZONE_CHOICES = [(tz, tz.replace("_", " ")) for tz in sorted(zoneinfo.available_timezones()) if "/" in tz or tz == "UTC"]


class SettingsForm(forms.ModelForm):
    timezone = forms.ChoiceField(choices=TIMEZONE_CHOICES, help_text="Streaks and due reviews follow your day.")

    class Meta:
        model = User
        fields = ["display_name", "timezone", "theme", "font_size", "show_timer", "auto_advance", "keyboard_hints",
                  "keyboard_shortcuts"]
        help_texts = {"display_name": "Shown in the header instead of your email address."}


class ThemeForm(forms.Form):
    theme = forms.ChoiceField(choices=User.Theme.choices)


class DeleteAccountForm(forms.Form):
    password = forms.CharField(widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}), required=False,
                               help_text="Your current password.")
    confirm = forms.CharField(label='Type "delete my account" to confirm', max_length=40)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not user.has_usable_password():
            self.fields["password"].widget = forms.HiddenInput()
            self.fields["password"].help_text = ""

    def clean_password(self):
        password = self.cleaned_data.get("password", "")
        if self.user.has_usable_password() and not self.user.check_password(password):
            raise forms.ValidationError("That password is not right.")
        return password

    def clean_confirm(self):
        if self.cleaned_data["confirm"].strip().lower() != "delete my account":
            raise forms.ValidationError('Type "delete my account" exactly.')
        return self.cleaned_data["confirm"]
