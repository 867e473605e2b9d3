"""Taking money: a ``PaymentGateway`` protocol and its one implementation, Alipay (python-alipay-sdk, RSA2).

``IHOME_PAYMENT_BACKEND`` picks where the keys and the gateway come from, not which code runs:

- ``alipay``: the app id, the app's private key and Alipay's public key come from the environment
  (PEM text, or the path of a PEM file); the gateway is ``IHOME_ALIPAY_GATEWAY`` (Alipay's
  production gateway by default, or its sandbox's).
- ``simulator`` (development and testing only): the same ``AlipayGateway`` talks to the local gateway
  simulator (``/dev/alipay/gateway``) with key pairs generated on first start under the instance folder.

Domain code never imports the SDK: it calls ``get_payment_gateway()`` and handles ``PaymentProviderError``.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any, Protocol

from alipay import AliPay
from alipay.exceptions import AliPayException, AliPayValidationError
from flask import Flask

from ihome.integrations import per_app

log = logging.getLogger(__name__)
ALIPAY_GATEWAY = "https://openapi.alipay.com/gateway.do"
SUCCESS_CODE = "10000"
_YUAN = re.compile(r"^(0|[1-9]\d{0,11})(?:\.(\d{1,2}))?$")


class PaymentProviderError(Exception):
    """The provider could not be reached, answered with a bad signature, or refused the call."""


def fen_to_yuan(fen: int) -> str:
    """12345 -> "123.45": Alipay's ``total_amount``, computed with integers only (never a float)."""
    if fen < 0:
        raise ValueError("an amount is never negative")
    return f"{fen // 100}.{fen % 100:02d}"


def yuan_to_fen(text: str) -> int | None:
    """ "123.45" -> 12345, "7" -> 700; None for anything that is not a plain non-negative amount."""
    match = _YUAN.match(text or "")
    if match is None:
        return None
    whole, cents = match.group(1), (match.group(2) or "").ljust(2, "0")
    return int(whole) * 100 + int(cents)


class PaymentGateway(Protocol):
    """What the payments service needs from a provider."""

    app_id: str

    def page_pay_url(self, *, out_trade_no: str, total_amount: str, subject: str,
                     return_url: str, notify_url: str) -> str:
        """Where a desktop browser goes to pay (``alipay.trade.page.pay``)."""
        ...

    def wap_pay_url(self, *, out_trade_no: str, total_amount: str, subject: str,
                    return_url: str, notify_url: str) -> str:
        """Where a mobile browser goes to pay (``alipay.trade.wap.pay``)."""
        ...

    def verify(self, data: dict[str, str], signature: str) -> bool:
        """Whether ``data`` (without ``sign``) carries the provider's valid signature."""
        ...

    def query(self, out_trade_no: str) -> dict[str, Any]:
        """The verified ``alipay.trade.query`` response (``code`` "10000" or a business error)."""
        ...

    def refund(self, out_trade_no: str, amount: str, out_request_no: str) -> dict[str, Any]:
        """The verified ``alipay.trade.refund`` response; repeating an ``out_request_no`` refunds once."""
        ...

    def close(self, out_trade_no: str) -> dict[str, Any]:
        """The verified ``alipay.trade.close`` response."""
        ...


class _Client(AliPay):
    """The SDK's client with a configurable gateway (the SDK only knows production and sandbox)."""

    def __init__(self, *, gateway: str, timeout: int, **kwargs: Any):
        from alipay.utils import AliPayConfig

        super().__init__(config=AliPayConfig(timeout=timeout), **kwargs)
        self._gateway = gateway


