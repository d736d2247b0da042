"""`python -m assistant grade FILE [--json] [--target 合格|优秀]`: the contract JSON or a readable report."""

from __future__ import annotations

import argparse
import json
import sys

from assistant.rules.assessment import load_assessment
from assistant.rules.engine import grade
from assistant.rules.report import render
from assistant.rules.scheme import load_scheme


def run_grade(args: argparse.Namespace) -> int:
    from assistant.settings import get_settings

    settings = get_settings()
    assessment = load_assessment(args.file, knowledge_dir=settings.knowledge_dir,
                                 max_bytes=settings.assessment_max_kb * 1024)
    scheme = load_scheme(assessment.scheme, settings.knowledge_dir)
    result = grade(assessment, scheme, target=getattr(args, "target", None))
    if getattr(args, "json", False):
        sys.stdout.write(json.dumps(result.to_contract(), ensure_ascii=False) + "\n")
    else:
        render(result, scheme)
    return 0
