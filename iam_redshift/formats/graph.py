"""Writing a reachability analysis: text chains, JSON (``schemas/graph.schema.json``), SARIF for
its findings, Graphviz DOT, Mermaid, and a self-contained HTML report.

Each writer is a pure function of an :class:`~iam_redshift.graph.Analysis` (and ``base``, the
directory file names are made relative to): same input, same bytes, nothing fetched when the
HTML report is viewed.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from iam_redshift.formats import Report, repository_path
from iam_redshift.formats import sarif as sarif_format
from iam_redshift.formats.json_format import finding_to_json
from iam_redshift.graph import Analysis, Edge, Evidence
from iam_redshift.rules import all_rules

__all__ = [
    "GRAPH_FORMATS",
    "SCHEMA_ID",
    "to_dot",
    "to_html",
    "to_json",
    "to_json_data",
    "to_mermaid",
    "to_sarif",
    "to_text",
]

SCHEMA_ID = "https://iam-redshift.dev/schemas/graph.schema.json"
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _clean(text: str) -> str:
    """``text`` with control characters shown as escapes: names come from the dump, and a
    terminal must not act on them."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _evidence(item: Evidence, base: str | None) -> dict[str, Any]:
    found: dict[str, Any] = {
        "file": repository_path(item.file, base),
        "pointer": item.pointer,
        "line": item.line,
        "column": item.column,
    }
    if item.sid is not None:
        found["sid"] = item.sid
    return found


def to_json_data(analysis: Analysis, base: str | None = None) -> dict[str, Any]:
    """The analysis as JSON data (see ``schemas/graph.schema.json``)."""
    graph = analysis.graph
    question: dict[str, Any] = {"actions": list(graph.actions)}
    if graph.resource is not None:
        question["resource"] = graph.resource
    if graph.target_role is not None:
        question["role"] = graph.target_role
    if analysis.start is not None:
        question["from"] = analysis.start
    nodes = []
    for node_id in sorted(graph.nodes):
        node = graph.nodes[node_id]
        item: dict[str, Any] = {"id": node.id, "kind": node.kind, "name": node.name}
        if node.account is not None:
            item["account"] = node.account
        if node.file is not None:
            item["file"] = repository_path(node.file, base)
            item["pointer"] = node.pointer or ""
        nodes.append(item)
    return {
        "$schema": SCHEMA_ID,
        "accounts": list(graph.accounts),
        "question": question,
        "nodes": nodes,
        "edges": [
            {
                "from": edge.source,
                "to": edge.target,
                "verdict": edge.verdict,
                "via": edge.via,
                "conditionKeys": list(edge.keys),
                "statements": [_evidence(s, base) for s in edge.statements],
            }
            for edge in graph.edges
        ],
        "grants": [
            {
                "principal": grant.principal,
                "action": grant.action,
                "resource": grant.resource,
                "verdict": grant.verdict,
                "conditionKeys": list(grant.keys),
                "statements": [_evidence(s, base) for s in grant.statements],
            }
            for grant in graph.grants
        ],
        "chains": [
            {
                "nodes": list(chain.nodes),
                "action": chain.grant.action,
                "resource": chain.grant.resource,
                "verdict": chain.verdict,
                "conditionKeys": list(chain.keys),
                "text": chain.text(),
            }
            for chain in analysis.chains
        ],
        "risks": [
            {"kind": risk.kind, "message": risk.message, "nodes": list(risk.nodes)}
            for risk in analysis.risks
        ],
        "findings": [
            {**finding_to_json(f), "file": repository_path(f.file, base)} for f in analysis.findings
        ],
    }


def to_json(analysis: Analysis, base: str | None = None) -> str:
    """The analysis as 2-space indented JSON."""
    return json.dumps(to_json_data(analysis, base), indent=2, ensure_ascii=False) + "\n"


def _name(analysis: Analysis, node_id: str) -> str:
    node = analysis.graph.nodes.get(node_id)
    if node is None or node.kind not in ("role", "user"):
        return node_id
    return node.name


