"""A member on a phone logs in, puts a reward in the cart paid with points, checks out paying the
rest (its cash part and the delivery) with stored value, and finds the order paid in My account."""

import re

import pytest
from playwright.sync_api import expect

PHONE = {"width": 390, "height": 844}
PASSWORD = "Oolong-Tea-2026!"

pytestmark = pytest.mark.django_db  # see test_admin_builds_page.py: makes the test database exist


@pytest.fixture(scope="module")
def shop(live_tenant, django_db_blocker):
    """A tea mug for 300 points + ¥10.00 (or ¥50.00), ¥8.00 delivery, and a member holding 500
    points and ¥200.00 stored value (committed, so the server thread sees them)."""
    from django_tenants.utils import schema_context

    from accounts.tests.factories import customer
    from mall.models import ShopSettings
    from mall.tests.factories import ProductFactory
    from members import services as loyalty
    from members.models import LedgerSource, Member

    tenant = live_tenant.provisioned.tenant
    with django_db_blocker.unblock():
        user = customer(tenant, "mei@example.com", password=PASSWORD)
        with schema_context(tenant.schema_name):
            settings = ShopSettings.load()
            settings.shipping_fee_cents = 800
            settings.save()
            ProductFactory(
                title="Tea mug",
                slug="tea-mug",
                skus=[
                    {
                        "options": "White",
                        "price_cents": 5_000,
                        "points_price": 300,
                        "points_cash_cents": 1_000,
                        "stock": 5,
                    }
                ],
            )
            member = Member.objects.get(user=user)
            loyalty.add_points(
                member, 500, reason="Welcome", source=LedgerSource.MANUAL, idempotency_key="e2e-w"
            )
            loyalty.top_up_balance(member, 20_000, reason="Top-up", idempotency_key="e2e-t")
    return live_tenant


def test_a_member_pays_with_points_and_stored_value_and_sees_the_order_paid(
    browser, shop, artifacts_dir, django_db_blocker
):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(shop.url + "/accounts/login/?next=/shop/")
        page.locator("input[name='login']").fill("mei@example.com")
        page.locator("input[name='password']").fill(PASSWORD)
        page.locator("form button[type='submit'], form input[type='submit']").last.click()
        page.wait_for_url(re.compile(r".*/shop/$"))

        card = page.locator(".product-card", has_text="Tea mug")
        expect(card.locator(".product-card-price")).to_have_text("¥50.00 or 300 points + ¥10.00")
        page.screenshot(path=str(artifacts_dir / "shop-list-phone.png"), full_page=True)
        card.get_by_role("link").click()
        page.wait_for_url(re.compile(r".*/shop/tea-mug/$"))
        expect(page.locator("h1")).to_have_text("Tea mug")
        page.get_by_label("Points", exact=True).check()
        page.screenshot(path=str(artifacts_dir / "shop-product-phone.png"), full_page=True)
        page.get_by_role("button", name="Add to cart").click()
        expect(page.locator(".shop-messages")).to_have_text(
            "Added to your cart: Tea mug · White (1 in the cart)."
        )

        page.locator(".shop-links").get_by_role("link", name="Cart").click()
        page.wait_for_url(re.compile(r".*/shop/cart/$"))
        expect(page.locator(".cart-line-total")).to_have_text("300 points + ¥10.00")
        page.screenshot(path=str(artifacts_dir / "shop-cart-phone.png"), full_page=True)
        page.get_by_role("link", name="Checkout").click()
        page.wait_for_url(re.compile(r".*/shop/checkout/$"))

        page.get_by_label("Name", exact=True).fill("Wang Mei")
        page.get_by_label("Phone", exact=True).fill("13800000000")
        page.get_by_label("Address", exact=True).fill("88 Yuyuan Road, Shanghai")
        page.get_by_label("Pay with my stored value").check()
        # The summary is priced again for the stored value without leaving the page.
        summary = page.locator(".checkout-summary")
        expect(summary.locator("dt", has_text="Stored value")).to_be_visible()
        expect(summary.locator("dd").last).to_have_text("¥0.00")
        expect(summary.locator("dd.total")).to_have_text("¥18.00")
        page.screenshot(path=str(artifacts_dir / "shop-checkout-phone.png"), full_page=True)
        page.get_by_role("button", name="Place order").click()
        page.wait_for_url(re.compile(r".*/account/orders/\d{8}-\d+/$"))
        expect(page.locator(".order-status-line .order-status")).to_have_text("Paid")

        page.goto(shop.url + "/account/")
        orders = page.locator(".account-orders")
        expect(orders.locator(".order-status")).to_have_text(["Paid"])
        orders.get_by_role("link", name="All my orders").click()
        page.wait_for_url(re.compile(r".*/account/orders/$"))
        expect(page.locator(".order-list .order-status")).to_have_text(["Paid"])
        expect(page.locator(".order-list .order-total")).to_have_text(["¥18.00 + 300 points"])
        page.screenshot(path=str(artifacts_dir / "shop-orders-phone.png"), full_page=True)
    except Exception:
        page.screenshot(path=str(artifacts_dir / "shop-failure.png"), full_page=True)
        (artifacts_dir / "shop-failure.html").write_text(page.content())
        raise
    finally:
        context.close()

    from django_tenants.utils import schema_context

    from mall.models import Order, Sku
    from members.models import Member

    with django_db_blocker.unblock(), schema_context(shop.provisioned.tenant.schema_name):
        order = Order.objects.get()
        member = Member.objects.get(user__email="mei@example.com")
        assert (
            order.status,
            order.points_spent,
            order.balance_paid_cents,
            order.amount_due_cents,
            order.total_cents,
        ) == ("paid", 300, 1_800, 0, 1_800)
        assert (member.points, member.balance_cents, Sku.objects.get().stock) == (200, 18_200, 4)
