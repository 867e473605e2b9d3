"""Payments: Alipay with verified, idempotent callbacks, refunds, and the local gateway simulator."""