def to_text(analysis: Analysis, base: str | None = None) -> str:
    """Chains as ``A -> B -> C`` (roles and users by name, with their ARNs listed), then risks
    and findings."""
    graph = analysis.graph
    lines: list[str] = []
    if graph.target_role is not None:
        what = f"assume {graph.target_role}"
    else:
        what = ", ".join(graph.actions)
        if graph.resource is not None:
            what += f" on {graph.resource}"
    lines.append(f"Who can reach {what}:")
    if not analysis.chains:
        lines.append("  nobody")
    for chain in analysis.chains:
        names = " -> ".join(_name(analysis, n) for n in chain.nodes)
        ending = "" if graph.target_role is not None else f" -> {chain.grant.action}"
        condition = (
            f"  [conditional on {', '.join(chain.keys) or 'a condition'}]"
            if chain.verdict == "conditional"
            else ""
        )
        lines.append(_clean(f"  {names}{ending}{condition}"))
    holders = sorted({c.nodes[-1] for c in analysis.chains})
    if graph.target_role is None and holders:
        lines.append("")
        lines.append("Grants:")
        for holder in holders:
            for grant in (g for g in graph.grants if g.principal == holder):
                condition = (
                    f"  [conditional on {', '.join(grant.keys)}]"
                    if grant.verdict == "conditional"
                    else ""
                )
                lines.append(
                    _clean(f"  {_name(analysis, holder)}: {grant.action} on {grant.resource}")
                    + _clean(condition)
                )
    roles = sorted({n for c in analysis.chains for n in c.nodes if n in graph.nodes})
    named = [n for n in roles if graph.nodes[n].kind in ("role", "user")]
    if named:
        lines.append("")
        lines.append("Principals:")
        lines.extend(_clean(f"  {_name(analysis, n)}  {n}") for n in named)
    if analysis.risks:
        lines.append("")
        lines.append("Risks:")
        lines.extend(_clean(f"  {risk.kind}: {risk.message}") for risk in analysis.risks)
    if analysis.findings:
        lines.append("")
        lines.append("Findings:")
        for finding in analysis.findings:
            where = f"{repository_path(finding.file, base)}:{finding.line}:{finding.column}"
            lines.append(
                _clean(f"  {where}: {finding.code} [{finding.severity}] {finding.message}")
            )
    lines.append("")
    conditional = sum(1 for e in graph.edges if e.verdict == "conditional")
    lines.append(
        f"{len(graph.nodes)} principals, {len(graph.edges)} edges ({conditional} conditional), "
        f"{len(analysis.chains)} chains, {len(analysis.risks)} risks, "
        f"{len(analysis.findings)} findings"
    )
    return "\n".join(lines) + "\n"


def to_sarif(analysis: Analysis, base: str | None = None) -> str:
    """The analysis's findings as a SARIF log (the same shape ``lint --format sarif`` writes)."""
    return sarif_format.write(Report(analysis.findings, all_rules(), None, base))


def _relevant_edges(analysis: Analysis) -> list[Edge]:
    """The edges to draw: those on a chain, or, when there is no chain, every edge."""
    on_chain = {
        (c.nodes[i], c.nodes[i + 1]) for c in analysis.chains for i in range(len(c.nodes) - 1)
    }
    edges = analysis.graph.edges
    if not on_chain:
        return list(edges)
    return [e for e in edges if (e.source, e.target) in on_chain]


_KIND_SHAPE = {
    "role": "box",
    "user": "ellipse",
    "service": "hexagon",
    "federated": "hexagon",
    "anyone": "octagon",
    "account": "house",
    "external": "house",
}


