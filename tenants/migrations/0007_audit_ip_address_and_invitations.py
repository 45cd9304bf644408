from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tenants", "0006_tenant_usage"),
    ]

    operations = [
        migrations.AddField(
            model_name="tenantauditentry",
            name="ip_address",
            field=models.GenericIPAddressField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="tenantauditentry",
            name="action",
            field=models.CharField(
                choices=[
                    ("created", "Created"),
                    ("suspended", "Suspended"),
                    ("resumed", "Resumed"),
                    ("archived", "Archived"),
                    ("domain_added", "Domain added"),
                    ("domain_verified", "Domain verified"),
                    ("domain_made_primary", "Domain made primary"),
                    ("domain_removed", "Domain removed"),
                    ("admin_invited", "Brand admin invited"),
                    ("invitation_resent", "Invitation resent"),
                    ("invitation_revoked", "Invitation revoked"),
                ],
                max_length=20,
            ),
        ),
        migrations.AddIndex(
            model_name="tenantauditentry",
            index=models.Index(fields=["tenant", "-at"], name="tenant_audit_tenant_at"),
        ),
    ]
