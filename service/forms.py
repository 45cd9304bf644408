"""The customer's forms of the service desk: a request (built from its type's form fields), a reply
to it, and a satisfaction rating.

The forms read and check what was posted, field by field, with a message on each field, and check
uploads with the same rule the services apply (`services.check_upload`), so a refused file is named
on its field before anything is written. service.services writes, and checks again what only it can
(who may send, the request's status).
"""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.phones import normalise_phone
from service.models import ATTACHMENT_TYPES, ATTACHMENTS_PER_MESSAGE, RequestField
from service.services import TicketError, check_upload

MAX_SHORT_ANSWER = 500
MAX_LONG_ANSWER = 4000
MAX_MESSAGE = 10_000  # TicketMessage.body
MAX_COMMENT = 2000  # Ticket.rating_comment
# The phone's file picker offers the camera and the photo library for image/*.
ACCEPTED_FILES = ",".join([*ATTACHMENT_TYPES, *sorted(set(ATTACHMENT_TYPES.values()))])
Kind = RequestField.Kind
TOO_MANY_FILES = _("Send at most %(count)d files at a time.")


class TelInput(forms.TextInput):
    input_type = "tel"


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class PhotosField(forms.Field):
    """Several files in one input (`multiple`): at most ATTACHMENTS_PER_MESSAGE, each accepted by
    services.check_upload (type, size, and the first bytes match the name). Cleans to a list."""

    def __init__(self, *, required=False, **kwargs):
        attrs = {"multiple": True, "accept": ACCEPTED_FILES}
        super().__init__(required=required, widget=MultipleFileInput(attrs=attrs), **kwargs)

    def clean(self, data):
        uploads = [upload for upload in (data if isinstance(data, list | tuple) else [data]) if upload]
        if not uploads:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        if len(uploads) > ATTACHMENTS_PER_MESSAGE:
            raise forms.ValidationError(
                TOO_MANY_FILES, code="too_many", params={"count": ATTACHMENTS_PER_MESSAGE}
            )
        problems = []
        for upload in uploads:
            try:
                check_upload(upload)
            except TicketError as refusal:
                problems.append(forms.ValidationError(str(refusal), code="refused_file"))
        if problems:
            raise forms.ValidationError(problems)
        return uploads


def _number_text(value: Decimal) -> str:
    """2.50 -> "2.5", 100 -> "100" (normalize() alone would write 1E+2)."""
    return format(value.normalize(), "f")


