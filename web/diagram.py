"""The process diagram, drawn by Graphviz from the workflow's own transition table, with the
case's current stage highlighted and every stage called by its tag (never an internal name)."""
import shutil
from functools import lru_cache

import graphviz

from workflows.definitions import Workflow


@lru_cache(maxsize=64)
def _svg(workflow_key: str, current: str) -> str:
    from workflows.registry import WORKFLOWS
    workflow = WORKFLOWS[workflow_key]
    dot = graphviz.Digraph(graph_attr={"rankdir": "TB", "fontname": "Arial", "bgcolor": "white"},
                           node_attr={"shape": "box", "style": "rounded,filled", "fontname": "Arial",
                                      "fillcolor": "#f3f2f1", "color": "#505a5f", "fontsize": "12"},
                           edge_attr={"fontname": "Arial", "fontsize": "10", "color": "#505a5f"})
    node = {state.value: f"stage{n}" for n, state in enumerate(workflow.states)}  # ids never show state names
    for state in workflow.states:
        info = workflow.info[state.value]
        label = info.tag + (" (you are here)" if state.value == current else "")
        extra = {"fillcolor": "#005a5b", "fontcolor": "white", "penwidth": "3"} if state.value == current else {}
        dot.node(node[state.value], label, tooltip=info.tag, **extra)
    seen = set()
    for t in workflow.transitions:
        if t.dest is None:
            continue
        for source in workflow.expand(t.sources):
            if (source, t.dest) in seen or source == str(t.dest):
                continue
            if len(workflow.expand(t.sources)) > 3:
                continue  # "withdraw from any stage" would clutter the picture; it is listed in words
            seen.add((source, t.dest))
            dot.edge(node[source], node[str(t.dest)], label=t.button if not t.is_system else f"{t.button} (automatic)")
    return dot.pipe(format="svg").decode("utf-8")


def diagram_svg(workflow: Workflow, current: str) -> str:
    """SVG of the process; a plain text fallback image if Graphviz is not installed."""
    if shutil.which("dot") is None:
        return ('<svg xmlns="http://www.w3.org/2000/svg" width="400" height="40"><text x="10" y="25">'
                "Diagram unavailable: install Graphviz.</text></svg>")
    return _svg(workflow.key, current)
