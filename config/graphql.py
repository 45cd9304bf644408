"""The one GraphQL schema every tenant domain serves at /graphql/ (builder.graphql.views).

grapple assembles it when this module is imported: pages, blocks, images and settings, plus the
root queries each domain registers from its own `graphql/` through grapple's
`register_schema_query` hook, and `viewer`, which builder.graphql builds from the fields domains
register through `portal_viewer_fields` (core.registry).

builder.graphql.hardening then adjusts grapple's types for a public multi-tenant API: renditions
only from an allowed list and media URLs on the tenant's host, only live and public pages through
every relation, no draft fields.

`python -m config.graphql` prints it (`make schema` writes schema.graphql with it).
"""

import os

import django

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    django.setup()

from grapple.schema import schema  # noqa: E402 - needs Django set up first when run as a script

from builder.graphql.hardening import harden_schema  # noqa: E402

harden_schema(schema)

if __name__ == "__main__":
    print(schema, end="")  # noqa: T201
