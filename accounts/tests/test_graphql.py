"""accounts' part of `viewer`: the profile, with the name the customer gave."""

import datetime as dt
import json

from django.test import Client

from accounts import services, tokens
from accounts.tests.factories import customer


def test_viewer_profile_has_the_customers_own_name_phone_and_birthday(alpha, in_tenant):
    user = customer(alpha, "mei@example.com")
    with in_tenant(alpha):
        services.update_profile(
            user,
            display_name="Mei Lin",
            phone="138 0013 8000",
            birthday=dt.date(1990, 11, 25),
            gender="",
            preferred_language="zh-hans",
            marketing_consent=False,
            acting_user=user,
        )
        raw = tokens.issue_customer_token(user)
    response = Client().post(
        "/graphql/",
        json.dumps({"query": "{ viewer { profile { email name phone birthday preferredLanguage } } }"}),
        content_type="application/json",
        HTTP_HOST="alpha.localhost",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.json() == {
        "data": {
            "viewer": {
                "profile": {
                    "email": "mei@example.com",
                    "name": "Mei Lin",
                    "phone": "+8613800138000",
                    "birthday": "1990-11-25",
                    "preferredLanguage": "zh-hans",
                }
            }
        }
    }
