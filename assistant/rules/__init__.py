"""The deterministic rule layer: scheme data, assessment files, grade, explanation and gap analysis."""

from assistant.rules.assessment import Assessment, load_assessment, validate_assessment
from assistant.rules.engine import GradeResult, grade
from assistant.rules.gap import apply_gap
from assistant.rules.scheme import Scheme, available_versions, load_scheme

__all__ = [
    "Assessment",
    "GradeResult",
    "Scheme",
    "apply_gap",
    "available_versions",
    "grade",
    "load_assessment",
    "load_scheme",
    "validate_assessment",
]
