"""Agency staff get a role: the plain many-to-many's table becomes AgencyMembership's, with a
`role` column (existing members are owners). No row moves."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tenants", "0007_audit_ip_address_and_invitations"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AgencyMembership",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "agency",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, to="tenants.agency"
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, to=settings.AUTH_USER_MODEL
                            ),
                        ),
                    ],
                    options={"db_table": "tenants_agency_staff"},
                ),
                migrations.AlterField(
                    model_name="agency",
                    name="staff",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="agencies",
                        through="tenants.AgencyMembership",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AddConstraint(
                    model_name="agencymembership",
                    constraint=models.UniqueConstraint(
                        fields=("agency", "user"), name="agency_membership_once"
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'ALTER TABLE "tenants_agency_staff" RENAME CONSTRAINT '
                    '"tenants_agency_staff_agency_id_user_id_89114abf_uniq" TO "agency_membership_once"',
                    'ALTER TABLE "tenants_agency_staff" RENAME CONSTRAINT '
                    '"agency_membership_once" TO "tenants_agency_staff_agency_id_user_id_89114abf_uniq"',
                ),
            ],
        ),
        migrations.AddField(
            model_name="agencymembership",
            name="role",
            field=models.CharField(
                choices=[("owner", "Owner"), ("operator", "Operator"), ("read_only", "Read-only")],
                default="owner",
                max_length=16,
            ),
        ),
    ]
