"""The simulator's key pairs live beside the gateway client (``ihome.integrations.alipay_keys``): an
integration imports no domain code. This name stays for the simulator and its tests."""

from __future__ import annotations

from ihome.integrations.alipay_keys import FILES, KeyPairs, ensure_key_pairs

__all__ = ["FILES", "KeyPairs", "ensure_key_pairs"]
