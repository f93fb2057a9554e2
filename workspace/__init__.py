"""The clinician workspace: staff pages behind a login.

``router`` (which staff pages exist for this session), ``session`` (who is logged in, the
guard every staff page calls first, idle logoff, audit), ``login`` (the login page),
``today`` (the list), ``detail`` (one submission), ``audit_log`` (admins), ``trends`` (charts),
``review`` (mark reviewed, comments), ``views`` (pure: rows and wording for the pages),
``downloads`` (exports, each audited when made), ``ui`` (safe Markdown, download buttons).
"""

__all__ = ["audit_log", "detail", "downloads", "login", "review", "router", "session", "today", "trends",
           "ui", "views"]
