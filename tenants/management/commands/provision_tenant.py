from django.core.management.base import BaseCommand, CommandError

from tenants import services
from tenants.models import Agency


class Command(BaseCommand):
    help = "Creates a tenant (schema, domain, starter portal, invited brand admin) in well under a second."

    def add_arguments(self, parser):
        parser.add_argument("name", help="The brand's name")
        parser.add_argument("domain", help="The portal's host, e.g. help.brand.com")
        parser.add_argument("--template", required=True, help="Portal template key, e.g. member-mall")
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--agency", required=True, help="Name of the owning agency")
        parser.add_argument("--schema-name", default=None)
        parser.add_argument("--language", default="zh-hans")
        parser.add_argument("--time-zone", default="Asia/Shanghai")
        # Optional: the starter portal shows a placeholder for a blank e-mail or phone, no website link.
        parser.add_argument("--contact-email", default="", help="The brand's customer-service e-mail")
        parser.add_argument("--contact-phone", default="", help="The brand's customer-service phone")
        parser.add_argument("--website", default="", help="The brand's public website, an http(s) URL")

    def handle(self, *args, **options):
        agency = Agency.objects.filter(name=options["agency"]).first()
        if agency is None:
            raise CommandError(f"There is no agency called {options['agency']!r}.")
        try:
            result = services.provision_tenant(
                options["name"],
                options["domain"],
                options["template"],
                options["admin_email"],
                agency=agency,
                schema_name=options["schema_name"],
                default_language=options["language"],
                time_zone=options["time_zone"],
                contact_email=options["contact_email"],
                contact_phone=options["contact_phone"],
                website=options["website"],
            )
        except services.ProvisioningError as error:
            raise CommandError(f"{error.field}: {error.message}") from None
        self.stdout.write(
            f"Created {result.tenant.name} in schema {result.tenant.schema_name} ({result.schema_source}) "
            f"on {result.domain.domain}.\nBrand admin {result.admin_username} sets a password at:\n"
            f"{result.invite_url}"
        )