class RequestForm(forms.Form):
    """A request of `request_type`: its subject, the type's own fields (`field_<pk>`), the message,
    and for visitors (not logged in) a name and an e-mail address or a phone number.

    `orders`: [(number, label)] of the customer's own orders (an "order" field is then a choice of
    them; without any it takes a typed order number). `products`: [(slug, title)] for "product"."""

    subject = forms.CharField(
        label=_("Subject"),
        max_length=200,
        error_messages={
            "required": _("Give your request a subject."),
            "max_length": _("Keep the subject under %(limit_value)d characters."),
        },
    )
    message = forms.CharField(
        label=_("Your message"),
        max_length=MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": _("Tell us what happened."),
            "max_length": _("Keep your message under %(limit_value)d characters."),
        },
    )
    name = forms.CharField(
        label=_("Your name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Tell us your name.")},
    )
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": _("Enter an e-mail address like name@example.com.")},
    )
    phone = forms.CharField(
        label=_("Phone"), required=False, max_length=30, widget=TelInput(attrs={"autocomplete": "tel"})
    )
    idempotency_key = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)

    def __init__(self, *args, request_type, user=None, orders=(), products=(), **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.request_type = request_type
        self.logged_in = user is not None and user.is_authenticated
        self.type_fields = list(request_type.fields.all())
        self.orders = list(orders)
        self.products = dict(products)
        if self.logged_in:
            del self.fields["name"], self.fields["email"], self.fields["phone"]
        else:
            self.fields["email"].help_text = _(
                "We answer you there, and send you the link to follow your request."
            )
        fields = {"subject": self.fields.pop("subject")}
        for field in self.type_fields:
            fields[field.key] = self._field_for(field)
        fields.update(self.fields)
        self.fields = fields

    # --- The type's fields --------------------------------------------------------------------

    def _field_for(self, field: RequestField) -> forms.Field:
        label = {"label": field.label}
        common = {
            "label": field.label,
            "required": field.required,
            "help_text": field.help_text,
        }
        fill_in = _("Fill in “%(label)s”.") % label
        if field.kind == Kind.LONG_TEXT:
            return forms.CharField(
                **common,
                max_length=MAX_LONG_ANSWER,
                widget=forms.Textarea(attrs={"rows": 4}),
                error_messages={
                    "required": fill_in,
                    "max_length": _("Keep it under %(limit_value)d characters."),
                },
            )
        if field.kind == Kind.CHOICE:
            options = field.choice_list()
            widget = forms.RadioSelect if len(options) <= 5 else forms.Select
            choices = [(option, option) for option in options]
            return forms.ChoiceField(
                **common,
                choices=choices if widget is forms.RadioSelect else [("", "—"), *choices],
                widget=widget,
                error_messages={
                    "required": _("Choose an answer for “%(label)s”.") % label,
                    "invalid_choice": _("Choose one of the options for “%(label)s”.") % label,
                },
            )
        if field.kind == Kind.DATE:
            return forms.DateField(
                **common,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                input_formats=["%Y-%m-%d"],
                error_messages={"required": fill_in, "invalid": _("Enter a date like 2026-11-02.")},
            )
        if field.kind == Kind.NUMBER:
            return forms.DecimalField(
                **common,
                max_digits=15,
                decimal_places=4,
                widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
                error_messages={
                    "required": fill_in,
                    "invalid": _("Enter a number."),
                    "max_digits": _("Enter a smaller number."),
                    "max_whole_digits": _("Enter a smaller number."),
                    "max_decimal_places": _("Enter at most %(max)s decimal places."),
                },
            )
        if field.kind == Kind.FILE:
            return PhotosField(
                **common,
                error_messages={"required": _("Add a file or photo for “%(label)s”.") % label},
            )
        if field.kind == Kind.ORDER and self.orders:
            return forms.ChoiceField(
                **common,
                choices=[("", _("Choose an order")), *self.orders],
                error_messages={
                    "required": _("Choose one of your orders."),
                    "invalid_choice": _("Choose one of your orders."),
                },
            )
        if field.kind == Kind.ORDER:  # a visitor, or a customer without orders: the number they have
            return forms.CharField(
                **common,
                max_length=40,
                error_messages={
                    "required": _("Give the order number."),
                    "max_length": _("An order number has at most %(limit_value)d characters."),
                },
            )
        if field.kind == Kind.PRODUCT:
            return forms.ChoiceField(
                **common,
                choices=[("", _("Choose a product")), *self.products.items()],
                error_messages={
                    "required": _("Choose a product."),
                    "invalid_choice": _("Choose a product from the list."),
                },
            )
        return forms.CharField(
            **common,
            max_length=MAX_SHORT_ANSWER,
            error_messages={
                "required": fill_in,
                "max_length": _("Keep it under %(limit_value)d characters."),
            },
        )

    def clean_phone(self):
        typed = self.cleaned_data.get("phone", "").strip()
        if not typed:
            return ""
        phone = normalise_phone(typed)
        if phone is None:
            raise forms.ValidationError(_("Enter a phone number we can call, e.g. 138 0013 8000."))
        return phone

    def clean(self):
        cleaned = super().clean()
        if not self.logged_in and not self.has_error("email") and not self.has_error("phone"):
            if not cleaned.get("email") and not cleaned.get("phone"):
                self.add_error("email", _("Leave an e-mail address or a phone number so we can answer you."))
        file_keys = [field.key for field in self.type_fields if field.kind == Kind.FILE]
        total = sum(len(cleaned.get(key) or []) for key in file_keys)
        if total > ATTACHMENTS_PER_MESSAGE:
            last = next(key for key in reversed(file_keys) if cleaned.get(key))
            self.add_error(last, TOO_MANY_FILES % {"count": ATTACHMENTS_PER_MESSAGE})
        return cleaned

    # --- What the services take (valid form only) ----------------------------------------------

    def answers(self) -> list[dict]:
        """[{key, label, kind, value}] for each field answered, in the form's order; a file field's
        value is the names of its files, a product's its title."""
        answers = []
        for field in self.type_fields:
            value = self.cleaned_data.get(field.key)
            if field.kind == Kind.FILE:
                value = ", ".join(upload.name for upload in value or [])
            elif field.kind == Kind.DATE:
                value = value.isoformat() if value else ""
            elif field.kind == Kind.NUMBER:
                value = _number_text(value) if value is not None else ""
            elif field.kind == Kind.PRODUCT:
                value = self.products.get(value, "") if value else ""
            else:
                value = (value or "").strip()
            if value:
                answers.append({"key": field.key, "label": field.label, "kind": field.kind, "value": value})
        return answers

    def uploads(self) -> list:
        return [
            upload
            for field in self.type_fields
            if field.kind == Kind.FILE
            for upload in self.cleaned_data.get(field.key) or []
        ]

    def order_number(self) -> str:
        """The first order the customer named (the ticket keeps it for staff to look up)."""
        for field in self.type_fields:
            if field.kind == Kind.ORDER and self.cleaned_data.get(field.key):
                return self.cleaned_data[field.key].strip()
        return ""

    def rows(self):
        """(form field, RequestField or None) in the form's order, for the template."""
        by_key = {field.key: field for field in self.type_fields}
        return [(self[name], by_key.get(name)) for name in self.fields if name != "idempotency_key"]


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        max_length=MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Write your message."),
            "max_length": _("Keep your message under %(limit_value)d characters."),
        },
    )
    files = PhotosField(label=_("Photos or files"), help_text=_("Up to 5 files, 10 MB each."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Your rating"),
        coerce=int,
        choices=[(stars, str(stars)) for stars in range(1, 6)],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose from 1 to 5 stars."),
            "invalid_choice": _("Choose from 1 to 5 stars."),
        },
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Keep your comment under %(limit_value)d characters.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)

    def problems(self) -> list[str]:
        return [str(error) for errors in self.errors.values() for error in errors]
