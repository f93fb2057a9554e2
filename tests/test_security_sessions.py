"""Issue 5 item 3: nothing shared between sessions, no patient text as Markdown (static scans).

Streamlit runs every browser session in one process: a module global, an ``st.cache_*`` or an
``lru_cache`` is shared by the patient now at the tablet and the next one. And every text
element (``st.markdown``, ``st.caption``, ``st.error``, widget labels ...) renders Markdown,
so patient text shown there could turn into links or images. These tests read the source with
``ast`` and fail on any new cache, any module state written at run time, and any Markdown
element fed something that is not our own wording; a reviewer then decides and adds it to the
allow-list below with the reason. tests/test_security_render.py checks the same on the
running kiosk with hostile typed text.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SKIP_DIRS = {".venv", "tests", "bench", "instance", "test-artifacts", ".git", "__pycache__"}
PAGE_PACKAGES = ("kiosk", "workspace", "clinic")


def project_files(packages: tuple[str, ...] | None = None) -> list[Path]:
    files = []
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if SKIP_DIRS & set(rel.parts):
            continue
        if packages is None or rel.parts[0] in packages:
            files.append(path)
    return files


def parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.name


def enclosing_functions(tree: ast.AST):
    """(function node, its qualified name) for every function, methods as Class.method."""
    def walk(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                yield from walk(child, f"{prefix}{child.name}.")
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                yield child, f"{prefix}{child.name}"
                yield from walk(child, f"{prefix}{child.name}.")
            else:
                yield from walk(child, prefix)
    yield from walk(tree, "")


# ------------------------------------------------------------------------------ caches
CACHE_DECORATORS = {"cache_data", "cache_resource", "lru_cache", "cache", "cached_property", "memoize"}

# Every cached function in the project, with why it holds no patient data. A new cache fails
# the test until a reviewer adds it here.
KNOWN_CACHES = {
    "clinic/runtime.py:_store": "the Store (connection pool, keys), built from Settings; no answers",
    "clinic/accounts.py:_hasher": "the argon2 PasswordHasher object",
    "clinic/accounts.py:_dummy_hash": "a hash of a random secret, for timing-safe unknown usernames",
    "kiosk/screens.py:_css": "the static style sheet",
    "kiosk/browser_side.py:_components": "the registered custom components (static HTML/CSS/JS)",
    "kiosk/browser_side.py:_geometry": "the body picture's polygons (static geometry)",
    "kiosk/page.py:_css": "the static style sheet",
    "drawing/bodymap.py:_base": "the empty body figure; callers draw on a .copy()",
    "kiosk/ui_text.py:load_ui_text": "the kiosk wording from ui_text.toml",
    "questionnaire/bank.py:load_bank": "the item bank from bank.toml",
    "questionnaire/bank.py:Item.codes": "derived from the bank",
    "questionnaire/bank.py:Bank._by_id": "an index of the bank's items",
    "questionnaire/bank.py:Bank._index": "an index of the bank's items (cached_property on the bank)",
    "questionnaire/bank.py:Bank.asked_tests": "the bank's asked-when conditions, compiled (on the bank)",
    "questionnaire/bank.py:Bank.derived_tables": "tables derived from the bank, e.g. the validator's plan",
    "export/pdf_layout.py:_glyphs": "the glyphs of the bundled font",
    "workspace/warm_up.py:detail_page": "True once the detail page's code is warmed (made-up chart data)",
    "storage/listing.py:_statements": "the list's SQL statements for one choice of dates and filters "
                                      "(levels, indication ids; a name searched for never reaches them)",
    "storage/listing.py:_cached_page_ids": "the list's SQL statement of a page's ids, for those filters",
    "storage/listing.py:urgent_query": "the urgent-arrivals SQL statement (the time is a parameter)",
}
# Attributes that would mean the same (``x.text`` alone is too common: ``pen.text``, ``item.text``).
PATIENT_ATTRS = {"answers", "session_state", "visit", "submission", "submissions", "comments", "birth_date"}
# Names that would mean patient data flows into or out of a cache.
PATIENT_WORDS = {"answers", "answer", "visit", "submission", "submissions", "patient", "value", "values",
                 "session_state", "comment", "comments", "name", "birth_date", "text", "record", "row"}


def _decorator_name(node: ast.expr) -> str:
    target = node.func if isinstance(node, ast.Call) else node
    return target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")


@dataclass
class Cached:
    where: str
    node: ast.FunctionDef


def cached_functions() -> list[Cached]:
    found = []
    for path in project_files():
        for func, qualname in enclosing_functions(parse(path)):
            if any(_decorator_name(d) in CACHE_DECORATORS for d in func.decorator_list):
                found.append(Cached(f"{rel(path)}:{qualname}", func))
    return found


def test_every_cache_is_reviewed():
    new = sorted(c.where for c in cached_functions() if c.where not in KNOWN_CACHES)
    assert not new, ("new cached functions: check they can never hold patient data, then add them "
                     f"to KNOWN_CACHES with the reason: {new}")


def test_no_cache_takes_or_touches_patient_data():
    bad = []
    for cached in cached_functions():
        args = cached.node.args
        params = {a.arg for a in args.args + args.kwonlyargs + args.posonlyargs} - {"self", "cls"}
        used = {n.id for n in ast.walk(cached.node) if isinstance(n, ast.Name)}
        attrs = {n.attr for n in ast.walk(cached.node) if isinstance(n, ast.Attribute)}
        hits = ((params | used) & PATIENT_WORDS) | (attrs & PATIENT_ATTRS)
        if hits:
            bad.append(f"{cached.where} uses {sorted(hits)}")
    assert not bad, "a cache shared by every session touches patient data: " + "; ".join(bad)


def test_no_cache_is_created_outside_a_decorator():
    """``st.cache_data(f)`` or ``lru_cache()(f)`` would dodge the review above."""
    bad = []
    for path in project_files():
        tree = parse(path)
        decorators = {id(d) for f, _ in enclosing_functions(tree) for d in f.decorator_list}
        decorators |= {id(d.func) for f, _ in enclosing_functions(tree) for d in f.decorator_list
                       if isinstance(d, ast.Call)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and id(node) not in decorators and \
                    _decorator_name(node.func) in {"cache_data", "cache_resource", "lru_cache"}:
                bad.append(f"{rel(path)}:{node.lineno}")
    assert not bad, f"cache made by a call, not a decorator: {bad}"


# ------------------------------------------------------------------------------ module state
MUTABLE_CALLS = {"dict", "list", "set", "defaultdict", "OrderedDict", "deque", "Counter", "bytearray"}
MUTATORS = {"append", "extend", "insert", "update", "add", "setdefault", "pop", "popitem", "remove",
            "discard", "clear", "appendleft", "extendleft", "__setitem__", "sort", "reverse"}


def _module_mutables(tree: ast.Module) -> set[str]:
    names = set()
    for node in tree.body:
        targets, value = [], None
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        literal = ast.Dict | ast.List | ast.Set | ast.DictComp | ast.ListComp | ast.SetComp
        mutable = isinstance(value, literal) or (
            isinstance(value, ast.Call) and _decorator_name(value.func) in MUTABLE_CALLS)
        if mutable:
            names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return names


def module_state_writes(path: Path) -> list[str]:
    """Lines inside functions that write module state: ``global``, or mutating a module container."""
    tree = parse(path)
    mutables = _module_mutables(tree)
    writes = []
    for func, qualname in enclosing_functions(tree):
        local = {a.arg for a in func.args.args + func.args.kwonlyargs}
        for node in ast.walk(func):
            where = f"{rel(path)}:{qualname}:{getattr(node, 'lineno', '?')}"
            if isinstance(node, ast.Global):
                writes.append(f"{where} global {', '.join(node.names)}")
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                    isinstance(node.func.value, ast.Name) and node.func.value.id in mutables - local and \
                    node.func.attr in MUTATORS:
                writes.append(f"{where} {node.func.value.id}.{node.func.attr}()")
            elif isinstance(node, ast.Assign | ast.AugAssign | ast.Delete):
                targets = node.targets if isinstance(node, ast.Assign | ast.Delete) else [node.target]
                for t in targets:
                    if isinstance(t, ast.Subscript | ast.Attribute) and isinstance(t.value, ast.Name) and \
                            t.value.id in mutables - local:
                        writes.append(f"{where} {t.value.id}[...] written")
    return writes


@pytest.mark.parametrize("path", project_files(PAGE_PACKAGES), ids=rel)
def test_pages_write_no_module_state(path):
    writes = module_state_writes(path)
    assert not writes, "module state is shared by every session; keep it in st.session_state:\n" + \
        "\n".join(writes)


def test_module_state_scan_finds_a_write(tmp_path):
    """The scan itself: a page that remembers the last patient in a module dict is caught."""
    sample = tmp_path / "page.py"
    sample.write_text("LAST = {}\nSEEN = []\nLIMITS = (1, 2)\n\ndef remember(a):\n    LAST['x'] = a\n"
                      "    SEEN.append(a)\n    local = []\n    local.append(a)\n"
                      "\ndef reset():\n    global LAST\n    LAST = {}\n")
    assert len(module_state_writes(sample)) == 3, module_state_writes(sample)


# ------------------------------------------------------------------------------ Markdown sinks
# Elements whose text (first argument, or the keywords below) Streamlit renders as Markdown.
BODY_SINKS = {"markdown", "write", "html", "caption", "info", "error", "warning", "success", "toast",
              "title", "header", "subheader", "badge", "latex"}
LABEL_SINKS = {"button", "download_button", "form_submit_button", "link_button", "checkbox",
               "toggle", "radio", "selectbox", "multiselect", "pills", "segmented_control", "slider",
               "select_slider", "text_input", "text_area", "number_input", "date_input", "time_input",
               "expander", "popover", "status", "metric", "file_uploader", "color_picker", "camera_input",
               "chat_input", "feedback", "tabs", "dialog"}
KEYWORD_SINKS = {"progress", "page_link"}  # their first argument is a value or a page, not text
MARKDOWN_KEYWORDS = {"body", "label", "help", "caption", "captions", "text", "title"}
NOT_STREAMLIT = {"log", "logger", "logging", "_log", "_logger", "LOG", "parser", "warnings", "sys", "re"}

ESCAPING_CALLS = {"md_escape", "md", "escape", "escape_markdown"}  # output safe whatever the input
TEXT_SOURCES = {"ui", "message", "label", "load_ui_text", "yn_label"}  # our wording, from bank/ui_text
BANK_ATTRS = {"text", "help", "title", "intro", "label", "yn_text"}  # item.text[lang], section.title[lang]
SAFE_BUILTINS = {"len", "int", "round", "float", "abs", "min", "max", "sum"}


def _is_constant(node: ast.expr) -> bool:
    """An UPPER_CASE module constant, ``NAMES`` or ``views.NAMES``."""
    name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")
    return name.isupper()


def local_values(func: ast.AST) -> dict[str, list[ast.expr]]:
    """Names a function binds only by plain ``name = value``, with every value assigned.

    A name also bound another way (a parameter, a loop, ``with``, ``+=``, unpacking, ``global``)
    is left out: its value cannot be read off the source, so it stays unknown."""
    assigned: dict[str, list[ast.expr]] = {}
    other: set[str] = set()
    for node in ast.walk(func):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            assigned.setdefault(node.targets[0].id, []).append(node.value)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            assigned.setdefault(node.target.id, []).append(node.value)
        elif isinstance(node, ast.arg):
            other.add(node.arg)
        elif isinstance(node, ast.Global | ast.Nonlocal):
            other |= set(node.names)
        else:
            targets = []
            if isinstance(node, ast.For | ast.AsyncFor | ast.comprehension | ast.AugAssign | ast.NamedExpr):
                targets = [node.target]
            elif isinstance(node, ast.withitem) and node.optional_vars is not None:
                targets = [node.optional_vars]
            elif isinstance(node, ast.Assign):
                targets = node.targets
            other |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    return {k: v for k, v in assigned.items() if k not in other}


Locals = dict[str, list[ast.expr]]


def is_safe(node: ast.expr, env: Locals | None = None, seen: frozenset = frozenset()) -> bool:
    """True when ``node`` is our own wording (a literal, a bank/ui string) or escaped text.

    ``env`` holds the function's plainly assigned locals: such a name is safe when every value
    assigned to it is."""
    env = env or {}

    def safe(n: ast.expr) -> bool:
        return is_safe(n, env, seen)

    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.JoinedStr):
        return all(safe(v.value) for v in node.values if isinstance(v, ast.FormattedValue))
    if isinstance(node, ast.BinOp):
        return safe(node.left) and safe(node.right)
    if isinstance(node, ast.IfExp):
        return safe(node.body) and safe(node.orelse)
    if isinstance(node, ast.List | ast.Tuple):
        return all(safe(e) for e in node.elts)
    if isinstance(node, ast.Call):
        name = _decorator_name(node.func)
        if isinstance(node.func, ast.Call):  # load_ui_text()("key", lang)
            name = _decorator_name(node.func.func)
        if name == "get" and isinstance(node.func, ast.Attribute) and _is_constant(node.func.value):
            return all(safe(a) for a in node.args[1:])  # LABELS.get(code, "fallback")
        return name in ESCAPING_CALLS | TEXT_SOURCES | SAFE_BUILTINS
    if isinstance(node, ast.Name):
        if node.id.isupper():
            return True
        values = env.get(node.id)
        return bool(values) and node.id not in seen and all(
            is_safe(v, env, seen | {node.id}) for v in values)
    if isinstance(node, ast.Subscript | ast.Attribute):
        chain = node
        while isinstance(chain, ast.Subscript | ast.Attribute):
            if isinstance(chain, ast.Attribute) and chain.attr in BANK_ATTRS:
                return True
            chain = chain.value
    return False


# (file:function, source of the argument) -> why it is not patient text. Reviewed by hand.
REVIEWED_SINKS = {
    ("kiosk/screens.py:draw", "_css()"): "our static style sheet (st.html, no patient data)",
    ("kiosk/screens.py:_tools", "_both(ui, 'call_desk', visit)"): "our kiosk wording, one or both languages",
    ("kiosk/screens.py:_tools", "_both(ui, label, visit)"): "our kiosk wording, in one or both languages",
    ("workspace/alerts.py:front_desk_alerts",
     "f'Front desk called from tablet “{tablet}” at {local} ({_age(alert.raised_at)})'"):
        "a tablet name (storage.alerts.TABLET_NAME, '_' and '.' escaped), a clock time and an age",
    # Staff pages: scoring output (ids, our reason and evidence texts, escaped with md()), numbers.
    ("workspace/detail.py:_indication", "'\\n'.join(reasons)"):
        "the scoring's reasons, one Markdown list: each reason's text through md(), item ids in code spans",
    ("workspace/detail.py:_notes", "'\\n'.join(notes)"):
        "the scoring's notes, one Markdown list: our flag labels and note texts, each through md()",
    ("workspace/detail.py:_safety", "f'{badge} {md(line)} · {md(flag.id)}'"):
        "a literal badge (SAFETY_BADGE), the safety wording and the flag id, each through md()",
    ("workspace/detail.py:_numbers",
     "f'PEG = mean of pain {parts[0]}, enjoyment {parts[1]}, activity {parts[2]} (0-10, past week)'"):
        "three validated 0-10 integers",
    ("workspace/login.py:_oidc_section", "label"): "'Sign in with' + a provider name from secrets.toml",
    ("workspace/login.py:_oidc_section", "message"): "our fixed refusal message",
    ("workspace/login.py:login_form", "message"): "our login messages (wrong password, wait, locked)",
    ("workspace/login.py:login_form", "notice"): "our notices (logged off after inactivity)",
    ("workspace/login.py:login_page", "f'You are logged in as {staff.username}.'"):
        "a staff username (USERNAME_PATTERN: no Markdown brackets or angle brackets)",
    ("workspace/login.py:nav_bar", "router.PAGES[name][1]"): "our page titles",
    ("workspace/login.py:nav_bar", "router.PAGES['password'][1]"): "our page title",
    ("workspace/login.py:nav_bar", "f'Role: {staff.role}'"): "a role code (clinician or admin)",
    ("workspace/review.py:_mark_reviewed", "f'Reviewed by {sub.reviewed_by} on {_when(sub.reviewed_at)}'"):
        "a staff username and a formatted time",
    ("workspace/review.py:review_panel", "header"): "comment version, staff username and time",
    ("workspace/today.py:_pager", "f'Page {page.page + 1} of {page.pages} ({page.page_size} a page)'"):
        "three page numbers",
    ("workspace/today.py:live_list", "list_view.summary_line(page.total, page.urgent, page.not_reviewed)"):
        "three counts",
    ("workspace/patient_panel.py:_mrn_form", "str(exc)"):
        "a StoreError or MRN message: our words naming the field and what is allowed",
    ("workspace/patient_panel.py:_suggested", "f'Links them under MRN {known}.'"):
        "a stored MRN: 1-20 letters, digits and hyphens only (no Markdown characters)",
    ("workspace/patient_panel.py:_suggested", "str(exc)"): "a StoreError: our message",
    ("workspace/patient_panel.py:_ta260",
     "'Patient-reported (this visit): ' + views.answer_text(item, reported)"):
        "a choice answer shown by its bank label",
    ("workspace/patient_panel.py:patient_panel",
     "f'MRN: {sub.mrn}' if sub.mrn else 'No medical record number attached yet.'"):
        "a stored MRN: 1-20 letters, digits and hyphens only",
    ("workspace/review.py:_void_form", "str(exc)"): "a StoreError: our message naming the field",
    ("workspace/review.py:void_banner",
     "f'VOID: voided by {sub.void.voided_by} on {_when(sub.void.voided_at)}. It stays stored and is left "
     "out of the default list and the visit history.'"):
        "a staff username (USERNAME_PATTERN) and a formatted time",
    ("workspace/today.py:live_list", "str(exc)"):
        "a StoreError: our message naming a filter or field, never a stored value",
    ("workspace/today.py:today_page", "problem"): "storage health messages (space, counts; no patient data)",
}


def calls_by_function(tree: ast.Module):
    """(qualified name of the innermost enclosing function or "<module>", call, that function)."""
    def walk(node, scope, func):
        for child in ast.iter_child_nodes(node):
            inner, inner_func = scope, func
            if isinstance(child, ast.ClassDef):
                inner = child.name if scope == "<module>" else f"{scope}.{child.name}"
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                name = getattr(child, "name", "<lambda>")
                inner, inner_func = (name if scope == "<module>" else f"{scope}.{name}"), child
            if isinstance(child, ast.Call):
                yield scope, child, func
            yield from walk(child, inner, inner_func)
    yield from walk(tree, "<module>", tree)


def imported_modules(tree: ast.Module) -> set[str]:
    """Names bound to modules by imports (``bodymap`` in ``from kiosk import bodymap``), not st."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            names |= {a.asname or a.name for a in node.names if a.name[:1].islower()}
    return names - {"st", "streamlit"}


