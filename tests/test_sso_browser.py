"""Issue 11 item 7: single sign-on against a real OpenID Connect provider, in chromium.

panva's ``oidc-provider`` (npm, pinned below) is installed on first use into a cache folder
outside the repository and runs on loopback with tests/oidc_provider.mjs. The app runs with
an ``[auth]`` section pointing at it, in a secrets file of the test's own (Streamlit's
``secrets.files`` option through the environment; the repository's secrets are not touched).
In chromium: a staff member signs in through ``st.login`` and lands on today's list (not on
the kiosk); logoff ends the session (the workspace, the sign-on cookie and the provider's
session); an e-mail without an account and a deactivated account are refused and audited.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from browser import artifacts, free_port, launched_chromium, running_app, screenshot, settle

from clinic import accounts
from clinic.config import Settings
from storage import open_store

OIDC_PROVIDER_VERSION = "9.13.3"
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "screener-tests" / \
    f"oidc-provider-{OIDC_PROVIDER_VERSION}"
SCRIPT = Path(__file__).resolve().parent / "oidc_provider.mjs"
CLIENT_ID = "screener-workspace"
STAFF, STRANGER, FORMER = "dr.sso@clinic.org", "stranger@elsewhere.org", "former@clinic.org"
NURSE, NURSE_PASSWORD = "nurse@clinic.org", "quiet river under copper bridges"
VIEW = {"width": 820, "height": 1180}

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]


def _missing(reason: str):
    if os.environ.get("SCREENER_REQUIRE_BROWSER") == "1":
        pytest.fail(f"single sign-on test needs {reason}")
    pytest.skip(reason)


def provider_script() -> Path:
    """oidc-provider installed in the cache (once), and our script beside its node_modules."""
    if not shutil.which("node") or not shutil.which("npm"):
        _missing("node and npm (apt-get install nodejs npm)")
    CACHE.mkdir(parents=True, exist_ok=True)
    if not (CACHE / "node_modules" / "oidc-provider" / "package.json").exists():
        done = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--no-save", "--silent",
                               f"oidc-provider@{OIDC_PROVIDER_VERSION}"], cwd=CACHE, capture_output=True,
                              text=True, timeout=240, check=False)
        if done.returncode != 0:
            _missing(f"npm could not install oidc-provider: {done.stderr[-500:]}")
    target = CACHE / "provider.mjs"  # ES modules resolve packages next to the script, not NODE_PATH
    shutil.copyfile(SCRIPT, target)
    return target


def _wait_port(port: int, proc: subprocess.Popen, log: Path, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"oidc-provider exited: {log.read_text()[-1500:]}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError("oidc-provider did not start")


@pytest.fixture(scope="module")
def sso(tmp_path_factory):
    """(app origin on localhost, store, provider port): provider and app running, accounts made."""
    folder = tmp_path_factory.mktemp("sso")
    script = provider_script()
    provider_port, client_secret = free_port(), secrets.token_urlsafe(24)
    (folder / "secrets.toml").write_text(
        "[auth]\n"
        'redirect_uri = "http://localhost:{port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_urlsafe(48)}"\n'
        f'client_id = "{CLIENT_ID}"\nclient_secret = "{client_secret}"\n'
        f'server_metadata_url = "http://localhost:{provider_port}/.well-known/openid-configuration"\n'
        'client_kwargs = { prompt = "login" }\n')
    store = open_store(Settings(database_url=f"sqlite:///{folder / 'browser.db'}",
                                key_file=str(folder / "browser.key")))
    for name, role in ((STAFF, "admin"), (FORMER, "clinician")):
        store.create_user(name, accounts.hash_password(secrets.token_urlsafe(24)), role)
    store.create_user(NURSE, accounts.hash_password(NURSE_PASSWORD), "clinician")
    store.set_user_active(FORMER, False)
    with running_app(folder, extra_env={"STREAMLIT_SECRETS_FILES": str(folder / "secrets.toml")}) as app:
        origin = app.url.replace("127.0.0.1", "localhost")  # the redirect_uri's host: cookies match
        log = folder / "oidc.log"
        with log.open("wb") as out:
            command = ["node", str(script), str(provider_port), origin, CLIENT_ID, client_secret]
            proc = subprocess.Popen(command, cwd=script.parent, stdout=out, stderr=subprocess.STDOUT)
        try:
            _wait_port(provider_port, proc, log)
            yield origin, store, provider_port
        finally:
            proc.terminate()
            proc.wait(timeout=10)
            store.close()


@pytest.fixture(scope="module")
def browser():
    with launched_chromium() as launched:
        yield launched


def sign_in(page, origin: str, provider_port: int, email: str) -> None:
    """From the staff login page through the provider's login and consent, back to the app."""
    provider = f"http://localhost:{provider_port}/"
    page.goto(f"{origin}/staff")
    settle(page)
    page.get_by_role("button", name="Sign in with single sign-on").click()
    # "commit": the provider's pages ask for a web font this machine cannot reach; do not wait for it
    page.wait_for_url(f"{provider}**", timeout=45_000, wait_until="commit")
    page.wait_for_selector("input[name=login]", timeout=20_000)
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", "the provider's own business")
    page.get_by_role("button", name="Sign-in").click()
    page.wait_for_url(lambda url: "/interaction/" in url or url.startswith(origin), timeout=20_000,
                      wait_until="commit")
    if page.url.startswith(provider):  # the consent step
        page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{origin}/**", timeout=20_000, wait_until="commit")
    settle(page)


def open_admin_page(page, name: str) -> None:
    """Through the Admin menu: a reload would start a new session, and sign-on opens today's list."""
    page.get_by_role("button", name="Admin").click()
    page.get_by_role("link", name=name).click()
    settle(page)


def events(store) -> list[tuple[str, str, str]]:
    return [(e.actor, e.action, e.target) for e in reversed(store.audit_events())]


def test_staff_sign_in_lands_on_the_workspace_and_logoff_ends_it(sso, browser):
    origin, store, provider_port = sso
    shots = artifacts("sso")
    page = browser.new_context(viewport=VIEW).new_page()
    sign_in(page, origin, provider_port, STAFF.upper())
    page.wait_for_url(f"{origin}/today", timeout=15_000)
    settle(page)
    assert page.get_by_role("heading", name="Today's list").is_visible()
    screenshot(page, shots / "1-signed-in-today.png")
    assert (STAFF, "login", "oidc") in events(store)
    assert store.get_user(STAFF).last_login_at is not None

    open_admin_page(page, "Accounts")  # an admin: the accounts screen
    assert page.get_by_role("heading", name="Accounts").is_visible()
    page.wait_for_selector('[data-testid="stDataFrame"] canvas', timeout=15_000)
    page.wait_for_timeout(500)
    screenshot(page, shots / "2-accounts.png")

    page.get_by_role("button", name="Log off").click()
    page.wait_for_url(f"http://localhost:{provider_port}/**", timeout=20_000, wait_until="commit")  # sign-out
    page.get_by_role("button", name="Yes, sign me out").click()
    page.wait_for_url(f"{origin}/**", timeout=20_000)
    settle(page)
    assert not [c for c in page.context.cookies(origin) if c["name"].startswith("_streamlit_user")]
    assert (STAFF, "logoff", "button") in events(store)
    page.goto(f"{origin}/today")  # st.logout started a new session: no staff page is left
    settle(page)
    assert not page.get_by_role("heading", name="Today's list").count()
    assert not page.get_by_role("button", name="Log off").count()
    page.goto(origin)  # the root is the kiosk again: no sign-on identity left in this browser
    settle(page)
    assert not page.get_by_role("heading", name="Staff login").count()
    screenshot(page, shots / "3-after-logoff-root.png")


@pytest.mark.parametrize(("email", "audited"), [
    (STRANGER, ("(unknown user)", "login_failed", "oidc: no account")),
    (FORMER, (FORMER, "login_failed", "oidc: account deactivated")),
])
def test_an_identity_without_an_active_account_is_refused_and_audited(sso, browser, email, audited):
    origin, store, provider_port = sso
    page = browser.new_context(viewport=VIEW).new_page()
    sign_in(page, origin, provider_port, email)
    assert page.get_by_text("no staff account here").is_visible()
    assert not page.get_by_role("heading", name="Today's list").count()
    assert page.get_by_role("button", name="Sign out of single sign-on").is_visible()
    assert page.get_by_role("button", name="Sign in with").count() == 1  # client_kwargs is no provider
    screenshot(page, artifacts("sso", clean=False) / f"4-refused-{email.split('@')[0]}.png")
    assert audited in events(store)
    page.goto(f"{origin}/today")
    settle(page)
    assert not page.get_by_role("heading", name="Today's list").count()


def test_deactivating_on_the_accounts_screen_ends_a_session_open_elsewhere_without_a_click(sso, browser):
    """The nurse's screen, left alone, falls back to the login form by the page's 20 s timer."""
    origin, store, provider_port = sso
    admin = browser.new_context(viewport=VIEW).new_page()
    sign_in(admin, origin, provider_port, STAFF)
    nurse = browser.new_context(viewport=VIEW).new_page()
    nurse.goto(f"{origin}/staff")
    settle(nurse)
    nurse.get_by_label("Username").fill(NURSE)
    nurse.get_by_label("Password", exact=True).fill(NURSE_PASSWORD)
    nurse.get_by_role("button", name="Log in").click()
    nurse.wait_for_url(f"{origin}/today", timeout=15_000)
    settle(nurse)
    admin.wait_for_url(f"{origin}/today", timeout=15_000)
    settle(admin)
    open_admin_page(admin, "Accounts")
    admin.get_by_role("combobox").first.click()
    admin.get_by_role("option", name=NURSE).click()
    settle(admin)
    screenshot(admin, artifacts("sso", clean=False) / "5-accounts-chosen.png")
    admin.get_by_role("button", name="Deactivate").click()
    admin.get_by_text("Its sessions have ended").wait_for(timeout=15_000)
    nurse.get_by_role("heading", name="Staff login").wait_for(timeout=35_000)  # no click on her side
    assert not nurse.get_by_role("heading", name="Today's list").count()
    assert ("nurse@clinic.org", "logoff", "account_disabled") in events(store)
    admin.get_by_role("button", name=STAFF[:6]).click()  # the person's own menu
    admin.get_by_role("link", name="My password").click()
    settle(admin)
    screenshot(admin, artifacts("sso", clean=False) / "6-my-password.png")
