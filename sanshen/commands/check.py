"""sanshen check FILE|- [--json] [--only pii,banned] [--batch IN.jsonl [--jobs N]]: the automated pass
alone, no database. Exit 1 when any finding is an error, 2 on bad input."""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

import typer

from checking.categories import CATEGORY_LABELS
from checking.findings import Category, Finding, Report, Severity
from sanshen.commands._common import (
    cli_errors,
    fail,
    print_json,
    read_bytes_file,
    read_text_file,
)

if TYPE_CHECKING:
    from checking.check import Checker

SEVERITY_LABELS = {Severity.ERROR: "错误", Severity.WARNING: "警告", Severity.INFO: "提示"}


@dataclass(frozen=True)
class BatchItem:
    id: object
    text: str


def parse_only(value: str | None) -> tuple[Category, ...] | None:
    if value is None:
        return None
    names = [v.strip() for v in value.split(",") if v.strip()]
    unknown = [n for n in names if n not in {c.value for c in Category}]
    if unknown or not names:
        known = "、".join(c.value for c in Category)
        raise fail(f"未知的检查类别：{'、'.join(unknown) or '（空）'}（可用：{known}）", 2)
    return tuple(Category(n) for n in names)


def parse_batch(text: str, source: str) -> list[BatchItem]:
    items = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise fail(f"{source} 第 {lineno} 行不是有效的 JSON（第 {exc.colno} 列附近）", 2) from None
        if not isinstance(record, dict) or "id" not in record or not isinstance(record.get("text"), str):
            raise fail(f"{source} 第 {lineno} 行应为 {{\"id\": …, \"text\": \"…\"}} 形式的对象", 2)
        items.append(BatchItem(record["id"], record["text"]))
    return items


class LineIndex:
    """Code-point offset → (line, column), both counted from 1."""

    def __init__(self, text: str) -> None:
        self._starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self._starts, offset) - 1
        return line + 1, offset - self._starts[line] + 1


def finding_line(path: str, f: Finding, lines: LineIndex) -> str:
    line, col = lines.position(f.start)
    span = f"«{f.text}»" if f.text else ""
    suggestion = ""
    if f.suggestion is not None:
        suggestion = f" → 建议: {f.suggestion or '（删除）'}"
    label = CATEGORY_LABELS[f.category]
    return f"{path}:{line}:{col}: {SEVERITY_LABELS[f.severity]} [{f.category}/{f.rule}] {span}{suggestion} {label}：{f.message}"


def report_json(report: Report, lines: LineIndex) -> dict:
    data = report.to_dict()
    for item, f in zip(data["findings"], report.findings):
        item["line"], item["column"] = lines.position(f.start)
    return data


def run_batch(checker: Checker, items: list[BatchItem], only: Collection[Category] | None, jobs: int = 1) -> bool:
    from sanshen.commands.check_pool import batch_lines

    blocking = False
    for line, blocks in batch_lines(checker, items, only, jobs):
        blocking |= blocks
        typer.echo(line)
    return blocking


def run_located(checker: Checker, text: str, shown: str, title: str, attach: list[str], json_output: bool) -> bool:
    """The body, title and attachments checked together; findings named by where they stand."""
    from pathlib import Path

    from sanshen.service.check_pass import AttachmentFile, check_texts

    with cli_errors():
        files = [AttachmentFile(Path(path).name, read_bytes_file(path)) for path in attach]
        view = check_texts(checker, body=text, title=title, attachments=files)
    if json_output:
        print_json(view.model_dump(mode="json"))
    else:
        for f in view.located:
            where = shown if f.location.part == "body" else f.location.label
            span = f"«{f.text}»" if f.text else ""
            suggestion = "" if f.suggestion is None else f" → 建议: {f.suggestion or '（删除）'}"
            label = CATEGORY_LABELS[Category(f.category)]
            typer.echo(f"{where}:{f.line}:{f.column}: {SEVERITY_LABELS[Severity(f.severity)]} "
                       f"[{f.category}/{f.rule}] {span}{suggestion} {label}：{f.message}")
        errors = sum(f.severity == Severity.ERROR for f in view.located)
        typer.echo(f"共 {len(view.located)} 条发现，其中错误 {errors} 条（词库版本 {view.lexicon_version[:12]}）", err=True)
    return view.blocking


def check_command(
    file: Optional[str] = typer.Argument(None, help="稿件文件路径；“-”表示从标准输入读取"),
    json_output: bool = typer.Option(False, "--json", help="以 JSON 输出检查报告"),
    only: Optional[str] = typer.Option(None, "--only", help="只运行这些类别，逗号分隔，如 pii,banned"),
    batch: Optional[str] = typer.Option(None, "--batch", help="批量检查：JSON Lines 文件，每行 {\"id\",\"text\"}"),
    allowed_domain: list[str] = typer.Option([], "--allowed-domain", help="本站域名；其他域名的链接报告为站外链接"),
    jobs: int = typer.Option(1, "--jobs", "-j", help="批量检查使用的进程数（仅与 --batch 一起使用）"),
    attach: list[str] = typer.Option([], "--attach", help="附件文件（可重复）：一并检查，问题注明所在附件及页码"),
    title: Optional[str] = typer.Option(None, "--title", help="标题：一并检查"),
) -> None:
    """对稿件运行自动检查（无需数据库）：规范表述、禁用词、涉密标志、个人信息、错别字、标点、数字、链接。"""
    categories = parse_only(only)
    if (file is None) == (batch is None):
        raise fail("请给出一个稿件文件（或“-”），或使用 --batch 指定批量文件", 2)
    if jobs < 1 or jobs > 64:
        raise fail("--jobs 应为 1 到 64 之间的整数", 2)
    if jobs > 1 and batch is None:
        raise fail("--jobs 只能与 --batch 一起使用", 2)
    if (attach or title is not None) and batch is not None:
        raise fail("--attach 和 --title 只能用于单篇检查，不能与 --batch 一起使用", 2)
    with cli_errors():
        if batch is not None:
            items = parse_batch(read_text_file(batch), f"文件 {batch}" if batch != "-" else "标准输入")
            text = None
        else:
            text = read_text_file(file)
    from sanshen.checker import load_default_checker

    checker = load_default_checker(allowed_domains=allowed_domain)
    if text is None:
        blocking = run_batch(checker, items, categories, jobs)
    elif attach or title is not None:
        if categories is not None:
            raise fail("--only 不能与 --attach、--title 一起使用", 2)
        blocking = run_located(checker, text, "<标准输入>" if file == "-" else file, title or "", attach, json_output)
    else:
        report = checker.check(text, only=categories)
        lines = LineIndex(text)
        blocking = report.blocking
        if json_output:
            print_json(report_json(report, lines))
        else:
            shown = "<标准输入>" if file == "-" else file
            for f in report.findings:
                typer.echo(finding_line(shown, f, lines))
            errors = sum(f.severity is Severity.ERROR for f in report.findings)
            typer.echo(f"共 {len(report.findings)} 条发现，其中错误 {errors} 条（词库版本 {report.lexicon_version[:12]}）",
                       err=True)
    if blocking:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("check")(check_command)
