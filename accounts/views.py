"""The customer's own pages under /account/profile/: edit the profile, delete the account."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from accounts import services
from accounts.forms import DeleteAccountForm, ProfileForm
from accounts.selectors import profile_for

# settings.LOGIN_URL is the agency console's (public host); customers log in through allauth.
customer_login_required = login_required(login_url=reverse_lazy("account_login"))


@customer_login_required
def profile(request):
    current = profile_for(request.user)
    form = ProfileForm.for_profile(current, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_profile(request.user, **form.cleaned_data, acting_user=request.user)
        except services.AccountError as error:
            for field, message in error.errors.items():
                form.add_error(field, message)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form, "profile": current})


@customer_login_required
def delete_account(request):
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.delete_account(request.user, acting_user=request.user)
        except services.AccountError as error:
            for field, message in error.errors.items():
                form.add_error(field, message)
        else:
            logout(request)
            messages.success(request, _("Your account is deleted. Thank you for having been with us."))
            return redirect("/")
    return render(request, "accounts/delete_account.html", {"form": form})
