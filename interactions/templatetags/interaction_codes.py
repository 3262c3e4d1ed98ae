"""Labels for the code lists an interaction stores as JSON lists (outcomes, force types,
de-escalation techniques): people read "Parent contacted", never `parent_contacted`."""

from django import template

from ..codes import DeEscalationTechnique, ForceType, Outcome

register = template.Library()

CODE_LISTS = {
    "outcomes": Outcome,
    "force_types": ForceType,
    "de_escalation_techniques": DeEscalationTechnique,
}


def code_labels(codes, kind: str) -> list[str]:
    """`codes` (a list, or a `;`-separated string) as labels of the code list `kind`; an
    unknown code is shown as stored."""
    if not codes:
        return []
    if isinstance(codes, str):
        codes = [c.strip() for c in codes.split(";") if c.strip()]
    labels = dict(CODE_LISTS[kind].choices)
    return [str(labels.get(code, code)) for code in codes]


@register.filter(name="code_labels")
def code_labels_filter(codes, kind: str) -> str:
    """{{ interaction.outcomes|code_labels:"outcomes" }} -> "Warning, Parent contacted"."""
    return ", ".join(code_labels(codes, kind))
