"""Form fields shared by the apps."""

from django import forms
from django.core.exceptions import ValidationError

from pingtopass.params import int_param


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """A multiple choice of rows by id that says "not one of the choices" to any value that is no
    id at all. Django checks the values with `pk IN (...)`, and a number too large for the column
    makes the database driver raise OverflowError instead."""

    def _check_values(self, value):
        for pk in value:
            if int_param(str(pk)) is None:
                raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk})
        return super()._check_values(value)
