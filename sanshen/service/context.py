"""What every service call needs, built once per process and passed down."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import timedelta
from importlib import resources

from sqlalchemy import Engine, select

from casestore.workflows import WorkflowVersions, register_workflow
from checking.check import Checker
from lexicon.loader import load_lexicon
from lexicon.model import LexiconOverride
from review.freshness import FreshnessPolicy
from review.refusals import InvalidInput
from review.workflow import WorkflowDef, WorkflowError, load_workflow
from sanshen.checker import load_default_checker
from sanshen.settings import Settings
from storage import check_timing, lexicon_revision
from storage.clock import Clock, system_clock
from storage.db import make_engine, transaction
from storage.db import upgrade as upgrade_db
from storage.dialect import dialect_for
from storage.models import LexiconEntry

DEFAULT_WORKFLOW_FILE = "workflows/sanshen.toml"
DEFAULT_REPLY_WORKFLOW_FILE = "workflows/yishenqing.toml"


@dataclass(frozen=True)
class ConfiguredWorkflow:
    """The definition new drafts start under, and the TOML text it was read from."""

    workflow: WorkflowDef
    text: str


def workflow_text(settings: Settings) -> tuple[str, str]:
    """The TOML text of the workflow named by SANSHEN_WORKFLOW (or the default 三审三校), and its source."""
    if settings.workflow_file is None:
        return resources.files("review").joinpath(DEFAULT_WORKFLOW_FILE).read_text(encoding="utf-8"), "sanshen.toml"
    path = settings.workflow_file
    try:
        return path.read_text(encoding="utf-8"), str(path)
    except FileNotFoundError:
        raise InvalidInput("missing_workflow", f"找不到流程定义文件：{path}") from None
    except UnicodeDecodeError:
        raise InvalidInput("not_utf8", f"流程定义文件 {path} 不是 UTF-8 编码") from None


def reply_workflow_text(settings: Settings) -> tuple[str, str]:
    """The TOML text of the workflow replies to 依申请公开 requests go through (SANSHEN_REPLY_WORKFLOW)."""
    path = settings.reply_workflow_file
    if path is None:
        return (resources.files("review").joinpath(DEFAULT_REPLY_WORKFLOW_FILE).read_text(encoding="utf-8"),
                "yishenqing.toml")
    try:
        return path.read_text(encoding="utf-8"), str(path)
    except FileNotFoundError:
        raise InvalidInput("missing_workflow", f"找不到答复书审签流程定义文件：{path}") from None
    except UnicodeDecodeError:
        raise InvalidInput("not_utf8", f"流程定义文件 {path} 不是 UTF-8 编码") from None


def load_reply_workflow(settings: Settings) -> ConfiguredWorkflow:
    text, source = reply_workflow_text(settings)
    try:
        wf = load_workflow(text, source)
    except WorkflowError as exc:
        raise InvalidInput("bad_workflow", f"答复书审签流程定义有误：{exc}") from None
    return ConfiguredWorkflow(settings_adjustment(settings)(wf), text)


def settings_adjustment(settings: Settings) -> Callable[[WorkflowDef], WorkflowDef]:
    """What the installation's settings change in any definition: the urgent end-to-end deadline,
    unless SANSHEN_URGENT_HOURS keeps its default."""
    if settings.urgent_deadline_hours == Settings.urgent_deadline_hours:
        return lambda wf: wf
    total = timedelta(hours=settings.urgent_deadline_hours)
    return lambda wf: replace(wf, urgent_total=total)


def load_configured_workflow(settings: Settings) -> ConfiguredWorkflow:
    """The workflow named by SANSHEN_WORKFLOW, or the default 三审三校, with the settings applied."""
    text, source = workflow_text(settings)
    try:
        wf = load_workflow(text, source)
    except WorkflowError as exc:
        raise InvalidInput("bad_workflow", f"流程定义有误：{exc}") from None
    return ConfiguredWorkflow(settings_adjustment(settings)(wf), text)


def lexicon_overrides(engine: Engine) -> list[LexiconOverride]:
    """The admin's lexicon edits, oldest first (a later edit of the same term wins)."""
    with transaction(engine, readonly=True) as session:
        return [
            LexiconOverride(kind=e.kind, term=e.term, correct=e.correct, category=e.category,
                            severity=e.severity, note=e.note, enabled=e.enabled)
            for e in session.scalars(select(LexiconEntry).order_by(LexiconEntry.id))
        ]


@dataclass(frozen=True)
class BuiltChecker:
    checker: Checker
    lexicon_revision: int  # the count of lexicon changes it was built at


