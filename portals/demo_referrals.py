"""The demo brands' referral programme (development only: `make setup` seeds it through the real
services): promoter levels and commission rules, a promoter ("tao") with customers they referred
by link, QR poster and code, a second promoter they brought (whose customer earns Tao the second
tier), orders that earned commission (settled, pending and one reversed by a refund), a paid
withdrawal and one waiting for staff."""

from django.utils import timezone

from accounts.services import create_customer
from builder.models import HomePage, StandardPage
from core.outbox import deliver_due_events as deliver_events
from mall import services as shop
from mall.models import ProductCategory, SaleMode, Sku
from members import services as loyalty
from members.models import Member
from referrals import services as referrals
from referrals.models import CommissionRule, PromoterLevel, Referral, ReferralSettings

# level names, rules [(name, category slug or "", percent, second tier %)], referred customers
# [(name, via)], the second promoter's customer, the payout reference, pay-to and the share text
LUMEN_REFERRALS = {
    "levels": [("推广员", 1, "新加入的推广员"), ("金牌推广员", 2, "每月推荐 10 位以上新顾客")],
    "rules": [("全店佣金", "", 8, 2), ("咖啡豆佣金", "beans", 12, 3)],
    "customers": [("ning", Referral.Via.LINK), ("xia", Referral.Via.QR), ("bo", Referral.Via.CODE)],
    "second": ("mei", "yun"),
    "reference": "ALIPAY-20261120-3318",
    "pay_to": "支付宝 tao@demo.example",
    "share_text": "我常喝的流明咖啡，用我的链接注册，一起喝好咖啡！",
}
HARBOR_REFERRALS = {
    "levels": [("Promoter", 1, "Everyone who shares their link"), ("Ambassador", 2, "Ten or more customers")],
    "rules": [("Whole shop", "", 10, 2)],
    "customers": [("ning", Referral.Via.LINK), ("xia", Referral.Via.QR), ("bo", Referral.Via.CODE)],
    "second": ("mei", "yun"),
    "reference": "BANK-TRANSFER-884120",
    "pay_to": "Bank account ending 4471",
    "share_text": "Harbor fixed our boiler in a day. Sign up through my link:",
}
# The page that shows the invite card and the top promoters: Lumen's membership page, Harbor's contact page.
REFERRAL_PAGE = {"lumen": "membership", "harbor": "contact"}
REFERRAL_BLOCK_WORDS = {
    "en": {
        "invite": "Recommend us to a friend",
        "invite_text": "Friends who sign up through your link and buy earn you commission.",
        "top": "Our top promoters",
    },
    "zh-hans": {
        "invite": "推荐好友",
        "invite_text": "好友通过您的链接注册并购买，您即可获得佣金。",
        "top": "推广达人榜",
    },
}
DEMO_REFERRALS = {"lumen": LUMEN_REFERRALS, "harbor": HARBOR_REFERRALS}
PASSWORD = "customer-demo"  # noqa: S105 - printed demo login, development only


