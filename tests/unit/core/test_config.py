"""Configuration: defaults, environment, and production's refusals."""

from pathlib import Path

import pytest

from ihome.config import SETTINGS, ConfigError, load_config

GOOD_KEY = "k" * 40
PROD = {"IHOME_ENV": "production", "IHOME_SECRET_KEY": GOOD_KEY, "IHOME_SMS_BACKEND": "ronglian",
        "IHOME_RONGLIAN_ACCOUNT_SID": "sid", "IHOME_RONGLIAN_AUTH_TOKEN": "token", "IHOME_RONGLIAN_APP_ID": "app",
        "IHOME_PAYMENT_BACKEND": "alipay", "IHOME_ALIPAY_PRIVATE_KEY_FILE": "/etc/ihome/app.pem",
        "IHOME_ALIPAY_PUBLIC_KEY_FILE": "/etc/ihome/alipay.pem",
        "IHOME_ALIPAY_GATEWAY": "https://openapi.alipay.com/gateway.do"}


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


@pytest.mark.parametrize("missing", ["IHOME_RONGLIAN_AUTH_TOKEN", "IHOME_ALIPAY_GATEWAY"])
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
