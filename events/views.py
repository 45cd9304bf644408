"""Customer pages of events (being written)."""

from django.http import Http404


def event_list(request, **kwargs):
    raise Http404


def event(request, **kwargs):
    raise Http404


def sign_up(request, **kwargs):
    raise Http404


def my_events(request, **kwargs):
    raise Http404


def ticket(request, **kwargs):
    raise Http404


def cancel(request, **kwargs):
    raise Http404


def check_in_desk(request, **kwargs):
    raise Http404


def daily_check_in(request, **kwargs):
    raise Http404


def campaign(request, **kwargs):
    raise Http404


def draw(request, **kwargs):
    raise Http404
