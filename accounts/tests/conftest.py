import pytest

from members.models import MemberLevel


@pytest.fixture
def alpha(make_tenant, in_tenant):
    """A brand on alpha.localhost whose programme has an entry level (sign-up enrols customers)."""
    tenant = make_tenant("alpha", name="Alpha Tea", default_language="en").tenant
    with in_tenant(tenant):
        MemberLevel.objects.get_or_create(threshold_points=0, defaults={"name": "Silver"})
    return tenant


@pytest.fixture
def bravo(make_tenant):
    """Another brand, on bravo.localhost."""
    return make_tenant("bravo", name="Bravo Bikes", default_language="en").tenant
