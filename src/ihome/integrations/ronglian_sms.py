"""Ronglian Cloud Communication (容联云通讯) template SMS over its REST API (version 2013-12-26).

Request: ``POST {base}/2013-12-26/Accounts/{sid}/SMS/TemplateSMS?sig=SIG`` where
``SIG = upper(md5(sid + token + timestamp))`` and ``timestamp`` is ``yyyyMMddHHmmss`` (Beijing time);
header ``Authorization: base64(sid + ":" + timestamp)``; JSON body ``{to, appId, templateId, datas}``.
Answer: JSON with ``statusCode`` ``"000000"`` on success, else an error code and ``statusMsg``.
"""

from __future__ import annotations

import base64
import hashlib
import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import requests

from ihome.integrations.sms import SmsError, mask_mobile

log = logging.getLogger(__name__)
API_VERSION = "2013-12-26"
SUCCESS = "000000"
BEIJING = ZoneInfo("Asia/Shanghai")
TIMEOUT = (3.05, 10)  # connect, read: a slow provider delays the worker, never a web request


class RonglianSms:
    """Sends the configured template; ``datas`` are the task's ``params`` (or the whole body)."""

    def __init__(self, *, account_sid: str, auth_token: str, app_id: str, template_id: str, base_url: str,
                 session: requests.Session | None = None):
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.app_id = app_id
        self.template_id = template_id
        self.base_url = base_url.rstrip("/")
        self.session = session or requests.Session()

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> RonglianSms:
        """Build from ``IHOME_RONGLIAN_*``; refuses to start without credentials."""
        missing = [name for name in ("RONGLIAN_ACCOUNT_SID", "RONGLIAN_AUTH_TOKEN", "RONGLIAN_APP_ID")
                   if not config.get(name)]
        if missing:
            raise ValueError("IHOME_SMS_BACKEND=ronglian needs " + ", ".join("IHOME_" + m for m in missing))
        return cls(account_sid=config["RONGLIAN_ACCOUNT_SID"], auth_token=config["RONGLIAN_AUTH_TOKEN"],
                   app_id=config["RONGLIAN_APP_ID"], template_id=str(config["RONGLIAN_TEMPLATE_ID"]),
                   base_url=config["RONGLIAN_BASE_URL"])

    def signature(self, timestamp: str) -> str:
        """The ``sig`` query parameter."""
        raw = (self.account_sid + self.auth_token + timestamp).encode()
        return hashlib.md5(raw, usedforsecurity=False).hexdigest().upper()

    def authorization(self, timestamp: str) -> str:
        """The ``Authorization`` header."""
        return base64.b64encode(f"{self.account_sid}:{timestamp}".encode()).decode()

    def send(self, mobile: str, body: str, *, params: list[str] | None = None,
             sent_mark: tuple[str, int] | None = None) -> None:  # the task marks it once Ronglian answers
        """Send the template SMS; ``SmsError`` (retryable for network and 5xx failures) otherwise."""
        timestamp = datetime.now(BEIJING).strftime("%Y%m%d%H%M%S")
        url = f"{self.base_url}/{API_VERSION}/Accounts/{self.account_sid}/SMS/TemplateSMS"
        payload = {"to": mobile, "appId": self.app_id, "templateId": self.template_id,
                   "datas": list(params) if params else [body]}
        headers = {"Accept": "application/json", "Content-Type": "application/json;charset=utf-8",
                   "Authorization": self.authorization(timestamp)}
        try:
            response = self.session.post(url, params={"sig": self.signature(timestamp)}, json=payload,
                                         headers=headers, timeout=TIMEOUT)
        except requests.RequestException as exc:
            raise SmsError(f"Ronglian unreachable: {exc.__class__.__name__}", retryable=True) from exc
        if response.status_code >= 500:
            raise SmsError(f"Ronglian HTTP {response.status_code}", retryable=True)
        try:
            answer = response.json()
        except ValueError:
            raise SmsError(f"Ronglian answered HTTP {response.status_code} without JSON", retryable=True) from None
        status = str(answer.get("statusCode", ""))
        if status != SUCCESS:
            # Business errors (bad credentials, template, number, quota) do not pass by retrying.
            raise SmsError(f"Ronglian refused: {status} {answer.get('statusMsg', '')}".strip(), retryable=False)
        message_id = (answer.get("templateSMS") or {}).get("smsMessageSid")
        log.info("Ronglian accepted SMS to %s (%s)", mask_mobile(mobile), message_id)
