"""Referrals' work on every schedule tick: commission whose return window ended is settled."""

from referrals import services

EVERY_TICK = {"referrals.settle_commission": services.settle_due_commissions}
