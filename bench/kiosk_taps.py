"""Tap -> next screen in real chromium, the kiosk beside a bare Streamlit page, in one run.

    .venv/bin/python bench/kiosk_taps.py [--sessions 10] [--idle-seconds 10] [--cold 3]

Three servers run at once: the kiosk (`app.py`) with Streamlit's garbage collection after
every script run (`runner.postScriptGC`, on by Streamlit's default), the kiosk with it off (as
shipped in .streamlit/config.toml), and `bench/kiosk_bare.py` with Streamlit's defaults (the
same widgets, one yes/no question a screen, no kiosk logic). A
patient (tests/patients.PATIENT_ES) walks the whole kiosk flow on both kiosk servers
while the bare page is tapped through, step by step in lockstep, so all three see the same
machine load. For every tap that leaves a screen it prints the time until the next screen's
question is visible (median, quartiles, max), the server CPU per tap, how often a transition
took over 300 ms and how often the busy sign showed; then the cold time to the first
question, the server CPU of N open untouched sessions (per session and second), and each
server's memory at start with what the imports alone take. Aims (issue 12): median <= 150 ms
and <= 1.25x bare; idle CPU per session <= 2x bare.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
TICK = os.sysconf("SC_CLK_TCK")
BUSY_WATCH = """window.__busy = 0; let shown = false;
setInterval(() => { const b = document.getElementById('kiosk-busy');
  const now = !!(b && !b.hidden); if (now && !shown) window.__busy++; shown = now; }, 30);"""


def server_pid(port: int) -> int:
    """The pid of the `streamlit run` listening on ``port`` (found by its command line)."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmd = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"streamlit" in b" ".join(cmd) and str(port).encode() in cmd:
                return int(entry.name)
    raise RuntimeError(f"no streamlit server on port {port}")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Server:
    def __init__(self, app, name: str):
        self.app, self.name = app, name
        self.pid = server_pid(int(app.url.rsplit(":", 1)[1]))


ARM = """(sel) => { window.__t0 = null; window.__t1 = null;
  document.addEventListener('pointerdown', () => {
    if (window.__t0 === null) window.__t0 = performance.now(); }, {capture: true, once: true});
  const seen = new MutationObserver(() => {
    if (window.__t0 !== null && document.querySelector(sel)) {
      seen.disconnect(); requestAnimationFrame(() => { window.__t1 = performance.now(); }); } });
  seen.observe(document.body, {subtree: true, childList: true}); }"""


def timed(page, tap, selector: str) -> float:
    """ms, measured in the page, from the tap's pointerdown until ``selector`` is drawn."""
    page.evaluate(ARM, selector)
    tap()
    page.wait_for_selector(selector, state="visible", timeout=30_000)
    page.wait_for_function("window.__t1 !== null", timeout=30_000)
    return page.evaluate("window.__t1 - window.__t0")


def kiosk_steps(page, answers: dict):
    """The kiosk walk, yielding (tap count, leave) per screen: ``leave()`` is the tap that moves on."""
    from browser import answer, moves_on_by_itself, screen_items, settle, tap_button

    from kiosk import flow
    from kiosk.ui_text import load_ui_text
    from questionnaire.bank import load_bank

    bank, ui, lang = load_bank(), load_ui_text(), answers["patient.language"]
    screens = flow.question_screens(bank, answers)
    def selector(screen: str) -> str:
        return f".st-key-item-{screen_items(answers, screen, answered=False)[0].id.replace('.', '-')}"

    yield 1, lambda: tap_button(page, ui("choose_spanish", lang)), selector(screens[0])
    for n, screen in enumerate(screens):
        settle(page)
        items, auto = screen_items(answers, screen), moves_on_by_itself(answers, screen)
        taps = 0
        for item in items[:-1] if auto else items:
            answer(page, item, answers[item.id], lang)
            taps += taps_of(item, answers[item.id])
        nxt = screens[n + 1] if n + 1 < len(screens) else None
        label = "review" if nxt is None else "next"

        def leave(last=items[-1] if items else None, label=label, auto=auto) -> None:
            if auto:
                answer_tap(page, last, answers[last.id], lang)
            else:
                tap_button(page, ui(label, lang))
        yield taps + 1, leave, ".st-key-review-" + bank.sections[0].id if nxt is None else selector(nxt)


