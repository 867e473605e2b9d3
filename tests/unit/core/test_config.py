"""Configuration: defaults, environment, and production's refusals."""

from pathlib import Path

import pytest

from ihome.config import SETTINGS, ConfigError, load_config

GOOD_KEY = "k" * 40
PROD = {"IHOME_ENV": "production", "IHOME_SECRET_KEY": GOOD_KEY, "IHOME_SMS_BACKEND": "ronglian",
        "IHOME_RONGLIAN_ACCOUNT_SID": "sid", "IHOME_RONGLIAN_AUTH_TOKEN": "token", "IHOME_RONGLIAN_APP_ID": "app",
        "IHOME_PAYMENT_BACKEND": "alipay", "IHOME_ALIPAY_PRIVATE_KEY_FILE": "/etc/ihome/app.pem",
        "IHOME_ALIPAY_PUBLIC_KEY_FILE": "/etc/ihome/alipay.pem",
        "IHOME_PUBLIC_URL": "https://ihome.example.com"}


def test_defaults_need_no_configuration(tmp_path):
    config = load_config(environ={"IHOME_INSTANCE_PATH": str(tmp_path)})
    assert config["IHOME_ENV"] == "development"
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'ihome.db'}"
    assert config["TIMEZONE"] == "Asia/Shanghai" and config["PAGE_SIZE"] == 10


def test_environment_overrides_defaults():
    config = load_config(environ={"IHOME_PAGE_SIZE": "25", "IHOME_DATABASE_URL": "postgresql://x/y"})
    assert config["PAGE_SIZE"] == 25 and config["SQLALCHEMY_DATABASE_URI"] == "postgresql://x/y"


def test_unknown_environment_is_refused():
    with pytest.raises(ConfigError, match="IHOME_ENV"):
        load_config(environ={"IHOME_ENV": "staging"})


def test_production_accepts_a_real_configuration():
    assert load_config(environ=PROD)["PRODUCTION"] is True


@pytest.mark.parametrize("key", [None, "short", "dev-only-insecure-secret-key"])
def test_production_refuses_a_missing_or_weak_secret_key(key):
    environ = dict(PROD)
    environ.pop("IHOME_SECRET_KEY")
    if key:
        environ["IHOME_SECRET_KEY"] = key
    with pytest.raises(ConfigError, match="IHOME_SECRET_KEY"):
        load_config(environ=environ)


@pytest.mark.parametrize(("name", "value"), [
    ("IHOME_CAPTCHA_TEST_CODE", "TEST"),
    ("IHOME_SMS_BACKEND", "console"),
    ("IHOME_PAYMENT_BACKEND", "simulator"),
])
def test_production_refuses_development_settings_and_names_them(name, value):
    with pytest.raises(ConfigError, match=name):
        load_config(environ={**PROD, name: value})


def test_every_setting_is_in_the_readme():
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text()
    missing = [s.env for s in SETTINGS if f"`{s.env}`" not in readme]
    assert missing == []


@pytest.mark.parametrize("missing", ["IHOME_RONGLIAN_AUTH_TOKEN", "IHOME_ALIPAY_PUBLIC_KEY_FILE"])
def test_production_refuses_a_real_backend_without_its_credentials(missing):
    environ = {k: v for k, v in PROD.items() if k != missing}
    with pytest.raises(ConfigError, match=missing):
        load_config(environ=environ)


def test_production_needs_one_of_key_text_or_key_file():
    environ = {k: v for k, v in PROD.items() if k != "IHOME_ALIPAY_PRIVATE_KEY_FILE"}
    with pytest.raises(ConfigError, match="IHOME_ALIPAY_PRIVATE_KEY or IHOME_ALIPAY_PRIVATE_KEY_FILE"):
        load_config(environ=environ)
    assert load_config(environ={**environ, "IHOME_ALIPAY_PRIVATE_KEY": "-----BEGIN..."})["PRODUCTION"]


def test_production_qiniu_needs_its_bucket_and_domain():
    environ = {**PROD, "IHOME_STORAGE_BACKEND": "qiniu", "IHOME_QINIU_ACCESS_KEY": "a", "IHOME_QINIU_SECRET_KEY": "s",
               "IHOME_QINIU_BUCKET": "b"}
    with pytest.raises(ConfigError, match="IHOME_QINIU_DOMAIN"):
        load_config(environ=environ)


def test_production_needs_its_public_url_spelled_out():
    environ = {k: v for k, v in PROD.items() if k != "IHOME_PUBLIC_URL"}
    with pytest.raises(ConfigError, match="IHOME_PUBLIC_URL"):
        load_config(environ=environ)


def test_production_pays_through_alipays_production_gateway_by_default(tmp_path):
    """The README tells production to omit IHOME_ALIPAY_GATEWAY: it starts, and uses Alipay's gateway."""
    from flask import Flask

    from ihome.integrations.payments import build_payment_gateway
    from ihome.payments.simulator.keys import ensure_key_pairs

    keys = ensure_key_pairs(tmp_path)  # any valid PEM pair stands in for the real keys
    (tmp_path / "app.pem").write_text(keys.app_private_pem)
    (tmp_path / "alipay.pem").write_text(keys.simulator_public_pem)
    config = load_config(environ={**PROD, "IHOME_ALIPAY_PRIVATE_KEY_FILE": str(tmp_path / "app.pem"),
                                  "IHOME_ALIPAY_PUBLIC_KEY_FILE": str(tmp_path / "alipay.pem")})
    assert config["PRODUCTION"] and not config["ALIPAY_GATEWAY"]
    app = Flask("production")
    app.config.update(config)
    gateway = build_payment_gateway(app)
    url = gateway.page_pay_url(out_trade_no="ih1-abc", total_amount="1.00", subject="iHome #1",
                               return_url="https://ihome.example.com/pay/complete",
                               notify_url="https://ihome.example.com/api/v1.0/payments/alipay/notify")
    assert url.startswith("https://openapi.alipay.com/gateway.do?")


def test_serve_gives_its_children_the_address_it_serves_outside_production():
    from ihome.cli import serve_environment

    env = serve_environment({"IHOME_INSTANCE_PATH": "i"}, host="0.0.0.0", port=5001)  # noqa: S104
    assert env["IHOME_PUBLIC_URL"] == "http://127.0.0.1:5001"
    assert load_config(environ=env)["PUBLIC_URL"] == "http://127.0.0.1:5001"
    explicit = serve_environment({"IHOME_PUBLIC_URL": "https://x.example"}, host="127.0.0.1", port=5001)
    assert explicit["IHOME_PUBLIC_URL"] == "https://x.example"
    production = serve_environment({"IHOME_ENV": "production"}, host="127.0.0.1", port=5001)
    assert "IHOME_PUBLIC_URL" not in production  # production must say it: the refusal above


def test_make_run_takes_a_port():
    import shutil
    import subprocess

    root = Path(__file__).resolve().parents[3]
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    dry = subprocess.run(["make", "-n", "run", "PORT=5001"], cwd=root,
                         capture_output=True, text=True, check=True).stdout
    assert ".venv/bin/ihome serve --port 5001" in dry
    plain = subprocess.run(["make", "-n", "run"], cwd=root,
                           capture_output=True, text=True, check=True).stdout
    assert "ihome serve" in plain and "--port" not in plain
