"""The shop's work on every schedule tick: unpaid orders time out (their stock returns), reminders
go out, group-buys that did not fill fail and are refunded, bargains expire."""

from mall import services


def shop_tick() -> dict[str, int]:
    return {**services.cancel_unpaid_orders(), **services.close_expired_group_buys()}


EVERY_TICK = {"mall.orders-and-groups": shop_tick}
