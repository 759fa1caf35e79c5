"""Optional e-mail copies of in-app notifications, sent through a configured SMTP server.

Enabled when SANSHEN_SMTP_HOST is set. Each unsent notification of a user with an
e-mail address is claimed (``emailed_at`` set) in its own transaction, then sent; a
failed send releases the claim so the next round retries it.
"""

from __future__ import annotations

import logging
import smtplib
import threading
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage

from sqlalchemy import Engine, select, update

from sanshen.settings import Settings
from storage.clock import Clock, pause
from storage.db import transaction
from storage.models import Notification, User

log = logging.getLogger("sanshen.mail")


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    sender: str
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    base_url: str | None = None  # links in the message point here (e.g. https://sanshen.example.gov.cn)
    timeout: float = 10.0

    @classmethod
    def from_settings(cls, settings: Settings) -> "SmtpConfig | None":
        if settings.smtp_host is None:
            return None
        return cls(
            host=settings.smtp_host,
            port=settings.smtp_port,
            sender=settings.smtp_from,
            username=settings.smtp_user,
            password=settings.smtp_password,
            starttls=settings.smtp_starttls,
            base_url=settings.base_url.rstrip("/") if settings.base_url else None,
        )


@dataclass(frozen=True)
class Outgoing:
    notification_id: int
    to: str
    recipient: str
    message: str
    draft_id: int | None


def compose(config: SmtpConfig, item: Outgoing) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = config.sender
    msg["To"] = item.to
    # A header may not hold a line break (EmailMessage refuses it and the round would stop):
    # a return comment can have several lines, so the subject is the message on one line.
    msg["Subject"] = f"【三审三校】{' '.join(item.message.split())[:60]}"
    lines = [f"{item.recipient}：", "", item.message]
    if item.draft_id is not None:
        where = f"{config.base_url}/drafts/{item.draft_id}" if config.base_url else f"稿件编号 {item.draft_id}"
        lines += ["", f"查看：{where}"]
    lines += ["", "（本邮件由 sanshen 自动发送，请勿回复。）"]
    msg.set_content("\n".join(lines))
    return msg


def _claim(engine: Engine, *, now: datetime, limit: int) -> list[Outgoing]:
    with transaction(engine) as session:
        rows = session.execute(
            select(Notification.id, User.email, User.display, User.name, Notification.message, Notification.draft_id)
            .join(User, User.id == Notification.user_id)
            .where(Notification.emailed_at.is_(None), User.email.is_not(None), User.active.is_(True))
            .order_by(Notification.id).limit(limit)
        ).all()
        claimed = []
        for nid, email, display, name, message, draft_id in rows:
            taken = session.execute(
                update(Notification).where(Notification.id == nid, Notification.emailed_at.is_(None))
                .values(emailed_at=now)
            ).rowcount
            if taken:
                claimed.append(Outgoing(nid, email, display or name, message, draft_id))
        return claimed


def _release(engine: Engine, ids: list[int]) -> None:
    with transaction(engine) as session:
        session.execute(update(Notification).where(Notification.id.in_(ids)).values(emailed_at=None))


def send_pending(engine: Engine, config: SmtpConfig, *, now: datetime, limit: int = 100) -> int:
    """Send every claimed notification over one SMTP connection; returns how many were sent."""
    batch = _claim(engine, now=now, limit=limit)
    if not batch:
        return 0
    sent: list[int] = []
    try:
        with smtplib.SMTP(config.host, config.port, timeout=config.timeout) as smtp:
            if config.starttls:
                smtp.starttls()
            if config.username:
                smtp.login(config.username, config.password or "")
            for item in batch:
                smtp.send_message(compose(config, item))
                sent.append(item.notification_id)
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("邮件发送失败，稍后重试：%s", exc)
    unsent = [i.notification_id for i in batch if i.notification_id not in set(sent)]
    if unsent:
        _release(engine, unsent)
    return len(sent)


def run_forever(engine: Engine, config: SmtpConfig, stop: threading.Event, *,
                clock: Clock, interval: float = 15.0) -> None:
    """The mail loop of `sanshen serve`: a round every `interval` seconds until `stop` is set."""
    while not stop.is_set():
        try:
            send_pending(engine, config, now=clock())
        except Exception:  # a broken round must not end the server's mail loop
            log.exception("邮件通知轮次出错")
        pause(stop, interval)
