"""Customer pages of bookings (appointments) (being written)."""

from django.http import Http404


def service_list(request, *args, **kwargs):
    raise Http404


def service(request, *args, **kwargs):
    raise Http404


def my_appointments(request, *args, **kwargs):
    raise Http404


def appointment(request, *args, **kwargs):
    raise Http404


def cancel(request, *args, **kwargs):
    raise Http404


def reschedule(request, *args, **kwargs):
    raise Http404


def evaluate(request, *args, **kwargs):
    raise Http404
