from django.apps import AppConfig


class ToyDomainConfig(AppConfig):
    """A throwaway domain, installed only by the test settings: it plugs into every part of the
    registry from its own folder, and tests/test_toy_domain.py finds it everywhere."""

    name = "tests.toy_domain"
    label = "toy_domain"
