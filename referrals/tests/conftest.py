import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _in_english():
    """Messages are asserted word for word in English, whatever language an earlier test left on."""
    with translation.override("en"):
        yield
