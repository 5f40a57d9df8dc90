"""TRACKER_SMTP_URL: what is accepted, and an invalid value stopping start-up."""

from __future__ import annotations

import pytest

from tracker import create_app
from tracker.config import ConfigError
from tracker.mail.smtp import SmtpSettings, SmtpUrlError, parse_smtp_url


@pytest.mark.parametrize("url", [None, "", "   "])
def test_unset_means_no_delivery(url):
    assert parse_smtp_url(url) is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.hongbang.example", SmtpSettings("mail.hongbang.example", 25, "plain")),
        ("smtp://127.0.0.1:2525", SmtpSettings("127.0.0.1", 2525, "plain")),
        (
            "smtp://mail.example:587?starttls=1",
            SmtpSettings("mail.example", 587, "starttls"),
        ),
        ("smtp://mail.example?starttls=1", SmtpSettings("mail.example", 587, "starttls")),
        ("smtp://mail.example?starttls=0", SmtpSettings("mail.example", 25, "plain")),
        ("smtps://mail.example", SmtpSettings("mail.example", 465, "ssl")),
        ("SMTPS://mail.example:1465/", SmtpSettings("mail.example", 1465, "ssl")),
        (
            "smtp://mail.example?timeout=2.5",
            SmtpSettings("mail.example", 25, "plain", timeout=2.5),
        ),
        ("smtp://[::1]:25", SmtpSettings("::1", 25, "plain")),
    ],
)
def test_valid_urls(url, expected):
    assert parse_smtp_url(url) == expected


def test_user_and_password_are_percent_decoded():
    settings = parse_smtp_url("smtps://giaoviec%40hongbang.example:p%40ss%3Aw%2Fr%20d@mail.example")
    assert settings.username == "giaoviec@hongbang.example"
    assert settings.password == "p@ss:w/r d"
    assert "p@ss" not in repr(settings)
    assert "p@ss" not in settings.describe()
    assert settings.describe() == "giaoviec@hongbang.example@mail.example:465 (SSL/TLS)"


def test_user_without_password_logs_in_with_an_empty_one():
    settings = parse_smtp_url("smtp://relay@mail.example")
    assert (settings.username, settings.password) == ("relay", "")


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://mail.example", "giao thức 'http'"),
        ("mail.example:25", "giao thức"),
        ("smtp://", "thiếu tên máy chủ"),
        ("smtp://user:secret@", "thiếu tên máy chủ"),
        ("smtp://mail.example:abc", "cổng 'abc'"),
        ("smtp://mail.example:70000", "cổng '70000'"),
        ("smtp://mail.example:0", "cổng 0"),
        ("smtp://mail.example?tls=1", "tham số không được hỗ trợ 'tls'"),
        ("smtp://mail.example?starttls=maybe", "starttls='maybe'"),
        ("smtps://mail.example?starttls=1", "smtps://"),
        ("smtp://mail.example?timeout=0", "timeout='0'"),
        ("smtp://mail.example?timeout=soon", "timeout='soon'"),
        ("smtp://mail.example?timeout=1&timeout=2", "bị lặp lại"),
        ("smtp://mail.example/inbox", "đường dẫn"),
        ("smtp://:secret@mail.example", "thiếu tên đăng nhập"),
        ("smtp://giaoviec:m%E1%BA%ADt-secret@mail.example", "ASCII"),
    ],
)
def test_invalid_urls_name_the_problem(url, problem):
    with pytest.raises(SmtpUrlError) as info:
        parse_smtp_url(url)
    message = str(info.value)
    assert problem in message
    assert "Invalid TRACKER_SMTP_URL" in message  # English too, for the logs
    assert "secret" not in message


@pytest.mark.parametrize(
    "url", ["smtp://giaoviec:secret@mail.example:port", "ftp://giaoviec:secret@mail.example"]
)
def test_invalid_url_stops_create_app_without_the_password(monkeypatch, tmp_path, url):
    monkeypatch.setenv("TRACKER_SECRET_KEY", "test-secret-key")
    monkeypatch.setenv("TRACKER_SMTP_URL", url)
    with pytest.raises(ConfigError) as info:
        create_app({"INSTANCE_PATH": tmp_path})
    assert "TRACKER_SMTP_URL không hợp lệ" in str(info.value)
    assert "secret" not in str(info.value)


def test_valid_url_is_kept_in_the_config(monkeypatch, tmp_path, database_url):
    monkeypatch.setenv("TRACKER_SECRET_KEY", "test-secret-key")
    monkeypatch.setenv("TRACKER_SMTP_URL", "smtp://mail.example:2525?starttls=1")
    monkeypatch.setenv("TRACKER_MAIL_MAX_ATTEMPTS", "3")
    app = create_app({"DATABASE_URL": database_url})
    assert app.config["SMTP_URL"] == "smtp://mail.example:2525?starttls=1"
    assert app.config["MAIL_MAX_ATTEMPTS"] == 3


@pytest.mark.parametrize("value", ["0", "-1", "many"])
def test_invalid_max_attempts_stops_create_app(monkeypatch, tmp_path, value):
    monkeypatch.setenv("TRACKER_SECRET_KEY", "test-secret-key")
    monkeypatch.setenv("TRACKER_MAIL_MAX_ATTEMPTS", value)
    with pytest.raises(ConfigError, match="TRACKER_MAIL_MAX_ATTEMPTS"):
        create_app({"INSTANCE_PATH": tmp_path})
