"""Customer pages of requests (tickets) (being written)."""

from django.http import Http404


def service_home(request, *args, **kwargs):
    raise Http404


def request_form(request, *args, **kwargs):
    raise Http404


def follow(request, *args, **kwargs):
    raise Http404


def follow_reply(request, *args, **kwargs):
    raise Http404


def follow_close(request, *args, **kwargs):
    raise Http404


def follow_rate(request, *args, **kwargs):
    raise Http404


def attachment(request, *args, **kwargs):
    raise Http404


def my_requests(request, *args, **kwargs):
    raise Http404


def my_request(request, *args, **kwargs):
    raise Http404


def reply(request, *args, **kwargs):
    raise Http404


def close(request, *args, **kwargs):
    raise Http404


def rate(request, *args, **kwargs):
    raise Http404
