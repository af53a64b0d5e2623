"""Take screenshots of the running site (default http://127.0.0.1:8000) with Debian's Chromium.

    python scripts/screenshots.py [BASE_URL] [OUT_DIR] [path ...]

Signs in as the demo learner first; pages are saved as <name>-<light|dark>-<desktop|phone>.png.
"""

import os
import sys

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = sys.argv[2] if len(sys.argv) > 2 else "docs/screenshots"
PATHS = sys.argv[3:] or ["/", "/exams/", "/exams/SY0-701/", "/sessions/"]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]


def main():
    os.makedirs(OUT, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for scheme in ("light", "dark"):
            for device, viewport in (("desktop", {"width": 1280, "height": 860}), ("phone", {"width": 390, "height": 844})):
                page = browser.new_page(viewport=viewport, color_scheme=scheme)
                page.goto(f"{BASE}/accounts/login/")
                page.fill("input[name=login]", os.environ.get("DEMO_EMAIL", "learner@pingtopass.local"))
                page.fill("input[name=password]", os.environ.get("DEMO_PASSWORD", "pingtopass-demo"))
                page.click("form.auth-form button[type=submit]")
                for path in PATHS:
                    page.goto(BASE + path)
                    name = path.strip("/").replace("/", "_") or "home"
                    page.screenshot(path=f"{OUT}/{name}-{scheme}-{device}.png", full_page=True)
                page.close()
        browser.close()


if __name__ == "__main__":
    main()