@dataclass
class AppContext:
    """Settings, engine, workflows and checker of one process.

    ``workflow`` is the definition new drafts start under; ``workflows`` gives each draft the
    one it started under (parsed once per version). The checker takes seconds to build
    (lexicon matchers, typo model), so it is built on first use: commands that never check
    text never pay for it. A lexicon change made by any process reaches this one's checker
    before its next check (only the matchers are compiled again).
    """

    settings: Settings
    engine: Engine
    workflows: WorkflowVersions
    clock: Clock = system_clock
    reply_workflow: WorkflowDef | None = None  # the definition replies to 依申请公开 requests start under
    _built: BuiltChecker | None = field(default=None, repr=False)
    _checker_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    # the passes this process timed and has not written to the histogram yet (flushed by close())
    check_timings: check_timing.PendingTimings = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.check_timings = check_timing.PendingTimings(self.engine, self.clock)

    @property
    def workflow(self) -> WorkflowDef:
        return self.workflows.current

    @classmethod
    def open(cls, settings: Settings, *, upgrade: bool = True, checker: Checker | None = None,
             clock: Clock = system_clock) -> "AppContext":
        """Connect (and migrate); ``checker`` reuses one already built (its typo model, with the DB's edits);
        ``clock`` is the time every caller of this context acts at."""
        database_file = dialect_for(settings.db_url).database_file(settings.db_url)
        if database_file is not None:
            database_file.parent.mkdir(parents=True, exist_ok=True)
        configured = load_configured_workflow(settings)
        engine = make_engine(settings.db_url)
        if upgrade:
            upgrade_db(engine)
        register_workflow(engine, configured.workflow, configured.text, now=clock())
        reply = load_reply_workflow(settings)
        register_workflow(engine, reply.workflow, reply.text, now=clock())
        workflows = WorkflowVersions(configured.workflow, adjust=settings_adjustment(settings))
        ctx = cls(settings=settings, engine=engine, workflows=workflows, clock=clock, reply_workflow=reply.workflow)
        if checker is not None:
            ctx._built = _build(engine, lexicon_revision.current(engine), base=checker)
        return ctx

    @property
    def checker(self) -> Checker:
        """The checker over the lexicon as the database has it now: one cheap query, and a rebuild
        of the matchers when some process changed the lexicon since this one was built."""
        return self.built_checker().checker

    def built_checker(self) -> BuiltChecker:
        """:attr:`checker` with the count of lexicon changes it was built at (the automated pass
        compares it with the database's when it stores its findings)."""
        revision = lexicon_revision.current(self.engine)
        with self._checker_lock:
            built = self._built
            if built is None or built.lexicon_revision != revision:
                built = self._built = _build(self.engine, revision, base=built.checker if built else None)
            return built

    @property
    def freshness_policy(self) -> FreshnessPolicy:
        return FreshnessPolicy(warn_days=self.settings.freshness_warn_days,
                               blank_limit=self.settings.blank_column_limit)

    def observe_check(self, seconds: float) -> None:
        """Count how long one automated pass took in the histogram every web process's /metrics
        reads (kept here, written to the database in batches: storage/check_timing.py). A failure
        to count is logged, not the pass's failure (the pass stays kept)."""
        try:
            self.check_timings.add(seconds)
        except Exception:  # noqa: BLE001  (a metric; the pass's findings matter, not this)
            logging.getLogger(__name__).warning("could not count an automated pass's time", exc_info=True)

    def close(self) -> None:
        """Write the passes still kept, then let the connections go."""
        try:
            self.check_timings.flush()
        except Exception:  # noqa: BLE001  (as in observe_check: a metric must not stop the close)
            logging.getLogger(__name__).warning("could not count the last automated passes' times", exc_info=True)
        self.engine.dispose()


def _build(engine: Engine, revision: int, *, base: Checker | None) -> BuiltChecker:
    # The edits are read after the count, so they hold at least the changes it counts.
    return BuiltChecker(build_checker(engine, base=base), revision)


def build_checker(engine: Engine, *, base: Checker | None = None) -> Checker:
    """The default checker with the admin's lexicon edits merged over the files.

    ``base`` lends its dictionary, typo model and allowed domains, so a rebuild after a
    lexicon edit only recompiles the matchers.
    """
    lexicon = load_lexicon().with_overrides(lexicon_overrides(engine))
    if base is None:
        base = load_default_checker()
    if base.version == lexicon.version:
        return base
    return base.with_lexicon(lexicon)
