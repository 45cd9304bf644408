from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Customer accounts"

    def ready(self):
        install_staff_password_screens()


def install_staff_password_screens():
    """Bind the Wagtail admin's own password screens to the tenant and to the lock-out.

    Wagtail's views and its Account page offer no setting for either, so the two class attributes
    they read are set here, once, at start-up:

    - the admin's password-reset views make and check links with Django's `default_token_generator`,
      which one tenant's link would satisfy on another for a user with the same id and hash. They
      use the tenant-bound generator instead, the one the brand admin's invitation link is made
      with (tenants.services.set_password_url);
    - the Account page's password panel checks the old password with `check_password`, so wrong
      guesses were never counted: it uses accounts.forms.StaffPasswordChangeForm, which counts
      them towards the same django-axes lock-out as the log-in page.
    """
    from wagtail.admin.views import account

    from accounts.forms import StaffPasswordChangeForm
    from core.signing import tenant_password_reset_token_generator

    account.PasswordResetView.token_generator = tenant_password_reset_token_generator
    account.PasswordResetConfirmView.token_generator = tenant_password_reset_token_generator
    account.ChangePasswordPanel.form_class = StaffPasswordChangeForm