class AlipayGateway:
    """Alipay through python-alipay-sdk, RSA2-signed both ways."""

    def __init__(self, *, app_id: str, app_private_key: str, alipay_public_key: str, gateway: str,
                 timeout: int = 10):
        self.app_id = app_id
        self.gateway = gateway
        self._client = _Client(appid=app_id, app_private_key_string=app_private_key,
                               alipay_public_key_string=alipay_public_key, sign_type="RSA2",
                               gateway=gateway, timeout=timeout)

    def page_pay_url(self, *, out_trade_no: str, total_amount: str, subject: str,
                     return_url: str, notify_url: str) -> str:
        return self._pay_url(self._client.api_alipay_trade_page_pay, subject=subject, out_trade_no=out_trade_no,
                             total_amount=total_amount, return_url=return_url, notify_url=notify_url)

    def wap_pay_url(self, *, out_trade_no: str, total_amount: str, subject: str,
                    return_url: str, notify_url: str) -> str:
        return self._pay_url(self._client.api_alipay_trade_wap_pay, subject=subject, out_trade_no=out_trade_no,
                             total_amount=total_amount, return_url=return_url, notify_url=notify_url)

    def _pay_url(self, sign_order: Any, **order: str) -> str:
        """The gateway URL with the signed order string (where the browser is sent)."""
        return f"{self.gateway}?{sign_order(**order)}"

    def verify(self, data: dict[str, str], signature: str) -> bool:
        unsigned = {k: v for k, v in data.items() if k != "sign"}  # the SDK drops sign_type itself
        try:
            return bool(self._client.verify(unsigned, signature))
        except (AliPayException, ValueError, TypeError, IndexError):  # malformed base64, unknown sign_type
            return False

    def query(self, out_trade_no: str) -> dict[str, Any]:
        return self._call(lambda: self._client.api_alipay_trade_query(out_trade_no=out_trade_no))

    def refund(self, out_trade_no: str, amount: str, out_request_no: str) -> dict[str, Any]:
        return self._call(lambda: self._client.api_alipay_trade_refund(
            refund_amount=amount, out_trade_no=out_trade_no, out_request_no=out_request_no))

    def close(self, out_trade_no: str) -> dict[str, Any]:
        return self._call(lambda: self._client.api_alipay_trade_close(out_trade_no=out_trade_no))

    @staticmethod
    def _call(call: Any) -> dict[str, Any]:
        """Run an SDK call; a transport error, a bad signature or an unsigned error becomes ours."""
        try:
            return dict(call())
        except AliPayValidationError as exc:
            raise PaymentProviderError("the gateway's response signature is invalid") from exc
        except AliPayException as exc:
            raise PaymentProviderError(f"the gateway refused the call: {exc}") from exc
        except (OSError, ValueError) as exc:  # URLError, timeouts, a body that is not JSON
            raise PaymentProviderError(f"the gateway is unreachable or answered garbage: {exc}") from exc


def get_payment_gateway() -> PaymentGateway:
    """The gateway of the current app (built once per app)."""
    return per_app("ihome.payments", build_payment_gateway)


def build_payment_gateway(app: Flask) -> PaymentGateway:
    """The gateway ``IHOME_PAYMENT_BACKEND`` describes."""
    config = app.config
    backend = config["PAYMENT_BACKEND"]
    if backend == "simulator":
        from ihome.integrations.alipay_keys import ensure_key_pairs

        keys = ensure_key_pairs(Path(app.instance_path))
        gateway = config["ALIPAY_GATEWAY"] or config["PUBLIC_URL"].rstrip("/") + "/dev/alipay/gateway"
        return AlipayGateway(app_id=config["ALIPAY_APP_ID"], app_private_key=keys.app_private_pem,
                             alipay_public_key=keys.simulator_public_pem, gateway=gateway)
    if backend == "alipay":
        return AlipayGateway(
            app_id=config["ALIPAY_APP_ID"],
            app_private_key=_pem(config, "ALIPAY_PRIVATE_KEY", private=True),
            alipay_public_key=_pem(config, "ALIPAY_PUBLIC_KEY", private=False),
            gateway=config["ALIPAY_GATEWAY"] or ALIPAY_GATEWAY,
        )
    raise ValueError(f"IHOME_PAYMENT_BACKEND must be simulator or alipay, not {backend!r}")


def _pem(config: Any, key: str, *, private: bool) -> str:
    """A key from ``IHOME_<key>`` (PEM, or the bare base64 Alipay's console shows) or ``IHOME_<key>_FILE``."""
    text = config.get(key)
    if not text and config.get(f"{key}_FILE"):
        text = Path(config[f"{key}_FILE"]).read_text()
    if not text:
        raise ValueError(f"IHOME_{key} or IHOME_{key}_FILE must be set for the alipay payment backend")
    text = text.strip()
    if text.startswith("-----BEGIN"):
        return text
    # Alipay's console shows bare base64: wrap it (PKCS#1 for the app's private key, SPKI for Alipay's)
    body = "\n".join(text[i:i + 64] for i in range(0, len(text), 64))
    label = "RSA PRIVATE KEY" if private else "PUBLIC KEY"
    return f"-----BEGIN {label}-----\n{body}\n-----END {label}-----"