def answer_tap(page, item, value, lang: str) -> None:
    """The one tap of a one-tap answer (without waiting for the run it starts)."""
    from browser import block, tap_button

    from questionnaire.bank import load_bank
    bank = load_bank()
    here = block(page, item.id)
    if item.type == "choice":
        here.get_by_text(item.option(value).text[lang], exact=True).click()
    else:
        tap_button(here, str(value) if item.type == "nrs" else bank.yn_text[value][lang])


def taps_of(item, value) -> int:
    if item.type == "date":
        return 3
    return len(value) if isinstance(value, list) else 1


def walk_in_lockstep(pages: dict, servers: dict, answers: dict) -> dict:
    """Tap through the kiosk flow on each kiosk page and the bare page, one screen at a time."""
    from browser import settle

    results = {name: {"ms": [], "taps": 0, "cpu": 0.0, "to": []} for name in pages}
    walks = {name: kiosk_steps(page, answers) for name, page in pages.items() if name != "bare"}
    bare_n = 0
    while True:
        ended = False
        for name, walk in walks.items():
            before = cpu_seconds(servers[name].pid)  # the screen's answers and the tap that leaves it
            step = next(walk, None)
            if step is None:
                ended = True
                break
            taps, leave, target = step
            results[name]["ms"].append(timed(pages[name], leave, target))
            results[name]["to"].append(target)
            settle(pages[name])
            results[name]["cpu"] += cpu_seconds(servers[name].pid) - before
            results[name]["taps"] += taps
        if ended:
            break
        page = pages["bare"]
        before = cpu_seconds(servers["bare"].pid)

        def tap(page=page, n=bare_n) -> None:
            page.locator(".st-key-lang button" if n == 0 else f".st-key-item-q{n} button").first.click()
        results["bare"]["ms"].append(timed(page, tap, f".st-key-item-q{bare_n + 1}"))
        results["bare"]["to"].append(f"q{bare_n + 1}")
        settle(page)
        results["bare"]["cpu"] += cpu_seconds(servers["bare"].pid) - before
        results["bare"]["taps"] += 1
        bare_n += 1
    return results


def spread(values: list[float]) -> str:
    q = statistics.quantiles(values, n=4)
    return (f"median {statistics.median(values):6.0f}  quartiles {q[0]:5.0f}-{q[2]:5.0f}  "
            f"max {max(values):6.0f}")


def cold_first_question(browser, server: Server, kiosk: bool, times: int) -> list[float]:
    found = []
    for _ in range(times):
        context = browser.new_context(viewport={"width": 820, "height": 1180})
        page = context.new_page()
        start = time.perf_counter()
        page.goto(server.app.url)
        if kiosk:
            page.get_by_role("button", name="Español").click()
            page.wait_for_selector(".st-key-item-patient-name", state="visible")
        else:
            page.locator(".st-key-lang button").click()
            page.wait_for_selector(".st-key-item-q1", state="visible")
        found.append((time.perf_counter() - start) * 1000)
        context.close()
    return found


def idle_cpu(browser, servers: dict, sessions: int, seconds: float) -> dict:
    """CPU-seconds per second per open session, every page on its first question, untouched."""
    from browser import settle

    contexts = []
    for name, server in servers.items():
        for _ in range(sessions):
            context = browser.new_context(viewport={"width": 820, "height": 1180})
            page = context.new_page()
            page.goto(server.app.url)
            settle(page)
            (page.get_by_role("button", name="Español") if name != "bare" else
             page.locator(".st-key-lang button")).click()
            settle(page)
            contexts.append(context)
    time.sleep(2)
    before = {name: cpu_seconds(s.pid) for name, s in servers.items()}
    time.sleep(seconds)
    used = {name: (cpu_seconds(s.pid) - before[name]) / seconds / sessions for name, s in servers.items()}
    for context in contexts:
        context.close()
    return used


