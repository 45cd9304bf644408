# `migrate` is `migrate_schemas` here, as in django-tenants, so Django's test database set-up also
# builds the template schema.
from tenants.management.commands.migrate_schemas import Command  # noqa: F401
