"""Fixtures for the platform's tests: a console user of the test's agency."""

import pytest
from django.contrib.auth import get_user_model


@pytest.fixture
def agent(agency):
    """An owner of the test's agency (`agency.staff`), who may use the console."""
    user = get_user_model().objects.create_user("agent", "agent@example.com", "agency-pass-9")
    agency.staff.add(user)
    return user


@pytest.fixture
def staff_client(client, agent):
    """The test's client, logged in to the console as `agent`."""
    client.force_login(agent)
    return client
