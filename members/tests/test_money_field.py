"""Staff type money in currency units; it is kept in integer cents (members.forms.MoneyField)."""

import pytest
from django import forms

from members.forms import MoneyField, TopUpForm


class AmountForm(forms.Form):
    amount = MoneyField(max_cents=100_000)
    price = MoneyField(required=False, allow_zero=False)


@pytest.mark.parametrize(
    ("typed", "cents"),
    [
        ("200", 20000),
        ("200.00", 20000),
        ("200.5", 20050),
        ("0.05", 5),
        (" 12.30 ", 1230),
        ("0", 0),
        ("1000", 100000),
    ],
)
def test_amounts_typed_in_currency_units_are_kept_in_cents(typed, cents):
    form = AmountForm({"amount": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"amount": cents, "price": None}


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("abc", "Enter an amount such as 200 or 200.00."),
        ("1,000", "Enter an amount such as 200 or 200.00."),
        ("1e3", "Enter an amount such as 200 or 200.00."),
        ("12.", "Enter an amount such as 200 or 200.00."),
        ("NaN", "Enter an amount such as 200 or 200.00."),
        ("-5", "The amount cannot be negative."),
        ("-0.50", "The amount cannot be negative."),
        ("1.234", "Use at most 2 decimal places."),
        ("0.001", "Use at most 2 decimal places."),
        ("1000.01", "The amount can be at most ¥1,000.00."),
        ("", "This field is required."),
    ],
)
def test_bad_amounts_are_a_form_error_that_says_what_to_type(typed, error):
    form = AmountForm({"amount": typed})
    assert not form.is_valid()
    assert form.errors == {"amount": [error]}


@pytest.mark.parametrize(
    ("typed", "error"), [("0", "The amount must be more than 0."), ("-3", "The amount must be more than 0.")]
)
def test_an_amount_that_must_be_more_than_0(typed, error):
    form = AmountForm({"amount": "1", "price": typed})
    assert form.errors == {"price": [error]}


def test_amounts_in_cents_are_shown_in_currency_units():
    form = AmountForm(initial={"amount": 20000, "price": 5})
    html = str(form["amount"])
    assert 'value="200.00"' in html
    assert 'inputmode="decimal"' in html
    assert 'value="0.05"' in str(form["price"])
    # What the user typed is shown back as typed, next to its error.
    assert 'value="12.345"' in str(AmountForm({"amount": "12.345"})["amount"])
    assert form.fields["amount"].help_text == "In ¥, for example 200 or 200.00."


def test_an_unchanged_amount_is_not_a_change():
    form = AmountForm({"amount": "200", "price": "0.05"}, initial={"amount": 20000, "price": 5})
    assert form.changed_data == []
    assert AmountForm({"amount": "201"}, initial={"amount": 20000}).changed_data == ["amount"]


def test_the_top_up_form_needs_an_amount_above_0_and_a_reason():
    assert TopUpForm({"amount": "0", "reason": " ", "idempotency_key": "k"}).errors == {
        "amount": ["The amount must be more than 0."],
        "reason": ["This field is required."],
    }
    assert TopUpForm({"amount": "1000000.01", "reason": "Gift", "idempotency_key": "k"}).errors == {
        "amount": ["The amount can be at most ¥1,000,000.00."]
    }
    form = TopUpForm({"amount": "200", "reason": " Birthday gift ", "idempotency_key": "k"})
    assert form.is_valid()
    assert form.cleaned_data == {"amount": 20000, "reason": "Birthday gift", "idempotency_key": "k"}
