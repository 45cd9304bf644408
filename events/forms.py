"""The sign-up form on an event's page: which session, and the answers to the event's questions.

The form only reads what was posted and keeps it to sizes a sign-up can hold; events.services
checks the session and the answers and gives the customer's message (one wording everywhere:
page, GraphQL, admin)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from events.services import MAX_ANSWER_LENGTH


def answer_field(question) -> str:
    return f"answer_{question.pk}"


class SignUpForm(forms.Form):
    session = forms.TypedChoiceField(
        label=_("Session"),
        coerce=int,
        error_messages={
            "required": _("Choose a session."),
            "invalid_choice": _("Choose one of the sessions still to come."),
        },
    )

    def __init__(self, *args, event, sessions, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.event = event
        self.questions = list(event.questions.all())
        self.fields["session"].choices = [(session.pk, str(session.pk)) for session in sessions]
        for question in self.questions:
            # Not required here: services.clean_answers names every missing or wrong answer at once.
            self.fields[answer_field(question)] = forms.CharField(
                label=question.label, required=False, max_length=MAX_ANSWER_LENGTH * 2, strip=True
            )

    def answers(self) -> dict[str, str]:
        """{str(question.pk): answer} for events.services.sign_up (valid form only)."""
        return {
            str(question.pk): self.cleaned_data.get(answer_field(question), "") for question in self.questions
        }

    def posted_answers(self) -> dict[str, str]:
        """What the customer typed, valid or not, to show again on the page."""
        if not self.is_bound:
            return {}
        return {
            str(question.pk): str(self.data.get(answer_field(question), "") or "")[: MAX_ANSWER_LENGTH * 2]
            for question in self.questions
        }

    def chosen_session(self) -> str:
        return str(self.data.get("session", "") or "")[:20] if self.is_bound else ""

    def problems(self) -> list[str]:
        return [str(error) for errors in self.errors.values() for error in errors]
