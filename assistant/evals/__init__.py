"""The offline evaluation suite: QA retrieval, grading, plans, anonymisation, safety and scripted conversations,
a LangChain baseline beside ours, a saved report, and the gate CI holds (`python -m assistant eval`)."""
