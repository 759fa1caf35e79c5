"""The installation's settings: each declared once (variable, kind, default, help), read from the
environment here and nowhere else, then passed down explicitly."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from string import Template
from typing import Any

from review.refusals import InvalidInput
from sanshen import setting_kinds as kinds
from sanshen.setting_kinds import Kind, Shown

_DECLARATION = "setting"


@dataclass(frozen=True)
class Setting:
    variable: str
    kind: Kind
    help: str
    default: str | None  # written as in the environment; `$SANSHEN_X` stands for an earlier setting's value
    unset: str  # what leaving it unset means, when there is no default


def _setting(variable: str, kind: Kind, help: str, *, default: str | None = None, unset: str = "",
             given_by_caller: bool = False) -> Any:
    """A field of :class:`Settings` read from ``variable``. Its default also serves the constructor,
    except ``given_by_caller``: one that depends on the working directory or on another setting."""
    declaration = {_DECLARATION: Setting(variable, kind, help, default, unset)}
    if given_by_caller:
        return field(metadata=declaration)
    return field(default=None if default is None else kind.parse(default), metadata=declaration)


@dataclass(frozen=True)
class Settings:
    home: Path = _setting(
        "SANSHEN_HOME", kinds.PATH, "数据目录", default="./data", given_by_caller=True)
    db_url: str = _setting(
        "SANSHEN_DB", kinds.DATABASE_URL,
        "数据库 URL；默认为数据目录中的 SQLite 数据库（WAL），生产用 postgresql+psycopg://user:pass@host/db",
        default="sqlite:///$SANSHEN_HOME/sanshen.db", given_by_caller=True)
    token: str | None = _setting(
        "SANSHEN_TOKEN", kinds.SECRET, "命令行代表哪个用户操作的 API 令牌（也可用 --token）")
    workflow_file: Path | None = _setting(
        "SANSHEN_WORKFLOW", kinds.PATH, "流程定义 TOML 文件", unset="内置“三审三校”")
    urgent_deadline_hours: float = _setting(
        "SANSHEN_URGENT_HOURS", kinds.HOURS, "紧急稿件从提交到发布的总时限（小时）", default="5")
    webhook_url: str | None = _setting(
        "SANSHEN_WEBHOOK_URL", kinds.WEB_ADDRESS, "发布时向此地址推送 JSON", unset="不推送")
    webhook_secret: str | None = _setting(
        "SANSHEN_WEBHOOK_SECRET", kinds.SECRET, "推送的 HMAC-SHA256 签名密钥，签名在请求头 X-Sanshen-Signature（sha256=…）")
    link_check: bool = _setting(
        "SANSHEN_LINK_CHECK", kinds.FLAG, "后台检查稿件中的链接是否可达（on/off）", default="on")
    link_check_private: bool = _setting(
        "SANSHEN_LINK_CHECK_PRIVATE", kinds.FLAG, "允许检查内网/本机地址的链接（1/0）；默认拒绝，防止 SSRF",
        default="0")
    secret_key: str | None = _setting(
        "SANSHEN_SECRET_KEY", kinds.SECRET, "网页会话的签名密钥", unset="在数据目录生成 secret_key 文件")
    secure_cookies: bool = _setting(
        "SANSHEN_SECURE_COOKIES", kinds.FLAG, "会话 Cookie 只经 HTTPS 发送（1/0）；经 HTTPS 反向代理提供服务时设为 1",
        default="0")
    smtp_host: str | None = _setting(
        "SANSHEN_SMTP_HOST", kinds.TEXT, "SMTP 服务器；设置后开启邮件通知", unset="不发邮件")
    smtp_port: int = _setting(
        "SANSHEN_SMTP_PORT", kinds.PORT, "SMTP 端口", default="25")
    smtp_from: str = _setting(
        "SANSHEN_SMTP_FROM", kinds.TEXT, "通知邮件的发件人", default="sanshen@localhost")
    smtp_user: str | None = _setting(
        "SANSHEN_SMTP_USER", kinds.TEXT, "SMTP 登录用户名", unset="不登录")
    smtp_password: str | None = _setting(
        "SANSHEN_SMTP_PASSWORD", kinds.SECRET, "SMTP 登录密码")
    smtp_starttls: bool = _setting(
        "SANSHEN_SMTP_STARTTLS", kinds.FLAG, "SMTP 连接先用 STARTTLS 加密（1/0）", default="0")
    base_url: str | None = _setting(
        "SANSHEN_BASE_URL", kinds.WEB_ADDRESS, "本站对外地址，通知邮件中的链接指向这里，如 https://sanshen.example.gov.cn",
        unset="邮件中只写稿件编号")
    fault_publish_pause: float = _setting(
        "SANSHEN_FAULT_PUBLISH_PAUSE", kinds.SECONDS,
        "仅供崩溃测试：写出发布页面之后、记下发布之前暂停的秒数（留出杀掉进程的时机）", default="0")
    time_zone: str = _setting(
        "SANSHEN_TIME_ZONE", kinds.TIME_ZONE,
        "显示时间所用的时区（IANA 名称）：网页、通知、邮件、发布的网站与命令行文字输出；数据库中始终存 UTC，JSON 为带时区偏移的 ISO 8601",
        default="Asia/Shanghai")
    sign_requires_hash: bool = _setting(
        "SANSHEN_SIGN_REQUIRES_HASH", kinds.FLAG,
        "签批必须注明所审阅版本的内容哈希（命令行 --expect-hash，接口 expect_hash；网页表单自动带上），防止签批未看过的内容（1/0）",
        default="1")

    @property
    def site_dir(self) -> Path:
        return self.home / "site"

    @property
    def prefect_home(self) -> Path:
        return self.home / "prefect"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """The settings this environment (by default the process's) gives; a bad value is refused."""
        return cls(**{r.name: r.value for r in readings(env)})


@dataclass(frozen=True)
class Reading:
    """One field of :class:`Settings` as read from the environment."""

    name: str  # of the Settings field
    setting: Setting
    value: Any
    from_env: bool  # else the default

    @property
    def shown(self) -> Shown | None:
        """The value as it may be printed: secrets masked."""
        return None if self.value is None else self.setting.kind.show(self.value)


def readings(env: Mapping[str, str] | None = None) -> list[Reading]:
    """Every setting in declaration order (an empty variable counts as unset)."""
    env = os.environ if env is None else env
    earlier: dict[str, str] = {}
    result = []
    for f in fields(Settings):
        setting: Setting = f.metadata[_DECLARATION]
        raw = env.get(setting.variable) or None
        from_env = raw is not None
        if raw is None and setting.default is not None:
            raw = Template(setting.default).substitute(earlier)
        value = None if raw is None else _parse(setting, raw)
        if value is not None:
            earlier[setting.variable] = str(value)
        result.append(Reading(f.name, setting, value, from_env))
    return result


def _parse(setting: Setting, raw: str) -> Any:
    try:
        return setting.kind.parse(raw)
    except ValueError as exc:
        raise InvalidInput("bad_setting", f"环境变量 {setting.variable} {exc}，而不是“{raw}”") from None
