"""What a starter portal sets up in the referral programme, so that its "Recommend us" entrance works
on the first day: a promoter level and a modest commission on the whole shop, in the brand's
language and the brand's to change (Referrals in the admin; Settings → Referrals turns it off)."""

from referrals.models import CommissionRule, PromoterLevel

REFERRAL_URL = "/account/referral/"  # a member's link, code, QR poster, commission and withdrawals

REFERRAL_WORDS = {
    "en": {"level": "Promoter", "level_text": "Everyone who shares their link", "rule": "Whole shop"},
    "zh-hans": {"level": "推广员", "level_text": "分享链接的每一位会员", "rule": "全店佣金"},
}
STARTER_COMMISSION_PERCENT = 5


def set_up_referrals(brand) -> None:
    words = brand.words(REFERRAL_WORDS)
    PromoterLevel.objects.create(name=words["level"], rank=1, description=words["level_text"])
    CommissionRule.objects.create(
        name=words["rule"], kind=CommissionRule.Kind.PERCENT, first_tier=STARTER_COMMISSION_PERCENT
    )
