"""S3-compatible media storage with one key prefix per tenant schema (needs django-storages[s3])."""

from django.db import connection
from storages.backends.s3 import S3Storage


class TenantS3Storage(S3Storage):
    def _normalize_name(self, name):
        return super()._normalize_name(f"{connection.schema_name}/{name}")
