"""E-mail copies of notifications, sent to a real SMTP server on localhost (aiosmtpd)."""

from __future__ import annotations

import socket
from email import message_from_bytes
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller

from sanshen.settings import Settings
from sanshen.web.mail import SmtpConfig, send_pending
from storage.db import transaction
from storage.models import Notification, User

pytestmark = pytest.mark.db


class Inbox:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield inbox, controller.port
    controller.stop()


@pytest.fixture
def jiao1_has_an_address(team) -> None:
    with transaction(team.ctx.engine) as session:
        session.get(User, team["jiao1"].id).email = "jiao1@example.gov.cn"


def notify(team, name: str, message: str) -> None:
    with transaction(team.ctx.engine) as session:
        session.add(Notification(user_id=team[name].id, kind="stage_opened", message=message, created_at=team.clock()))


def test_config_comes_from_the_settings():
    assert SmtpConfig.from_settings(Settings.from_env({})) is None
    config = SmtpConfig.from_settings(Settings.from_env({
        "SANSHEN_SMTP_HOST": "mail.local", "SANSHEN_SMTP_PORT": "2525", "SANSHEN_SMTP_FROM": "noreply@gov.cn",
        "SANSHEN_SMTP_STARTTLS": "1", "SANSHEN_BASE_URL": "https://s.gov.cn/"}))
    assert (config.host, config.port, config.sender, config.starttls, config.base_url) == (
        "mail.local", 2525, "noreply@gov.cn", True, "https://s.gov.cn")
    defaults = SmtpConfig.from_settings(Settings.from_env({"SANSHEN_SMTP_HOST": "mail.local"}))
    assert (defaults.port, defaults.sender, defaults.username, defaults.starttls) == (25, "sanshen@localhost",
                                                                                    None, False)


def test_notifications_are_mailed_once_to_users_with_an_address(smtp, team, jiao1_has_an_address):
    inbox, port = smtp
    notify(team, "jiao1", "请处理 3 号稿件的一校")
    notify(team, "shen1", "没有邮箱的用户只收到站内通知")
    config = SmtpConfig(host="127.0.0.1", port=port, sender="sanshen@example.gov.cn")
    assert send_pending(team.ctx.engine, config, now=team.clock()) == 1
    assert send_pending(team.ctx.engine, config, now=team.clock()) == 0
    [(to, msg)] = inbox.messages
    assert to == ["jiao1@example.gov.cn"]
    assert "请处理 3 号稿件的一校" in str(make_header(decode_header(msg["Subject"])))
    assert "请处理 3 号稿件的一校" in msg.get_payload(decode=True).decode("utf-8")


def test_a_failed_send_is_retried_later(smtp, team, jiao1_has_an_address):
    inbox, port = smtp
    notify(team, "jiao1", "请处理 4 号稿件")
    down = SmtpConfig(host="127.0.0.1", port=free_port(), sender="sanshen@example.gov.cn", timeout=2)
    assert send_pending(team.ctx.engine, down, now=team.clock()) == 0
    assert inbox.messages == []
    up = SmtpConfig(host="127.0.0.1", port=port, sender="sanshen@example.gov.cn")
    assert send_pending(team.ctx.engine, up, now=team.clock()) == 1
    assert len(inbox.messages) == 1

