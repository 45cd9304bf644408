from django.db import migrations

STARTER_PORTALS = [
    {
        "key": "member-mall",
        "name": "Member mall (retail)",
        "description": "A retail brand's member portal: member card, points and coupons, mall, events and help.",
        "sort_order": 10,
    },
    {
        "key": "service-desk",
        "name": "Service desk (services business)",
        "description": "A service business's help centre: knowledge base, bookings, tickets and contact channels.",
        "sort_order": 20,
    },
]


def add_portal_templates(apps, schema_editor):
    PortalTemplate = apps.get_model("tenants", "PortalTemplate")
    for template in STARTER_PORTALS:
        PortalTemplate.objects.update_or_create(key=template["key"], defaults=template)


class Migration(migrations.Migration):
    dependencies = [("tenants", "0001_initial")]

    operations = [migrations.RunPython(add_portal_templates, migrations.RunPython.noop)]
