"""accounts 0003: numbers saved before E.164 are rewritten into it, once and without clashes."""

from importlib import import_module

from django.apps import apps

from accounts.models import CustomerProfile
from accounts.tests.factories import customer

migration = import_module("accounts.migrations.0003_phones_in_e164")


def test_numbers_saved_as_typed_are_rewritten_in_e164(alpha, in_tenant):
    stored = {
        "mei@example.com": "13800138000",
        "li@example.com": "008613900139000",
        "jun@example.com": "+8613700137000",  # already E.164
        "fang@example.com": "13700137000",  # the same number as jun's: left alone
        "wei@example.com": "12345",  # not a number anywhere: left alone
        "tao@example.com": "",
    }
    users = {email: customer(alpha, email) for email in stored}
    with in_tenant(alpha):
        for email, phone in stored.items():
            CustomerProfile.objects.filter(user=users[email]).update(phone=phone)

        migration.rewrite_phones_in_e164(apps, None)

        assert {email: CustomerProfile.objects.get(user=users[email]).phone for email in stored} == {
            "mei@example.com": "+8613800138000",
            "li@example.com": "+8613900139000",
            "jun@example.com": "+8613700137000",
            "fang@example.com": "13700137000",
            "wei@example.com": "12345",
            "tao@example.com": "",
        }
