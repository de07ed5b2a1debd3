"""Loads an HTML file in the system's Chromium, headless, over the Chrome DevTools protocol.

Used by test_report.py, and to refresh the docs' screenshot of the report:

    .venv/bin/python tests/python/chromium.py data/report/index.html docs/img/report.png 1990

(the last argument, optional, keeps only the page's top that many pixels).

Chromium is Debian's package (`apt-get install chromium`); `ensure_chromium` installs it where it
is missing and fails loudly when it cannot (CI must prove the report in a real browser).
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--remote-debugging-port=0",
]
# Every chart of the page: its traces and how many points each holds once plotly.js has drawn it.
CHARTS_JS = """
Array.from(document.querySelectorAll('.js-plotly-plot')).map(gd => ({
  id: gd.id,
  title: (gd.layout && gd.layout.title && gd.layout.title.text) || '',
  drawn: !!gd._fullLayout && gd.querySelectorAll('.main-svg').length > 0,
  points: (gd.calcdata || []).map(trace => trace.filter(p => p && p.x !== undefined).length),
}))
"""


class ChromiumMissing(RuntimeError):
    """Chromium is not installed and could not be installed."""


def ensure_chromium() -> str:
    """The chromium executable; installs Debian's package when it is missing."""
    found = shutil.which("chromium")
    if found:
        return found
    log = []
    for command in (
        ["apt-get", "install", "-y", "chromium"],
        ["apt-get", "update"],
        ["apt-get", "install", "-y", "chromium"],
    ):
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            check=False,
            timeout=900,
            env={"DEBIAN_FRONTEND": "noninteractive", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"},
        )
        log.append(f"$ {' '.join(command)} -> {done.returncode}\n{done.stderr[-1500:]}")
        if command[1] == "install" and done.returncode == 0 and shutil.which("chromium"):
            return shutil.which("chromium")
    raise ChromiumMissing(
        "Chromium is needed to test the report in a real browser and could not be installed "
        "with apt-get (as root, with Debian's package registry):\n" + "\n".join(log)
    )


@dataclass
class PageResult:
    """What loading a page produced."""

    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    charts: list[dict] = field(default_factory=list)
    screenshot: bytes = b""


class DevTools:
    """A minimal CDP client over the browser's websocket (flattened sessions)."""

    def __init__(self, url: str):
        import websocket

        self.socket = websocket.create_connection(url, timeout=60, suppress_origin=True)
        self.next_id = 0
        self.events: list[dict] = []

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self.socket.send(json.dumps(message))
        while True:
            reply = json.loads(self.socket.recv())
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not any(event.get("method") == method for event in self.events):
            if time.monotonic() > deadline:
                raise TimeoutError(f"no {method} within {timeout} s")
            self.events.append(json.loads(self.socket.recv()))

    def evaluate(self, expression: str, session: str):
        result = self.send(
            "Runtime.evaluate", {"expression": expression, "returnByValue": True}, session
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression!r} threw {result['exceptionDetails']}")
        return result["result"].get("value")

    def close(self) -> None:
        self.socket.close()


def load_page(
    html_file: Path, width: int = 1280, height: int = 900, max_height: int | None = None
) -> PageResult:
    """Opens `html_file` in headless Chromium, waits for its charts, and reports console errors,
    failed requests, every URL requested, the charts' data and a full-page PNG screenshot."""
    executable = ensure_chromium()
    # Chromium's helper processes can still be writing the profile when the browser has exited:
    # leaving a file behind in /tmp must not fail a test about the page.
    with tempfile.TemporaryDirectory(prefix="nps-chromium-", ignore_cleanup_errors=True) as profile:
        browser = subprocess.Popen(
            [executable, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            url = _browser_url(Path(profile), browser)
            return _drive(url, html_file, width, height, max_height)
        finally:
            browser.terminate()
            try:
                browser.wait(timeout=30)
            except subprocess.TimeoutExpired:
                browser.kill()
                browser.wait()


def _browser_url(profile: Path, browser: subprocess.Popen) -> str:
    active = profile / "DevToolsActivePort"
    for _ in range(600):
        if active.is_file():
            lines = active.read_text().split()
            if len(lines) >= 2:
                return f"ws://127.0.0.1:{lines[0]}{lines[1]}"
        if browser.poll() is not None:
            raise RuntimeError(f"chromium exited with {browser.returncode} before it listened")
        time.sleep(0.1)
    raise TimeoutError("chromium did not open its DevTools port")


def _drive(url: str, html_file: Path, width: int, height: int, max_height: int | None):
    tools = DevTools(url)
    try:
        target = tools.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = tools.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        for domain in ("Page", "Runtime", "Log", "Network"):
            tools.send(f"{domain}.enable", session=session)
        tools.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
            session,
        )
        tools.events.clear()
        tools.send("Page.navigate", {"url": html_file.resolve().as_uri()}, session)
        tools.wait_for("Page.loadEventFired", timeout=120)
        for _ in range(300):  # plotly.js draws right after load; wait until every chart is drawn
            charts = tools.evaluate(CHARTS_JS, session)
            if charts and all(chart["drawn"] for chart in charts):
                break
            time.sleep(0.1)
        tools.evaluate("new Promise(r => setTimeout(r, 300))", session)
        full = tools.evaluate(
            "[document.documentElement.scrollWidth, document.body.scrollHeight]", session
        )
        shot = tools.send(
            "Page.captureScreenshot",
            {
                "format": "png",
                "captureBeyondViewport": True,
                "clip": {
                    "x": 0,
                    "y": 0,
                    "width": full[0],
                    "scale": 1,
                    "height": min(full[1], max_height or full[1]),
                },
            },
            session,
        )
        result = PageResult(charts=charts, screenshot=base64.b64decode(shot["data"]))
        for event in tools.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                result.console_errors.append(
                    " ".join(str(a.get("value", a.get("description"))) for a in params["args"])
                )
            elif method == "Runtime.exceptionThrown":
                details = params["exceptionDetails"]
                result.console_errors.append(
                    details.get("exception", {}).get("description") or details.get("text")
                )
            elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
                result.console_errors.append(params["entry"]["text"])
            elif method == "Network.requestWillBeSent":
                result.requests.append(params["request"]["url"])
            elif method == "Network.loadingFailed":
                result.failed_requests.append(f"{params.get('errorText')} ({params['requestId']})")
        return result
    finally:
        tools.close()


if __name__ == "__main__":
    page = load_page(Path(sys.argv[1]), max_height=int(sys.argv[3]) if len(sys.argv) > 3 else None)
    Path(sys.argv[2]).write_bytes(page.screenshot)
    print(
        f"{len(page.charts)} charts, {len(page.console_errors)} console errors, "
        f"{len(page.failed_requests)} failed requests; screenshot {sys.argv[2]} "
        f"({len(page.screenshot) // 1024} KB)"
    )