def _dot_text(text: str) -> str:
    return '"' + _clean(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_dot(analysis: Analysis, base: str | None = None) -> str:
    """A Graphviz digraph of the chains (every edge when there is none); conditional edges
    dashed and labelled with their keys, holders double-bordered."""
    del base
    edges = _relevant_edges(analysis)
    holders = {c.nodes[-1] for c in analysis.chains}
    used = sorted({n for e in edges for n in (e.source, e.target)} | holders)
    lines = ["digraph reachability {", "  rankdir=LR;", '  node [fontname="Helvetica"];']
    for node_id in used:
        node = analysis.graph.nodes.get(node_id)
        shape = _KIND_SHAPE.get(node.kind if node else "role", "box")
        extra = ", peripheries=2" if node_id in holders else ""
        lines.append(
            f"  {_dot_text(node_id)} [label={_dot_text(_name(analysis, node_id))}, "
            f"shape={shape}{extra}];"
        )
    grants = {c.nodes[-1]: c.grant for c in analysis.chains}
    for holder in sorted(grants) if analysis.graph.target_role is None else ():
        grant = grants[holder]
        action = f"action:{grant.action}"
        lines.append(f"  {_dot_text(action)} [label={_dot_text(grant.action)}, shape=note];")
        lines.append(f"  {_dot_text(holder)} -> {_dot_text(action)};")
    for edge in edges:
        style = ""
        if edge.verdict == "conditional":
            style = f" [style=dashed, label={_dot_text(', '.join(edge.keys))}]"
        lines.append(f"  {_dot_text(edge.source)} -> {_dot_text(edge.target)}{style};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _mermaid_label(text: str) -> str:
    # Mermaid reads "#quot;" style entities inside quoted labels; nothing else is special there.
    cleaned = _clean(text)
    return '"' + "".join(f"#{ord(c)};" if c in '"#<>&`' else c for c in cleaned) + '"'


def to_mermaid(analysis: Analysis, base: str | None = None) -> str:
    """A Mermaid flowchart of the chains (every edge when there is none); conditional edges
    dotted and labelled with their keys."""
    del base
    edges = _relevant_edges(analysis)
    holders = {c.nodes[-1] for c in analysis.chains}
    used = sorted({n for e in edges for n in (e.source, e.target)} | holders)
    ids = {node_id: f"n{index}" for index, node_id in enumerate(used)}
    lines = ["flowchart LR"]
    for node_id in used:
        lines.append(f"  {ids[node_id]}[{_mermaid_label(_name(analysis, node_id))}]")
    grants = {c.nodes[-1]: c.grant for c in analysis.chains}
    if analysis.graph.target_role is None:
        actions = sorted({g.action for g in grants.values()})
        action_ids = {a: f"a{i}" for i, a in enumerate(actions)}
        for action in actions:
            lines.append(f"  {action_ids[action]}{{{{{_mermaid_label(action)}}}}}")
        for holder in sorted(grants):
            lines.append(f"  {ids[holder]} --> {action_ids[grants[holder].action]}")
    for edge in edges:
        if edge.verdict == "conditional":
            label = _mermaid_label(", ".join(edge.keys) or "condition")
            lines.append(f"  {ids[edge.source]} -. {label} .-> {ids[edge.target]}")
        else:
            lines.append(f"  {ids[edge.source]} --> {ids[edge.target]}")
    return "\n".join(lines) + "\n"


_STYLE = """
body{font-family:system-ui,sans-serif;margin:2em;color:#1b1b1b}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;
vertical-align:top;font-size:.9em}code{font-size:.9em}
.conditional{color:#8a5300}.error{color:#b00020}svg text{font-size:12px;font-family:sans-serif}
"""


def _svg(analysis: Analysis) -> str:
    """A layered drawing of the drawn edges: columns by distance from the chains' starts."""
    edges = _relevant_edges(analysis)
    holders = {c.nodes[-1] for c in analysis.chains}
    used = sorted({n for e in edges for n in (e.source, e.target)} | holders)
    if not used:
        return "<p>No edge to draw.</p>"
    depth = dict.fromkeys(used, 0)
    for _ in range(len(used)):  # longest-path layering, bounded by the node count
        changed = False
        for edge in edges:
            if depth[edge.target] < depth[edge.source] + 1 and depth[edge.source] < len(used):
                depth[edge.target] = depth[edge.source] + 1
                changed = True
        if not changed:
            break
    columns: dict[int, list[str]] = {}
    for node in used:
        columns.setdefault(depth[node], []).append(node)
    width, height, gap_x, gap_y = 230, 34, 60, 16
    place: dict[str, tuple[int, int]] = {}
    for column, members in sorted(columns.items()):
        for row, node in enumerate(members):
            place[node] = (20 + column * (width + gap_x), 20 + row * (height + gap_y))
    total_w = 40 + (max(columns) + 1) * (width + gap_x)
    total_h = 40 + max(len(m) for m in columns.values()) * (height + gap_y)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{total_w}" height="{total_h}" '
        f'role="img" aria-label="reachability graph">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" '
        'markerHeight="8" orient="auto"><path d="M0,0 L10,5 L0,10 z"/></marker></defs>',
    ]
    for edge in edges:
        x1, y1 = place[edge.source]
        x2, y2 = place[edge.target]
        dash = ' stroke-dasharray="5,4"' if edge.verdict == "conditional" else ""
        title = html.escape(
            f"{edge.source} -> {edge.target} ({edge.verdict}"
            f"{': ' + ', '.join(edge.keys) if edge.keys else ''})"
        )
        parts.append(
            f'<line x1="{x1 + width}" y1="{y1 + height // 2}" x2="{x2}" y2="{y2 + height // 2}" '
            f'stroke="#555"{dash} marker-end="url(#arrow)"><title>{title}</title></line>'
        )
    for node in used:
        x, y = place[node]
        fill = "#dbeafe" if node in holders else "#f3f4f6"
        label = _name(analysis, node)
        short = label if len(label) <= 34 else label[:31] + "..."
        parts.append(
            f'<g><title>{html.escape(_clean(node))}</title><rect x="{x}" y="{y}" width="{width}" '
            f'height="{height}" rx="6" fill="{fill}" stroke="#333"/><text x="{x + 8}" '
            f'y="{y + 21}">{html.escape(_clean(short))}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)


def to_html(analysis: Analysis, base: str | None = None) -> str:
    """A self-contained HTML report: the graph drawn as inline SVG, the chains, risks and
    findings. No script, stylesheet, font or image is fetched when it is viewed."""
    data = to_json_data(analysis, base)
    escape = html.escape
    rows = "".join(
        f"<tr><td><code>{escape(_clean(c['text']))}</code></td><td>{escape(c['resource'])}</td>"
        f'<td class="{c["verdict"]}">{escape(c["verdict"])}'
        f"{' (' + escape(', '.join(c['conditionKeys'])) + ')' if c['conditionKeys'] else ''}"
        "</td></tr>"
        for c in data["chains"]
    )
    risks = "".join(
        f"<tr><td>{escape(r['kind'])}</td><td>{escape(_clean(r['message']))}</td></tr>"
        for r in data["risks"]
    )
    findings = "".join(
        f'<tr><td class="error">{escape(f.code)}</td><td>{escape(str(f.severity))}</td>'
        f"<td>{escape(repository_path(f.file, base))}:{f.line}:{f.column}</td>"
        f"<td>{escape(_clean(f.message))}</td></tr>"
        for f in analysis.findings
    )
    question = escape(", ".join(data["question"]["actions"]))
    body = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        # Nothing may load from elsewhere, whatever the dump's names hold.
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">",
        "<title>iam-redshift: who can reach Redshift credentials</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>Who can reach {question}</h1>",
        f"<p>Accounts: {escape(', '.join(data['accounts']) or 'none')}. "
        f"{len(data['nodes'])} principals, {len(data['edges'])} edges, "
        f"{len(data['chains'])} chains.</p>",
        "<h2>Graph</h2>",
        _svg(analysis),
        "<h2>Chains</h2>",
        f"<table><tr><th>Chain</th><th>Resource</th><th>Verdict</th></tr>{rows}</table>"
        if rows
        else "<p>Nobody.</p>",
        "<h2>Risks</h2>",
        f"<table><tr><th>Kind</th><th>What</th></tr>{risks}</table>" if risks else "<p>None.</p>",
        "<h2>Findings</h2>",
        "<table><tr><th>Code</th><th>Severity</th><th>Where</th><th>What</th></tr>"
        f"{findings}</table>"
        if findings
        else "<p>None.</p>",
        "</body></html>",
    ]
    return "\n".join(body) + "\n"


#: ``iam-redshift graph --format`` name to its writer.
GRAPH_FORMATS: Mapping[str, Callable[[Analysis, str | None], str]] = {
    "text": to_text,
    "json": to_json,
    "sarif": to_sarif,
    "dot": to_dot,
    "mermaid": to_mermaid,
    "html": to_html,
}
