"""The process diagram and the stage names: automatic steps drawn dashed, withdrawal from any
open stage, one phrase for where the case is, and no two stages with the same name."""
from web.diagram import _svg, stage_names
from web.views.filters import stage_choices
from workflows.registry import WORKFLOWS


def test_no_two_stages_share_a_name_in_the_filter():
    labels = [label for _, label in stage_choices()]
    assert len(labels) == len(set(labels))
    assert "Dispute: Compact panel: referred" in labels


def test_every_stage_has_a_name():
    for key, workflow in WORKFLOWS.items():
        assert set(stage_names(key)) == set(workflow.info)


def test_the_diagram_draws_automatic_steps_and_withdrawal():
    svg = _svg("funding_change", "consultation")
    assert "(automatic)" in svg and "stroke-dasharray" in svg
    assert "Any open stage" in svg
    assert "(this case is here)" in svg and "(you are here)" not in svg
