"""Media storages: one folder (or key prefix) per tenant schema, and file names nobody can guess.

Every stored upload gets a random folder between its upload folder and its name:
`documents/plan.pdf` is stored as `documents/<16 random characters>/plan.pdf`. The name a
brand gave the file stays what visitors see (Wagtail's document URL and download name are the
last part, `plan.pdf`), but the stored path cannot be derived from it, so nobody reaches a file by
guessing its name under /media/ or in a bucket. Wagtail documents are in any case served only
through /documents/<id>/<name> (settings.WAGTAILDOCS_SERVE_METHOD), which checks the collection's
privacy; `tenants.media.serve_tenant_media` refuses document files.
"""

import posixpath
import secrets

from django.db import connection
from django_tenants.files.storage import TenantFileSystemStorage as BaseTenantFileSystemStorage


def unguessable_name(name: str) -> str:
    """`folder/name.ext` -> `folder/<random>/name.ext` (96 random bits)."""
    folder, file_name = posixpath.split(name.replace("\\", "/"))
    return posixpath.join(folder, secrets.token_urlsafe(12), file_name)


class UnguessableNamesMixin:
    def get_available_name(self, name, max_length=None):
        # Django shortens the file name itself (never the random folder) when max_length needs it.
        return super().get_available_name(unguessable_name(name), max_length=max_length)


class TenantFileSystemStorage(UnguessableNamesMixin, BaseTenantFileSystemStorage):
    """MEDIA_ROOT/<schema>/<upload folder>/<random>/<name>, served at /media/<schema>/..."""


try:
    from storages.backends.s3 import S3Storage
except ImportError:  # django-storages is installed only where a bucket is configured (docs/deploy.md)
    S3Storage = None

if S3Storage is not None:

    class TenantS3Storage(UnguessableNamesMixin, S3Storage):
        """S3-compatible storage (django-storages[s3]) with one key prefix per tenant schema."""

        def _normalize_name(self, name):
            return super()._normalize_name(f"{connection.schema_name}/{name}")
