"""The 审签单 as PDF: its HTML printed by the Chromium of the machine (Debian's ``chromium``, which the
browser tests use too), with a CJK font from Debian (``fonts-wqy-zenhei``, installed by scripts/install.sh)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from review.refusals import Conflict

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
PRINT_TIMEOUT_SECONDS = 120


def chromium_path() -> str | None:
    return next((found for name in BROWSERS if (found := shutil.which(name))), None)


def html_to_pdf(html: str) -> bytes:
    """Print a self-contained HTML page (styles inline, no outside resources) to PDF."""
    browser = chromium_path()
    if browser is None:
        raise Conflict("no_pdf_printer", "服务器未安装 Chromium，无法生成 PDF；请打开审签单页面，用浏览器的“打印”另存为 PDF")
    with tempfile.TemporaryDirectory(prefix="sanshen-sheet-") as tmp:
        page, out = Path(tmp) / "sheet.html", Path(tmp) / "sheet.pdf"
        page.write_text(html, encoding="utf-8")
        command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                   "--disable-background-networking", "--disable-component-update", "--disable-sync",
                   f"--user-data-dir={tmp}/profile", "--no-pdf-header-footer", f"--print-to-pdf={out}",
                   page.as_uri()]
        done = subprocess.run(command, capture_output=True, timeout=PRINT_TIMEOUT_SECONDS, check=False)
        if done.returncode != 0 or not out.exists():
            raise Conflict("pdf_failed", f"生成 PDF 失败（Chromium 退出码 {done.returncode}）；请用浏览器的“打印”另存为 PDF")
        return out.read_bytes()
