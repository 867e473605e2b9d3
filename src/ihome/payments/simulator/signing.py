"""Alipay's RSA2 signatures, written independently of the SDK (so the SDK is checked against them).

- A request the app sends is signed over every parameter but ``sign``, sorted, as ``k=v&k=v``.
- A notification or return parameters are signed the same way without ``sign`` and ``sign_type``.
- An API response is signed over the exact JSON text of its ``<method>_response`` object.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa


def unsigned_string(params: dict[str, str], *, drop_sign_type: bool) -> str:
    """The sorted ``k=v&...`` text that a signature covers."""
    skip = {"sign", "sign_type"} if drop_sign_type else {"sign"}
    return "&".join(f"{k}={v}" for k, v in sorted(params.items()) if k not in skip)


def sign(text: str, private_pem: str) -> str:
    """Base64 SHA256withRSA (RSA2) signature of ``text``."""
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return base64.b64encode(key.sign(text.encode(), padding.PKCS1v15(), hashes.SHA256())).decode()


def verify(text: str, signature: str, public_pem: str) -> bool:
    """Whether ``signature`` is a valid RSA2 signature of ``text``."""
    key = serialization.load_pem_public_key(public_pem.encode())
    assert isinstance(key, rsa.RSAPublicKey)
    try:
        key.verify(base64.b64decode(signature, validate=True), text.encode(), padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True


def signed_params(params: dict[str, str], private_pem: str) -> dict[str, str]:
    """``params`` with ``sign_type`` and the ``sign`` of a notification or return redirect."""
    signed = {**params, "sign_type": "RSA2"}
    signed["sign"] = sign(unsigned_string(signed, drop_sign_type=True), private_pem)
    return signed


def signed_response(method: str, body: dict[str, Any], private_pem: str) -> str:
    """The JSON text Alipay answers an API call with: ``{"<method>_response": {...}, "sign": "..."}``."""
    inner = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    response_type = method.replace(".", "_") + "_response"
    return f'{{"{response_type}":{inner},"sign":"{sign(inner, private_pem)}"}}'


def unsigned_error(code: str, msg: str, sub_code: str, sub_msg: str) -> str:
    """What Alipay answers a request it could not authenticate: an unsigned ``error_response``."""
    return json.dumps({"error_response": {"code": code, "msg": msg, "sub_code": sub_code, "sub_msg": sub_msg}})
