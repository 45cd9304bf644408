"""The member's side: claiming a coupon from a claim block."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from blocks.base import anchor_validator
from coupons import services
from coupons.blocks import MESSAGE_TAG, member_of
from coupons.models import CouponTemplate


def _back(request):
    """Where the claim came from: the block's page, never another site, scrolled to the block
    (its anchor id, sent by the block's form) so its result message is on screen."""
    target = request.POST.get("next") or request.META.get("HTTP_REFERER") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        target = "/"
    anchor = request.POST.get("anchor") or ""
    # Only an id a block can have (blocks.base.anchor_validator): nothing else reaches the URL.
    if anchor_validator.regex.fullmatch(anchor):
        target = f"{target.split('#', 1)[0]}#{anchor}"
    return redirect(target)


@require_POST
@login_required(login_url="/accounts/login/")
def claim(request, template_id: int):
    member = member_of(request.user)
    template = CouponTemplate.objects.filter(pk=template_id).first()
    if member is None:
        messages.error(request, _("Only members of the programme can claim coupons."), extra_tags=MESSAGE_TAG)
    elif template is None:
        messages.error(request, _("This coupon no longer exists."), extra_tags=MESSAGE_TAG)
    else:
        key = (request.POST.get("claim_key") or "").strip()[:60]
        try:
            coupon = services.claim_coupon(
                template, member, acting_user=request.user, idempotency_key=f"claim:{key}" if key else ""
            )
        except services.CouponError as refusal:
            messages.error(request, str(refusal), extra_tags=MESSAGE_TAG)
        else:
            messages.success(
                request,
                _("“%(name)s” is yours: code %(code)s, use it by %(until)s.")
                % {
                    "name": template.name,
                    "code": coupon.code,
                    "until": timezone.localdate(coupon.expires_at).isoformat(),
                },
                extra_tags=MESSAGE_TAG,
            )
    return _back(request)
