from django import forms
from django.utils import timezone

from growth.models import XAccount
from growth.services.posting import MAX_CHARS, x_length
from pingtopass.params import int_param

COUNT_MAX = 2_000_000_000  # a day's figure: far above any account's, inside every integer column


class AccountField(forms.TypedChoiceField):
    """One of our accounts, by id; anything else is "not one of the choices", never an error."""

    def __init__(self, **kwargs):
        super().__init__(coerce=int, empty_value=None, **kwargs)

    def prepare(self):
        self.choices = [(account.pk, str(account)) for account in XAccount.objects.all()]
        return self

    def clean(self, value):
        if int_param(str(value or "")) is None:
            raise forms.ValidationError("Choose one of our accounts.", code="invalid_choice")
        pk = super().clean(value)
        return XAccount.objects.get(pk=pk)


class _WithAccount(forms.Form):
    account = AccountField(label="Account")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].prepare()


class DraftTextForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=1000, strip=True)

    def clean_text(self):
        text = self.cleaned_data["text"]
        if x_length(text) > MAX_CHARS:
            raise forms.ValidationError(f"{x_length(text)} characters: X allows {MAX_CHARS} (a link counts as 23).")
        return text


class PostCreateForm(_WithAccount, DraftTextForm):
    evergreen = forms.BooleanField(required=False, help_text="Posted again after a cooldown, a few times at most.")


class PasteForm(_WithAccount):
    url = forms.URLField(label="Post URL", max_length=300, assume_scheme="https",
                         help_text="https://x.com/<name>/status/<number>")


class MarkPostedForm(forms.Form):
    post_url = forms.URLField(label="Your reply's URL (optional)", required=False, max_length=300, assume_scheme="https")


class MetricsEntryForm(_WithAccount):
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    followers = forms.IntegerField(min_value=0, max_value=COUNT_MAX)
    impressions = forms.IntegerField(min_value=0, max_value=COUNT_MAX, initial=0)
    engagements = forms.IntegerField(min_value=0, max_value=COUNT_MAX, initial=0)

    def clean_day(self):
        day = self.cleaned_data["day"]
        if day > timezone.now().date():
            raise forms.ValidationError("A day that has not come yet has no figures.")
        return day
