"""Decision trees: their structure, checked, and walked in order for rendering."""
from __future__ import annotations

from dataclasses import dataclass

from .hints import closest
from .messages import Message, _

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
                                _hinted(_("the start step '%(step)s' is not one of the steps in 'nodes'"),
                                        _("the start step '%(step)s' is not one of the steps in 'nodes': did you mean '%(hint)s'?"),
                                        start, nodes)))
    for node_id, node in nodes.items():
        if not isinstance(node, dict):
            continue
        path = ("nodes", node_id)
        has_question, has_outcome = "question" in node, "outcome" in node
        if has_question and has_outcome:
            issues.append(TreeIssue(path, "mixed-step", _("step '%(step)s' has both a question and an outcome: "
                                      "split it into a question step and an outcome step").format(step=node_id), True))
        elif not has_question and not has_outcome:
            issues.append(TreeIssue(path, "empty-step", _("step '%(step)s' has neither a question nor an outcome: "
                                      "add 'question' with 'answers', or 'outcome'").format(step=node_id), True))
        if has_question and "answers" not in node:
            issues.append(TreeIssue(path, "no-answers", _("question '%(step)s' has no answers: add 'answers'").format(step=node_id), True))
        if has_outcome and not any(node.get(t) for t in OUTCOME_TARGETS):
            issues.append(TreeIssue(path, "outcome-without-target",
                                    _("outcome '%(step)s' names no severity, playbook or action: add at least one").format(
                                        step=node_id), True))
        if has_outcome and "answers" in node:
            issues.append(TreeIssue(path + ("answers",), "answers-on-outcome",
                                    _("outcome '%(step)s' has answers; an outcome ends the tree: remove them").format(step=node_id), True))
        for index, answer in enumerate(node.get("answers") or []):
            if not isinstance(answer, dict):
                continue
            target = answer.get("next")
            if isinstance(target, str) and target not in nodes:
                issues.append(TreeIssue(path + ("answers", index, "next"), "unknown-step",
                                        _hinted(_("'%(step)s' is not one of the steps in this tree"),
                                                _("'%(step)s' is not one of the steps in this tree: did you mean '%(hint)s'?"),
                                                target, nodes)))
    if start in nodes:
        issues += _cycles(nodes, start)
        reachable = reachable_from(nodes, start)
        for node_id in nodes:
            if node_id not in reachable:
                issues.append(TreeIssue(("nodes", node_id), "unreachable-step",
                                        _("no answer leads to step '%(step)s': link it from an answer or delete it").format(step=node_id),
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
                                        _("this answer leads back to '%(step)s', an earlier step, so the tree "
                                          "never ends: point it at a later step or an outcome").format(step=nxt)))
            elif nxt not in state:
                state[nxt] = 1
                stack.append((nxt, iter(successors(nodes[nxt]))))
                break
        else:
            state[node_id] = 2
            stack.pop()
    return issues


def _hinted(plain: Message, hinted: Message, step: str, choices) -> Message:
    """`plain`, or `hinted` with the closest of `choices` when one is close."""
    close = closest(step, choices)
    return hinted.format(step=step, hint=close) if close else plain.format(step=step)
