"""Serves a tenant's uploaded media from its own folder only."""

from django.conf import settings
from django.db import connection
from django.http import Http404
from django.views.static import serve


def serve_tenant_media(request, schema_name, path):
    # The URL names the folder (django-tenants' storage writes MEDIA_ROOT/<schema>/); a host may
    # only read its own, so /media/<another tenant's schema>/... is a 404 here.
    if schema_name != connection.schema_name:
        raise Http404("No such file")
    return serve(request, path, document_root=f"{settings.MEDIA_ROOT}/{schema_name}")
