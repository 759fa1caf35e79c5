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
        "SANSHEN_URGENT_HOURS", kinds.POSITIVE, "紧急稿件从提交到发布的总时限（小时）", default="5")
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
    holiday_file: Path | None = _setting(
        "SANSHEN_HOLIDAY_FILE", kinds.PATH,
        "补充的法定节假日与调休安排（TOML，每年一个表），用于 chinese-calendar 尚未收录的年份",
        unset="只用 chinese-calendar 收录的年份")
    reply_workflow_file: Path | None = _setting(
        "SANSHEN_REPLY_WORKFLOW", kinds.PATH, "依申请公开答复书的审签流程定义 TOML 文件", unset="内置“依申请公开答复”")
    freshness_warn_days: float = _setting(
        "SANSHEN_FRESHNESS_WARN_DAYS", kinds.SECONDS,
        "栏目更新监测：距更新期限不足此天数时提醒管理员（即将超期）", default="3")
    blank_column_limit: int = _setting(
        "SANSHEN_BLANK_COLUMN_LIMIT", kinds.POSITIVE_COUNT,
        "空白栏目达到此数即按检查指标单项否决（监测与仪表盘据此标红）", default="5")
    site_store: str | None = _setting(
        "SANSHEN_SITE_STORE", kinds.SITE_STORE,
        "发布的静态站点存放处：本机目录（file:///srv/site）或对象存储（s3://bucket/prefix，凭据用 AWS_ACCESS_KEY_ID 等标准变量）；"
        "多台机器发布、多个网页进程提供 /site/ 时用同一个 s3:// 地址",
        unset="数据目录下的 site/")
    site_s3_endpoint: str | None = _setting(
        "SANSHEN_SITE_S3_ENDPOINT", kinds.WEB_ADDRESS, "兼容 S3 的对象存储地址（如 MinIO），用于 s3:// 站点",
        unset="AWS S3")
    site_url: str | None = _setting(
        "SANSHEN_SITE_URL", kinds.WEB_ADDRESS,
        "对外发布的网站地址（站点根目录对应的网址）；设置后防篡改监测另经 HTTP 逐页读取并核对", unset="只核对存放处")
    integrity_minutes: float = _setting(
        "SANSHEN_INTEGRITY_MINUTES", kinds.SECONDS, "后台防篡改监测的间隔（分钟）；0 为不定时运行", default="60")
    link_sweep_hours: float = _setting(
        "SANSHEN_LINK_SWEEP_HOURS", kinds.POSITIVE, "全站链接巡检（已发布页面的死链、跳转链接）的间隔（小时）", default="24")
    link_sweep_max_dead: int = _setting(
        "SANSHEN_LINK_SWEEP_MAX_DEAD", kinds.COUNT,
        "全站死链超过此数时通知管理员，`sanshen monitor links` 以退出码 1 结束", default="0")
    dask_address: str | None = _setting(
        "SANSHEN_DASK_ADDRESS", kinds.TEXT, "全站复查（sanshen sweep）所用 Dask 集群的调度器地址，如 tcp://10.0.0.5:8786",
        unset="每次在本机启动 LocalCluster")
    dask_workers: int = _setting(
        "SANSHEN_DASK_WORKERS", kinds.COUNT, "本机 LocalCluster 的工作进程数；0 为按 CPU 核数", default="0")
    json_logs: bool = _setting(
        "SANSHEN_JSON_LOGS", kinds.FLAG, "日志以 JSON 行输出到标准错误（1/0），便于日志平台采集", default="0")
    time_zone: str = _setting(
        "SANSHEN_TIME_ZONE", kinds.TIME_ZONE,
        "显示时间所用的时区（IANA 名称）：网页、通知、邮件、发布的网站与命令行文字输出；数据库中始终存 UTC，JSON 为带时区偏移的 ISO 8601",
        default="Asia/Shanghai")
    sign_requires_hash: bool = _setting(
        "SANSHEN_SIGN_REQUIRES_HASH", kinds.FLAG,
        "签批必须注明所审阅版本的内容哈希（命令行 --expect-hash，接口 expect_hash；网页表单自动带上），防止签批未看过的内容（1/0）",
        default="1")
    audit_key_file: Path | None = _setting(
        "SANSHEN_AUDIT_KEY_FILE", kinds.PATH,
        "审计检查点的 Ed25519 私钥文件（PEM，首次使用时以 0600 权限生成）；须保存在数据库之外并单独备份",
        unset="数据目录下的 keys/audit-ed25519.pem")
    audit_checkpoint_minutes: float = _setting(
        "SANSHEN_AUDIT_CHECKPOINT_MINUTES", kinds.SECONDS,
        "后台为审计链签发检查点的间隔（分钟；链无新事件时不签）；0 为只在发布、撤稿时签发", default="15")

    @property
    def audit_key_path(self) -> Path:
        """The audit checkpoints' private key (default: ``keys/audit-ed25519.pem`` in the data directory)."""
        return self.audit_key_file or self.home / "keys" / "audit-ed25519.pem"
    prefect_name: str = _setting(
        "SANSHEN_PREFECT_NAME", kinds.NAME,
        "本安装在 Prefect 中的名称：各部署名（如 sanshen-outbox/名称）、并发限制名与幂等键都以它区分；"
        "几个安装共用一个 Prefect server 时各取不同的名称", default="sanshen")
    prefect_draft_slots: bool = _setting(
        "SANSHEN_PREFECT_DRAFT_SLOTS", kinds.FLAG,
        "发布、撤稿、到期下线另取 Prefect 的每稿件并发槽（1/0）；发件箱键与站点的数据库锁已保证每稿件同一时刻只有一项在执行，"
        "取槽每次发布多约 1 秒的 Prefect API 往返", default="0")
    prefect_slot_wait: float = _setting(
        "SANSHEN_PREFECT_SLOT_WAIT", kinds.SECONDS,
        "开启每稿件并发槽时，发布、撤稿、到期下线时等待该稿件的槽最长的秒数；仍被占用则交还该项待办，按发件箱退避稍后重试，"
        "不再占着工作进程", default="5")
    prefect_pending_grace: float = _setting(
        "SANSHEN_PREFECT_PENDING_GRACE", kinds.SECONDS,
        "Prefect 中一次运行已被某工作进程取走（PENDING）却超过此秒数（且超过租约）仍未开始，即视为该进程已停止，将运行标为崩溃",
        default="30")
    switch_interval_ms: float = _setting(
        "SANSHEN_SWITCH_INTERVAL_MS", kinds.POSITIVE,
        "sanshen serve 中一个线程持有 Python 全局解释器锁、另一线程在等时的最长时间（毫秒，正数；Python 默认 5）："
        "请求的每条 SQL 语句都要重新取得这把锁，取值小则负载下签批等锁的时间短", default="1")
    web_threads: int = _setting(
        "SANSHEN_WEB_THREADS", kinds.POSITIVE_COUNT,
        "sanshen serve 每个网页进程同时处理请求的线程数（其余请求排队）：线程共用一把 Python 全局解释器锁，线程多了持有写锁的签批"
        "要在更多线程之后才取得解释器锁，负载下反而更慢", default="4")
    web_workers: int = _setting(
        "SANSHEN_WEB_WORKERS", kinds.POSITIVE_COUNT,
        "sanshen serve 在同一端口上运行的网页进程数（各有自己的 Python 全局解释器锁；流程调度器仍只启动一个）；"
        "命令行 --web-workers 优先", default="1")

    @property
    def site_store_url(self) -> str:
        """Where the site is published (the default: ``site/`` in the data directory)."""
        return self.site_store or f"file://{self.home / 'site'}"

    @property
    def site_dir(self) -> Path | None:
        """The site's folder when it is kept in one (None on an object store)."""
        url = self.site_store_url
        return Path(url[len("file://"):]) if url.startswith("file://") else None

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
