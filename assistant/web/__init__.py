"""The gradio web app (`python -m assistant web`): chat, self-assessment, grade report and plan pages."""
