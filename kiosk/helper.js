// The kiosk's browser side (Streamlit custom component v2, mounted once per run, no iframe).
// It owns what must not cost the server anything while a tablet waits: the idle countdown and
// its overlay, the activity watch (every touch and keystroke), the page language and title,
// the busy sign, the guard against a second tap landing on a new screen, and bringing the
// first problem into view after a failed Next. Text comes from the server in `data` and is
// only ever set with textContent. State lives on `window.__kiosk` so that re-runs with new
// data update it instead of adding listeners.
export default function (component) {
  const { data, setTriggerValue } = component;
  const k = window.__kiosk || (window.__kiosk = start());
  k.send = setTriggerValue;
  const screenChanged = k.data && k.data.screen !== data.screen;
  const focusAsked = data.focus && (!k.data || k.data.focus !== data.focus);
  k.data = data;
  document.documentElement.lang = data.lang;
  document.title = data.title;
  document.documentElement.classList.toggle("kiosk-large", !!data.large);
  document.documentElement.classList.toggle("kiosk-contrast", !!data.contrast);
  k.overlay.setAttribute("lang", data.lang);
  k.busy.setAttribute("lang", data.lang);
  k.busyText.textContent = data.busy;
  k.button.textContent = data.still_here;
  k.title.textContent = data.idle_title;
  k.last = Date.now();
  k.sent = false;
  hideWarning(k);
  if (screenChanged) shield(k);
  if (focusAsked) bringIntoView(data.focus_target);
  relabel(k);
  tick(k);
}

function start() {
  const k = { last: Date.now(), sent: false, warned: false };
  k.overlay = el("div", { id: "kiosk-idle", role: "alertdialog", "aria-modal": "true",
                          "aria-labelledby": "kiosk-idle-title", "aria-describedby": "kiosk-idle-text" });
  const box = el("div", { class: "kiosk-idle-box" });
  k.title = el("h2", { id: "kiosk-idle-title" });
  k.text = el("p", { id: "kiosk-idle-text" });
  k.button = el("button", { id: "kiosk-still-here", type: "button" });
  box.append(k.title, k.text, k.button);
  k.overlay.append(box);
  k.overlay.hidden = true;
  k.busy = el("div", { id: "kiosk-busy", role: "status", "aria-live": "polite" });
  k.busyText = el("span");
  k.busy.append(el("span", { class: "kiosk-spinner", "aria-hidden": "true" }), k.busyText);
  k.busy.hidden = true;
  k.guard = el("div", { id: "kiosk-tap-guard", "aria-hidden": "true" });
  k.guard.hidden = true;
  document.body.append(k.overlay, k.busy, k.guard);
  const active = () => { k.last = Date.now(); if (k.warned) hideWarning(k); };
  // A tap whose run has not drawn its result 300 ms later shows the busy sign.
  document.addEventListener("pointerdown", () => {
    k.ran = false; k.drawn = false;
    clearTimeout(k.tapTimer);
    k.tapTimer = setTimeout(() => { if (k.ran && !k.drawn) k.busy.hidden = false; }, 300);
  }, { capture: true, passive: true });
  for (const kind of ["pointerdown", "touchstart", "keydown", "input", "wheel"]) {
    document.addEventListener(kind, active, { capture: true, passive: true });
  }
  k.button.addEventListener("click", active);
  setInterval(() => tick(k), 1000);
  watchBusy(k);
  // Streamlit sets the title again on every run: keep it in the patient's language.
  const keep = () => {
    if (k.data && document.title !== k.data.title) document.title = k.data.title;
    if (k.data && document.documentElement.lang !== k.data.lang) document.documentElement.lang = k.data.lang;
  };
  new MutationObserver(keep).observe(document.head, { subtree: true, childList: true, characterData: true });
  let queued = false;
  new MutationObserver(() => {
    if (!queued) { queued = true; requestAnimationFrame(() => { queued = false; relabel(k); }); }
  }).observe(document.body, { subtree: true, childList: true });
  new MutationObserver(keep).observe(document.documentElement, { attributes: true, attributeFilter: ["lang"] });
  return k;
}

// Streamlit's own English words for a screen reader (the skip link, the progress bar's name)
// follow the patient's language too.
function relabel(k) {
  if (!k.data) return;
  const skip = document.querySelector('a[href="#stMain"]');
  if (skip && skip.textContent !== k.data.skip) {
    skip.textContent = k.data.skip;
    skip.setAttribute("lang", k.data.lang);
  }
  for (const bar of document.querySelectorAll('[data-testid="stProgress"] [role="progressbar"]')) {
    const label = bar.closest('[data-testid="stProgress"]').innerText.trim();
    if (label && bar.getAttribute("aria-label") !== label) bar.setAttribute("aria-label", label);
  }
}

function el(tag, attrs) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, value);
  return node;
}

function tick(k) {
  const d = k.data;
  if (!d || d.mode === "pristine") return;
  const idle = (Date.now() - k.last) / 1000;
  if (d.mode === "thanks" || d.mode === "held") {
    if (idle >= d.limit && !k.sent) {
      k.send("expired", Date.now());
      if (d.mode === "held") k.last = Date.now(); else k.sent = true;  // held: try again later
    }
    return;
  }
  const left = Math.ceil(d.idle_seconds - idle);
  if (left <= 0) {
    if (!k.sent) { k.sent = true; k.send("expired", Date.now()); }
    return;
  }
  if (left <= d.warning_seconds) {
    k.text.textContent = d.idle_text.replace("{seconds}", String(left));
    if (!k.warned) {
      k.warned = true;
      k.overlay.hidden = false;
      k.button.focus();
    }
  }
}

function hideWarning(k) {
  k.warned = false;
  k.overlay.hidden = true;
}

// A second quick tap must not land on the screen that the first one brought up.
function shield(k) {
  k.guard.hidden = false;
  clearTimeout(k.guardTimer);
  k.guardTimer = setTimeout(() => { k.guard.hidden = true; }, 350);
}

// Any run that takes longer than 300 ms shows the busy sign until it ends.
function watchBusy(k) {
  const app = () => document.querySelector('[data-testid="stApp"]');
  const update = () => {
    const running = app() && app().getAttribute("data-test-script-state") === "running";
    clearTimeout(k.busyTimer);
    if (running) {
      k.ran = true;
      k.busyTimer = setTimeout(() => { k.busy.hidden = false; }, 300);
    } else {
      requestAnimationFrame(() => { k.drawn = true; k.busy.hidden = true; });
    }
  };
  const observer = new MutationObserver(update);
  const attach = () => {
    if (!app()) return setTimeout(attach, 200);
    observer.observe(app(), { attributes: true, attributeFilter: ["data-test-script-state"] });
  };
  attach();
}

// After a failed Next: the first problem scrolled into view and its first control focused.
function bringIntoView(selector, tries = 0) {
  const target = selector && document.querySelector(selector);
  if (!target) {
    if (tries < 20) setTimeout(() => bringIntoView(selector, tries + 1), 50);
    return;
  }
  target.scrollIntoView({ block: "center" });
  const control = target.querySelector("input, textarea, button, [tabindex]");
  if (control) control.focus({ preventScroll: true });
}
