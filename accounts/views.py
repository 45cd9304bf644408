"""The customer's own pages under /account/profile/: edit the profile, download their data, delete
the account."""

import json

from django.contrib import messages
from django.contrib.auth import authenticate, logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts import services, tokens
from accounts.forms import DeleteAccountForm, ProfileForm
from accounts.selectors import profile_for
from core.language import remember_language

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
            # The portal follows the language the customer chose, from this answer on.
            language = form.cleaned_data["preferred_language"]
            with translation.override(language):
                messages.success(request, _("Your profile is saved."))
            return remember_language(redirect("accounts:profile"), language)
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


@customer_login_required
def export_my_data(request):
    """Everything the brand holds about the customer, as a JSON file to download (each domain's
    part: profile, membership and its history, coupons, ...)."""
    return customer_data_download(request.user, request)


def customer_data_download(user, request) -> HttpResponse:
    """The customer's data as a JSON attachment (My account, and staff answering a request)."""
    data = {
        "brand": getattr(request.tenant, "name", ""),
        "exported_at": timezone.now(),
        **services.export_customer_data(user),
    }
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="my-data-{timezone.localdate():%Y-%m-%d}.json"'
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt  # an API for apps: no session, no cookie; credentials in the body
@require_POST
def issue_api_token(request):
    """Apps and mini-programs swap a customer's e-mail (or phone) and password for a bearer token
    for /graphql/. Failed attempts count towards the same lock-out as the log-in page."""
    login, password = request.POST.get("login", ""), request.POST.get("password", "")
    if not login or not password:
        return JsonResponse({"error": "Send login and password."}, status=400)
    user = authenticate(request, username=login, email=login, password=password)
    if user is None or not user.is_active:
        return JsonResponse({"error": "Wrong login or password."}, status=400)
    token = tokens.issue_customer_token(user, name=request.POST.get("name", "app"))
    return JsonResponse({"token": token, "token_type": "Bearer"})
