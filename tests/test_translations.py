"""Every UI string of the project's own templates and Python files is in the zh_Hans catalogue,
translated and checked (not fuzzy), and the committed .mo says what the .po says.

The strings are extracted the way `manage.py makemessages` does it (Django's own command, so
`{% translate %}`, `{% blocktranslate %}`, `gettext_lazy` and friends are all found), but from a
temporary copy of the sources into a temporary locale folder: the committed locale files are only
read. Regenerate the catalogue with:

    .venv/bin/python manage.py makemessages -l zh_Hans --ignore=.venv --ignore=node_modules \
        --ignore=test-artifacts --ignore=bench --ignore='tests/*' --ignore='*/tests/*' \
        --ignore='*.egg-info' --ignore=docs --no-obsolete
    .venv/bin/python manage.py compilemessages -l zh_Hans --ignore=.venv
"""

import ast
import gettext
import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.utils import is_ignored_path
from django.test import override_settings

LOCALE = "zh_Hans"
PO_FILE = Path(settings.BASE_DIR) / "locale" / LOCALE / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")
# The project's own code only: no virtualenv, vendored packages, tests, benchmarks or docs.
IGNORE = [
    ".*",
    "*~",
    ".venv",
    "node_modules",
    "test-artifacts",
    "bench",
    "tests",
    "*/tests",
    "*.egg-info",
    "docs",
    "locale",
    "__pycache__",
]
EXTENSIONS = {".py", ".html", ".txt"}  # makemessages' defaults for the "django" domain
GETTEXT_PROGRAMS = ("xgettext", "msguniq", "msgmerge", "msgattrib")


def _require_gettext():
    missing = [program for program in GETTEXT_PROGRAMS if shutil.which(program) is None]
    if not missing:
        return
    reason = f"GNU gettext is not installed ({', '.join(missing)} missing): apt-get install gettext"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason)  # CI installs it (.ci/run): a missing tool there must not pass quietly
    pytest.skip(reason)


def _unquote(text: str) -> str:
    # A PO string is a C string literal; these escapes read the same in Python.
    return ast.literal_eval(text)


def read_po(path: Path) -> dict:
    """msgid (msgctxt "\\x04" msgid when it has a context, as gettext keys it) -> its msgstr(s),
    whether it is a plural, fuzzy flag and source references.

    Small on purpose: the header, obsolete (#~) entries and comments other than flags and
    references are skipped."""
    entries = {}
    entry, field = None, None

    def flush():
        if entry is not None and "msgid" in entry and entry["msgid"] != "":
            key = entry["msgid"]
            if "msgctxt" in entry:
                key = f"{entry['msgctxt']}\x04{key}"
            strs = [value for name, value in entry.items() if name.startswith("msgstr")]
            entries[key] = {
                "strs": strs,
                "plural": "msgid_plural" in entry,
                "fuzzy": entry["fuzzy"],
                "refs": entry["refs"],
            }

    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#"):
            if field is not None:  # a comment after a message starts the next one
                flush()
                entry, field = None, None
            if entry is None:
                entry = {"fuzzy": False, "refs": []}
            if line.startswith("#,"):
                entry["fuzzy"] = "fuzzy" in (flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#:"):
                entry["refs"].extend(line[2:].split())
            continue
        if line.startswith('"'):
            entry[field] += _unquote(line)
            continue
        keyword, _, value = line.partition(" ")
        if keyword in ("msgctxt", "msgid") and field is not None and field.startswith("msgstr"):
            flush()
            entry, field = None, None
        if entry is None:
            entry = {"fuzzy": False, "refs": []}
        field = keyword
        entry[field] = _unquote(value)
    if field is not None:
        flush()
    return entries


def _copy_sources(source: Path, target: Path):
    for dirpath, dirnames, filenames in os.walk(source):
        relative = Path(dirpath).relative_to(source)
        dirnames[:] = [d for d in dirnames if not is_ignored_path(str(relative / d), IGNORE)]
        for name in filenames:
            if Path(name).suffix in EXTENSIONS and not is_ignored_path(str(relative / name), IGNORE):
                (target / relative).mkdir(parents=True, exist_ok=True)
                shutil.copy2(Path(dirpath) / name, target / relative / name)


def extract_messages(work: Path) -> dict:
    """The msgids makemessages finds in the project's sources, from a throwaway copy in `work`."""
    _copy_sources(Path(settings.BASE_DIR), work)
    locale_dir = work / "locale"
    (locale_dir / LOCALE / "LC_MESSAGES").mkdir(parents=True)
    previous = os.getcwd()
    os.chdir(work)  # makemessages walks the current directory
    try:
        with override_settings(LOCALE_PATHS=[str(locale_dir)]):
            call_command("makemessages", locale=[LOCALE], keep_pot=True, verbosity=0, no_wrap=True)
    finally:
        os.chdir(previous)
    return read_po(locale_dir / "django.pot")


def test_every_ui_string_is_translated_into_simplified_chinese(tmp_path):
    _require_gettext()
    extracted = extract_messages(tmp_path)
    assert len(extracted) > 100  # the extraction really ran over the project's sources
    catalogue = read_po(PO_FILE)

    problems = []
    for msgid, found in sorted(extracted.items()):
        where = ", ".join(found["refs"][:3])
        entry = catalogue.get(msgid)
        if entry is None:
            problems.append(f"missing: {msgid!r} ({where})")
        elif not all(entry["strs"]):
            problems.append(f"not translated: {msgid!r} ({where})")
        elif entry["fuzzy"]:
            problems.append(f"fuzzy, check and drop the flag: {msgid!r} ({where})")

    assert not problems, (
        f"{len(problems)} UI string(s) need work in {os.path.relpath(PO_FILE, settings.BASE_DIR)} "
        "(run makemessages, translate, compilemessages; see this module's docstring):\n" + "\n".join(problems)
    )


def test_compiled_catalogue_matches_the_po_file():
    """The .mo is committed (nothing compiles it at run time): a .po edit without compilemessages
    would not show up on any page."""
    catalogue = read_po(PO_FILE)
    with MO_FILE.open("rb") as fp:
        compiled = gettext.GNUTranslations(fp)._catalog

    stale = []
    for msgid, entry in sorted(catalogue.items()):
        if entry["fuzzy"] or not all(entry["strs"]):
            continue  # msgfmt leaves these out; the test above reports them
        if entry["plural"]:
            wanted = {(msgid, n): text for n, text in enumerate(entry["strs"])}
        else:
            wanted = {msgid: entry["strs"][0]}
        if any(compiled.get(key) != text for key, text in wanted.items()):
            stale.append(msgid)

    assert not stale, (
        f"{MO_FILE.name} is older than {PO_FILE.name} for {len(stale)} string(s); run "
        f"`manage.py compilemessages -l {LOCALE} --ignore=.venv`:\n" + "\n".join(map(repr, stale))
    )
