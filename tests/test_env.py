"""The typed readers of factcheck/env.py: each names its variable when it refuses a value."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from factcheck import env


@pytest.mark.parametrize(
    ("read", "raw", "message"),
    [
        (lambda: env.env_choice("X", "a", ("a", "b")), "c", "X: expected a or b, got 'c'"),
        (
            lambda: env.env_choice("X", "INFO", ("DEBUG", "INFO", "ERROR"), upper=True),
            "loud",
            "X: expected DEBUG, INFO or ERROR, got 'LOUD'",
        ),
        (lambda: env.env_url("X"), "factcheck.example.org", "X: expected https://host, got"),
        (lambda: env.env_url("X"), "https://", "X: expected https://host, got 'https:'"),
        (lambda: env.env_ports("X", [80]), "80,http", "X: 'http' is not a TCP port"),
        (lambda: env.env_ports("X", [80]), "70000", "X: '70000' is not a TCP port"),
        (lambda: env.env_networks("X"), "127.0.0.0/8,loopback", "X: 'loopback' is not a CIDR"),
        (lambda: env.env_rate("X", "1/minute"), "60/fortnight", "X: expected N/second|minute"),
        (lambda: env.env_float("X", 1.0, minimum=0), "-1", "X: must be at least 0, got -1.0"),
        (lambda: env.env_int("X", 1, minimum=1), "0", "X: must be at least 1, got 0"),
    ],
)
def test_readers_refuse_bad_values_naming_the_variable(monkeypatch, read, raw, message):
    monkeypatch.setenv("X", raw)
    with pytest.raises(ImproperlyConfigured) as excinfo:
        read()
    assert str(excinfo.value).startswith(message)


def test_readers_parse_good_values_and_defaults(monkeypatch):
    monkeypatch.setenv("LEVEL", "warning")
    monkeypatch.setenv("SITE", "https://factcheck.example.org/")
    monkeypatch.setenv("PORTS", "80, 8443")
    monkeypatch.setenv("NETS", "127.0.0.0/8, ::1/128")
    monkeypatch.delenv("UNSET", raising=False)
    assert [
        env.env_choice("LEVEL", "INFO", ("INFO", "WARNING"), upper=True),
        env.env_url("SITE"),
        env.env_url("UNSET"),
        env.env_ports("PORTS", [80, 443]),
        env.env_ports("UNSET", [80, 443]),
        env.env_networks("NETS"),
        env.env_networks("UNSET"),
    ] == [
        "WARNING",
        "https://factcheck.example.org",
        "",
        [80, 8443],
        [80, 443],
        ["127.0.0.0/8", "::1/128"],
        [],
    ]


def test_sqlite_urls_get_the_given_options(monkeypatch):
    monkeypatch.setenv("DB", "sqlite:////srv/factcheck/fc.sqlite3")
    options = {"timeout": 20}
    config = env.env_database("DB", {}, sqlite_options=options)
    assert (config["ENGINE"], config["NAME"], config["OPTIONS"]) == (
        "django.db.backends.sqlite3",
        "/srv/factcheck/fc.sqlite3",
        {"timeout": 20},
    )
    assert config["OPTIONS"] is not options
