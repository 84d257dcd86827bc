"""Both processes by key, validated when first imported so a broken table fails at start-up."""
from workflows import dispute, funding_change
from workflows.definitions import Workflow, validate

WORKFLOWS: dict[str, Workflow] = {w.key: w for w in (funding_change.WORKFLOW, dispute.WORKFLOW)}

for _workflow in WORKFLOWS.values():
    _problems = validate(_workflow)
    if _problems:
        raise RuntimeError(f"Workflow {_workflow.key} is inconsistent: {'; '.join(_problems)}")


def workflow_for(key: str) -> Workflow:
    return WORKFLOWS[key]