def seed_demo_referrals(key: str, *, language: str) -> None:
    spec = DEMO_REFERRALS[key]
    settings = ReferralSettings.load()
    settings.share_text = spec["share_text"]
    settings.minimum_withdrawal_cents = 1_000
    settings.save()
    # The starter portal made a level and a whole-shop rule: the demo's replace them.
    CommissionRule.objects.all().delete()
    for name, rank, description in spec["levels"]:
        PromoterLevel.objects.update_or_create(rank=rank, defaults={"name": name, "description": description})
    for name, category, percent, second in spec["rules"]:
        CommissionRule.objects.create(
            name=name,
            category=ProductCategory.objects.filter(slug=category).first() if category else None,
            kind=CommissionRule.Kind.PERCENT,
            first_tier=percent,
            second_tier=second,
        )
    tao = referrals.become_promoter(Member.objects.get(user__username="tao"))
    customers = [_referred(name, tao, via, language=language) for name, via in spec["customers"]]
    second_promoter = referrals.become_promoter(Member.objects.get(user__username=spec["second"][0]))
    # Mei was a customer before the programme: staff recorded that Tao brought her.
    referrals.refer(second_promoter.member, tao, via=Referral.Via.STAFF)
    customers.append(_referred(spec["second"][1], second_promoter, Referral.Via.LINK, language=language))

    skus = list(
        Sku.objects.filter(
            product__sale_mode=SaleMode.NORMAL,
            product__visibility="everyone",
            price_cents__isnull=False,
            stock__gte=5,
        ).order_by("pk")[:4]
    )
    if len(skus) < 4:
        return
    # The return window ends at completion for the seed, so the tick settles these at once.
    settings.return_days = 0
    settings.save()
    settled = [
        _order(customers[0], skus[0], 2),
        _order(customers[1], skus[1], 1),
        _order(customers[3], skus[2], 1),
    ]
    for order in settled:
        shop.ship_order(order, tracking_number=f"SF{order.pk:010d}", acting_user=None)
        shop.complete_order(order, acting_user=None)
    refunded = _order(customers[2], skus[3], 1)
    deliver_due_events()
    shop.refund_order(refunded, reason="Changed their mind", acting_user=None)
    deliver_due_events()
    referrals.settle_due_commissions(now=timezone.now())
    settings.return_days = 7
    settings.save()
    # Still in the return window: shipped, not completed.
    shop.ship_order(_order(customers[2], skus[0], 1), tracking_number="SF7700012345", acting_user=None)
    deliver_due_events()

    tao.refresh_from_db()
    first = min(tao.available_cents, max(settings.minimum_withdrawal_cents, tao.available_cents // 2))
    if first >= settings.minimum_withdrawal_cents:
        paid = referrals.request_withdrawal(tao, first, pay_to=spec["pay_to"], idempotency_key="demo-1")
        referrals.pay_withdrawal(paid, reference=spec["reference"], acting_user=None)
    tao.refresh_from_db()
    if tao.available_cents >= settings.minimum_withdrawal_cents:
        referrals.request_withdrawal(
            tao, settings.minimum_withdrawal_cents, pay_to=spec["pay_to"], idempotency_key="demo-2"
        )
    add_referral_blocks(key)


def add_referral_blocks(key: str) -> None:
    """The invite card and the top promoters on one page of each language's tree."""
    for home in HomePage.objects.select_related("locale"):
        words = REFERRAL_BLOCK_WORDS[home.locale.language_code]
        page = StandardPage.objects.child_of(home).get(slug=REFERRAL_PAGE[key])
        page.body.append(("invite_card", {"heading": words["invite"], "text": words["invite_text"]}))
        page.body.append(("top_promoters", {"heading": words["top"], "count": 5}))
        page.save_revision().publish()


def deliver_due_events() -> None:
    """Run what the orders set off now (commission is earned by the order.paid subscriber), also
    when a broker is configured and no worker runs during `make setup`."""
    while deliver_events(limit=1000)["delivered"]:
        pass


def _referred(name: str, promoter, via: str, *, language: str) -> Member:
    user = create_customer(
        f"{name}@demo.example", password=PASSWORD, name=name.title(), preferred_language=language
    )
    member = loyalty.enrol_member(user)
    referrals.refer(member, promoter, via=via)
    return member


def _order(member: Member, sku: Sku, quantity: int):
    request = shop.CheckoutRequest(
        lines=[shop.LineRequest(sku.pk, quantity)],
        delivery="shipping",
        recipient_name=member.user.first_name,
        recipient_phone="13800000000",
        address="88 Yuyuan Road, Shanghai",
        payment_provider="in_store",
        idempotency_key=f"demo-referral-{sku.pk}-{member.pk}",
    )
    order = shop.place_order(member, request, acting_user=member.user)
    return shop.record_payment_in_store(order, acting_user=None)
