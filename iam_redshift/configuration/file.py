"""The configuration file of ``iam-redshift lint``: finding it, reading it into a
:class:`Config`.

The configuration is the ``[tool.iam-redshift]`` table of a ``pyproject.toml`` or the top level of
a ``.iam-redshift.toml``, found by searching upward from the current directory (the first
directory holding either wins; ``.iam-redshift.toml`` before ``pyproject.toml``, and a
``pyproject.toml`` without the table is passed over), or named with ``--config``. It is checked
against ``schemas/config.schema.json`` and the rule catalogue: any mistake is a
:class:`ConfigError` naming the file and the key.

Globs (``exclude``, ``per-file-ignores``, a suppression's ``path``) match paths relative to the
configuration file's directory, with forward slashes; without a configuration file, relative to
the current directory.
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import field
from pathlib import Path
from typing import Any

from iam_redshift._memo import Memo
from iam_redshift._record import record
from iam_redshift.engine.options import LintOptions
from iam_redshift.errors import ConfigError, SetupFileError
from iam_redshift.findings import Severity
from iam_redshift.model import TRUST_POLICY_DEFAULT_MAX
from iam_redshift.sources.discover import is_glob, matches_path

__all__ = [
    "CONFIG_NAME",
    "DEFAULT_EXCLUDE",
    "PYPROJECT",
    "Config",
    "Suppression",
    "find_config",
    "find_config_warnings",
    "load_config",
    "parse_config",
]

#: The configuration file of its own.
CONFIG_NAME = ".iam-redshift.toml"
#: The Python project file whose ``[tool.iam-redshift]`` table is a configuration.
PYPROJECT = "pyproject.toml"
#: Folders of tools and dependencies that are never searched unless ``exclude`` says otherwise.
#: ``.*``: hidden folders (.vscode, .terraform, .github...) hold tools' files, not policies.
DEFAULT_EXCLUDE = (
    ".*",
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    ".tox",
    ".nox",
    "node_modules",
    "__pycache__",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
)
#: A configuration file larger than this is refused before it is parsed.
MAX_CONFIG_BYTES = 1 << 20

_TABLE = "tool.iam-redshift"


@record
class Suppression:
    """One ``[[tool.iam-redshift.suppress]]`` entry, and where it is in its file."""

    code: str
    path: str
    reason: str
    sid: str | None = None
    #: Its JSON pointer in the configuration (``/tool/iam-redshift/suppress/0``), line and column.
    pointer: str = ""
    line: int = 1
    column: int = 1

    def describe(self) -> str:
        """``IR201 in 'roles/*.json', Sid 'ReadRoles'``."""
        sid = f", Sid {self.sid!r}" if self.sid is not None else ""
        return f"{self.code} in {self.path!r}{sid}"


@record
class Config:
    """A loaded configuration (the defaults when ``file`` is None).

    ``file`` is the configuration file as it is named in findings; ``root`` the absolute
    directory that globs are relative to (None: paths are matched as they are given).
    """

    file: str | None = None
    root: str | None = None
    select: tuple[str, ...] = ("IR",)
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    fail_on: str | None = None
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    trust_policy_max_chars: int = TRUST_POLICY_DEFAULT_MAX
    suppress: tuple[Suppression, ...] = ()
    #: The action-knowledge index to use (a directory), absolute; None: the default choice.
    knowledge: str | None = None
    #: The instance role's ARN (``instance-role``); ``--instance-role`` wins over it.
    instance_role: str | None = None
    #: Warnings found while looking for the configuration (a ``[tool.iam_redshift]`` table
    #: that is not read), for the command line to print.
    warnings: tuple[str, ...] = ()

    def options(self, **changes: Any) -> LintOptions:
        """The engine's options for this configuration (``changes`` add ``kind`` and the like).

        Per-file ignores are not handed to the engine: they match paths relative to the
        configuration, which :func:`apply_config` works out.
        """
        changes.setdefault("instance_role_arn", self.instance_role)
        return LintOptions(
            select=self.select,
            ignore=self.ignore,
            severity=dict(self.severity),
            trust_policy_max_chars=self.trust_policy_max_chars,
            **changes,
        )

    def relative(self, file: str | Path) -> str:
        """``file`` as globs see it: relative to the root, forward slashes (absolute, with
        forward slashes, when it lies outside the root)."""
        text = os.fspath(file)
        if self.root is None:
            return text.replace(os.sep, "/")
        absolute = os.path.abspath(text)
        try:
            relative = os.path.relpath(absolute, self.root)
        except ValueError:  # another drive, on Windows
            return absolute.replace(os.sep, "/")
        if relative == os.curdir:
            return ""
        if relative == os.pardir or relative.startswith(os.pardir + os.sep):
            return absolute.replace(os.sep, "/")
        return relative.replace(os.sep, "/")

    def excluded(self, file: str | Path) -> bool:
        """Whether ``file`` (a file or directory) or a folder above it matches ``exclude``."""
        if not self.exclude:
            return False
        relative = self.relative(file)
        patterns = tuple(self.exclude)  # the same tuple, unless a caller gave a list
        if _matches_any(relative, patterns):
            return True
        folder = relative.rpartition("/")[0]
        return bool(folder) and _folder_excluded(folder, patterns)


def _matches_any(path: str, patterns: tuple[str, ...]) -> bool:
    if not path:
        return False
    names, globs = _split_patterns(patterns)
    return path.rpartition("/")[2] in names or any(matches_path(path, p) for p in globs)


@functools.lru_cache(maxsize=64)
def _split_patterns(patterns: tuple[str, ...]) -> tuple[frozenset[str], tuple[str, ...]]:
    """``exclude`` made quick to ask: the plain names (no ``/``, no wildcard: ``.git``,
    ``node_modules``), which a path matches when its last part is one of them, and the other
    patterns, each matched as a glob (:func:`matches_path`). A trailing ``/`` is dropped."""
    names: set[str] = set()
    globs: list[str] = []
    for given in patterns:
        pattern = given.rstrip("/")
        if "/" in pattern or is_glob(pattern):
            globs.append(pattern)
        else:
            names.add(pattern)
    return frozenset(names), tuple(globs)


#: Whether a folder (relative, as globs see it) or one above it matches the patterns: the files
#: of one folder share the answer (a directory of 1,600 policies asked it 1,600 times over, for
#: every folder above them). Bounded: emptied when full.
_FOLDER_ANSWERS: Memo[tuple[str, tuple[str, ...]], bool] = Memo(4096)


def _folder_excluded(folder: str, patterns: tuple[str, ...]) -> bool:
    # Up to the nearest folder answered before (or the top), then down again, answering each:
    # a loop, not recursion, as a path may have thousands of folders.
    pending: list[str] = []
    answer = False
    while folder:
        known = _FOLDER_ANSWERS.get((folder, patterns))
        if known is not None:
            answer = known
            break
        pending.append(folder)
        folder = folder.rpartition("/")[0]
    for folder in reversed(pending):
        answer = answer or _matches_any(folder, patterns)
        _FOLDER_ANSWERS.remember((folder, patterns), answer)
    return answer


# -- finding and reading -------------------------------------------------------------------------


def _may_name_us(data: bytes) -> bool:
    """Whether a pyproject.toml's bytes may hold a table for us, spelt right or not: false when
    no "iam" appears in any case and no escape could spell it. Most projects' pyproject.toml
    has none, and then a lint does not pay for importing a TOML parser and parsing the file."""
    return b"iam" in data.lower() or b"\\u" in data or b"\\U" in data


#: Spellings of the table that are not read, and so are reported (``[tool.iam_redshift]``).
_NEAR_TABLES = ("iam_redshift", "iamredshift", "iam-redshift-lint", "iam_redshift_lint")


def _our_tables(path: Path) -> tuple[bool, str | None]:
    """What a pyproject.toml holds for us, from one read and one parse: whether it has a
    ``[tool.iam-redshift]`` table, and the name of a table that looks meant for iam-redshift
    but is spelt otherwise (``iam_redshift``). A file that is not valid TOML has the table
    when a header names it, so that its error is reported, not skipped."""
    from iam_redshift.setup_file import parse_mapping

    try:
        data = path.read_bytes()[: MAX_CONFIG_BYTES + 1]
    except OSError:
        return False, None
    if not _may_name_us(data):
        return False, None
    try:
        tool = parse_mapping(data, source=PYPROJECT).get("tool")
    except SetupFileError:
        text = data.decode("utf-8", errors="replace")
        header = r"^\s*\[+\s*tool\s*\.\s*[\"']?iam-redshift\b"
        return re.search(header, text, re.MULTILINE) is not None, None
    if not isinstance(tool, dict):
        return False, None
    if "iam-redshift" in tool:
        return True, None
    near = (n for n in tool if isinstance(n, str) and n.lower().replace(".", "_") in _NEAR_TABLES)
    return False, next(near, None)


def _has_table(path: Path) -> bool:
    """Whether a pyproject.toml has a ``[tool.iam-redshift]`` table (see :func:`_our_tables`)."""
    return _our_tables(path)[0]


def find_config_warnings(start: str | Path | None = None) -> tuple[str, ...]:
    """Warnings about configuration tables passed over on the way up from ``start``: the
    pyproject.toml files (up to the configuration found) whose table is misspelt."""
    directory = Path(os.path.abspath(start if start is not None else os.curdir))
    warnings: list[str] = []
    for folder in (directory, *directory.parents):
        if (folder / CONFIG_NAME).is_file():
            break
        pyproject = folder / PYPROJECT
        if pyproject.is_file():
            has_table, misspelt = _our_tables(pyproject)
            if has_table:
                break
            if misspelt is not None:
                warnings.append(
                    f"{_display(pyproject)}: [tool.{misspelt}] is not read: the table is "
                    f"[{_TABLE}] (with a hyphen)"
                )
    return tuple(warnings)


def find_config(start: str | Path | None = None) -> Path | None:
    """The configuration that applies in ``start`` (default: the current directory): the nearest
    ``.iam-redshift.toml``, or ``pyproject.toml`` with a ``[tool.iam-redshift]`` table, found by
    searching upward. None when there is none."""
    directory = Path(os.path.abspath(start if start is not None else os.curdir))
    for folder in (directory, *directory.parents):
        own = folder / CONFIG_NAME
        if own.is_file():
            return own
        pyproject = folder / PYPROJECT
        if pyproject.is_file() and _has_table(pyproject):
            return pyproject
    return None


def _display(path: Path) -> str:
    """A configuration file's name in messages and findings: relative to the current directory
    when it is below it, else absolute."""
    absolute = os.path.abspath(path)
    return absolute if _outside_cwd(absolute) else os.path.relpath(absolute)


def _outside_cwd(absolute: str) -> bool:
    try:
        relative = os.path.relpath(absolute)
    except ValueError:
        return True
    return relative == os.pardir or relative.startswith(os.pardir + os.sep)


def load_config(path: str | Path) -> Config:
    """Read and check the configuration in ``path`` (a ``pyproject.toml`` is read for its
    ``[tool.iam-redshift]`` table, any other file for its top level)."""
    from iam_redshift.setup_file import read_document_bytes

    path = Path(path)
    source = _display(path)
    try:
        data = read_document_bytes(path, limit=MAX_CONFIG_BYTES, what="configuration file")
    except SetupFileError as error:
        raise ConfigError(source, error.detail) from None
    return parse_config(
        data,
        source=source,
        root=os.path.dirname(os.path.abspath(path)),
        pyproject=path.name == PYPROJECT,
    )


def parse_config(
    data: bytes | str,
    *,
    source: str = CONFIG_NAME,
    root: str | None = None,
    pyproject: bool = False,
) -> Config:
    """A :class:`Config` from the text of a configuration file named ``source``.

    With ``pyproject`` the ``[tool.iam-redshift]`` table is read, else the top level. ``root``
    is the absolute directory that globs are relative to (None: paths match as given).
    """
    from iam_redshift.setup_file import parse_mapping

    raw = data.encode("utf-8") if isinstance(data, str) else data
    # Always TOML: a name like "settings.json" must not make parse_mapping read JSON.
    toml_source = source if source.endswith(".toml") else f"{source}.toml"
    try:
        mapping = parse_mapping(raw, source=toml_source) if raw.strip() else {}
    except SetupFileError as error:
        raise ConfigError(source, error.detail) from None
    prefix = ""
    if pyproject:
        tool = mapping.get("tool", {})
        table = tool.get("iam-redshift") if isinstance(tool, dict) else None
        if table is None:
            near = [
                name
                for name in (tool if isinstance(tool, dict) else {})
                if isinstance(name, str) and name.lower().replace(".", "_") in _NEAR_TABLES
            ]
            hint = f" ([tool.{near[0]}] is not read: the table is [{_TABLE}])" if near else ""
            raise ConfigError(
                source, f"no [{_TABLE}] table: nothing here configures iam-redshift{hint}"
            )
        mapping, prefix = table, _TABLE
    if not isinstance(mapping, dict):
        raise ConfigError(source, f"{prefix}: expected a table")
    _check_schema(mapping, source, prefix)
    _check_codes(mapping, source, prefix)
    _check_values(mapping, source, prefix)
    text = raw.decode("utf-8-sig", errors="replace")
    return _config_from(mapping, source, root, prefix, text)


def _key(prefix: str, where: str) -> str:
    """The dotted key of ``where`` under the table ``prefix`` (``tool.iam-redshift.select``)."""
    if not prefix:
        return where
    if where == "(top level)":
        return prefix
    return f"{prefix}.{where}" if not where.startswith("[") else f"{prefix}{where}"


def _check_schema(mapping: Mapping[str, Any], source: str, prefix: str) -> None:
    from iam_redshift._quick_schema import quick_validator

    quick = quick_validator("config.schema.json")
    if quick is not None and quick(mapping):
        return  # valid: no need to import jsonschema to say so
    from jsonschema.exceptions import best_match

    from iam_redshift._schemas import validator
    from iam_redshift.setup_file import describe_schema_error

    error = best_match(validator("config.schema.json").iter_errors(mapping))
    if error is None:
        return
    detail = describe_schema_error(error)
    where, _, what = detail.partition(": ")
    raise ConfigError(source, f"{_key(prefix, where)}: {what}")


def _known_codes() -> tuple[str, ...]:
    from iam_redshift.rules import all_rules

    return tuple(all_rules())


def _check_codes(mapping: Mapping[str, Any], source: str, prefix: str) -> None:
    """Codes must be in the catalogue; selectors must be a prefix of at least one code."""
    known = _known_codes()

    def selector(value: str, where: str) -> None:
        if not any(code.startswith(value) for code in known):
            raise ConfigError(
                source,
                f"{_key(prefix, where)}: unknown rule code or prefix {value!r}: no rule's code "
                "starts with it (see 'iam-redshift rules')",
            )

    def code(value: str, where: str) -> None:
        if value not in known:
            raise ConfigError(
                source,
                f"{_key(prefix, where)}: unknown rule code {value!r} (see 'iam-redshift rules')",
            )

    for key in ("select", "ignore"):
        for index, value in enumerate(mapping.get(key, ())):
            selector(value, f"{key}[{index}]")
    for pattern, values in mapping.get("per-file-ignores", {}).items():
        for index, value in enumerate(values):
            selector(value, f"per-file-ignores.{_quoted(pattern)}[{index}]")
    for value in mapping.get("severity", {}):
        code(value, f"severity.{value}")
    for index, entry in enumerate(mapping.get("suppress", ())):
        code(entry["code"], f"suppress[{index}].code")


def _blank(text: str) -> bool:
    """Whether ``text`` says nothing: only whitespace and invisible format characters (a
    zero-width space, a byte order mark, a direction mark)."""
    return all(c.isspace() or unicodedata.category(c) == "Cf" for c in text)


def _check_values(mapping: Mapping[str, Any], source: str, prefix: str) -> None:
    """What the schema cannot say: integers written as integers, reasons that say something,
    globs that are not regular expressions, an instance role that is a role ARN."""
    from iam_redshift.arn import arn_fields
    from iam_redshift.sources.globs import regex_like

    limit = mapping.get("trust-policy-max-chars")
    # JSON Schema's "integer" accepts 3000.0; a quota is a whole number, written as one.
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int)):
        raise ConfigError(
            source,
            f"{_key(prefix, 'trust-policy-max-chars')}: {limit!r} is not an integer "
            "(write it without a decimal point)",
        )
    for index, entry in enumerate(mapping.get("suppress", ())):
        if _blank(entry["reason"]):
            raise ConfigError(
                source,
                f"{_key(prefix, f'suppress[{index}].reason')}: the reason is blank (only "
                "spaces or invisible characters): say why this finding is accepted",
            )
    globs = [(f"exclude[{i}]", g) for i, g in enumerate(mapping.get("exclude", ()))]
    globs += [(f"extend-exclude[{i}]", g) for i, g in enumerate(mapping.get("extend-exclude", ()))]
    globs += [(f"per-file-ignores.{_quoted(g)}", g) for g in mapping.get("per-file-ignores", {})]
    globs += [(f"suppress[{i}].path", e["path"]) for i, e in enumerate(mapping.get("suppress", ()))]
    for where, pattern in globs:
        why = regex_like(pattern)
        if why is not None:
            raise ConfigError(
                source,
                f"{_key(prefix, where)}: {pattern!r} looks like a regular expression ({why}), "
                "which as a glob would match nothing; globs use * and ? (e.g. '**/*.json')",
            )
    role = mapping.get("instance-role")
    if role is not None:
        fields = arn_fields(role)
        if fields is None or fields[1] != "iam" or not fields[4].startswith("role/"):
            raise ConfigError(
                source,
                f"{_key(prefix, 'instance-role')}: {role!r} is not a role ARN "
                "(arn:<partition>:iam::<account>:role/<path><name>)",
            )


def _quoted(key: str) -> str:
    """A TOML key as it is written: bare when it can be, else in double quotes."""
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else f'"{key}"'


def _suppression_positions(text: str, prefix: str, count: int) -> list[tuple[int, int]]:
    """Line and column of each ``[[...suppress]]`` header, or (1, 1) for all when the entries
    are written some other way (an inline array)."""
    dotted = r"[ \t]*\.[ \t]*".join(
        rf"(?:{re.escape(part)}|\"{re.escape(part)}\"|'{re.escape(part)}')"
        for part in [*prefix.split("."), "suppress"]
        if part
    )
    header = re.compile(rf"^([ \t]*)\[\[[ \t]*{dotted}[ \t]*\]\]", re.MULTILINE)
    found = []
    for match in header.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        found.append((line, len(match.group(1)) + 1))
    return found if len(found) == count else [(1, 1)] * count


def _config_from(
    mapping: Mapping[str, Any], source: str, root: str | None, prefix: str, text: str
) -> Config:
    entries = mapping.get("suppress", [])
    positions = _suppression_positions(text, prefix, len(entries))
    base = "".join(f"/{part}" for part in prefix.split(".") if part)
    suppressions = tuple(
        Suppression(
            code=entry["code"],
            path=entry["path"],
            reason=entry["reason"].strip(),
            sid=entry.get("sid"),
            pointer=f"{base}/suppress/{index}",
            line=line,
            column=column,
        )
        for index, (entry, (line, column)) in enumerate(zip(entries, positions, strict=True))
    )
    exclude = tuple(mapping.get("exclude", DEFAULT_EXCLUDE)) + tuple(
        mapping.get("extend-exclude", ())
    )
    return Config(
        file=source,
        root=root,
        select=tuple(mapping.get("select", ("IR",))),
        ignore=tuple(mapping.get("ignore", ())),
        per_file_ignores=tuple(
            (pattern, tuple(codes))
            for pattern, codes in mapping.get("per-file-ignores", {}).items()
        ),
        severity={code: Severity(value) for code, value in mapping.get("severity", {}).items()},
        fail_on=mapping.get("fail-on"),
        exclude=exclude,
        trust_policy_max_chars=mapping.get("trust-policy-max-chars", TRUST_POLICY_DEFAULT_MAX),
        suppress=suppressions,
        knowledge=(
            os.path.join(root or "", mapping["knowledge"]) if "knowledge" in mapping else None
        ),
        instance_role=mapping.get("instance-role"),
    )
