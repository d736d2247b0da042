"""Replace personal and company identifiers in Chinese or English text with stable typed placeholders.

Detection is a registry of small recognizers (engine.default_recognizers): shape-based ones with check digits
(structured.py), jieba-based Chinese ones (chinese.py) and English ones (english.py). The engine keeps the
longest span where they overlap and gives each identifier a placeholder such as [人员1], the same one for the
same identifier throughout a text or a batch.
"""

from assistant.anonymize.cli import run_cli
from assistant.anonymize.engine import LABELS, PLACEHOLDER, Anonymizer, Entity

__all__ = ["LABELS", "PLACEHOLDER", "Anonymizer", "Entity", "run_cli"]
