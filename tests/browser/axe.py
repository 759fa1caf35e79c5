"""axe-core (npm package, installed by scripts/test.sh into .venv/node) injected into a page."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

AXE_JS = Path(__file__).resolve().parents[2] / ".venv" / "node" / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = ("critical", "serious")


def axe_violations(page: Page) -> list[str]:
    """The critical and serious axe-core violations on the page as it is now, one line each."""
    if not AXE_JS.exists():
        raise RuntimeError(f"axe-core 未安装：{AXE_JS}（运行 scripts/test.sh，或 npm install --prefix .venv/node axe-core）")
    page.wait_for_load_state("load")  # a document to put the script in, not one still being replaced
    page.add_script_tag(path=str(AXE_JS))
    found = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    return [f"{v['id']} ({v['impact']}): {v['help']} @ {v['nodes']}" for v in found if v["impact"] in SERIOUS]
