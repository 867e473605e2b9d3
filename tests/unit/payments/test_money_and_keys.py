"""Money conversion without floats, the simulator's key files, and key loading for the real backend."""

from __future__ import annotations

import stat

import pytest

from ihome.integrations.payments import AlipayGateway, _pem, build_payment_gateway, fen_to_yuan, yuan_to_fen
from ihome.payments.simulator.keys import FILES, ensure_key_pairs


@pytest.mark.parametrize("fen, yuan", [(0, "0.00"), (1, "0.01"), (10, "0.10"), (100, "1.00"), (12345, "123.45"),
                                       (987654321012, "9876543210.12")])
def test_fen_to_yuan_is_exact(fen, yuan):
    assert fen_to_yuan(fen) == yuan
    assert yuan_to_fen(yuan) == fen


def test_float_traps_do_not_apply():
    assert fen_to_yuan(29) == "0.29"  # 0.29 * 100 == 28.999999999999996 in floating point
    assert fen_to_yuan(1_000_000_001) == "10000000.01"
    with pytest.raises(ValueError):
        fen_to_yuan(-1)


@pytest.mark.parametrize("text, fen", [("7", 700), ("7.5", 750), ("0.01", 1), ("", None), ("-1.00", None),
                                       ("1.001", None), ("1e3", None), (" 1.00", None), ("01.00", None),
                                       ("NaN", None)])
def test_yuan_to_fen_accepts_only_plain_amounts(text, fen):
    assert yuan_to_fen(text) == fen


def test_key_pairs_are_generated_once_with_owner_only_permissions(tmp_path):
    first = ensure_key_pairs(tmp_path)
    for name in FILES:
        mode = stat.S_IMODE((tmp_path / "alipay" / name).stat().st_mode)
        assert mode == 0o600, name
    assert ensure_key_pairs(tmp_path) == first
    assert "BEGIN PRIVATE KEY" in first.app_private_pem
    assert first.app_private_pem != first.simulator_private_pem


def test_bare_base64_keys_from_alipays_console_are_wrapped(alipay_keys):
    body = "".join(alipay_keys.app_private_pem.strip().splitlines()[1:-1])
    wrapped = _pem({"ALIPAY_PRIVATE_KEY": body}, "ALIPAY_PRIVATE_KEY", private=True)
    public = _pem({"ALIPAY_PUBLIC_KEY": alipay_keys.simulator_public_pem}, "ALIPAY_PUBLIC_KEY", private=False)
    gateway = AlipayGateway(app_id="1", app_private_key=wrapped, alipay_public_key=public, gateway="http://g")
    assert gateway.page_pay_url(out_trade_no="x", total_amount="1.00", subject="s", return_url="r",
                                notify_url="n").startswith("http://g?")


def test_the_alipay_backend_reads_key_files_and_needs_them(app, alipay_keys, tmp_path):
    private, public = tmp_path / "app.pem", tmp_path / "alipay.pem"
    private.write_text(alipay_keys.app_private_pem)
    public.write_text(alipay_keys.simulator_public_pem)

    class Fake:
        instance_path = str(tmp_path)
        config = {**app.config, "PAYMENT_BACKEND": "alipay", "ALIPAY_PRIVATE_KEY": None, "ALIPAY_PUBLIC_KEY": None,
                  "ALIPAY_PRIVATE_KEY_FILE": str(private), "ALIPAY_PUBLIC_KEY_FILE": str(public),
                  "ALIPAY_GATEWAY": "https://openapi-sandbox.dl.alipaydev.com/gateway.do"}

    gateway = build_payment_gateway(Fake())  # type: ignore[arg-type]
    assert gateway.page_pay_url(out_trade_no="x", total_amount="1.00", subject="s", return_url="r",
                                notify_url="n").startswith("https://openapi-sandbox.dl.alipaydev.com/gateway.do?")
    Fake.config = {**Fake.config, "ALIPAY_PRIVATE_KEY_FILE": None}
    with pytest.raises(ValueError, match="IHOME_ALIPAY_PRIVATE_KEY"):
        build_payment_gateway(Fake())  # type: ignore[arg-type]
