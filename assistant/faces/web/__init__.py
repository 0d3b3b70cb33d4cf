"""The web faces of the one Assistant: HTTP API, OpenAI-compatible API and the Gradio chat."""