def import_rss_mb(code: str) -> float:
    """The peak RSS of a fresh Python that only runs ``code`` (imports)."""
    probe = f"import resource\n{code}\nprint(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    return int(out.stdout.split()[-1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--idle-seconds", type=float, default=10)
    parser.add_argument("--cold", type=int, default=3)
    args = parser.parse_args()
    from browser import launched_chromium, running_app
    from patients import PATIENT_ES

    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="kiosk-taps-")))
        for name in ("gc", "nogc", "bare"):
            (folder / name).mkdir()
        gc_on, gc_off = ({"STREAMLIT_RUNNER_POST_SCRIPT_GC": v} for v in ("true", "false"))
        servers = {
            "gc": Server(stack.enter_context(running_app(folder / "gc", extra_env=gc_on)),
                         "kiosk, GC after each run"),
            "nogc": Server(stack.enter_context(running_app(folder / "nogc", extra_env=gc_off)),
                           "kiosk, no forced GC"),
            "bare": Server(stack.enter_context(running_app(folder / "bare", script="bench/kiosk_bare.py",
                                                           extra_env=gc_on)),  # Streamlit's defaults
                           "bare Streamlit page"),
        }
        start_rss = {name: rss_mb(s.pid) for name, s in servers.items()}
        browser = stack.enter_context(launched_chromium())
        pages = {}
        for name, server in servers.items():
            context = browser.new_context(viewport={"width": 820, "height": 1180})
            context.add_init_script(BUSY_WATCH)
            pages[name] = context.new_page()
            pages[name].goto(server.app.url)
            pages[name].wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')
        loaded_rss = {name: rss_mb(s.pid) for name, s in servers.items()}
        results = walk_in_lockstep(pages, servers, PATIENT_ES)
        walked_rss = {name: rss_mb(s.pid) for name, s in servers.items()}
        print(f"tap (pointerdown) -> next screen drawn, ms in the page, over {len(results['bare']['ms'])} "
              "transitions (Spanish patient, whole flow; the bare page: its yes/no screens)")
        for name, r in results.items():
            slow = sum(ms > 300 for ms in r["ms"])
            busy = pages[name].evaluate("window.__busy || 0")
            per_tap = r["cpu"] / r["taps"] * 1000
            slowest = r["to"][r["ms"].index(max(r["ms"]))]
            print(f"  {servers[name].name:26s} {spread(r['ms'])}   server CPU {per_tap:5.1f} ms/tap   "
                  f"over 300 ms: {slow:2d}, busy sign shown: {busy}; slowest to {slowest}")
        for name in ("gc", "nogc"):
            ratio = statistics.median(results[name]["ms"]) / statistics.median(results["bare"]["ms"])
            print(f"  median ratio {name} / bare: {ratio:.2f}")
        cold = {name: cold_first_question(browser, s, name != "bare", args.cold)
                for name, s in servers.items()}
        print(f"cold: new session -> first question visible, ms (median of {args.cold})")
        for name, values in cold.items():
            print(f"  {servers[name].name:26s} {statistics.median(values):6.0f}")
        used = idle_cpu(browser, servers, args.sessions, args.idle_seconds)
        print(f"idle: {args.sessions} open untouched sessions per server, CPU-seconds per second per session")
        for name, value in used.items():
            print(f"  {servers[name].name:26s} {value:.5f}")
        print(f"  ratio kiosk (GC) / bare: {used['gc'] / max(used['bare'], 1e-6):.2f}")
        print("memory (RSS, MB)")
        alone = {"streamlit": import_rss_mb("import streamlit"),
                 "kiosk": import_rss_mb("import streamlit, kiosk.page, kiosk.screens, kiosk.submit, storage, "
                                        "scoring"),
                 "app": import_rss_mb("import streamlit, kiosk.page, kiosk.screens, workspace.router, "
                                      "storage, scoring")}
        for name in servers:
            print(f"  {servers[name].name:26s} {start_rss[name]:6.0f} / {loaded_rss[name]:6.0f} / after the "
                  f"walk {walked_rss[name]:6.0f} / after the idle sessions {rss_mb(servers[name].pid):6.0f}")
        print(f"  python + streamlit imported: {alone['streamlit']:.0f}; + the kiosk, storage and scoring: "
              f"{alone['kiosk']:.0f}; + the staff workspace pages as well: {alone['app']:.0f}")


if __name__ == "__main__":
    main()
