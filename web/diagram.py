"""The process diagram, drawn by Graphviz from the workflow's own transition table, with the
case's current stage highlighted and every stage called by its tag (never an internal name):
people's steps by their buttons, the service's own by their declared `automatic` words."""
import shutil
from functools import lru_cache

import graphviz

from workflows.definitions import Workflow


@lru_cache(maxsize=None)
def stage_names(workflow_key: str) -> dict[str, str]:
    """Each stage's name as people read it: its tag, with a few words more where two stages
    share a tag (the Compact panel before and after the hearing is scheduled)."""
    from workflows.registry import WORKFLOWS
    info = WORKFLOWS[workflow_key].info
    tags = [i.tag for i in info.values()]
    return {state: i.tag + (f": {SHARED_TAG_WORDS.get(state, state.rsplit('_', 1)[-1])}" if tags.count(i.tag) > 1 else "")
            for state, i in info.items()}


SHARED_TAG_WORDS = {"panel_referred": "referred", "panel_hearing": "hearing"}


@lru_cache(maxsize=64)
def _svg(workflow_key: str, current: str) -> str:
    from workflows.registry import WORKFLOWS
    workflow = WORKFLOWS[workflow_key]
    dot = graphviz.Digraph(graph_attr={"rankdir": "TB", "fontname": "Arial", "bgcolor": "white",
                                       "nodesep": "0.8", "ranksep": "0.7", "forcelabels": "true"},
                           node_attr={"shape": "box", "style": "rounded,filled", "fontname": "Arial",
                                      "fillcolor": "#f3f2f1", "color": "#505a5f", "fontsize": "12"},
                           edge_attr={"fontname": "Arial", "fontsize": "10", "color": "#505a5f"})
    names = stage_names(workflow_key)
    node = {state.value: f"stage{n}" for n, state in enumerate(workflow.states)}  # ids never show state names
    for state in workflow.states:
        label = names[state.value] + (" (this case is here)" if state.value == current else "")
        extra = {"fillcolor": "#005a5b", "fontcolor": "white", "penwidth": "3"} if state.value == current else {}
        dot.node(node[state.value], label, tooltip=names[state.value], **extra)
    seen, from_any = set(), set()
    for t in workflow.transitions:
        if t.dest is None:
            continue
        sources = workflow.expand(t.sources)
        if len(sources) > 3:  # "withdraw from any stage": one note, not an arrow from every stage
            from_any.add((str(t.dest), t.automatic if t.is_system else t.button, t.is_system))
            continue
        for source in sources:
            if (source, t.dest, t.is_system) in seen or source == str(t.dest):
                continue
            seen.add((source, t.dest, t.is_system))
            if t.is_system:  # the service does these itself when a date passes
                dot.edge(node[source], node[str(t.dest)], label=f"  {t.automatic} (automatic)  ",
                         style="dashed")
            else:
                dot.edge(node[source], node[str(t.dest)], label=f"  {t.button}  ")
    if from_any:
        dot.node("any_open", "Any open stage", shape="note", style="filled", fillcolor="white")
        for dest, words, system in sorted(from_any):
            dot.edge("any_open", node[dest], label=f"  {words}{' (automatic)' if system else ''}  ",
                     style="dashed" if system else "solid")
    return dot.pipe(format="svg").decode("utf-8")


def diagram_svg(workflow: Workflow, current: str) -> str:
    """SVG of the process; a plain text fallback image if Graphviz is not installed."""
    if shutil.which("dot") is None:
        return ('<svg xmlns="http://www.w3.org/2000/svg" width="400" height="40"><text x="10" y="25">'
                "Diagram unavailable: install Graphviz.</text></svg>")
    return _svg(workflow.key, current)