def markdown_sinks(path: Path):
    """(where, source, argument node, locals) for each Markdown-rendering argument in ``path``."""
    tree = parse(path)
    skip = NOT_STREAMLIT | imported_modules(tree)
    for qualname, node, func in calls_by_function(tree):
        if not isinstance(node.func, ast.Attribute):
            continue
        receiver = node.func.value
        if isinstance(receiver, ast.Name) and receiver.id in skip:
            continue
        attr = node.func.attr
        if attr not in BODY_SINKS | LABEL_SINKS | KEYWORD_SINKS:
            continue
        args = node.args if attr == "write" else [] if attr in KEYWORD_SINKS else node.args[:1]
        args = [*args, *(k.value for k in node.keywords if k.arg in MARKDOWN_KEYWORDS)]
        env = local_values(func) if func is not tree else {}
        for arg in args:
            yield f"{rel(path)}:{qualname}", ast.unparse(arg), arg, env


def unsafe_markdown() -> list[str]:
    found = set()
    for path in project_files(("kiosk", "workspace")) + [ROOT / "app.py"]:
        for where, source, arg, env in markdown_sinks(path):
            if not is_safe(arg, env) and (where, source) not in REVIEWED_SINKS:
                found.add(f"{where}: {source}")
    return sorted(found)


