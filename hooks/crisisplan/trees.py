"""Decision trees: their structure, checked, and walked in order for rendering."""
from __future__ import annotations

from dataclasses import dataclass

from .hints import closest

OUTCOME_TARGETS = ("severity", "playbook", "action")


@dataclass(frozen=True)
class TreeIssue:
    path: tuple  # inside the tree file
    code: str
    message: str
    on_key: bool = False


def is_outcome(node: dict) -> bool:
    return "outcome" in node


def tree_issues(tree: dict) -> list[TreeIssue]:
    """Everything structurally wrong with one tree (its shape already checked)."""
    nodes = tree.get("nodes")
    start = tree.get("start")
    if not isinstance(nodes, dict) or not nodes or not isinstance(start, str):
        return []
    issues: list[TreeIssue] = []
    if start not in nodes:
        issues.append(TreeIssue(("start",), "unknown-step",
                                f"the start step '{start}' is not one of the steps in 'nodes'{_hint(start, nodes)}"))
    for node_id, node in nodes.items():
        if not isinstance(node, dict):
            continue
        path = ("nodes", node_id)
        has_question, has_outcome = "question" in node, "outcome" in node
        if has_question and has_outcome:
            issues.append(TreeIssue(path, "mixed-step", f"step '{node_id}' has both a question and an outcome: "
                                    "split it into a question step and an outcome step", True))
        elif not has_question and not has_outcome:
            issues.append(TreeIssue(path, "empty-step", f"step '{node_id}' has neither a question nor an outcome: "
                                    "add 'question' with 'answers', or 'outcome'", True))
        if has_question and "answers" not in node:
            issues.append(TreeIssue(path, "no-answers", f"question '{node_id}' has no answers: add 'answers'", True))
        if has_outcome and not any(node.get(t) for t in OUTCOME_TARGETS):
            issues.append(TreeIssue(path, "outcome-without-target",
                                    f"outcome '{node_id}' names no severity, playbook or action: add at least one", True))
        if has_outcome and "answers" in node:
            issues.append(TreeIssue(path + ("answers",), "answers-on-outcome",
                                    f"outcome '{node_id}' has answers; an outcome ends the tree: remove them", True))
        for index, answer in enumerate(node.get("answers") or []):
            if not isinstance(answer, dict):
                continue
            target = answer.get("next")
            if isinstance(target, str) and target not in nodes:
                issues.append(TreeIssue(path + ("answers", index, "next"), "unknown-step",
                                        f"'{target}' is not one of the steps in this tree{_hint(target, nodes)}"))
    if start in nodes:
        issues += _cycles(nodes, start)
        reachable = reachable_from(nodes, start)
        for node_id in nodes:
            if node_id not in reachable:
                issues.append(TreeIssue(("nodes", node_id), "unreachable-step",
                                        f"no answer leads to step '{node_id}': link it from an answer or delete it",
                                        True))
    return issues


def successors(node) -> list[str]:
    if not isinstance(node, dict):
        return []
    return [a["next"] for a in node.get("answers") or [] if isinstance(a, dict) and isinstance(a.get("next"), str)]


def reachable_from(nodes: dict, start: str) -> list[str]:
    """Step ids in the order a reader meets them (breadth first from the start)."""
    seen = [start]
    queue = [start]
    while queue:
        for nxt in successors(nodes.get(queue.pop(0))):
            if nxt in nodes and nxt not in seen:
                seen.append(nxt)
                queue.append(nxt)
    return seen


def _cycles(nodes: dict, start: str) -> list[TreeIssue]:
    issues = []
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    stack = [(start, iter(successors(nodes.get(start))))]
    state[start] = 1
    while stack:
        node_id, children = stack[-1]
        for index, nxt in enumerate(children):
            if nxt not in nodes:
                continue
            if state.get(nxt) == 1:
                answer_index = successors(nodes[node_id]).index(nxt)
                issues.append(TreeIssue(("nodes", node_id, "answers", answer_index, "next"), "cycle",
                                        f"this answer leads back to '{nxt}', an earlier step, so the tree "
                                        "never ends: point it at a later step or an outcome"))
            elif nxt not in state:
                state[nxt] = 1
                stack.append((nxt, iter(successors(nodes[nxt]))))
                break
        else:
            state[node_id] = 2
            stack.pop()
    return issues


def _hint(word: str, choices) -> str:
    close = closest(word, choices)
    return f": did you mean '{close}'?" if close else ""
