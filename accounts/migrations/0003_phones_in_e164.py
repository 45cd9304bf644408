"""Phone numbers saved before they were kept in E.164 ("13800138000", "008613800138000") are
rewritten into it ("+8613800138000"), so log-in by phone finds them with one exact lookup. A number
that is not valid anywhere, or that another profile already holds in E.164, is left as it was
(log-in by that number then needs the customer to save it again on their profile)."""

from django.db import migrations


def rewrite_phones_in_e164(apps, schema_editor):
    from accounts.phones import normalise_phone

    CustomerProfile = apps.get_model("accounts", "CustomerProfile")
    taken = set(CustomerProfile.objects.filter(phone__startswith="+").values_list("phone", flat=True))
    for profile in CustomerProfile.objects.exclude(phone="").exclude(phone__startswith="+").order_by("pk"):
        number = normalise_phone(profile.phone)
        if number is None or number in taken:
            continue
        taken.add(number)
        CustomerProfile.objects.filter(pk=profile.pk).update(phone=number)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_customer_token")]

    operations = [migrations.RunPython(rewrite_phones_in_e164, migrations.RunPython.noop)]