def test_every_reviewed_sink_is_still_in_the_code():
    """A reviewed entry whose call has changed or gone is stale: it would let a new call with
    the same text through unreviewed, and it misleads the reader of the list."""
    present = {(where, source) for path in project_files(("kiosk", "workspace")) + [ROOT / "app.py"]
               for where, source, _arg, _env in markdown_sinks(path)}
    stale = sorted(f"{where}: {source}" for where, source in REVIEWED_SINKS if (where, source) not in present)
    assert not stale, "REVIEWED_SINKS entries no longer in the code (delete them):\n" + "\n".join(stale)


def test_markdown_elements_show_only_our_wording():
    found = unsafe_markdown()
    assert not found, ("Markdown-rendering elements fed something that is not a literal, a bank/ui "
                       "string or escaped text. Patient text goes in st.text / st.code / st.dataframe; "
                       "if this is our own wording, add it to REVIEWED_SINKS with the reason:\n"
                       + "\n".join(found))


def test_no_unsafe_html_with_variable_content():
    bad = []
    for path in project_files():
        for node in ast.walk(parse(path)):
            unsafe = [k for k in getattr(node, "keywords", []) if k.arg == "unsafe_allow_html"]
            if any(not (isinstance(k.value, ast.Constant) and k.value.value is False) for k in unsafe):
                bad.append(f"{rel(path)}:{node.lineno}")
    assert not bad, f"unsafe_allow_html: use st.html with our own static markup instead: {bad}"


