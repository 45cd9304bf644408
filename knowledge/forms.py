"""The question form (knowledge.blocks.QuestionFormBlock shows it, knowledge.views.ask takes it)."""

from django import forms
from django.utils.translation import gettext_lazy as _


class QuestionForm(forms.Form):
    message = forms.CharField(
        label=_("Your question"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )
    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    visit = forms.UUIDField(required=False, widget=forms.HiddenInput)
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user is None or not user.is_authenticated:
            self.fields["email"].required = True
            self.fields["email"].help_text = _("We answer by e-mail.")
        else:
            del self.fields["name"], self.fields["email"]
