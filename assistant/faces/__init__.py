"""The faces of the one core: the command line and the web server (HTTP API, OpenAI-compatible API, Gradio chat)."""