@pytest.mark.parametrize(("body", "safe"), [
    ("help_text = md_escape(item.help[lang]) if item.help else ''\nst.markdown(f'**x**{help_text}')", True),
    ("label = ui('next', lang)\nst.button(label)", True),
    ("label = ui('next', lang)\nlabel = visit.answers['patient.name']\nst.button(label)", False),
    ("for label in names:\n    st.button(label)", False),
    ("label, other = 'a', sub.name\nst.button(label)", False),
    ("text = 'x'\ntext += sub.name\nst.caption(text)", False),
])
def test_markdown_classifier_follows_plain_locals(body, safe):
    func = ast.parse("def page(item, lang, visit, names, sub):\n" + "\n".join(
        "    " + line for line in body.splitlines()))
    env = local_values(func.body[0])
    call = [n for n in ast.walk(func) if isinstance(n, ast.Call) and _decorator_name(n.func) in
            BODY_SINKS | LABEL_SINKS][-1]
    assert is_safe(call.args[0], env) is safe


@pytest.mark.parametrize(("source", "safe"), [
    ('st.markdown("**Welcome**")', True),
    ("st.header(md_escape(section.title[lang]))", True),
    ("st.caption(item.help[self.lang])", True),
    ("st.error(ui('urgent', lang))", True),
    ("st.warning(load_ui_text()('idle_warning', lang, seconds=3))", True),
    ("st.expander(f'Export these {len(subs)} submissions')", True),
    ("st.markdown(answers['patient.name'])", False),
    ("st.write(visit.answers)", False),
    ("st.caption(f'Patient: {sub.name}')", False),
    ("st.info(st.session_state['k.x.visit.concern'])", False),
    ("st.error(str(exc))", False),
    ("col.button(row['name'])", False),
    ("st.caption(views.MATCH_BADGE.get(code, 'none'))", True),
    ("st.caption(views.MATCH_BADGE.get(code, sub.name))", False),
    ("st.radio('Pick', opts, help=comment.text_value)", False),
])
def test_markdown_classifier(source, safe):
    call = ast.parse(source).body[0].value
    attr = call.func.attr
    args = call.args if attr == "write" else call.args[:1]
    args = [*args, *(k.value for k in call.keywords if k.arg in MARKDOWN_KEYWORDS)]
    assert all(is_safe(a) for a in args) is safe


def test_markdown_scan_finds_patient_text_in_a_page(tmp_path):
    """The scan itself, on a page that shows the typed name and concern through Markdown."""
    page = tmp_path / "page.py"
    page.write_text(
        "import streamlit as st\n\n"
        "def review(visit, item, lang):\n"
        "    value = visit.answers.get(item.id)\n"
        "    st.markdown(item.text[lang])\n"
        "    st.markdown(value)\n"
        "    left, right = st.columns(2)\n"
        "    left.caption(f\"Name: {visit.answers['patient.name']}\")\n"
        "    st.text(value)\n")
    flagged = [source for _, source, arg, env in markdown_sinks(page) if not is_safe(arg, env)]
    assert flagged == ["value", "f\"Name: {visit.answers['patient.name']}\""]
