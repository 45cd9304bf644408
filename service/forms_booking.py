"""The forms of the booking pages: confirming a slot, moving a booking, evaluating a visit.

A slot travels as text (`slot_value`): its start in UTC (ISO 8601) and the provider chosen, if any
("…|" for any staff). `parse_slot` reads it back and refuses anything else with ValueError, which
the views turn into a message. The forms keep input to sizes an appointment can hold; whether the
slot is free, the customer may book, and the stars are in range is checked by service.services,
which gives the customer's message."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from service.models import ATTACHMENTS_PER_MESSAGE

MAX_SLOT_LENGTH = 64
MAX_ID = 2**31 - 1
STAR_CHOICES = [(stars, str(stars)) for stars in range(1, 6)]


def slot_value(starts_at: dt.datetime, provider_id: int | None) -> str:
    """What a time button carries: the same text as services.Slot.key, or "<start>|" for any staff."""
    return f"{starts_at.astimezone(dt.UTC).isoformat()}|{provider_id or ''}"


def parse_slot(value) -> tuple[dt.datetime, int | None]:
    """(start in UTC, provider id or None) from a `slot_value`; ValueError for anything else."""
    text = str(value or "").strip()
    if not text or len(text) > MAX_SLOT_LENGTH:
        raise ValueError("no slot")
    when, _sep, who = text.partition("|")
    try:
        starts_at = dt.datetime.fromisoformat(when)
        if starts_at.tzinfo is None:
            raise ValueError("a slot's start carries its offset")
        starts_at = starts_at.astimezone(dt.UTC)
    except OverflowError as error:  # year 1 in a zone east of UTC
        raise ValueError("out of range") from error
    if not who:
        return starts_at, None
    if not who.isascii() or not who.isdigit() or not 0 < int(who) <= MAX_ID:
        raise ValueError("not a provider")
    return starts_at, int(who)


class BookingForm(forms.Form):
    """The confirmation of a chosen slot. `idempotency_key` is made when the form is shown, so a
    double click or a resent form books once."""

    slot = forms.CharField(widget=forms.HiddenInput, max_length=MAX_SLOT_LENGTH)
    location = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=MAX_ID)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100)
    name = forms.CharField(
        label=_("Your name"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    note = forms.CharField(
        label=_("Note for us (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)

    def problems(self) -> list[str]:
        return [str(error) for errors in self.errors.values() for error in errors]


class EvaluationForm(forms.Form):
    """Overall stars, stars per aspect of the service (fields `aspect_<n>`, in the order of
    `service.aspect_list()`), a comment. Photos come from request.FILES ("photos")."""

    stars = forms.TypedChoiceField(
        label=_("Overall"),
        choices=STAR_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose from 1 to 5 stars."),
            "invalid_choice": _("Choose from 1 to 5 stars."),
        },
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, aspects: list[str], **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.aspects = aspects
        for index, aspect in enumerate(aspects):
            self.fields[f"aspect_{index}"] = forms.TypedChoiceField(
                label=aspect,
                choices=STAR_CHOICES,
                coerce=int,
                required=False,
                empty_value=None,
                widget=forms.RadioSelect,
                error_messages={
                    "invalid_choice": _("Rate “%(aspect)s” from 1 to 5 stars.") % {"aspect": aspect}
                },
            )

    def aspect_stars(self) -> dict[str, int]:
        """{aspect: stars} for the aspects rated (valid form only)."""
        return {
            aspect: self.cleaned_data[f"aspect_{index}"]
            for index, aspect in enumerate(self.aspects)
            if self.cleaned_data.get(f"aspect_{index}") is not None
        }

    def aspect_rows(self) -> list[tuple[int, str, str]]:
        """(index, aspect, the stars chosen as text) for the template, valid or not."""
        return [
            (index, aspect, str(self.data.get(f"aspect_{index}", "") or "")[:1] if self.is_bound else "")
            for index, aspect in enumerate(self.aspects)
        ]

    def chosen_stars(self) -> str:
        return str(self.data.get("stars", "") or "")[:1] if self.is_bound else ""

    def problems(self) -> list[str]:
        return [str(error) for errors in self.errors.values() for error in errors]


MAX_PHOTOS = ATTACHMENTS_PER_MESSAGE
